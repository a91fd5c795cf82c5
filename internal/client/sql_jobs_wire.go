package client

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// Types and wire format of the SQL job collection (CreateSqlJob dli_02_0102, ShowSqlJobStatus
// dli_02_0021, ListSqlJobs dli_02_0025, PreviewSqlJobResult dli_02_0312).

// SQLJobStatus is the status of a SQL job, upper case as DLI reports it.
type SQLJobStatus string

// The documented SQL job statuses (ShowSqlJobStatus).
const (
	SQLStatusLaunching SQLJobStatus = "LAUNCHING"
	SQLStatusRunning   SQLJobStatus = "RUNNING"
	SQLStatusScaling   SQLJobStatus = "SCALING"
	SQLStatusFinished  SQLJobStatus = "FINISHED"
	SQLStatusFailed    SQLJobStatus = "FAILED"
	SQLStatusCancelled SQLJobStatus = "CANCELLED"
)

var sqlStatuses = []SQLJobStatus{SQLStatusLaunching, SQLStatusRunning, SQLStatusScaling, SQLStatusFinished, SQLStatusFailed, SQLStatusCancelled}

// ParseSQLJobStatus upper-cases a status. The SDK's enum comment spells FINISHED as FINISH and
// American spelling is common, so FINISH and CANCELED are read as FINISHED and CANCELLED.
func ParseSQLJobStatus(s string) SQLJobStatus {
	switch u := strings.ToUpper(strings.TrimSpace(s)); u {
	case "FINISH":
		return SQLStatusFinished
	case "CANCELED":
		return SQLStatusCancelled
	default:
		return SQLJobStatus(u)
	}
}

// IsTerminal reports FINISHED, FAILED and CANCELLED: the status never changes again.
func (s SQLJobStatus) IsTerminal() bool {
	return s == SQLStatusFinished || s == SQLStatusFailed || s == SQLStatusCancelled
}

// IsActive reports LAUNCHING, RUNNING and SCALING: the statuses in which a job can be cancelled.
func (s SQLJobStatus) IsActive() bool {
	return s == SQLStatusLaunching || s == SQLStatusRunning || s == SQLStatusScaling
}

// IsKnown reports the six documented statuses.
func (s SQLJobStatus) IsKnown() bool { return s.IsActive() || s.IsTerminal() }

func (s SQLJobStatus) String() string { return string(s) }

func sqlStatusNames() []string {
	out := make([]string, len(sqlStatuses))
	for i, s := range sqlStatuses {
		out[i] = string(s)
	}
	return out
}

// CreateSQLJobRequest is what CreateSQLJob submits. Empty fields are not sent; Conf is sent as
// DLI's "key=value" strings (sorted by key), Tags as [{key,value}] (sorted by key) followed by
// the submission marker.
type CreateSQLJobRequest struct {
	SQL      string // sql
	Database string // currentdb
	Queue    string // queue_name; DLI's default queue when empty
	Catalog  string // current_catalog
	Engine   string // engine_type: spark (DLI's default) or hetuEngine
	Conf     map[string]string
	Tags     map[string]string
}

type sqlTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type createSQLJobWire struct {
	SQL      string   `json:"sql"`
	Database string   `json:"currentdb,omitempty"`
	Queue    string   `json:"queue_name,omitempty"`
	Conf     []string `json:"conf,omitempty"`
	Tags     []sqlTag `json:"tags,omitempty"`
	Engine   string   `json:"engine_type,omitempty"`
	Catalog  string   `json:"current_catalog,omitempty"`
}

// wireBody encodes the request with the marker tag added (req is not modified).
func (r *CreateSQLJobRequest) wireBody(marker string) ([]byte, error) {
	w := createSQLJobWire{SQL: r.SQL, Database: r.Database, Queue: r.Queue, Engine: r.Engine, Catalog: r.Catalog}
	for _, k := range sortedKeys(r.Conf) {
		w.Conf = append(w.Conf, k+"="+r.Conf[k])
	}
	for _, k := range sortedKeys(r.Tags) {
		w.Tags = append(w.Tags, sqlTag{Key: k, Value: r.Tags[k]})
	}
	if marker != "" {
		w.Tags = append(w.Tags, sqlTag{Key: SQLSubmissionMarkerTagKey, Value: marker})
	}
	return json.Marshal(&w)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// SQLColumn is one column of a result schema.
type SQLColumn struct {
	Name string
	Type string
}

// SQLJob is a SQL job as the status and list APIs report it.
type SQLJob struct {
	ID        string
	JobType   string // DDL, DCL, QUERY, INSERT, IMPORT, EXPORT ...
	JobMode   string // sync or async (status and submit answers only)
	Status    SQLJobStatus
	Queue     string
	Owner     string
	Statement string
	Database  string // database_name
	Table     string // table_name
	Engine    string // engine_type (list; the status API does not document it)
	// Message is DLI's message about the job: why it failed, for a FAILED job.
	Message string

	StartTime time.Time // UTC; zero when absent
	// EndTime is end_time when reported, else start_time + duration for a finished job.
	EndTime  time.Time
	Duration time.Duration

	InputRowCount int64
	BadRowCount   int64
	InputSize     int64
	ResultCount   int64
	ResultFormat  string
	ResultPath    string
	// ResultSchema is read from detail (a Spark struct schema), nil when absent.
	ResultSchema []SQLColumn

	// Conf is user_conf parsed into key/value pairs; nil when absent or unreadable.
	Conf map[string]string
	// Tags are the job's tags without the submission marker; nil when none.
	Tags map[string]string
	// SubmissionID is the value of the submission marker tag, if the job carries one.
	SubmissionID string

	// tagsReported says whether the answer had a tags member at all (the marker lookup
	// must check a job whose tags were left out).
	tagsReported bool
}

type sqlJobWire struct {
	ID            flexString      `json:"job_id"`
	JobType       flexString      `json:"job_type"`
	JobMode       flexString      `json:"job_mode"`
	Status        flexString      `json:"status"`
	Queue         flexString      `json:"queue_name"`
	Owner         flexString      `json:"owner"`
	Statement     flexString      `json:"statement"`
	Database      flexString      `json:"database_name"`
	Table         flexString      `json:"table_name"`
	Engine        flexString      `json:"engine_type"`
	EngineAlt     flexString      `json:"engine-type"`
	Message       flexString      `json:"message"`
	StartTime     flexInt64       `json:"start_time"`
	EndTime       flexInt64       `json:"end_time"`
	Duration      flexInt64       `json:"duration"`
	InputRowCount flexInt64       `json:"input_row_count"`
	BadRowCount   flexInt64       `json:"bad_row_count"`
	InputSize     flexInt64       `json:"input_size"`
	ResultCount   flexInt64       `json:"result_count"`
	ResultFormat  flexString      `json:"result_format"`
	ResultPath    flexString      `json:"result_path"`
	Detail        json.RawMessage `json:"detail"`
	UserConf      json.RawMessage `json:"user_conf"`
	Tags          json.RawMessage `json:"tags"`
}

// UnmarshalJSON decodes a status answer or a list entry tolerantly.
func (j *SQLJob) UnmarshalJSON(b []byte) error {
	var w sqlJobWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*j = SQLJob{
		ID: string(w.ID), JobType: strings.ToUpper(string(w.JobType)), JobMode: strings.ToLower(string(w.JobMode)),
		Status: ParseSQLJobStatus(string(w.Status)), Queue: string(w.Queue), Owner: string(w.Owner),
		Statement: string(w.Statement), Database: string(w.Database), Table: string(w.Table),
		Engine: firstNonEmpty(string(w.Engine), string(w.EngineAlt)), Message: string(w.Message),
		StartTime: msToTime(int64(w.StartTime)), EndTime: msToTime(int64(w.EndTime)),
		Duration:      time.Duration(w.Duration) * time.Millisecond,
		InputRowCount: int64(w.InputRowCount), BadRowCount: int64(w.BadRowCount),
		InputSize: int64(w.InputSize), ResultCount: int64(w.ResultCount),
		ResultFormat: string(w.ResultFormat), ResultPath: string(w.ResultPath),
		ResultSchema: parseColumns(w.Detail),
		Conf:         parseUserConf(w.UserConf),
		tagsReported: !isNull(w.Tags),
	}
	if j.EndTime.IsZero() && j.Status.IsTerminal() && !j.StartTime.IsZero() {
		j.EndTime = j.StartTime.Add(j.Duration)
	}
	j.Tags, j.SubmissionID = parseSQLTags(w.Tags)
	return nil
}

// parseSQLTags reads [{key,value}] (or an object), taking the marker out.
func parseSQLTags(raw json.RawMessage) (map[string]string, string) {
	if isNull(raw) {
		return nil, ""
	}
	tags := map[string]string{}
	var list []struct {
		Key   flexString `json:"key"`
		Value flexString `json:"value"`
	}
	if json.Unmarshal(raw, &list) == nil {
		for _, t := range list {
			tags[string(t.Key)] = string(t.Value)
		}
	} else {
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return nil, ""
		}
		for k, v := range m {
			tags[k] = jsonToString(v)
		}
	}
	marker := tags[SQLSubmissionMarkerTagKey]
	delete(tags, SQLSubmissionMarkerTagKey)
	if len(tags) == 0 {
		tags = nil
	}
	return tags, marker
}

// parseUserConf reads user_conf, whose format DLI does not document (UNCONFIRMED): a JSON
// array of "key=value" strings (the submitted form), a JSON object, either of those inside a
// JSON string, or plain "key=value" entries separated by new lines or commas. Spaces around
// "=" are dropped (DLI's own example writes "key = value"). Anything else gives nil.
func parseUserConf(raw json.RawMessage) map[string]string {
	t := bytes.TrimSpace(raw)
	if isNull(t) {
		return nil
	}
	var s string
	if json.Unmarshal(t, &s) == nil {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		if s[0] == '[' || s[0] == '{' {
			return parseUserConf(json.RawMessage(s))
		}
		return confFromStrings(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' }))
	}
	var list []string
	if json.Unmarshal(t, &list) == nil {
		return confFromStrings(list)
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(t, &m) == nil {
		out := make(map[string]string, len(m))
		for k, v := range m {
			out[strings.TrimSpace(k)] = jsonToString(v)
		}
		return nonEmptyMap(out)
	}
	return nil
}

func confFromStrings(entries []string) map[string]string {
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		if strings.TrimSpace(e) == "" {
			continue
		}
		k, v, ok := strings.Cut(e, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil // not the key=value form: better nothing than a wrong conf
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return nonEmptyMap(out)
}

func nonEmptyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// parseColumns reads a result schema in any of the forms DLI uses: a Spark struct schema
// ({"type":"struct","fields":[{"name","type"}]}), possibly inside a JSON string (detail of
// the status API), or a list of one-member objects [{"c1":"int"},{"c2":"string"}] (submit and
// preview answers), or a list of {"name","type"} objects. Order is kept.
func parseColumns(raw json.RawMessage) []SQLColumn {
	t := bytes.TrimSpace(raw)
	if isNull(t) {
		return nil
	}
	var s string
	if json.Unmarshal(t, &s) == nil {
		if s = strings.TrimSpace(s); s == "" {
			return nil
		}
		return parseColumns(json.RawMessage(s))
	}
	var st struct {
		Fields []struct {
			Name flexString `json:"name"`
			Type flexString `json:"type"`
		} `json:"fields"`
	}
	if t[0] == '{' {
		if json.Unmarshal(t, &st) != nil || len(st.Fields) == 0 {
			return nil
		}
		out := make([]SQLColumn, len(st.Fields))
		for i, f := range st.Fields {
			out[i] = SQLColumn{Name: string(f.Name), Type: string(f.Type)}
		}
		return out
	}
	var list []json.RawMessage
	if json.Unmarshal(t, &list) != nil {
		return nil
	}
	var out []SQLColumn
	for _, item := range list {
		var named struct {
			Name *flexString `json:"name"`
			Type flexString  `json:"type"`
		}
		if json.Unmarshal(item, &named) == nil && named.Name != nil {
			out = append(out, SQLColumn{Name: string(*named.Name), Type: string(named.Type)})
			continue
		}
		out = append(out, orderedMembers(item)...)
	}
	return out
}

// orderedMembers returns an object's members as columns, in document order.
func orderedMembers(obj json.RawMessage) []SQLColumn {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var out []SQLColumn
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return out
		}
		out = append(out, SQLColumn{Name: key, Type: jsonToString(v)})
	}
	return out
}
