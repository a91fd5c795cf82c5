package client

import (
	"context"
	"fmt"
	"strings"
)

// failedLogLines is how many log lines a JobFailedError carries at most.
const failedLogLines = 20

// JobFailedError is returned by WaitForBatchJob when the job reached a
// terminal state that was not one of the targets (typically dead while
// waiting for running or success).
type JobFailedError struct {
	ID    string
	State JobState
	// Log holds the last log lines of the job, when they could be fetched.
	Log []string
}

func (e *JobFailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dli: batch job %s ended in state %q", e.ID, string(e.State))
	if len(e.Log) > 0 {
		b.WriteString("; last log lines:")
		for _, l := range e.Log {
			b.WriteString("\n  ")
			b.WriteString(truncate(l, 1024))
		}
	}
	return b.String()
}

// WaitForBatchJob polls GET .../batches/{id}/state until the job is in one
// of targets (default: success or dead) and returns that state.
//
// The first poll comes after PollInterval (sub-second by default); the
// interval then doubles up to PollIntervalMax. If the job reaches a terminal
// state that is not a target, a *JobFailedError with its last log lines is
// returned; a state DLI does not document (such as "killed") ends the wait
// at once with an *UnexpectedStateError. Up to 3 consecutive transient errors
// (no answer, 5xx, 429) are tolerated. When ctx ends, the error names the
// last state seen, says "interrupted" or "timed out", and wraps ctx.Err().
func (c *Client) WaitForBatchJob(ctx context.Context, id string, targets ...JobState) (JobState, error) {
	if err := checkBatchID("wait for batch job", id); err != nil {
		return "", err
	}
	return c.waitForBatch(ctx, id, normalizeTargets(targets), "")
}

func normalizeTargets(targets []JobState) []JobState {
	out := make([]JobState, 0, len(targets))
	for _, t := range targets {
		if s := ParseJobState(string(t)); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		out = []JobState{StateSuccess, StateDead}
	}
	return out
}

func containsState(states []JobState, s JobState) bool {
	for _, t := range states {
		if t == s {
			return true
		}
	}
	return false
}

// waitForBatch polls the state until a target. last is the state known on entry.
func (c *Client) waitForBatch(ctx context.Context, id string, targets []JobState, last JobState) (JobState, error) {
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = string(t)
	}
	target := pollTarget{what: "batch job " + id, goal: strings.Join(names, " or ")}
	final, err := c.poll(ctx, target, string(last), func(ctx context.Context) (string, bool, error) {
		state, err := c.GetBatchJobState(ctx, id)
		switch {
		case err != nil:
			return "", false, err
		case containsState(targets, state):
			return string(state), true, nil
		case !state.IsKnown():
			return string(state), true, &UnexpectedStateError{Subject: target.what, State: string(state), Known: batchStateNames()}
		case state.IsTerminal():
			return string(state), true, &JobFailedError{ID: id, State: state, Log: c.lastLogLines(ctx, id)}
		}
		return string(state), false, nil
	})
	return JobState(final), err
}

// lastLogLines fetches the job's last log lines: the detail's log, or the
// log endpoint when the detail has none. Failures give nil.
func (c *Client) lastLogLines(ctx context.Context, id string) []string {
	var lines []string
	if job, err := c.GetBatchJob(ctx, id); err == nil {
		lines = job.Log
	}
	if len(lines) == 0 {
		size := failedLogLines
		if l, err := c.GetBatchJobLog(ctx, id, LogOptions{Size: &size}); err == nil {
			lines = l.Lines
		}
	}
	if len(lines) > failedLogLines {
		lines = lines[len(lines)-failedLogLines:]
	}
	return lines
}

// CancelAndWait is StopBatchJob with a failure after an accepted cancel reported as the
// failure itself (its message unchanged), not as a *CancelAcceptedError. The end of ctx is still
// a *WaitEndedError.
func (c *Client) CancelAndWait(ctx context.Context, id string, known JobState) (JobState, error) {
	final, err := c.StopBatchJob(ctx, id, known)
	if accepted, ok := err.(*CancelAcceptedError); ok { //nolint:errorlint // only StopBatchJob's own wrapper
		return final, accepted.Err
	}
	return final, err
}
