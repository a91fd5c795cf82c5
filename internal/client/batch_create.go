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

// SubmissionMarkerConfKey is the Spark conf key under which CreateBatchJob
// records a unique submission ID (a random UUID) in every job it submits.
// See the package documentation.
const SubmissionMarkerConfKey = "spark.terraform.submissionId"

// orderNewestFirst is the list order used to find a submission.
const orderNewestFirst = "CREATE_TIME_DESC"

// CreateBatchJob submits a batch job: POST /v2.0/{project_id}/batches.
//
// Create is not idempotent, so this method never resubmits blindly. The
// request carries a fresh submission marker (SubmissionMarkerConfKey in a copy
// of Conf; req is not modified), and:
//
//   - 429 / APIG.0308 throttling (a 4xx) and failures before anything was
//     sent (connection refused, DNS, TLS handshake) are retried by the
//     transport: the request provably was not processed.
//   - other 4xx answers are returned as *APIError.
//   - When the outcome is ambiguous (any 5xx, the connection dropped after
//     sending, a timeout, a 2xx whose body is unreadable or whose id is not a
//     UUID), nothing is resent by the transport. Instead the queue's jobs
//     are listed newest first, from well before the submission (by our clock
//     or the server's Date, whichever is earlier), and the job whose req_body
//     carries the marker is adopted and returned. The lookup is done twice, a
//     short backoff apart, before a job is considered absent, and has its own
//     budget for transient failures.
//   - Only if no such job exists is the request submitted again (same marker,
//     at most MaxRetries times, after a backoff), and only after a 500, 502,
//     503, 504 or a dropped connection or timeout: never after a 2xx, and
//     never once the context has ended.
//   - When the lookup cannot decide (it keeps failing, or it could not check
//     every candidate), the error is an *OutcomeUnknownError carrying the
//     marker, and nothing is resubmitted.
//
// If the context ends during an ambiguous submission, the lookup still runs
// on a detached, bounded context so that a created job is not lost. The
// request's conf values are scrubbed from every message shown or logged.
func (c *Client) CreateBatchJob(ctx context.Context, req *CreateBatchJobRequest) (*BatchJob, error) {
	const op = "create batch job"
	if req == nil {
		return nil, errors.New("dli: create batch job: nil request")
	}
	if strings.TrimSpace(req.File) == "" {
		return nil, errors.New("dli: create batch job: file is required")
	}
	confValues := make([]string, 0, len(req.Conf))
	for _, v := range req.Conf {
		confValues = append(confValues, v)
	}
	ctx, call, marker, err := newSubmission(ctx, batchCall(op, "", http.MethodPost), req.wireBody, confValues)
	if err != nil {
		return nil, err
	}
	return submit(ctx, c, submitSpec[BatchJob]{
		call: call, marker: marker, markerKey: SubmissionMarkerConfKey,
		decode: func(ctx context.Context, res *apiResult) (*BatchJob, error) {
			var job BatchJob
			jerr := json.Unmarshal(res.body, &job)
			switch {
			case jerr == nil && ValidBatchID(job.ID):
				job.SubmissionID = marker
				return &job, nil
			case jerr == nil && job.ID != "":
				return nil, fmt.Errorf("dli: %s: HTTP %d with an invalid job id %q", op, res.status, truncate(c.scrub(ctx, job.ID), 80))
			}
			// Cut before scrubbing (the body may be megabytes), with room for a secret that
			// crosses the cut.
			text := c.scrub(ctx, truncate(string(res.body), 4096))
			return nil, fmt.Errorf("dli: %s: HTTP %d with an unreadable body %q", op, res.status, truncate(text, 200))
		},
		find: func(ctx context.Context, since time.Time) (*BatchJob, error) {
			job, err := c.findSubmission(ctx, req, marker, since)
			if job != nil {
				job.SubmissionID = marker
			}
			return job, err
		},
		absent: func(outcome error, submissions int, cause error) error {
			return absentError(outcome, "carrying "+SubmissionMarkerConfKey+"="+marker, submissions, cause)
		},
		id: func(j *BatchJob) string { return j.ID },
	})
}

// findSubmission lists the queue's jobs newest first from well before since
// and returns the one whose req_body carries marker. Listed jobs without
// req_body are checked through their details; if some cannot be checked the
// lookup fails with errLookupUndecided instead of calling the job absent.
func (c *Client) findSubmission(ctx context.Context, req *CreateBatchJobRequest, marker string, since time.Time) (*BatchJob, error) {
	opts := ListOptions{
		Queue:        req.Queue,
		Order:        orderNewestFirst,
		CreatedAfter: since.Add(-c.reconcileWindow),
	}
	ours := func(j *BatchJob) bool { return j.SubmissionID == marker }
	return findMarked(ctx, "batch jobs", c.batchJobs(ctx, opts),
		func(l *markerLookup, j *BatchJob) (bool, bool) {
			return l.see(j.ID, ValidBatchID(j.ID), ours(j), j.Request == nil && (req.Name == "" || j.Name == "" || j.Name == req.Name))
		}, c.GetBatchJob, ours)
}
