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
	ctx, call, marker, err := newSubmission(ctx, sqlCall(op, "", http.MethodPost, "submit-job"), req.wireBody, SQLJobSecrets(req))
	if err != nil {
		return nil, err
	}
	return submit(ctx, c, submitSpec[SQLSubmission]{
		call: call, marker: marker, markerKey: "tag " + SQLSubmissionMarkerTagKey, envelope: true,
		decode: func(ctx context.Context, res *apiResult) (*SQLSubmission, error) {
			var a submitSQLAnswer
			jerr := json.Unmarshal(res.body, &a)
			switch {
			case jerr == nil && ValidSQLJobID(string(a.JobID)):
				return &SQLSubmission{ID: string(a.JobID), JobType: strings.ToUpper(string(a.JobType)),
					JobMode: strings.ToLower(string(a.JobMode)), SubmissionID: marker}, nil
			case jerr == nil && a.JobID != "":
				return nil, fmt.Errorf("dli: %s: HTTP %d with an invalid job_id %q", op, res.status, truncate(c.scrub(ctx, string(a.JobID)), 80))
			}
			return nil, fmt.Errorf("dli: %s: HTTP %d with an unreadable body %q", op, res.status, truncate(c.scrub(ctx, string(res.body)), 200))
		},
		find: func(ctx context.Context, since time.Time) (*SQLSubmission, error) {
			job, err := c.findSQLSubmission(ctx, req, marker, since)
			if job == nil {
				return nil, err
			}
			return &SQLSubmission{ID: job.ID, JobType: job.JobType, JobMode: job.JobMode, SubmissionID: marker, Adopted: job}, nil
		},
		absent: func(outcome error, submissions int, cause error) error {
			return absentError(outcome, "tagged "+SQLSubmissionMarkerTagKey+"="+marker, submissions, cause)
		},
		id: func(s *SQLSubmission) string { return s.ID },
	})
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
	ours := func(j *SQLJob) bool { return j.SubmissionID == marker }
	return findMarked(ctx, "SQL jobs", c.sqlJobs(ctx, opts),
		func(l *markerLookup, j *SQLJob) (bool, bool) {
			return l.see(j.ID, ValidSQLJobID(j.ID), ours(j), !j.tagsReported)
		},
		c.GetSQLJob, ours)
}
