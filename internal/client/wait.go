package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// maxConsecutiveTransient is how many transient polling errors in a row the
// waiter tolerates (a request already retried by the transport counts once).
const maxConsecutiveTransient = 3

// failedLogLines is how many log lines a JobFailedError carries at most.
const failedLogLines = 20

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// WaitForBatchJob polls GET .../batches/{id}/state until the job is in one
// of targets (default: success or dead) and returns that state.
//
// The first poll comes after PollInterval (sub-second by default); the
// interval then doubles up to PollIntervalMax. If the job reaches a terminal state that is
// not a target, a *JobFailedError with its last log lines is returned. Up to
// 3 consecutive transient errors (429, 5xx, network) are tolerated. When ctx
// ends, the error names the last state seen and wraps ctx.Err().
func (c *Client) WaitForBatchJob(ctx context.Context, id string, targets ...JobState) (JobState, error) {
	if err := checkBatchID("wait for batch job", id); err != nil {
		return "", err
	}
	return c.waitFor(ctx, id, normalizeTargets(targets), "")
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

// waitFor polls the state, first after PollInterval, then with a doubling
// interval capped at PollIntervalMax. last is the state known on entry.
func (c *Client) waitFor(ctx context.Context, id string, targets []JobState, last JobState) (JobState, error) {
	delay, next := c.pollInterval, c.growPoll(c.pollInterval)
	transient := 0
	for {
		if err := sleepCtx(ctx, delay); err != nil {
			return last, waitTimeoutError(id, targets, last, err)
		}
		delay, next = next, c.growPoll(next)

		state, err := c.GetBatchJobState(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return last, waitTimeoutError(id, targets, last, ctx.Err())
			}
			if isTransient(err) && transient < maxConsecutiveTransient {
				transient++
				tflog.Debug(ctx, "DLI waiter: transient error, polling again", map[string]interface{}{
					"batch_id": id, "error": err.Error(), "consecutive": transient,
				})
				continue
			}
			return last, fmt.Errorf("dli: waiting for batch job %s (last state %s): %w", id, stateDesc(last), err)
		}
		transient = 0
		if state != last {
			tflog.Debug(ctx, "DLI waiter: batch job state", map[string]interface{}{"batch_id": id, "state": string(state)})
		}
		last = state
		if containsState(targets, state) {
			return state, nil
		}
		if state.IsTerminal() {
			return state, &JobFailedError{ID: id, State: state, Log: c.lastLogLines(ctx, id)}
		}
	}
}

func (c *Client) growPoll(d time.Duration) time.Duration {
	d *= 2
	if d > c.pollIntervalMax || d <= 0 {
		d = c.pollIntervalMax
	}
	return d
}

func stateDesc(s JobState) string {
	if s == "" {
		return "unknown"
	}
	return string(s)
}

func waitTimeoutError(id string, targets []JobState, last JobState, cause error) error {
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = string(t)
	}
	return fmt.Errorf("dli: timed out waiting for batch job %s to reach %s (last state: %s): %w",
		id, strings.Join(names, " or "), stateDesc(last), cause)
}

// isTransient reports errors worth another poll: throttling, 5xx gateway or
// server errors, network failures.
func isTransient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrInvalidBatchID) {
		return false
	}
	if e, ok := asAPIError(err); ok {
		switch e.StatusCode {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return isThrottleCode(e.Code)
	}
	return true
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

// tolerateTransient runs fn again (with the waiter's backoff) after up to
// maxConsecutiveTransient transient errors, like the waiter's polling does.
func (c *Client) tolerateTransient(ctx context.Context, fn func() error) error {
	delay := c.pollInterval
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil || attempt >= maxConsecutiveTransient || ctx.Err() != nil || !isTransient(err) {
			return err
		}
		tflog.Debug(ctx, "DLI: transient error, trying again", map[string]interface{}{"error": err.Error()})
		if serr := sleepCtx(ctx, delay); serr != nil {
			return err
		}
		delay = c.growPoll(delay)
	}
}

// CancelAndWait cancels a job the way destroy needs it and waits until it is
// terminal. known is the state the caller last saw ("" = unknown).
//
//   - known terminal: returned at once, with no request (a finished job never
//     becomes active again).
//   - known active: DELETE directly; unknown: one GET state first, DELETE
//     only if the job is still active (a finished job costs one request).
//   - not found at any step: done, ("", nil).
//   - DELETE says the job already finished: done; the state is read once to
//     report it.
//   - the state read and the DELETE tolerate up to 3 consecutive transient
//     errors, as the polling does.
//   - after DELETE: poll the state (first poll after PollInterval, no fixed
//     delays) until success or dead, with WaitForBatchJob's tolerance and
//     context bound.
func (c *Client) CancelAndWait(ctx context.Context, id string, known JobState) (JobState, error) {
	if err := checkBatchID("cancel batch job", id); err != nil {
		return "", err
	}
	state := ParseJobState(string(known))
	if state.IsTerminal() {
		return state, nil
	}
	readState := func() (JobState, error) {
		var s JobState
		err := c.tolerateTransient(ctx, func() error {
			var err error
			s, err = c.GetBatchJobState(ctx, id)
			return err
		})
		return s, err
	}
	if !state.IsActive() {
		s, err := readState()
		if err != nil {
			if IsNotFound(err) {
				return "", nil
			}
			return "", err
		}
		state = s
		if state.IsTerminal() {
			return state, nil
		}
	}

	if err := c.tolerateTransient(ctx, func() error { return c.CancelBatchJob(ctx, id) }); err != nil {
		switch {
		case IsNotFound(err):
			return "", nil
		case IsAlreadyFinished(err):
			s, serr := readState()
			if serr != nil {
				if IsNotFound(serr) {
					return "", nil
				}
				return state, serr
			}
			if s.IsTerminal() {
				return s, nil
			}
			state = s
		default:
			return state, err
		}
	}

	final, err := c.waitFor(ctx, id, []JobState{StateSuccess, StateDead}, state)
	if err != nil && IsNotFound(err) {
		return "", nil
	}
	return final, err
}
