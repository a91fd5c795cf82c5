package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The SQL job collection: /v1.0/{project_id}/jobs... (dli_02_0102 submit, dli_02_0021 status,
// dli_02_0025 list, dli_02_0312 preview, dli_02_0104 cancel). Its answers carry the
// {"is_success": boolean, "message"} envelope.

const sqlAPIVersion = "v1.0"

// ErrInvalidSQLJobID is returned (wrapped) when a SQL job ID is not a UUID. No request is sent
// in that case. It matches ErrInvalidID.
var ErrInvalidSQLJobID = newIDKind("SQL job")

// ValidSQLJobID reports whether id has the UUID form DLI uses for SQL jobs.
func ValidSQLJobID(id string) bool { return batchIDPattern.MatchString(id) }

func checkSQLJobID(op, id string) error {
	return checkID(op, ErrInvalidSQLJobID, id, ValidSQLJobID, "a UUID")
}

var (
	// sqlJobMissing is how a DLI.0001 answer says the job does not exist ("The job xxx does
	// not exist", "Job xxx not found"). DLI.0001 also means "invalid parameter", so nothing
	// else counts.
	sqlJobMissing = regexp.MustCompile(`(?i)\bjob\b[^.;]*\b(?:does\s+not\s+exist|doesn't\s+exist|is\s+not\s+exist|not\s+exists?|not\s+found)\b`)
	// sqlJobEnded is how a cancel answer says the job had already ended: "has finished",
	// "is already cancelled", "cannot be cancelled" (the documented rule for completed and
	// failed jobs), "status is FINISHED".
	sqlJobEnded = regexp.MustCompile(`(?i)\b(?:(?:is|has|had|was)\s+(?:already\s+)?(?:finished|completed|ended|failed|cancell?ed|terminated)` +
		`|already\s+(?:finished|completed|ended|failed|cancell?ed|terminated)` +
		`|can\s*not\s+be\s+cancell?ed|can't\s+be\s+cancell?ed` +
		`|status\s*(?:is|:)\s*"?(?:finished|failed|cancell?ed)\b)`)
)

// classifySQL marks "not found". The reference leaves the answer for an unknown SQL job
// UNCONFIRMED, so only DLI-coded answers count: a 400 or 404 with DLI.0002 (DLI's "object does
// not exist" code), or with DLI.0001 phrased as sqlJobMissing. A 404 without a DLI code (a
// proxy's page, the gateway's APIGW.0101 for a wrong path) says nothing about the job.
func classifySQL(e *APIError) {
	if !statusIn(e, []int{http.StatusBadRequest, http.StatusNotFound}) {
		return
	}
	switch {
	case codeIn(e, []string{"DLI.0002"}):
		e.mark(ErrNotFound)
	case codeIn(e, []string{"DLI.0001"}) && sqlJobMissing.MatchString(e.Message):
		e.mark(ErrNotFound)
	}
}

// classifySQLCancel adds "already finished" for a cancel's refusals (see sqlRefusal): DLI.0007
// (operation not supported), or any refusal phrased as sqlJobEnded. The answer DLI gives is
// UNCONFIRMED; CancelSQLJobAndWait also re-reads the status after any other refusal.
func classifySQLCancel(e *APIError) {
	classifySQL(e)
	if !sqlRefusal(e) || e.Is(ErrNotFound) {
		return
	}
	if codeIn(e, []string{"DLI.0007"}) || sqlJobEnded.MatchString(e.Message) {
		e.mark(ErrAlreadyFinished)
	}
}

// sqlRefusal reports an answer in which DLI itself declined the request: a 4xx with a DLI
// error code, or a 2xx whose envelope says is_success false. Throttling and authentication
// failures are not refusals of the request's content.
func sqlRefusal(e *APIError) bool {
	switch {
	case e.StatusCode >= 200 && e.StatusCode <= 299:
		return true
	case e.StatusCode >= 400 && e.StatusCode < 500:
		return strings.HasPrefix(normCode(e.Code), "DLI.") && e.StatusCode != http.StatusTooManyRequests &&
			!codeIn(e, []string{"DLI.0013", "DLI.0014", "DLI.0015"}) && e.StatusCode != http.StatusUnauthorized &&
			e.StatusCode != http.StatusForbidden
	}
	return false
}

func sqlCall(op, subject, method string, segments ...string) apiCall {
	return apiCall{
		op: op, subject: subject, method: method, version: sqlAPIVersion,
		segments: append([]string{"jobs"}, segments...), redact: sqlRedaction, classify: classifySQL,
		idempotent: method == http.MethodGet || method == http.MethodDelete,
	}
}

// sqlRedaction is what a trace log may show of SQL job bodies: IDs, types, statuses, queue,
// database and table names, counts, tag keys. The statement, conf entries (user_conf), tag
// values, result rows and any key not listed are masked.
var sqlRedaction = newRedaction(
	[]string{
		"job_id", "job_type", "job_mode", "status", "queue_name", "currentdb", "database_name", "table_name",
		"engine_type", "current_catalog", "owner", "result_format", "key",
	},
	[]string{"conf", "user_conf", "sql", "statement", "rows"},
	nil,
)

// GetSQLJob reads GET /v1.0/{project_id}/jobs/{id}/status, which has every field a job
// exposes (statement, tags and user_conf included). An answer about another job, or with
// neither an id nor a status, is an error.
func (c *Client) GetSQLJob(ctx context.Context, id string) (*SQLJob, error) {
	const op = "get SQL job"
	if err := checkSQLJobID(op, id); err != nil {
		return nil, err
	}
	var job SQLJob
	if _, err := c.do(ctx, sqlCall(op, id, http.MethodGet, id, "status"), &job); err != nil {
		return nil, err
	}
	if job.ID == "" && job.Status == "" {
		return nil, fmt.Errorf("dli: %s: the answer has neither a job_id nor a status", describe(op, id))
	}
	if err := sameJob(op, "SQL job", id, job.ID); err != nil {
		return nil, err
	}
	job.ID = id
	return &job, nil
}

// SQLListOptions are the filters of GET /v1.0/{project_id}/jobs. Zero values are not sent.
type SQLListOptions struct {
	Queue      string            // queue_name
	Status     string            // job-status (upper-cased)
	JobType    string            // job-type: DDL, DCL, QUERY, INSERT ... or ALL
	SQLPattern string            // sql_pattern, case-insensitive
	Owner      string            // owner
	Tags       map[string]string // tags, sent as "k1=v1,k2=v2" (DLI matches fuzzily)
	JobID      string            // job-id
	// Order is start_time_desc (DLI's default), start_time_asc, duration_desc or duration_asc.
	Order       string
	StartAfter  time.Time // start, epoch ms
	StartBefore time.Time // end, epoch ms
	// PageSize is the page-size of each request (default and maximum 100).
	PageSize int
	// Limit stops after this many jobs (0 = all).
	Limit int
}

// SQLListMaxPageSize is the largest page-size DLI accepts.
const SQLListMaxPageSize = 100

func (o SQLListOptions) query() url.Values {
	q := newListQuery()
	q.set("queue_name", o.Queue)
	q.set("job-status", strings.ToUpper(o.Status))
	q.set("job-type", strings.ToUpper(o.JobType))
	q.set("sql_pattern", o.SQLPattern)
	q.set("owner", o.Owner)
	q.set("job-id", o.JobID)
	q.set("order", o.Order)
	q.tags(o.Tags)
	q.millis("start", o.StartAfter)
	q.millis("end", o.StartBefore)
	return q.Values
}

// ListSQLJobs lists jobs, following current-page from 1 until an empty or short page, the
// reported job_count, or opts.Limit. Jobs seen twice (a new job shifting a page) are returned
// once. DLI filters on the server; Tags matching is fuzzy there, so callers that need exact
// tags check SQLJob.Tags.
func (c *Client) ListSQLJobs(ctx context.Context, opts SQLListOptions) ([]SQLJob, error) {
	return collect(opts.Limit, c.sqlJobs(ctx, opts))
}

// sqlJobs is the listing of opts.
func (c *Client) sqlJobs(ctx context.Context, opts SQLListOptions) listing[SQLJob] {
	const op = "list SQL jobs"
	size := pageSize(opts.PageSize, SQLListMaxPageSize, SQLListMaxPageSize)
	base := opts.query()
	return pageWalk[SQLJob]{
		op: op, size: size, shortEnds: true, key: func(j SQLJob) string { return j.ID },
		fetch: func(ctx context.Context, page, _ int) ([]SQLJob, int, error) {
			var out struct {
				JobCount flexInt64 `json:"job_count"`
				Jobs     []SQLJob  `json:"jobs"`
			}
			err := c.getPage(ctx, sqlCall(op, "", http.MethodGet), base, pageAt("current-page", page+1, "page-size", size), &out)
			return out.Jobs, int(out.JobCount), err
		},
	}.walk(ctx)
}

// SQLJobResult is the preview of a QUERY job's result.
type SQLJobResult struct {
	JobID    string
	JobType  string
	RowCount int64
	Columns  []SQLColumn
	// Rows hold each cell as text: strings as they are, numbers and booleans in their JSON
	// form, nested values as compact JSON; nil for a JSON null.
	Rows [][]*string
}

// SQLPreviewMaxRows is the most rows the preview API returns.
const SQLPreviewMaxRows = 1000

// PreviewSQLJobResult reads GET /v1.0/{project_id}/jobs/{id}/preview: the first rows (at most
// SQLPreviewMaxRows; rows <= 0 asks for DLI's default, the maximum) of a QUERY job's result.
// queue, when set, is the queue that fetches the result (queue-name).
func (c *Client) PreviewSQLJobResult(ctx context.Context, id, queue string, rows int) (*SQLJobResult, error) {
	const op = "preview SQL job result"
	if err := checkSQLJobID(op, id); err != nil {
		return nil, err
	}
	q := url.Values{}
	if rows > 0 {
		q.Set("page-size", strconv.Itoa(min(rows, SQLPreviewMaxRows)))
	}
	if queue = strings.TrimSpace(queue); queue != "" {
		q.Set("queue-name", queue)
	}
	var out struct {
		JobID    flexString        `json:"job_id"`
		JobType  flexString        `json:"job_type"`
		RowCount flexInt64         `json:"row_count"`
		Schema   json.RawMessage   `json:"schema"`
		Rows     []json.RawMessage `json:"rows"`
	}
	call := sqlCall(op, id, http.MethodGet, id, "preview")
	call.query = q
	if _, err := c.do(ctx, call, &out); err != nil {
		return nil, err
	}
	if err := sameJob(op, "SQL job", id, string(out.JobID)); err != nil {
		return nil, err
	}
	res := &SQLJobResult{JobID: id, JobType: strings.ToUpper(string(out.JobType)), RowCount: int64(out.RowCount),
		Columns: parseColumns(out.Schema), Rows: make([][]*string, 0, len(out.Rows))}
	for i, raw := range out.Rows {
		if i >= SQLPreviewMaxRows {
			break
		}
		var cells []json.RawMessage
		if err := json.Unmarshal(raw, &cells); err != nil {
			return nil, fmt.Errorf("dli: %s: row %d is not a list", describe(op, id), i)
		}
		row := make([]*string, len(cells))
		for j, cell := range cells {
			if !isNull(cell) {
				s := jsonToString(cell)
				row[j] = &s
			}
		}
		res.Rows = append(res.Rows, row)
	}
	if res.RowCount == 0 {
		res.RowCount = int64(len(res.Rows))
	}
	return res, nil
}

// CancelSQLJob sends one DELETE /v1.0/{project_id}/jobs/{id}; success is {"is_success": true}
// (or an empty body). See CancelSQLJobAndWait for what destroy needs.
func (c *Client) CancelSQLJob(ctx context.Context, id string) error {
	const op = "cancel SQL job"
	if err := checkSQLJobID(op, id); err != nil {
		return err
	}
	call := sqlCall(op, id, http.MethodDelete, id)
	call.classify = classifySQLCancel
	_, err := c.do(ctx, call, nil)
	return err
}
