package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// CreateFlinkJob creates a Flink SQL or Jar job (POST
// /v1.0/{project_id}/streaming/sql-jobs or .../flink-jobs). The job is a
// draft (job_init) until RunFlinkJob.
//
// Create is not idempotent. Every request carries a fresh marker
// (FlinkSubmissionMarkerKey in a copy of RuntimeConfig), and an ambiguous
// outcome (a 5xx, a dropped connection, a timeout, a 2xx without a usable
// job_id) is settled by looking for the marker among the jobs of that name,
// newest first, twice a backoff apart. A job found is adopted; only when
// there is none is the request sent again (same marker, after 500, 502, 503,
// 504 or no answer, at most MaxRetries times). A lookup that cannot decide
// gives an *OutcomeUnknownError and nothing is resent. 4xx answers are
// returned as *APIError. If ctx ends during an ambiguous create, the lookup
// still runs on a detached, bounded context.
func (c *Client) CreateFlinkJob(ctx context.Context, req *FlinkJobRequest) (*FlinkJob, error) {
	if req == nil {
		return nil, errors.New("dli: create Flink job: nil request")
	}
	op := "create " + req.Kind.String()
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return nil, fmt.Errorf("dli: %s: name is required", op)
	}
	ctx, call, marker, err := newSubmission(ctx, flinkCall(op, "", http.MethodPost, req.Kind.route()), req.wireBody, req.secretValues())
	if err != nil {
		return nil, err
	}
	return submit(ctx, c, submitSpec[FlinkJob]{
		call: call, marker: marker, markerKey: "runtime_config " + FlinkSubmissionMarkerKey, envelope: true,
		decode: func(ctx context.Context, res *apiResult) (*FlinkJob, error) {
			var out struct {
				Job *FlinkJob `json:"job"`
			}
			if json.Unmarshal(res.body, &out) == nil && out.Job != nil && ValidFlinkJobID(out.Job.ID) {
				out.Job.SubmissionID = marker
				if out.Job.Status == "" {
					out.Job.Status = FlinkInit
				}
				return out.Job, nil
			}
			return nil, fmt.Errorf("dli: %s: HTTP %d without a usable job id: %q", op, res.status, truncate(c.scrub(ctx, string(res.body)), 200))
		},
		find: func(ctx context.Context, since time.Time) (*FlinkJob, error) {
			return c.lookFlinkMarker(ctx, req, marker, since)
		},
		absent: func(outcome error, submissions int, cause error) error {
			if cause != nil {
				return fmt.Errorf("%w; no job carrying %s=%s was found: %w", outcome, FlinkSubmissionMarkerKey, marker, cause)
			}
			return fmt.Errorf("%w; no job carrying %s=%s was found after %s; not sent again",
				outcome, FlinkSubmissionMarkerKey, marker, plural(submissions, "request"))
		},
		id: func(j *FlinkJob) string { return j.ID },
	})
}

// lookFlinkMarker lists the jobs of the request's name (newest first, with
// details) created from well before since, and returns the one whose runtime
// configuration carries marker. Listed jobs without a job_config are read
// one by one; if one cannot be read the lookup fails with errLookupUndecided.
func (c *Client) lookFlinkMarker(ctx context.Context, req *FlinkJobRequest, marker string, since time.Time) (*FlinkJob, error) {
	opts := FlinkListOptions{Name: *req.Name, Order: "desc"}
	if req.Queue != nil {
		opts.Queue = *req.Queue
	}
	from := since.Add(-c.reconcileWindow)
	var found *FlinkJob
	var unread []string
	scanned := 0
	err := c.flinkJobs(ctx, opts)(func(j FlinkJob) bool {
		if !j.CreatedAt.IsZero() && j.CreatedAt.Before(from) {
			return false // newest first: the rest is older still
		}
		scanned++
		switch {
		case j.SubmissionID == marker && ValidFlinkJobID(j.ID):
			found = &j
			return false
		case j.Config.RuntimeConfig == nil && j.Name == *req.Name:
			unread = append(unread, j.ID)
		}
		return scanned < maxReconcileScan
	})
	if err != nil || found != nil {
		return found, err
	}
	if len(unread) > maxDetailLookups {
		return nil, fmt.Errorf("dli: list Flink jobs: %w (%d jobs without details)", errLookupUndecided, len(unread))
	}
	for _, id := range unread {
		if !ValidFlinkJobID(id) {
			return nil, fmt.Errorf("dli: list Flink jobs: %w (a job with id %q)", errLookupUndecided, truncate(id, 40))
		}
		j, err := c.GetFlinkJob(ctx, id)
		switch {
		case IsNotFound(err):
			continue
		case err != nil:
			return nil, err
		case j.SubmissionID == marker:
			return j, nil
		}
	}
	return nil, nil
}
