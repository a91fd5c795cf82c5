package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The Spark batch job collection: /v2.0/{project_id}/batches... (dli_02_0124
// create, dli_02_0125 list, dli_02_0129 cancel). Its answers are Livy-like
// objects without the is_success envelope.

const batchAPIVersion = "v2.0"

// ErrInvalidBatchID is returned (wrapped) when a batch job ID is not a UUID.
// No request is sent in that case. It matches ErrInvalidID.
var ErrInvalidBatchID = newIDKind("batch job")

var batchIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ValidBatchID reports whether id has the UUID form DLI uses for batch jobs.
func ValidBatchID(id string) bool { return batchIDPattern.MatchString(id) }

// checkBatchID validates a batch job ID before any request is built.
func checkBatchID(op, id string) error {
	return checkID(op, ErrInvalidBatchID, id, ValidBatchID, "a UUID")
}

var (
	// livyNotFound is Livy's answer for an unknown session.
	livyNotFound = regexp.MustCompile(`(?i)^session\s+'?[^']*'?\s+not found\.?$`)
	// livyStopped is Livy's answer to deleting a session that already ended.
	livyStopped = regexp.MustCompile(`(?i)^session\s+'?[^']*'?\s+already stopped\.?$`)
	// finishedPhrase is how a DLI.0001/DLI.0009 cancel answer says the job
	// had ended: "is already finished (state: dead)" (the emulator), "has
	// finished and can not be cancelled", "state is success". Nothing else
	// counts: a validation error on cancel is an error.
	finishedPhrase = regexp.MustCompile(`(?i)\b(?:(?:is|has|had)\s+(?:already\s+)?(?:finished|ended|stopped|completed|terminated)` +
		`|already\s+(?:finished|ended|stopped|completed|terminated)` +
		`|state\s*(?:is|:)\s*"?(?:success|dead|finished)\b)`)
)

// classifyBatch marks "not found": a 400 or 404 with DLI.0002 / DLI.0023, or
// Livy's 404 "Session '<id>' not found.". A 404 without such a body (an HTML
// page of a proxy, the gateway's APIGW.0101 for a wrong path) says nothing
// about the job.
func classifyBatch(e *APIError) {
	switch {
	case codeIn(e, []string{"DLI.0002", "DLI.0023"}) && statusIn(e, []int{http.StatusBadRequest, http.StatusNotFound}):
		e.mark(ErrNotFound)
	case e.StatusCode == http.StatusNotFound && e.Code == "" && livyNotFound.MatchString(strings.TrimSpace(e.Message)):
		e.mark(ErrNotFound)
	}
}

// classifyBatchCancel adds "already finished" for a cancel's answers: a 4xx
// DLI.0007 (operation not supported, the documented answer for a finished
// job), a 4xx DLI.0001/DLI.0009 phrased as finishedPhrase, or Livy's 404
// "Session <id> already stopped.".
func classifyBatchCancel(e *APIError) {
	classifyBatch(e)
	if e.StatusCode < 400 || e.StatusCode >= 500 {
		return
	}
	switch {
	case e.StatusCode == http.StatusNotFound && e.Code == "" && livyStopped.MatchString(strings.TrimSpace(e.Message)):
		e.mark(ErrAlreadyFinished)
	case codeIn(e, []string{"DLI.0007"}):
		e.mark(ErrAlreadyFinished)
	case codeIn(e, []string{"DLI.0001", "DLI.0009"}) && finishedPhrase.MatchString(e.Message):
		e.mark(ErrAlreadyFinished)
	}
}

// batchCall is a call on the batch collection.
func batchCall(op, subject, method string, segments ...string) apiCall {
	return apiCall{
		op: op, subject: subject, method: method, version: batchAPIVersion,
		segments: append([]string{"batches"}, segments...), redact: batchRedaction, classify: classifyBatch,
		idempotent: method == http.MethodGet || method == http.MethodDelete,
	}
}

// GetBatchJob reads GET /v2.0/{project_id}/batches/{id}. An answer with
// neither an id nor a state ({} or null), or about another job, is an error.
func (c *Client) GetBatchJob(ctx context.Context, id string) (*BatchJob, error) {
	const op = "get batch job"
	if err := checkBatchID(op, id); err != nil {
		return nil, err
	}
	var job BatchJob
	if _, err := c.do(ctx, batchCall(op, id, http.MethodGet, id), &job); err != nil {
		return nil, err
	}
	if job.ID == "" && job.State == "" {
		return nil, fmt.Errorf("dli: %s: the answer has neither an id nor a state", describe(op, id))
	}
	if err := sameJob(op, "batch job", id, job.ID); err != nil {
		return nil, err
	}
	if job.ID == "" {
		job.ID = id
	}
	return &job, nil
}

// GetBatchJobState reads GET /v2.0/{project_id}/batches/{id}/state.
func (c *Client) GetBatchJobState(ctx context.Context, id string) (JobState, error) {
	const op = "get batch job state"
	if err := checkBatchID(op, id); err != nil {
		return "", err
	}
	// The answer's id is not used (nothing can be re-pointed by it), so it is
	// not checked.
	var out struct {
		State flexString `json:"state"`
	}
	if _, err := c.do(ctx, batchCall(op, id, http.MethodGet, id, "state"), &out); err != nil {
		return "", err
	}
	st := ParseJobState(string(out.State))
	if st == "" {
		return "", fmt.Errorf("dli: %s: the response has no state", describe(op, id))
	}
	return st, nil
}

// LogOptions are the query parameters of GET .../batches/{id}/log. Nil
// pointers and an empty Type are not sent.
type LogOptions struct {
	From  *int
	Size  *int
	Index *int
	// Type "driver" returns the Spark driver log.
	Type string
}

// BatchJobLog is the answer of GET .../batches/{id}/log.
type BatchJobLog struct {
	ID    string
	From  int
	Total int64
	Lines []string
}

// GetBatchJobLog reads GET /v2.0/{project_id}/batches/{id}/log (deprecated by
// DLI but still served).
func (c *Client) GetBatchJobLog(ctx context.Context, id string, opts LogOptions) (*BatchJobLog, error) {
	const op = "get batch job log"
	if err := checkBatchID(op, id); err != nil {
		return nil, err
	}
	q := url.Values{}
	if opts.From != nil {
		q.Set("from", strconv.Itoa(*opts.From))
	}
	if opts.Size != nil {
		q.Set("size", strconv.Itoa(*opts.Size))
	}
	if opts.Index != nil {
		q.Set("index", strconv.Itoa(*opts.Index))
	}
	if t := strings.TrimSpace(opts.Type); t != "" {
		q.Set("type", t)
	}
	var out struct {
		ID    flexString      `json:"id"`
		From  flexInt64       `json:"from"`
		Total flexInt64       `json:"total"`
		Log   json.RawMessage `json:"log"`
	}
	call := batchCall(op, id, http.MethodGet, id, "log")
	call.query = q
	if _, err := c.do(ctx, call, &out); err != nil {
		return nil, err
	}
	if err := sameJob(op, "batch job", id, string(out.ID)); err != nil {
		return nil, err
	}
	l := &BatchJobLog{ID: string(out.ID), From: int(out.From), Total: int64(out.Total), Lines: jsonToStrings(out.Log)}
	if l.ID == "" {
		l.ID = id
	}
	return l, nil
}

// ListOptions are the filters of GET /v2.0/{project_id}/batches. Zero values
// are not sent.
type ListOptions struct {
	Queue   string // queue_name
	JobName string // job_name
	JobID   string // job-id
	State   string // state (lower-cased)
	Owner   string // owner
	// Order is one of CREATE_TIME_DESC (the service default),
	// CREATE_TIME_ASC, DURATION_DESC, DURATION_ASC.
	Order         string
	CreatedAfter  time.Time // start, epoch ms
	CreatedBefore time.Time // end, epoch ms
	// PageSize is the size of each page request (default 100).
	PageSize int
	// Limit stops after this many jobs (0 = all).
	Limit int
}

// DefaultPageSize is the page size ListBatchJobs asks for by default.
const DefaultPageSize = 100

// maxListPages guards against a server that ignores "from".
const maxListPages = 10000

func (o ListOptions) query() url.Values {
	q := newListQuery()
	q.set("queue_name", o.Queue)
	q.set("job_name", o.JobName)
	q.set("job-id", o.JobID)
	q.set("state", strings.ToLower(o.State))
	q.set("owner", o.Owner)
	q.set("order", o.Order)
	q.millis("start", o.CreatedAfter)
	q.millis("end", o.CreatedBefore)
	return q.Values
}

// ListBatchJobs lists jobs, following pages (from += len(page)) until a
// short or empty page, the reported total, or opts.Limit is reached. Jobs
// seen twice (a new job shifting a page) are returned once.
func (c *Client) ListBatchJobs(ctx context.Context, opts ListOptions) ([]BatchJob, error) {
	return collect(opts.Limit, c.batchJobs(ctx, opts))
}

// batchJobs is the listing of opts.
func (c *Client) batchJobs(ctx context.Context, opts ListOptions) listing[BatchJob] {
	const op = "list batch jobs"
	size := pageSize(opts.PageSize, DefaultPageSize, math.MaxInt)
	base := opts.query()
	return pageWalk[BatchJob]{
		op: op, size: size, shortEnds: true, key: func(j BatchJob) string { return j.ID },
		fetch: func(ctx context.Context, _, from int) ([]BatchJob, int, error) {
			var out struct {
				From     flexInt64  `json:"from"`
				Total    flexInt64  `json:"total"`
				Sessions []BatchJob `json:"sessions"`
			}
			err := c.getPage(ctx, batchCall(op, "", http.MethodGet), base, pageAt("from", from, "size", size), &out)
			return out.Sessions, int(out.Total), err
		},
	}.walk(ctx)
}

// CancelBatchJob sends one DELETE /v2.0/{project_id}/batches/{id} and checks
// the answer: {"msg":"deleted"} (case and surrounding space ignored), or an
// empty 200/204 body. See CancelAndWait for the semantics destroy needs.
func (c *Client) CancelBatchJob(ctx context.Context, id string) error {
	const op = "cancel batch job"
	if err := checkBatchID(op, id); err != nil {
		return err
	}
	call := batchCall(op, id, http.MethodDelete, id)
	call.classify = classifyBatchCancel
	res, err := c.do(ctx, call, nil)
	if err != nil {
		return err
	}
	return checkCancelBody(op, id, []byte(c.scrub(ctx, string(res.body))))
}

func checkCancelBody(op, id string, body []byte) error {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" || trimmed == "{}" {
		return nil
	}
	var out struct {
		Msg       *string `json:"msg"`
		IsSuccess *bool   `json:"is_success"`
		Message   string  `json:"message"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return fmt.Errorf("dli: %s: unexpected response %q", describe(op, id), truncate(trimmed, 200))
	}
	if out.Msg != nil && strings.EqualFold(strings.TrimSpace(*out.Msg), "deleted") {
		return nil
	}
	if out.Msg == nil && out.IsSuccess != nil && *out.IsSuccess {
		return nil
	}
	return errors.New("dli: " + describe(op, id) + ": unexpected response " + strconv.Quote(truncate(trimmed, 200)))
}
