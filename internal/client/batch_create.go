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
	// maxDetailLookups bounds the GETs for listed jobs without req_body; past
	// it the lookup cannot decide (and nothing is resubmitted).
	maxDetailLookups = 200
	// reconcileLookups is how many times the list is searched before a
	// submission is considered absent (eventual consistency margin).
	reconcileLookups = 2
)

// errLookupUndecided: the lookup could not check every job that might be
// the submission.
var errLookupUndecided = errors.New("the lookup could not check every candidate")

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
	marker := uuid.NewString()
	body, err := req.wireBody(marker)
	if err != nil {
		return nil, fmt.Errorf("dli: %s: encoding request: %w", op, err)
	}
	confValues := make([]string, 0, len(req.Conf))
	for _, v := range req.Conf {
		confValues = append(confValues, v)
	}
	ctx = WithSecrets(ctx, confValues...)
	ctx = tflog.SetField(ctx, "submission_id", marker)
	since := c.now()
	call := batchCall(op, "", http.MethodPost)
	call.body = body

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
			jerr := json.Unmarshal(res.body, &job)
			if jerr == nil && ValidBatchID(job.ID) {
				job.SubmissionID = marker
				return &job, nil
			}
			if jerr == nil && job.ID != "" {
				outcome = fmt.Errorf("dli: %s: HTTP %d with an invalid job id %q", op, res.status, truncate(c.scrub(ctx, job.ID), 80))
			} else {
				// Cut before scrubbing (the body may be megabytes), with room for
				// a secret that crosses the cut.
				text := c.scrub(ctx, truncate(string(res.body), 4096))
				outcome = fmt.Errorf("dli: %s: HTTP %d with an unreadable body %q", op, res.status, truncate(text, 200))
			}
		case res.status < 500:
			return nil, c.apiError(ctx, call, res)
		default:
			outcome = c.apiError(ctx, call, res)
			switch res.status {
			case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
				resubmittable = true
			}
		}
		if res != nil {
			if d, perr := http.ParseTime(res.header.Get("Date")); perr == nil && d.Before(since) {
				since = d // the server's clock is behind ours: its create_time is too
			}
		}

		tflog.Warn(ctx, "DLI create batch job: outcome unknown, looking for the submitted job", map[string]interface{}{
			"error": outcome.Error(), "submission": submission,
		})
		job, lookupErr := c.reconcile(ctx, req, marker, since)
		if job != nil {
			tflog.Info(ctx, "DLI create batch job: adopted the job created by an ambiguous submission", map[string]interface{}{
				"batch_id": job.ID,
			})
			job.SubmissionID = marker
			return job, nil
		}
		if lookupErr != nil {
			return nil, &OutcomeUnknownError{Operation: op, MarkerKey: SubmissionMarkerConfKey, Marker: marker,
				Submissions: submission, Err: outcome, LookupErr: lookupErr}
		}
		if !resubmittable || ctx.Err() != nil || submission > c.maxRetries {
			return nil, absentError(outcome, marker, submission, nil)
		}
		tflog.Warn(ctx, "DLI create batch job: no job was created, submitting again", map[string]interface{}{
			"submission": submission + 1,
		})
		if err := sleepCtx(ctx, c.retryWait(submission-1, nil)); err != nil {
			return nil, absentError(outcome, marker, submission, err)
		}
	}
}

// absentError reports a submission the lookup found absent. It says
// "not resubmitted" only when there was a single submission.
func absentError(outcome error, marker string, submissions int, cause error) error {
	var err error
	if submissions == 1 {
		err = fmt.Errorf("%w; no job carrying %s=%s was found; not resubmitted", outcome, SubmissionMarkerConfKey, marker)
	} else {
		err = fmt.Errorf("%w; no job carrying %s=%s was found after %d submissions with that marker; giving up",
			outcome, SubmissionMarkerConfKey, marker, submissions)
	}
	if cause != nil {
		return fmt.Errorf("%w: %w", err, cause)
	}
	return err
}

// reconcile looks for the job carrying marker, twice with a short pause (a
// job committed by an answer that timed out may become visible late). A
// transient failure (no answer, 5xx, 429) repeats the lookup, up to
// reconcileRetries times whatever MaxRetries is. When ctx is already done it
// continues on a detached context for a bounded time.
func (c *Client) reconcile(ctx context.Context, req *CreateBatchJobRequest, marker string, since time.Time) (*BatchJob, error) {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), c.reconcileTimeout)
		defer cancel()
	}
	retries := 0
	for lookup := 0; lookup < reconcileLookups; {
		job, err := c.findSubmission(ctx, req, marker, since)
		switch {
		case err != nil && isTransient(err) && retries < c.reconcileRetries && ctx.Err() == nil:
			tflog.Debug(ctx, "DLI: looking for a submission failed, trying again", map[string]interface{}{"error": err.Error()})
			if serr := sleepCtx(ctx, c.retryWait(retries, nil)); serr != nil {
				return nil, err
			}
			retries++
			continue
		case err != nil || job != nil:
			return job, err
		}
		lookup++
		if lookup < reconcileLookups {
			if err := sleepCtx(ctx, c.retryWait(0, nil)); err != nil {
				return nil, err
			}
		}
	}
	return nil, nil
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
	var found *BatchJob
	var candidates []string
	unchecked, scanned := 0, 0
	err := c.eachBatchJob(ctx, opts, func(j BatchJob) bool {
		scanned++
		switch {
		case j.SubmissionID == marker && ValidBatchID(j.ID):
			found = &j
			return false
		case j.SubmissionID == marker:
			unchecked++ // ours, but with an id that cannot be used
		case j.Request == nil && (req.Name == "" || j.Name == "" || j.Name == req.Name):
			if ValidBatchID(j.ID) {
				candidates = append(candidates, j.ID)
			} else {
				unchecked++
			}
		}
		if scanned >= maxReconcileScan {
			unchecked++ // the rest of the window was not looked at
			return false
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if found != nil {
		return found, nil
	}
	if len(candidates) > maxDetailLookups {
		unchecked += len(candidates) - maxDetailLookups
		candidates = candidates[:maxDetailLookups]
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
	if unchecked > 0 {
		return nil, fmt.Errorf("dli: list batch jobs: %w (%d not checked after %d listed)", errLookupUndecided, unchecked, scanned)
	}
	return nil, nil
}
