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
)

// GetFlinkJob reads GET /v1.0/{project_id}/streaming/jobs/{job_id}. An
// answer without job_detail, or about another job, is an error.
func (c *Client) GetFlinkJob(ctx context.Context, id string) (*FlinkJob, error) {
	const op = "get Flink job"
	if err := checkFlinkID(op, id); err != nil {
		return nil, err
	}
	var out struct {
		JobDetail *FlinkJob `json:"job_detail"`
	}
	if _, err := c.do(ctx, flinkCall(op, id, http.MethodGet, "jobs", id), &out); err != nil {
		return nil, err
	}
	j := out.JobDetail
	switch {
	case j == nil || (j.ID == "" && j.Status == ""):
		return nil, fmt.Errorf("dli: %s: the answer has no job_detail", describe(op, id))
	case j.ID != "" && j.ID != id:
		return nil, fmt.Errorf("dli: %s: the answer is about Flink job %q, not the one asked for", describe(op, id), truncate(j.ID, 40))
	}
	j.ID = id
	return j, nil
}

// FlinkListOptions are the filters of GET /v1.0/{project_id}/streaming/jobs.
// Zero values are not sent.
type FlinkListOptions struct {
	Name    string // name
	Queue   string // queue_name
	Status  string // status
	JobType string // job_type
	// Tags filter on the server, sent as "key=value" pairs joined by ","
	// (the format is not documented); jobs whose answer carries tags are
	// also filtered here.
	Tags map[string]string
	// Order is "asc" or "desc" (the service default, newest first).
	Order string
	// PageSize is the limit of each page request (default and maximum 100).
	PageSize int
}

func (o FlinkListOptions) query() url.Values {
	q := newListQuery()
	q.set("name", o.Name)
	q.set("queue_name", o.Queue)
	q.set("status", strings.ToLower(o.Status))
	q.set("job_type", o.JobType)
	q.set("order", o.Order)
	q.tags(o.Tags)
	q.Set("show_detail", "true")
	return q.Values
}

// ListFlinkJobs lists jobs with their details, following offset/limit pages
// until an empty page. Jobs seen twice (a new job shifting a page) are
// returned once.
func (c *Client) ListFlinkJobs(ctx context.Context, opts FlinkListOptions) ([]FlinkJob, error) {
	return collect(0, c.flinkJobs(ctx, opts))
}

// flinkJobs is the listing of opts.
func (c *Client) flinkJobs(ctx context.Context, opts FlinkListOptions) listing[FlinkJob] {
	const op = "list Flink jobs"
	size := pageSize(opts.PageSize, 100, 100)
	base := opts.query()
	return pageWalk[FlinkJob]{
		op: op, size: size, key: func(j FlinkJob) string { return j.ID },
		fetch: func(ctx context.Context, _, offset int) ([]FlinkJob, int, error) {
			var out struct {
				JobList struct {
					Jobs []FlinkJob `json:"jobs"`
				} `json:"job_list"`
			}
			err := c.getPage(ctx, flinkCall(op, "", http.MethodGet, "jobs"), base, pageAt("offset", offset, "limit", size), &out)
			return out.JobList.Jobs, 0, err
		},
	}.walk(ctx).where(func(j FlinkJob) bool { return tagsMatch(j.Tags, opts.Tags) })
}

// tagsMatch is the local half of the tags filter: jobs without tags in the
// answer are left to the server's filter.
func tagsMatch(have, want map[string]string) bool {
	if have == nil {
		return true
	}
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// UpdateFlinkJob sends PUT /v1.0/{project_id}/streaming/{sql-jobs|flink-jobs}/{job_id}
// with the fields req sets (see FlinkJobRequest). Whether DLI accepts a
// change while the job runs depends on the field; the caller decides when to
// stop the job first.
func (c *Client) UpdateFlinkJob(ctx context.Context, id string, req *FlinkJobRequest) error {
	op := "update " + req.Kind.String()
	if err := checkFlinkID(op, id); err != nil {
		return err
	}
	body, err := req.wireBody("")
	if err != nil {
		return fmt.Errorf("dli: %s: encoding request: %w", op, err)
	}
	if req.Kind == FlinkJar {
		// The Jar update names its type (dli_02_0231).
		var m map[string]interface{}
		_ = json.Unmarshal(body, &m)
		m["job_type"] = FlinkJobTypeJar
		body, _ = json.Marshal(m)
	}
	call := flinkCall(op, id, http.MethodPut, req.Kind.route(), id)
	call.body = body
	_, err = c.do(WithSecrets(ctx, req.secretValues()...), call, nil)
	return err
}

// RunFlinkJob sends POST /v1.0/{project_id}/streaming/jobs/run for one job;
// resume restores the job from its last savepoint. The run is asynchronous:
// wait with WaitForFlinkJobRunning. When the outcome is ambiguous (no answer,
// a 5xx), or DLI refuses the run, the job's status decides: a job that is no
// longer stopped was run (by this request or an earlier lost one); one still
// stopped after an ambiguous outcome is run again, up to MaxRetries times.
func (c *Client) RunFlinkJob(ctx context.Context, id string, resume bool) (FlinkJobStatus, error) {
	return c.flinkAction(ctx, "run Flink job", id, "run", map[string]interface{}{"resume_savepoint": resume},
		func(s FlinkJobStatus) bool { return !s.IsStopped() && s != FlinkCancelFail })
}

// StopFlinkJob sends POST /v1.0/{project_id}/streaming/jobs/stop for one job;
// savepoint asks DLI to take a savepoint first. Asynchronous, like run; an
// ambiguous or refused stop is judged by the status the same way (a job
// stopped or stopping was stopped).
func (c *Client) StopFlinkJob(ctx context.Context, id string, savepoint bool) (FlinkJobStatus, error) {
	return c.flinkAction(ctx, "stop Flink job", id, "stop", map[string]interface{}{"trigger_savepoint": savepoint},
		func(s FlinkJobStatus) bool { return s.IsStopped() || s == FlinkCanceling })
}

// flinkAction posts a one-job run or stop; done says whether a status shows
// the action took effect. It returns the status it last read ("" when the
// answer was a plain success).
func (c *Client) flinkAction(ctx context.Context, op, id, action string, extra map[string]interface{}, done func(FlinkJobStatus) bool) (FlinkJobStatus, error) {
	if err := checkFlinkID(op, id); err != nil {
		return "", err
	}
	n, _ := strconv.ParseInt(id, 10, 64)
	payload := map[string]interface{}{"job_ids": []int64{n}}
	for k, v := range extra {
		payload[k] = v
	}
	body, _ := json.Marshal(payload)
	call := flinkCall(op, id, http.MethodPost, "jobs", action)
	call.body = body
	for attempt := 0; ; attempt++ {
		_, err := c.do(ctx, call, nil)
		if err == nil {
			return "", nil
		}
		if IsNotFound(err) || ctx.Err() != nil || errors.Is(err, ErrInvalidID) {
			return "", err
		}
		ambiguous := isTransient(err)
		var apiErr *APIError
		if !ambiguous && !errors.As(err, &apiErr) {
			return "", err // an unreadable answer: nothing to judge by
		}
		var job *FlinkJob
		if gerr := c.tolerateTransient(ctx, func() error {
			var e error
			job, e = c.GetFlinkJob(ctx, id)
			return e
		}); gerr != nil {
			if IsNotFound(gerr) {
				return "", gerr
			}
			return "", fmt.Errorf("%w (and reading the job's status failed: %v)", err, gerr)
		}
		if done(job.Status) {
			return job.Status, nil
		}
		if !ambiguous || attempt >= c.maxRetries {
			return job.Status, fmt.Errorf("%w (job status: %s)", err, job.Status)
		}
		if serr := sleepCtx(ctx, c.retryWait(attempt, nil)); serr != nil {
			return job.Status, err
		}
	}
}

// DeleteFlinkJob sends DELETE /v1.0/{project_id}/streaming/jobs/{job_id}.
// DLI deletes a job in any state; a job it does not know (400 DLI.16001)
// counts as deleted, so the result is nil.
func (c *Client) DeleteFlinkJob(ctx context.Context, id string) error {
	const op = "delete Flink job"
	if err := checkFlinkID(op, id); err != nil {
		return err
	}
	_, err := c.do(ctx, flinkCall(op, id, http.MethodDelete, "jobs", id), nil)
	if IsNotFound(err) {
		return nil
	}
	return err
}

// GetFlinkJobTags reads a job's tags through the v3 tag API (tags.go): the
// job's detail does not carry them. The tags change through CreateTags and
// DeleteTags with FlinkJobTags(id).
func (c *Client) GetFlinkJobTags(ctx context.Context, id string) (map[string]string, error) {
	if err := checkFlinkID("get Flink job tags", id); err != nil {
		return nil, err
	}
	return c.GetTags(ctx, FlinkJobTags(id))
}

// FlinkJobTags is the tag API's target for the Flink job id.
func FlinkJobTags(id string) TagTarget { return TagTarget{Type: TagFlinkJob, ID: id} }
