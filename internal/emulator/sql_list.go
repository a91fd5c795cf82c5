package emulator

import (
	"cmp"
	"encoding/json"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// sqlJobCommon holds the keys the status (§2.2) and list (§2.5) answers share.
type sqlJobCommon struct {
	JobID                string   `json:"job_id"`
	JobType              string   `json:"job_type"`
	QueueName            string   `json:"queue_name"`
	Owner                string   `json:"owner"`
	StartTime            int64    `json:"start_time"`
	Duration             int64    `json:"duration"`
	Status               string   `json:"status"`
	InputRowCount        int64    `json:"input_row_count"`
	BadRowCount          int64    `json:"bad_row_count"`
	InputSize            int64    `json:"input_size"`
	ResultCount          int64    `json:"result_count"`
	DatabaseName         string   `json:"database_name"`
	TableName            string   `json:"table_name"`
	Detail               string   `json:"detail"`
	Statement            string   `json:"statement"`
	Tags                 []sqlTag `json:"tags"`
	ResultFormat         string   `json:"result_format"`
	ResultPath           string   `json:"result_path"`
	ExecutionDetailsPath string   `json:"execution_details_path"`
}

type sqlStatusResponse struct {
	envelope
	sqlJobCommon
	JobMode  string `json:"job_mode"`
	UserConf string `json:"user_conf"`
}

type sqlListItem struct {
	sqlJobCommon
	EngineType       string `json:"engine_type"`
	Message          string `json:"message"`
	EndTime          int64  `json:"end_time"`
	WithColumnHeader bool   `json:"with_column_header"`
}

// sqlResult is what a finished job produced: a constant SELECT gives one
// row (see constantSelect), any other statement none.
func (j *sqlJob) result() ([]sqlColumn, [][]any) {
	if j.JobType != "QUERY" {
		return nil, nil
	}
	cols, row, ok := constantSelect(j.Statement)
	if !ok {
		return nil, nil
	}
	return cols, [][]any{row}
}

// sparkSchema is the status's detail: a Spark struct type as JSON text.
func sparkSchema(cols []sqlColumn) string {
	type field struct {
		Name     string         `json:"name"`
		Type     string         `json:"type"`
		Nullable bool           `json:"nullable"`
		Metadata map[string]any `json:"metadata"`
	}
	fs := []field{}
	for _, c := range cols {
		fs = append(fs, field{c.name, c.sparkType, true, map[string]any{}})
	}
	return string(marshal(struct {
		Type   string  `json:"type"`
		Fields []field `json:"fields"`
	}{"struct", fs}))
}

func (q *sqlService) common(j *sqlJob, v sqlView) sqlJobCommon {
	c := sqlJobCommon{
		JobID: j.ID, JobType: j.JobType, QueueName: j.Queue, Owner: j.Owner, StartTime: j.CreatedAt.UnixMilli(),
		Duration: v.duration.Milliseconds(), Status: v.status, DatabaseName: j.Database, Statement: j.Statement,
		Tags: append([]sqlTag{}, j.Tags...), ResultFormat: "csv",
	}
	if v.status == SQLFinished && j.JobType == "QUERY" {
		cols, rows := j.result()
		c.ResultCount, c.Detail = int64(len(rows)), sparkSchema(cols)
		c.ResultPath = "obs://dli-emulator/jobs/result/" + q.opts.ProjectID + "/" +
			j.CreatedAt.UTC().Format("2006/01/02") + "/" + j.ID
	}
	return c
}

func (j *sqlJob) message(v sqlView) string {
	if v.status == SQLFailed {
		return j.failure()
	}
	return ""
}

func (q *sqlService) handleStatus(c *call) response {
	j, errResp := q.lookup(c)
	if errResp != nil {
		return *errResp
	}
	v := j.at(q.clock.Now())
	conf, _ := json.Marshal(j.Conf)
	return okJSON(sqlStatusResponse{
		envelope: envelope{IsSuccess: true, Message: j.message(v)}, sqlJobCommon: q.common(&j, v),
		JobMode: j.mode(), UserConf: string(conf),
	})
}

// handleDetail answers §2.3, whose keys are those of import/export jobs;
// other jobs answer them empty (UNCONFIRMED what DLI answers).
func (q *sqlService) handleDetail(c *call) response {
	j, errResp := q.lookup(c)
	if errResp != nil {
		return *errResp
	}
	v := j.at(q.clock.Now())
	return okJSON(struct {
		envelope
		JobID            string   `json:"job_id"`
		Owner            string   `json:"owner"`
		StartTime        int64    `json:"start_time"`
		Duration         int64    `json:"duration"`
		ExportMode       string   `json:"export_mode"`
		DataPath         string   `json:"data_path"`
		DataType         string   `json:"data_type"`
		DatabaseName     string   `json:"database_name"`
		TableName        string   `json:"table_name"`
		WithColumnHeader bool     `json:"with_column_header"`
		Delimiter        string   `json:"delimiter"`
		QuoteChar        string   `json:"quote_char"`
		EscapeChar       string   `json:"escape_char"`
		DateFormat       string   `json:"date_format"`
		TimestampFormat  string   `json:"timestamp_format"`
		Compress         string   `json:"compress"`
		Tags             []sqlTag `json:"tags"`
	}{envelope: okEnvelope, JobID: j.ID, Owner: j.Owner, StartTime: j.CreatedAt.UnixMilli(),
		Duration: v.duration.Milliseconds(), DatabaseName: j.Database, Tags: append([]sqlTag{}, j.Tags...)})
}

func (q *sqlService) handlePreview(c *call) response {
	j, errResp := q.lookup(c)
	if errResp != nil {
		return *errResp
	}
	qs, err := url.ParseQuery(c.r.URL.RawQuery)
	if err != nil {
		return badRequest("The query string is invalid: %v", err)
	}
	size, e := queryInt(qs, "page-size", 1000)
	if e != nil {
		return *e
	}
	if size < 1 || size > 1000 {
		return badRequest("The parameter page-size is invalid: %d, it must be between 1 and 1000", size)
	}
	if j.JobType != "QUERY" {
		return badRequest("The job %s is a %s job: only QUERY jobs have a preview", j.ID, j.JobType)
	}
	if v := j.at(q.clock.Now()); v.status != SQLFinished {
		return badRequest("The job %s has no result (status: %s)", j.ID, v.status)
	}
	cols, rows := j.result()
	schema := []map[string]string{}
	for _, col := range cols {
		schema = append(schema, map[string]string{col.name: col.typ})
	}
	if int64(len(rows)) > size {
		rows = rows[:size]
	}
	return okJSON(struct {
		envelope
		JobID     string              `json:"job_id"`
		JobType   string              `json:"job_type"`
		RowCount  int                 `json:"row_count"`
		InputSize int64               `json:"input_size"`
		Schema    []map[string]string `json:"schema"`
		Rows      [][]any             `json:"rows"`
	}{okEnvelope, j.ID, j.JobType, len(rows), 0, schema, append([][]any{}, rows...)})
}

var (
	sqlJobTypes  = []string{"DDL", "DCL", "IMPORT", "EXPORT", "QUERY", "INSERT", "DATA_MIGRATION", "UPDATE", "DELETE", "RESTART_QUEUE", "SCALE_QUEUE", "ALL"}
	sqlStatuses  = []string{"LAUNCHING", "RUNNING", "FAILED", "CANCELLED", "COMPUTED", "SUSPENDED", "ACTIVE", "DELETED", "CREATING", "FINISHED", "SCALING"}
	sqlListOrder = []string{"start_time_desc", "start_time_asc", "duration_desc", "duration_asc"}
)

// tagsMatch applies the list's tags filter "k1=v1,k2=v2": every pair names
// a tag whose value contains v (case-insensitive); "k" alone needs the key.
func tagsMatch(tags []sqlTag, filter string) bool {
	for _, pair := range strings.Split(filter, ",") {
		k, v, _ := strings.Cut(pair, "=")
		if !slices.ContainsFunc(tags, func(t sqlTag) bool {
			return t.Key == strings.TrimSpace(k) && strings.Contains(strings.ToLower(t.Value), strings.ToLower(strings.TrimSpace(v)))
		}) {
			return false
		}
	}
	return true
}

func (q *sqlService) handleList(c *call) response {
	qs, pg, e := listQuery(c, currentPage)
	if e != nil {
		return *e
	}
	start, end, e := timeRange(qs)
	if e != nil {
		return *e
	}
	typ, status, order, pattern := qs.Get("job-type"), qs.Get("job-status"), qs.Get("order"), qs.Get("sql_pattern")
	types := qs["job_types"]
	for _, t := range append([]string{typ}, types...) {
		if e := oneOf("job-type", t, sqlJobTypes); e != nil {
			return *e
		}
	}
	if order == "" {
		order = sqlListOrder[0]
	}
	if e := cmp.Or(oneOf("job-status", status, sqlStatuses), oneOf("order", order, sqlListOrder)); e != nil {
		return *e
	}
	if len(pattern) > 1024 {
		return badRequest("The parameter sql_pattern is too long: %d characters, the maximum is 1024", len(pattern))
	}
	exact := map[string]string{"job-id": strings.ToLower(qs.Get("job-id")), "queue_name": qs.Get("queue_name"),
		"engine": firstOf(qs, "engine_type", "engine-type"), "owner": qs.Get("owner"), "db_name": qs.Get("db_name"),
		"table_name": qs.Get("table_name")}
	now := q.clock.Now()
	type match struct {
		j *sqlJob
		v sqlView
	}
	var ms []match
	for _, j := range q.sorted() {
		v := j.at(now)
		st := j.CreatedAt.UnixMilli()
		fields := map[string]string{"job-id": j.ID, "queue_name": j.Queue, "engine": j.Engine, "owner": j.Owner,
			"db_name": j.Database, "table_name": ""}
		ok := (typ == "" || typ == "ALL" || typ == j.JobType) &&
			(len(types) == 0 || slices.Contains(types, "ALL") || slices.Contains(types, j.JobType)) &&
			(status == "" || status == v.status) && (start < 0 || st >= start) && (end < 0 || st <= end) &&
			(pattern == "" || strings.Contains(strings.ToLower(j.Statement), strings.ToLower(pattern))) &&
			(qs.Get("tags") == "" || tagsMatch(j.Tags, qs.Get("tags")))
		for k, want := range exact {
			ok = ok && (want == "" || fields[k] == want)
		}
		if ok {
			ms = append(ms, match{j, v})
		}
	}
	sort.SliceStable(ms, func(a, b int) bool {
		x, y := ms[a], ms[b]
		switch order {
		case "start_time_asc":
			return x.j.Seq < y.j.Seq
		case "duration_desc":
			return x.v.duration > y.v.duration
		case "duration_asc":
			return x.v.duration < y.v.duration
		}
		return x.j.Seq > y.j.Seq
	})
	jobs := []sqlListItem{}
	for _, m := range pageOf(ms, pg) {
		var endMS int64
		if !m.v.end.IsZero() {
			endMS = m.v.end.UnixMilli()
		}
		jobs = append(jobs, sqlListItem{sqlJobCommon: q.common(m.j, m.v), EngineType: m.j.Engine,
			Message: m.j.message(m.v), EndTime: endMS})
	}
	return okJSON(struct {
		envelope
		JobCount int           `json:"job_count"`
		Jobs     []sqlListItem `json:"jobs"`
	}{okEnvelope, len(ms), jobs})
}

// adminSQLJob is a SQL job on GET /_emulator/jobs/sql.
type adminSQLJob struct {
	JobID           string   `json:"job_id"`
	JobType         string   `json:"job_type"`
	JobMode         string   `json:"job_mode"`
	Status          string   `json:"status"`
	QueueName       string   `json:"queue_name"`
	Owner           string   `json:"owner"`
	Statement       string   `json:"statement"`
	CurrentDB       string   `json:"currentdb"`
	CurrentCatalog  string   `json:"current_catalog"`
	EngineType      string   `json:"engine_type"`
	Conf            []string `json:"conf"`
	Tags            []sqlTag `json:"tags"`
	Outcome         string   `json:"outcome"`
	StartTime       int64    `json:"start_time"`
	EndTime         int64    `json:"end_time"`
	CancelRequested bool     `json:"cancel_requested"`
}

func (q *sqlService) adminJobs() any {
	now := q.clock.Now()
	out := []adminSQLJob{}
	for _, j := range q.sorted() {
		v := j.at(now)
		var endMS int64
		if !v.end.IsZero() {
			endMS = v.end.UnixMilli()
		}
		out = append(out, adminSQLJob{JobID: j.ID, JobType: j.JobType, JobMode: j.mode(), Status: v.status,
			QueueName: j.Queue, Owner: j.Owner, Statement: j.Statement, CurrentDB: j.Database, CurrentCatalog: j.Catalog,
			EngineType: j.Engine, Conf: append([]string{}, j.Conf...), Tags: append([]sqlTag{}, j.Tags...),
			Outcome: j.Outcome, StartTime: j.CreatedAt.UnixMilli(), EndTime: endMS, CancelRequested: j.cancelled()})
	}
	return out
}
