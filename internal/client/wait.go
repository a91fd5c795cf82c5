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

// refreshFunc reads the current state of what is waited for. done ends the
// wait: with err == nil the state was reached, with err != nil the wait
// failed for good (a failed job, an unknown state) and err is returned as is.
// An error with done false is a failed read: tolerated if transient.
type refreshFunc func(ctx context.Context) (state string, done bool, err error)

// pollTarget names the wait for messages: "SQL job <id>" to reach "FINISHED".
type pollTarget struct {
	what, goal string
}

// poll calls refresh until it reports done. The first call comes after
// PollInterval; the interval then doubles up to PollIntervalMax. Up to
// maxConsecutiveTransient transient read errors in a row (see isTransient)
// are tolerated. last is the state known on entry ("" = unknown); the state
// last seen is returned with every outcome. When ctx ends, the error is a
// *WaitEndedError: it says "interrupted" (canceled) or "timed out"
// (deadline), names the last state and wraps ctx.Err().
func (c *Client) poll(ctx context.Context, t pollTarget, last string, refresh refreshFunc) (string, error) {
	delay, next := c.pollInterval, c.growPoll(c.pollInterval)
	transient := 0
	for {
		if err := sleepCtx(ctx, delay); err != nil {
			return last, waitEndError(t, last, err)
		}
		delay, next = next, c.growPoll(next)

		state, done, err := refresh(ctx)
		if err != nil && !done {
			if ctx.Err() != nil {
				return last, waitEndError(t, last, ctx.Err())
			}
			if isTransient(err) && transient < maxConsecutiveTransient {
				transient++
				tflog.Debug(ctx, "DLI waiter: transient error, polling again", map[string]interface{}{
					"subject": t.what, "error": err.Error(), "consecutive": transient,
				})
				continue
			}
			return last, fmt.Errorf("dli: waiting for %s (last state %s): %w", t.what, stateText(last), err)
		}
		transient = 0
		if state != last {
			tflog.Debug(ctx, "DLI waiter: state", map[string]interface{}{"subject": t.what, "state": state})
			observeState(ctx, t.what, state)
		}
		last = state
		if done {
			return state, err
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

func stateText(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// waitEndError reports the end of the caller's context during a wait as a
// *WaitEndedError: a cancellation (Ctrl-C) is an interruption, a deadline a
// timeout. Its message names both and the last state.
func waitEndError(t pollTarget, last string, cause error) error {
	interrupted := errors.Is(cause, context.Canceled)
	how := "timed out"
	if interrupted {
		how = "interrupted"
	}
	return &WaitEndedError{Subject: t.what, LastState: last, Interrupted: interrupted,
		Err: fmt.Errorf("dli: %s while waiting for %s to reach %s (last state: %s): %w",
			how, t.what, t.goal, stateText(last), cause)}
}

// isTransient reports errors worth another try: no HTTP answer (transport
// failures, a cut body, a timed-out attempt), a 5xx, or throttling (429 or
// the gateway's throttling code). An answer that could not be decoded, or
// that lacks what was asked for, is not transient: asking again gets the
// same answer.
func isTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, ErrInvalidID) || errors.Is(err, errBadPath) {
		return false
	}
	if e, ok := asAPIError(err); ok {
		return e.StatusCode >= http.StatusInternalServerError || IsThrottled(err)
	}
	var na *noAnswerError
	return errors.As(err, &na) && !isPermanentTransportError(err)
}

// noAnswerError marks a call that got no complete HTTP answer.
type noAnswerError struct{ err error }

func (e *noAnswerError) Error() string { return e.err.Error() }
func (e *noAnswerError) Unwrap() error { return e.err }

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

// UnexpectedStateError reports a state the client does not know (a state
// DLI never documented, such as "killed"). Waiting on would only run into
// the timeout, so the wait stops at once.
type UnexpectedStateError struct {
	// Subject is what reported the state, e.g. "SQL job <id>".
	Subject string
	State   string
	// Known lists the documented states.
	Known []string
}

func (e *UnexpectedStateError) Error() string {
	return fmt.Sprintf("dli: %s reported the unexpected state %q (documented states: %s); not waiting for it to change",
		e.Subject, truncate(e.State, 80), strings.Join(e.Known, ", "))
}
