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

// SQLSubmissionMarkerTagKey is the tag under which CreateSQLJob records a unique submission ID
// (a random UUID) in every SQL job it submits.
//
// Submitting a statement is not idempotent, and the submit API takes no client token. Of what
// it does take, a tag is the one place for a marker: it does not change what the statement
// does (a comment would change the statement text, which DLI may normalise or strip), it is
// echoed by the status and list APIs, and the list API filters on it (tags=key=value) together
// with a window on the start time. The key follows DLI's tag rules (letters, digits and
// "_.:+-@", not starting with _sys_). Read back, the marker is removed from SQLJob.Tags and
// exposed as SQLJob.SubmissionID.
const SQLSubmissionMarkerTagKey = "terraform.submission_id"

// SQLSubmission is DLI's answer to a submission (or the job a lookup adopted).
type SQLSubmission struct {
	ID      string
	JobType string // DDL, DCL, QUERY, INSERT ...
	// JobMode is sync when the answer is already final (DCL, and DDL with
	// dli.sql.sqlasync.enabled=false); async otherwise. Empty when unknown (an adopted job).
	JobMode string
	// SubmissionID is the marker the submission carried.
	SubmissionID string
	// Adopted is the job a lookup found after an ambiguous outcome, as the list reported it.
	Adopted *SQLJob
}

// Sync reports an answer that is already final: no status to wait for.
func (s *SQLSubmission) Sync() bool { return strings.EqualFold(s.JobMode, "sync") }

type submitSQLAnswer struct {
	JobID   flexString `json:"job_id"`
	JobType flexString `json:"job_type"`
	JobMode flexString `json:"job_mode"`
}

// CreateSQLJob submits a statement: POST /v1.0/{project_id}/jobs/submit-job.
//
// It never resubmits blindly. Every submission carries a fresh marker tag
// (SQLSubmissionMarkerTagKey; req is not modified), and:
//
//   - throttling (429 / APIG.0308) and failures before anything was sent are retried by the
//     transport: the request provably was not processed;
//   - other 4xx answers, and a 2xx with is_success false, are returned as *APIError;
//   - after an ambiguous outcome (a 5xx, a dropped connection, a timeout, a 2xx without a
//     usable job_id) the jobs started since well before the submission (our clock or the
//     server's Date, whichever is earlier, minus a window wider than the signature's skew) are
//     listed with the marker as tag filter, and the job carrying the marker is adopted. Listed
//     jobs whose tags were left out are read one by one. The lookup runs twice, a short
//     backoff apart, with its own budget for transient failures;
//   - only when no job carries the marker, and only after a 500/502/503/504, a dropped
//     connection or a timeout, is the request sent again (same marker, at most MaxRetries
//     times); never after a 2xx, never once the context has ended;
//   - when the lookup cannot decide, the error is an *OutcomeUnknownError with the marker.
//
// The statement and conf values are scrubbed from every message shown or logged.
func (c *Client) CreateSQLJob(ctx context.Context, req *CreateSQLJobRequest) (*SQLSubmission, error) {
	const op = "submit SQL job"
	if req == nil {
		return nil, errors.New("dli: submit SQL job: nil request")
	}
	if strings.TrimSpace(req.SQL) == "" {
		return nil, errors.New("dli: submit SQL job: the statement is empty")
	}
	marker := uuid.NewString()
	body, err := req.wireBody(marker)
	if err != nil {
		return nil, fmt.Errorf("dli: %s: encoding request: %w", op, err)
	}
	ctx = WithSecrets(ctx, SQLJobSecrets(req)...)
	ctx = tflog.SetField(ctx, "submission_id", marker)
	since := c.now()
	call := sqlCall(op, "", http.MethodPost, "submit-job")
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
			if eerr := c.envelopeError(ctx, call, res); eerr != nil {
				return nil, eerr // DLI read the request and refused it
			}
			var a submitSQLAnswer
			jerr := json.Unmarshal(res.body, &a)
			if jerr == nil && ValidSQLJobID(string(a.JobID)) {
				return &SQLSubmission{ID: string(a.JobID), JobType: strings.ToUpper(string(a.JobType)),
					JobMode: strings.ToLower(string(a.JobMode)), SubmissionID: marker}, nil
			}
			if jerr == nil && a.JobID != "" {
				outcome = fmt.Errorf("dli: %s: HTTP %d with an invalid job_id %q", op, res.status, truncate(c.scrub(ctx, string(a.JobID)), 80))
			} else {
				outcome = fmt.Errorf("dli: %s: HTTP %d with an unreadable body %q", op, res.status, truncate(c.scrub(ctx, string(res.body)), 200))
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
				since = d // the server's clock is behind ours: so is its start_time
			}
		}

		tflog.Warn(ctx, "DLI submit SQL job: outcome unknown, looking for the submitted job", map[string]interface{}{
			"error": outcome.Error(), "submission": submission,
		})
		job, lookupErr := c.reconcileSQL(ctx, req, marker, since)
		if job != nil {
			tflog.Info(ctx, "DLI submit SQL job: adopted the job created by an ambiguous submission", map[string]interface{}{"job_id": job.ID})
			return &SQLSubmission{ID: job.ID, JobType: job.JobType, JobMode: job.JobMode, SubmissionID: marker, Adopted: job}, nil
		}
		if lookupErr != nil {
			return nil, &OutcomeUnknownError{Operation: op, MarkerKey: "tag " + SQLSubmissionMarkerTagKey, Marker: marker,
				Submissions: submission, Err: outcome, LookupErr: lookupErr}
		}
		if !resubmittable || ctx.Err() != nil || submission > c.maxRetries {
			return nil, sqlAbsentError(outcome, marker, submission, nil)
		}
		tflog.Warn(ctx, "DLI submit SQL job: no job was created, submitting again", map[string]interface{}{"submission": submission + 1})
		if err := sleepCtx(ctx, c.retryWait(submission-1, nil)); err != nil {
			return nil, sqlAbsentError(outcome, marker, submission, err)
		}
	}
}

// SQLJobSecrets lists what a submission must never show back: the statement (which can carry
// a password) and the conf values.
func SQLJobSecrets(req *CreateSQLJobRequest) []string {
	out := []string{req.SQL, strings.TrimSpace(req.SQL)}
	for _, v := range req.Conf {
		out = append(out, v)
	}
	return out
}

func sqlAbsentError(outcome error, marker string, submissions int, cause error) error {
	var err error
	if submissions == 1 {
		err = fmt.Errorf("%w; no job tagged %s=%s was found; not resubmitted", outcome, SQLSubmissionMarkerTagKey, marker)
	} else {
		err = fmt.Errorf("%w; no job tagged %s=%s was found after %d submissions with that marker; giving up",
			outcome, SQLSubmissionMarkerTagKey, marker, submissions)
	}
	if cause != nil {
		return fmt.Errorf("%w: %w", err, cause)
	}
	return err
}

// reconcileSQL looks for the job carrying marker, twice with a short pause (a job committed by
// an answer that timed out may become visible late), retrying transient lookup failures up to
// reconcileRetries times. When ctx is already done it goes on, bounded, on a detached context.
func (c *Client) reconcileSQL(ctx context.Context, req *CreateSQLJobRequest, marker string, since time.Time) (*SQLJob, error) {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), c.reconcileTimeout)
		defer cancel()
	}
	retries := 0
	for lookup := 0; lookup < reconcileLookups; {
		job, err := c.findSQLSubmission(ctx, req, marker, since)
		switch {
		case err != nil && isTransient(err) && retries < c.reconcileRetries && ctx.Err() == nil:
			tflog.Debug(ctx, "DLI: looking for a SQL submission failed, trying again", map[string]interface{}{"error": err.Error()})
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

// findSQLSubmission lists the jobs tagged with marker (DLI's tag filter is fuzzy, and may be
// ignored, so each job's tags are checked) that started after since minus the window, and
// returns the one carrying marker. Jobs listed without tags are read through the status API;
// if some cannot be checked, the lookup fails with errLookupUndecided.
func (c *Client) findSQLSubmission(ctx context.Context, req *CreateSQLJobRequest, marker string, since time.Time) (*SQLJob, error) {
	opts := SQLListOptions{
		Queue:      req.Queue,
		Tags:       map[string]string{SQLSubmissionMarkerTagKey: marker},
		Order:      "start_time_desc",
		StartAfter: since.Add(-c.reconcileWindow),
	}
	var found *SQLJob
	var candidates []string
	unchecked, scanned := 0, 0
	err := c.eachSQLJob(ctx, opts, func(j SQLJob) bool {
		scanned++
		switch {
		case j.SubmissionID == marker && ValidSQLJobID(j.ID):
			found = &j
			return false
		case j.SubmissionID == marker:
			unchecked++ // ours, with an id that cannot be used
		case !j.tagsReported:
			if ValidSQLJobID(j.ID) {
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
		j, err := c.GetSQLJob(ctx, id)
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
		return nil, fmt.Errorf("dli: list SQL jobs: %w (%d not checked after %d listed)", errLookupUndecided, unchecked, scanned)
	}
	return nil, nil
}
