package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// SubmissionMarkerConfKey is the Spark conf key under which CreateBatchJob
// records a unique submission ID (a random UUID) in every job it submits.
// See the package documentation.
const SubmissionMarkerConfKey = "spark.terraform.submissionId"

const (
	// orderNewestFirst is the list order used to find a submission.
	orderNewestFirst = "CREATE_TIME_DESC"
	// maxReconcileScan bounds how many listed jobs one lookup examines.
	maxReconcileScan = 2000
	// maxDetailLookups bounds the GETs for listed jobs without req_body.
	maxDetailLookups = 10
	// reconcileLookups is how many times the list is searched before a
	// submission is considered absent (eventual consistency margin).
	reconcileLookups = 2
)

// CreateBatchJob submits a batch job: POST /v2.0/{project_id}/batches.
//
// Create is not idempotent, so this method never resubmits blindly. The
// request carries a fresh submission marker (SubmissionMarkerConfKey in a copy
// of Conf; req is not modified), and:
//
//   - 429/APIG.0308 throttling and connection failures before anything was
//     sent (connection refused, DNS) are retried by the transport: the
//     request provably was not processed.
//   - 4xx answers are returned as *APIError.
//   - When the outcome is ambiguous (500/502/503/504 or another 5xx, the
//     connection dropped after sending, a timeout, an unreadable 2xx body),
//     nothing is resent by the transport. Instead the queue's jobs are listed
//     newest first, starting a little before the submission, and a job whose
//     req_body carries the marker is adopted and returned. The lookup is done
//     twice, a short backoff apart, before a job is considered absent.
//   - Only if no such job exists is the request submitted again (same marker,
//     at most MaxRetries times, after a backoff), and only after a 500, 502,
//     503, 504 or a dropped connection or timeout: never after a 2xx, and
//     never once the context has ended.
//
// If the context ends during an ambiguous submission, the lookup still runs
// on a detached context (bounded to 30s) so that a created job is not lost.
func (c *Client) CreateBatchJob(ctx context.Context, req *CreateBatchJobRequest) (*BatchJob, error) {
	const op = "create batch job"
	if req == nil {
		return nil, errors.New("dli: create batch job: nil request")
	}
	if strings.TrimSpace(req.File) == "" {
		return nil, errors.New("dli: create batch job: file is required")
	}
	marker := uuid.NewString()
	body, err := req.wireBody(marker)
	if err != nil {
		return nil, fmt.Errorf("dli: %s: encoding request: %w", op, err)
	}
	ctx = tflog.SetField(ctx, "submission_id", marker)
	submittedAt := c.now()
	call := apiCall{op: op, method: http.MethodPost, segments: []string{"batches"}, body: body}

	for submission := 1; ; submission++ {
		res, st, err := c.execute(ctx, call)
		var outcome error
		resubmittable := false
		switch {
		case err != nil:
			if !st.lastMaybeProcessed {
				return nil, err
			}
			outcome, resubmittable = err, true
		case res.status >= 200 && res.status <= 299:
			var job BatchJob
			if jerr := json.Unmarshal(res.body, &job); jerr == nil && job.ID != "" {
				job.SubmissionID = marker
				return &job, nil
			}
			outcome = fmt.Errorf("dli: %s: HTTP %d with an unreadable body %q", op, res.status, truncate(string(res.body), 200))
		case res.status < 500:
			return nil, c.apiError(call, res)
		default:
			outcome = c.apiError(call, res)
			switch res.status {
			case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
				resubmittable = true
			}
		}

		tflog.Warn(ctx, "DLI create batch job: outcome unknown, looking for the submitted job", map[string]interface{}{
			"error": outcome.Error(), "submission": submission,
		})
		job, lookupErr := c.reconcile(ctx, req, marker, submittedAt)
		if job != nil {
			tflog.Info(ctx, "DLI create batch job: adopted the job created by an ambiguous submission", map[string]interface{}{
				"batch_id": job.ID,
			})
			job.SubmissionID = marker
			return job, nil
		}
		if lookupErr != nil {
			return nil, fmt.Errorf("%w; the job may have been created (conf %s=%s) but looking for it failed: %w",
				outcome, SubmissionMarkerConfKey, marker, lookupErr)
		}
		if !resubmittable || ctx.Err() != nil || submission > c.maxRetries {
			return nil, fmt.Errorf("%w; no job carrying %s=%s was found; not resubmitted",
				outcome, SubmissionMarkerConfKey, marker)
		}
		tflog.Warn(ctx, "DLI create batch job: no job was created, submitting again", map[string]interface{}{
			"submission": submission + 1,
		})
		if err := sleepCtx(ctx, c.retryWait(submission-1, nil)); err != nil {
			return nil, fmt.Errorf("%w; no job carrying %s=%s was found; not resubmitted: %w",
				outcome, SubmissionMarkerConfKey, marker, err)
		}
	}
}

// reconcile looks for the job carrying marker, twice with a short pause (a
// job committed by an answer that timed out may become visible late). When
// ctx is already done it continues on a detached context for a bounded time.
func (c *Client) reconcile(ctx context.Context, req *CreateBatchJobRequest, marker string, submittedAt time.Time) (*BatchJob, error) {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), c.reconcileTimeout)
		defer cancel()
	}
	for lookup := 0; lookup < reconcileLookups; lookup++ {
		if lookup > 0 {
			if err := sleepCtx(ctx, c.retryWait(0, nil)); err != nil {
				return nil, err
			}
		}
		job, err := c.findSubmission(ctx, req, marker, submittedAt)
		if err != nil || job != nil {
			return job, err
		}
	}
	return nil, nil
}

// findSubmission lists the queue's jobs newest first from a little before
// the submission and returns the one whose req_body carries marker.
func (c *Client) findSubmission(ctx context.Context, req *CreateBatchJobRequest, marker string, submittedAt time.Time) (*BatchJob, error) {
	opts := ListOptions{
		Queue:        req.Queue,
		Order:        orderNewestFirst,
		CreatedAfter: submittedAt.Add(-c.reconcileWindow),
	}
	var found *BatchJob
	var candidates []string
	scanned := 0
	err := c.eachBatchJob(ctx, opts, func(j BatchJob) bool {
		scanned++
		if j.SubmissionID == marker {
			found = &j
			return false
		}
		// A listing without req_body cannot be checked; look at the
		// details of a few plausible candidates afterwards.
		if j.Request == nil && ValidBatchID(j.ID) && (req.Name == "" || j.Name == req.Name) && len(candidates) < maxDetailLookups {
			candidates = append(candidates, j.ID)
		}
		return scanned < maxReconcileScan
	})
	if err != nil {
		return nil, err
	}
	if found != nil {
		return found, nil
	}
	for _, id := range candidates {
		j, err := c.GetBatchJob(ctx, id)
		if err != nil {
			if IsNotFound(err) {
				continue
			}
			return nil, err
		}
		if j.SubmissionID == marker {
			return j, nil
		}
	}
	return nil, nil
}
