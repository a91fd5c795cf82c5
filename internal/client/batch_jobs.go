package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// JobState is the state of a batch job.
type JobState string

// The five DLI batch job states (dli-batch-api.md §8).
const (
	StateStarting   JobState = "starting"
	StateRunning    JobState = "running"
	StateRecovering JobState = "recovering"
	StateSuccess    JobState = "success"
	StateDead       JobState = "dead"
)

// ParseJobState normalizes a state case-insensitively ("Success" -> success).
// Unknown values are returned lower-cased.
func ParseJobState(s string) JobState {
	return JobState(strings.ToLower(strings.TrimSpace(s)))
}

// IsTerminal reports success and dead: a job in these states never changes
// state again.
func (s JobState) IsTerminal() bool { return s == StateSuccess || s == StateDead }

// IsActive reports starting, running and recovering: the states in which a
// job can be cancelled.
func (s JobState) IsActive() bool {
	return s == StateStarting || s == StateRunning || s == StateRecovering
}

func (s JobState) String() string { return string(s) }

// JobResource is a package reference (resources[] or groups[].resources[]).
type JobResource struct {
	Name string `json:"name,omitempty"`
	Type string `json:"type,omitempty"`
}

// JobResourceGroup is a package group reference (groups[]).
type JobResourceGroup struct {
	Name      string        `json:"name,omitempty"`
	Resources []JobResource `json:"resources,omitempty"`
}

// CreateBatchJobRequest is the body of POST /v2.0/{project_id}/batches.
// It is sent with the current camelCase Livy keys (className, pyFiles,
// driverMemory, driverCores, executorMemory, executorCores, numExecutors)
// and the snake_case DLI keys (sc_type, obs_bucket, auto_recovery,
// max_retry_times, spark_version, catalog_name, execution_agency_urn).
type CreateBatchJobRequest struct {
	File      string
	ClassName string
	Queue     string
	Name      string

	Args    []string
	Jars    []string
	PyFiles []string
	Files   []string
	Modules []string

	Resources []JobResource
	Groups    []JobResourceGroup
	Conf      map[string]string

	ScType         string
	DriverMemory   string
	ExecutorMemory string

	DriverCores   *int
	ExecutorCores *int
	NumExecutors  *int
	MaxRetryTimes *int
	AutoRecovery  *bool

	ObsBucket          string
	Feature            string
	SparkVersion       string
	Image              string
	CatalogName        string
	ExecutionAgencyURN string
}

// createRequestWire is the wire form of CreateBatchJobRequest. className is
// always sent (the API documents it as mandatory; "" for Python apps), like
// the official SDK does.
type createRequestWire struct {
	File               string             `json:"file"`
	ClassName          string             `json:"className"`
	Queue              string             `json:"queue,omitempty"`
	Name               string             `json:"name,omitempty"`
	Args               []string           `json:"args,omitempty"`
	Jars               []string           `json:"jars,omitempty"`
	PyFiles            []string           `json:"pyFiles,omitempty"`
	Files              []string           `json:"files,omitempty"`
	Modules            []string           `json:"modules,omitempty"`
	Resources          []JobResource      `json:"resources,omitempty"`
	Groups             []JobResourceGroup `json:"groups,omitempty"`
	Conf               map[string]string  `json:"conf,omitempty"`
	ScType             string             `json:"sc_type,omitempty"`
	DriverMemory       string             `json:"driverMemory,omitempty"`
	DriverCores        *int               `json:"driverCores,omitempty"`
	ExecutorMemory     string             `json:"executorMemory,omitempty"`
	ExecutorCores      *int               `json:"executorCores,omitempty"`
	NumExecutors       *int               `json:"numExecutors,omitempty"`
	ObsBucket          string             `json:"obs_bucket,omitempty"`
	AutoRecovery       *bool              `json:"auto_recovery,omitempty"`
	MaxRetryTimes      *int               `json:"max_retry_times,omitempty"`
	Feature            string             `json:"feature,omitempty"`
	SparkVersion       string             `json:"spark_version,omitempty"`
	Image              string             `json:"image,omitempty"`
	CatalogName        string             `json:"catalog_name,omitempty"`
	ExecutionAgencyURN string             `json:"execution_agency_urn,omitempty"`
}

// wireBody encodes the request with the submission marker added to a copy of
// conf (the caller's map is not modified).
func (r *CreateBatchJobRequest) wireBody(marker string) ([]byte, error) {
	conf := make(map[string]string, len(r.Conf)+1)
	for k, v := range r.Conf {
		conf[k] = v
	}
	if marker != "" {
		conf[SubmissionMarkerConfKey] = marker
	}
	if len(conf) == 0 {
		conf = nil
	}
	return json.Marshal(createRequestWire{
		File: r.File, ClassName: r.ClassName, Queue: r.Queue, Name: r.Name,
		Args: r.Args, Jars: r.Jars, PyFiles: r.PyFiles, Files: r.Files, Modules: r.Modules,
		Resources: r.Resources, Groups: r.Groups, Conf: conf,
		ScType: r.ScType, DriverMemory: r.DriverMemory, DriverCores: r.DriverCores,
		ExecutorMemory: r.ExecutorMemory, ExecutorCores: r.ExecutorCores, NumExecutors: r.NumExecutors,
		ObsBucket: r.ObsBucket, AutoRecovery: r.AutoRecovery, MaxRetryTimes: r.MaxRetryTimes,
		Feature: r.Feature, SparkVersion: r.SparkVersion, Image: r.Image,
		CatalogName: r.CatalogName, ExecutionAgencyURN: r.ExecutionAgencyURN,
	})
}

// parseRequestBody decodes a req_body echo into a CreateBatchJobRequest.
// raw may be a JSON string holding the JSON document (the documented form) or
// the object itself. Both camelCase and legacy snake_case keys are accepted;
// when both are present the camelCase one wins. Conf values that are not
// strings are stringified; the submission marker is removed from Conf and
// returned separately. Empty lists and an empty conf become nil.
func parseRequestBody(raw json.RawMessage) (*CreateBatchJobRequest, string) {
	if isNull(raw) {
		return nil, ""
	}
	doc := []byte(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, ""
		}
		doc = []byte(s)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(doc, &m); err != nil || m == nil {
		return nil, ""
	}
	pick := func(keys ...string) json.RawMessage {
		for _, k := range keys {
			if v, ok := m[k]; ok && !isNull(v) {
				return v
			}
		}
		return nil
	}
	str := func(keys ...string) string { return jsonToString(pick(keys...)) }
	strs := func(keys ...string) []string { return jsonToStrings(pick(keys...)) }
	intp := func(keys ...string) *int {
		if v, ok := jsonToInt64(pick(keys...)); ok {
			i := int(v)
			return &i
		}
		return nil
	}
	boolp := func(keys ...string) *bool {
		if v, ok := jsonToBool(pick(keys...)); ok {
			return &v
		}
		return nil
	}

	req := &CreateBatchJobRequest{
		File:               str("file"),
		ClassName:          str("className", "class_name"),
		Queue:              str("queue", "cluster_name", "queue_name"),
		Name:               str("name"),
		Args:               strs("args"),
		Jars:               strs("jars"),
		PyFiles:            strs("pyFiles", "python_files", "py_files"),
		Files:              strs("files"),
		Modules:            strs("modules"),
		ScType:             str("scType", "sc_type"),
		DriverMemory:       str("driverMemory", "driver_memory"),
		ExecutorMemory:     str("executorMemory", "executor_memory"),
		DriverCores:        intp("driverCores", "driver_cores"),
		ExecutorCores:      intp("executorCores", "executor_cores"),
		NumExecutors:       intp("numExecutors", "num_executors"),
		MaxRetryTimes:      intp("maxRetryTimes", "max_retry_times"),
		AutoRecovery:       boolp("autoRecovery", "auto_recovery"),
		ObsBucket:          str("obsBucket", "obs_bucket"),
		Feature:            str("feature"),
		SparkVersion:       str("sparkVersion", "spark_version"),
		Image:              str("image"),
		CatalogName:        str("catalogName", "catalog_name"),
		ExecutionAgencyURN: str("executionAgencyUrn", "executionAgencyURN", "execution_agency_urn"),
	}
	if v := pick("resources"); v != nil {
		var rs []JobResource
		if json.Unmarshal(v, &rs) == nil && len(rs) > 0 {
			req.Resources = rs
		}
	}
	if v := pick("groups"); v != nil {
		var gs []JobResourceGroup
		if json.Unmarshal(v, &gs) == nil && len(gs) > 0 {
			for i := range gs {
				if len(gs[i].Resources) == 0 {
					gs[i].Resources = nil
				}
			}
			req.Groups = gs
		}
	}
	var marker string
	if v := pick("conf"); v != nil {
		var cm map[string]json.RawMessage
		if json.Unmarshal(v, &cm) == nil {
			conf := make(map[string]string, len(cm))
			for k, val := range cm {
				if k == SubmissionMarkerConfKey {
					marker = jsonToString(val)
					continue
				}
				conf[k] = jsonToString(val)
			}
			if len(conf) > 0 {
				req.Conf = conf
			}
		}
	}
	return req, marker
}

// BatchJob is a batch job as returned by create, get and list.
type BatchJob struct {
	ID    string
	State JobState
	// AppID is decoded tolerantly: a string as is, an array as its element(s)
	// joined with ",", null as "".
	AppID string

	Name         string
	Owner        string
	ProxyUser    string
	Kind         string
	ScType       string
	Queue        string // queue, or cluster_name when queue is absent
	ClusterName  string
	Image        string
	Feature      string
	SparkVersion string

	// Log holds the last log lines (nil when the key is missing).
	Log []string

	CreatedAt time.Time // UTC; zero when absent
	UpdatedAt time.Time // UTC; zero when absent
	Duration  time.Duration

	// Request is the original submission parsed from req_body (nil when
	// absent or unparseable). The submission marker is stripped from its
	// Conf.
	Request *CreateBatchJobRequest
	// SubmissionID is the submission marker found in req_body, if any.
	SubmissionID string
}

type batchJobWire struct {
	ID           flexString      `json:"id"`
	State        flexString      `json:"state"`
	AppID        json.RawMessage `json:"appId"`
	Name         flexString      `json:"name"`
	Owner        flexString      `json:"owner"`
	ProxyUser    flexString      `json:"proxyUser"`
	Kind         flexString      `json:"kind"`
	ScType       flexString      `json:"sc_type"`
	Queue        flexString      `json:"queue"`
	ClusterName  flexString      `json:"cluster_name"`
	Image        flexString      `json:"image"`
	Feature      flexString      `json:"feature"`
	SparkVersion flexString      `json:"spark_version"`
	Log          json.RawMessage `json:"log"`
	CreateTime   flexInt64       `json:"create_time"`
	UpdateTime   flexInt64       `json:"update_time"`
	Duration     flexInt64       `json:"duration"`
	ReqBody      json.RawMessage `json:"req_body"`
}

// UnmarshalJSON decodes the API's job object tolerantly.
func (j *BatchJob) UnmarshalJSON(b []byte) error {
	var w batchJobWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*j = BatchJob{
		ID:           string(w.ID),
		State:        ParseJobState(string(w.State)),
		AppID:        appIDFromJSON(w.AppID),
		Name:         string(w.Name),
		Owner:        string(w.Owner),
		ProxyUser:    string(w.ProxyUser),
		Kind:         string(w.Kind),
		ScType:       string(w.ScType),
		Queue:        string(w.Queue),
		ClusterName:  string(w.ClusterName),
		Image:        string(w.Image),
		Feature:      string(w.Feature),
		SparkVersion: string(w.SparkVersion),
		Log:          jsonToStrings(w.Log),
		CreatedAt:    msToTime(int64(w.CreateTime)),
		UpdatedAt:    msToTime(int64(w.UpdateTime)),
		Duration:     time.Duration(w.Duration) * time.Millisecond,
	}
	if j.Queue == "" {
		j.Queue = j.ClusterName
	}
	j.Request, j.SubmissionID = parseRequestBody(w.ReqBody)
	return nil
}

func batchSegments(id string, suffix ...string) []string {
	return append([]string{"batches", id}, suffix...)
}

// GetBatchJob reads GET /v2.0/{project_id}/batches/{id}.
func (c *Client) GetBatchJob(ctx context.Context, id string) (*BatchJob, error) {
	const op = "get batch job"
	if err := checkBatchID(op, id); err != nil {
		return nil, err
	}
	var job BatchJob
	if _, err := c.do(ctx, apiCall{op: op, batchID: id, method: http.MethodGet, segments: batchSegments(id), idempotent: true}, &job); err != nil {
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
	var out struct {
		State flexString `json:"state"`
	}
	if _, err := c.do(ctx, apiCall{op: op, batchID: id, method: http.MethodGet, segments: batchSegments(id, "state"), idempotent: true}, &out); err != nil {
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
	if _, err := c.do(ctx, apiCall{op: op, batchID: id, method: http.MethodGet, segments: batchSegments(id, "log"), query: q, idempotent: true}, &out); err != nil {
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
	q := url.Values{}
	set := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			q.Set(k, v)
		}
	}
	set("queue_name", o.Queue)
	set("job_name", o.JobName)
	set("job-id", o.JobID)
	set("state", strings.ToLower(o.State))
	set("owner", o.Owner)
	set("order", o.Order)
	if !o.CreatedAfter.IsZero() {
		q.Set("start", strconv.FormatInt(o.CreatedAfter.UnixMilli(), 10))
	}
	if !o.CreatedBefore.IsZero() {
		q.Set("end", strconv.FormatInt(o.CreatedBefore.UnixMilli(), 10))
	}
	return q
}

// ListBatchJobs lists jobs, following pages (from += len(page)) until a
// short or empty page, the reported total, or opts.Limit is reached. Jobs
// seen twice (a new job shifting a page) are returned once.
func (c *Client) ListBatchJobs(ctx context.Context, opts ListOptions) ([]BatchJob, error) {
	var jobs []BatchJob
	err := c.eachBatchJob(ctx, opts, func(j BatchJob) bool {
		jobs = append(jobs, j)
		return opts.Limit <= 0 || len(jobs) < opts.Limit
	})
	return jobs, err
}

// eachBatchJob calls fn for every listed job until fn returns false.
func (c *Client) eachBatchJob(ctx context.Context, opts ListOptions, fn func(BatchJob) bool) error {
	const op = "list batch jobs"
	size := opts.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	base := opts.query()
	seen := make(map[string]bool)
	from := 0
	for page := 0; ; page++ {
		if page >= maxListPages {
			return fmt.Errorf("dli: %s: more than %d pages; giving up", op, maxListPages)
		}
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		q.Set("from", strconv.Itoa(from))
		q.Set("size", strconv.Itoa(size))
		var out struct {
			From     flexInt64  `json:"from"`
			Total    flexInt64  `json:"total"`
			Sessions []BatchJob `json:"sessions"`
		}
		if _, err := c.do(ctx, apiCall{op: op, method: http.MethodGet, segments: []string{"batches"}, query: q, idempotent: true}, &out); err != nil {
			return err
		}
		fresh := 0
		for _, j := range out.Sessions {
			if j.ID != "" {
				if seen[j.ID] {
					continue
				}
				seen[j.ID] = true
			}
			fresh++
			if !fn(j) {
				return nil
			}
		}
		from += len(out.Sessions)
		total := int(out.Total)
		if len(out.Sessions) < size || fresh == 0 || (total > 0 && from >= total) {
			return nil
		}
	}
}

// CancelBatchJob sends one DELETE /v2.0/{project_id}/batches/{id} and checks
// the answer: {"msg":"deleted"} (case and surrounding space ignored), or an
// empty 200/204 body. See CancelAndWait for the semantics destroy needs.
func (c *Client) CancelBatchJob(ctx context.Context, id string) error {
	const op = "cancel batch job"
	if err := checkBatchID(op, id); err != nil {
		return err
	}
	res, err := c.do(ctx, apiCall{op: op, batchID: id, method: http.MethodDelete, segments: batchSegments(id), idempotent: true}, nil)
	if err != nil {
		return err
	}
	return checkCancelBody(op, id, res.body)
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
