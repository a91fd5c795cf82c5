package client

import (
	"context"
	"fmt"
	"strings"
)

// SQLJobFailedError is returned by WaitForSQLJob when the job ended in a status that was not
// a target: FAILED (with DLI's message) or CANCELLED.
type SQLJobFailedError struct {
	ID     string
	Status SQLJobStatus
	// Message is DLI's message about the job (why it failed), scrubbed of the statement and
	// conf values.
	Message string
}

func (e *SQLJobFailedError) Error() string {
	msg := fmt.Sprintf("dli: SQL job %s ended %s", e.ID, e.Status)
	if m := strings.TrimSpace(e.Message); m != "" {
		msg += ": " + truncate(m, 2048)
	}
	return msg
}

// WaitForSQLJob polls GET .../jobs/{id}/status until the job's status is one of targets
// (default FINISHED), and returns the job as that last answer reported it.
//
// The first poll comes after PollInterval; the interval then doubles up to PollIntervalMax (no
// fixed delay). A terminal status that is not a target ends the wait with a *SQLJobFailedError
// carrying DLI's message; a status DLI does not document ends it at once with an
// *UnexpectedStateError. Up to 3 consecutive transient errors are tolerated. When ctx ends,
// the error says "interrupted" or "timed out", names the last status and wraps ctx.Err(). The
// job last read is returned with every outcome (nil if none was read).
func (c *Client) WaitForSQLJob(ctx context.Context, id string, targets ...SQLJobStatus) (*SQLJob, error) {
	if err := checkSQLJobID("wait for SQL job", id); err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		targets = []SQLJobStatus{SQLStatusFinished}
	}
	return c.waitForSQL(ctx, id, targets, "")
}

func (c *Client) waitForSQL(ctx context.Context, id string, targets []SQLJobStatus, last SQLJobStatus) (*SQLJob, error) {
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = string(t)
	}
	target := pollTarget{what: "SQL job " + id, goal: strings.Join(names, " or ")}
	var job *SQLJob
	_, err := c.poll(ctx, target, string(last), func(ctx context.Context) (string, bool, error) {
		j, err := c.GetSQLJob(ctx, id)
		if err != nil {
			return "", false, err
		}
		job = j
		switch s := j.Status; {
		case containsSQLStatus(targets, s):
			return string(s), true, nil
		case !s.IsKnown():
			return string(s), true, &UnexpectedStateError{Subject: target.what, State: string(s), Known: sqlStatusNames()}
		case s.IsTerminal():
			return string(s), true, &SQLJobFailedError{ID: id, Status: s, Message: c.scrub(ctx, j.Message)}
		default:
			return string(s), false, nil
		}
	})
	return job, err
}

func containsSQLStatus(list []SQLJobStatus, s SQLJobStatus) bool {
	for _, t := range list {
		if t == s {
			return true
		}
	}
	return false
}

// CancelSQLJobAndWait cancels a job the way destroy needs it and waits until it is terminal
// (see cancelAndWait). known is the status the caller last saw ("" = unknown). It returns the
// final status.
//
// A DELETE refused by DLI (a DLI-coded 4xx, or is_success false; DLI's answer for a finished
// job is UNCONFIRMED: "already finished" phrasings, DLI.0007, or something else) is followed by
// one status read; terminal means done, otherwise the refusal is the error. After the cancel,
// the wait is for FINISHED, FAILED or CANCELLED, and a failure then is a *CancelAcceptedError.
func (c *Client) CancelSQLJobAndWait(ctx context.Context, id string, known SQLJobStatus) (SQLJobStatus, error) {
	if err := checkSQLJobID("cancel SQL job", id); err != nil {
		return "", err
	}
	return cancelAndWait(ctx, c, cancelSpec[SQLJobStatus]{
		subject: "SQL job " + id,
		known:   sqlStatusNames(),
		read: func(ctx context.Context) (SQLJobStatus, error) {
			j, err := c.GetSQLJob(ctx, id)
			if err != nil {
				return "", err
			}
			return j.Status, nil
		},
		cancel: func(ctx context.Context) error { return c.CancelSQLJob(ctx, id) },
		reread: func(err error) bool {
			e, ok := asAPIError(err)
			return ok && sqlRefusal(e)
		},
		wait: func(ctx context.Context, from SQLJobStatus) (SQLJobStatus, error) {
			all := []SQLJobStatus{SQLStatusFinished, SQLStatusFailed, SQLStatusCancelled}
			job, err := c.waitForSQL(ctx, id, all, from)
			if job == nil {
				return from, err
			}
			return job.Status, err
		},
	}, ParseSQLJobStatus(string(known)))
}

// SQLCancelWaitError is the name CancelSQLJobAndWait's accepted-but-not-ended ending had before
// every collection shared CancelAcceptedError.
type SQLCancelWaitError = CancelAcceptedError
