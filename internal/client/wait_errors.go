package client

import (
	"context"
	"errors"
	"fmt"
)

// Typed endings of the batch waits, so that a caller tells an interruption from a timeout, and
// a cancel DLI accepted from one it refused, without reading messages. AwaitBatchJob and
// StopBatchJob are WaitForBatchJob and CancelAndWait with these endings; the generic poll could
// return WaitEndedError itself, for every collection.

// WaitEndedError reports a wait cut short because the caller's context ended.
type WaitEndedError struct {
	// Subject is what was waited for, e.g. "batch job <id>".
	Subject string
	// LastState is the state last seen ("" = none).
	LastState string
	// Interrupted is true when the context was cancelled (such as by Ctrl-C), false when its
	// deadline passed.
	Interrupted bool
	Err         error
}

func (e *WaitEndedError) Error() string { return e.Err.Error() }
func (e *WaitEndedError) Unwrap() error { return e.Err }

// CancelAcceptedError reports that DLI accepted the cancel of a job, but the job had not been
// seen ending when the wait for its end stopped. Err says why; it is a *WaitEndedError when the
// caller's context ended.
type CancelAcceptedError struct {
	Subject   string
	LastState string
	Err       error
}

func (e *CancelAcceptedError) Error() string {
	return fmt.Sprintf("dli: the cancel of %s was accepted, but it had not ended (last state: %s): %v",
		e.Subject, stateText(e.LastState), e.Err)
}

func (e *CancelAcceptedError) Unwrap() error { return e.Err }

// waitEnded types err as a *WaitEndedError when it is the end of ctx.
func waitEnded(ctx context.Context, subject, last string, err error) error {
	if err == nil || ctx.Err() == nil || !errors.Is(err, ctx.Err()) {
		return err
	}
	return &WaitEndedError{Subject: subject, LastState: last, Interrupted: errors.Is(ctx.Err(), context.Canceled), Err: err}
}

// AwaitBatchJob is WaitForBatchJob, with the end of ctx reported as a *WaitEndedError.
func (c *Client) AwaitBatchJob(ctx context.Context, id string, targets ...JobState) (JobState, error) {
	last, err := c.WaitForBatchJob(ctx, id, targets...)
	return last, waitEnded(ctx, "batch job "+id, string(last), err)
}

// StopBatchJob cancels a job as CancelAndWait does (same requests, same answers read as "gone"
// or "already ended"), and reports a failure after DLI accepted the cancel as a
// *CancelAcceptedError.
func (c *Client) StopBatchJob(ctx context.Context, id string, known JobState) (JobState, error) {
	if err := checkBatchID("cancel batch job", id); err != nil {
		return "", err
	}
	subject := "batch job " + id
	readState := func() (JobState, error) {
		var s JobState
		err := c.tolerateTransient(ctx, func() error {
			var err error
			s, err = c.GetBatchJobState(ctx, id)
			return err
		})
		if err == nil && !s.IsKnown() {
			return s, &UnexpectedStateError{Subject: subject, State: string(s), Known: batchStateNames()}
		}
		return s, err
	}
	state := ParseJobState(string(known))
	if state.IsTerminal() {
		return state, nil
	}
	if !state.IsActive() {
		s, err := readState()
		switch {
		case IsNotFound(err):
			return "", nil
		case err != nil || s.IsTerminal():
			return s, err
		}
		state = s
	}
	if err := c.tolerateTransient(ctx, func() error { return c.CancelBatchJob(ctx, id) }); err != nil {
		if !IsAlreadyFinished(err) {
			if IsNotFound(err) {
				return "", nil
			}
			return state, err
		}
		s, serr := readState()
		switch {
		case IsNotFound(serr):
			return "", nil
		case serr != nil || s.IsTerminal():
			return s, serr
		}
		state = s
	}
	final, err := c.waitForBatch(ctx, id, []JobState{StateSuccess, StateDead}, state)
	switch {
	case err == nil:
		return final, nil
	case IsNotFound(err):
		return "", nil
	}
	last := string(final)
	if last == "" {
		last = string(state)
	}
	return final, &CancelAcceptedError{Subject: subject, LastState: last, Err: waitEnded(ctx, subject, last, err)}
}
