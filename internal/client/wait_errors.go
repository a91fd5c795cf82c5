package client

import (
	"context"
	"fmt"
)

// Typed endings of every wait, so that a caller tells an interruption from a timeout, and a
// cancel DLI accepted from one it refused, without reading messages. The generic poll ends every
// wait cut short by the caller's context with a *WaitEndedError; the cancel-and-wait calls of the
// job collections (StopBatchJob, CancelSQLJobAndWait, StopFlinkJobAndWait) report a failure
// after DLI accepted the cancel or stop as a *CancelAcceptedError.

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

// CancelAcceptedError reports that DLI accepted the cancel (or stop) of a job, but the job had
// not been seen ending when the wait for its end stopped. Err says why; it is a *WaitEndedError
// when the caller's context ended.
type CancelAcceptedError struct {
	Subject   string
	LastState string
	// Request is what was accepted: "" (a cancel) or "stop".
	Request string
	Err     error
}

func (e *CancelAcceptedError) Error() string {
	req := e.Request
	if req == "" {
		req = "cancel"
	}
	return fmt.Sprintf("dli: the %s of %s was accepted, but it had not ended (last state: %s): %v",
		req, e.Subject, stateText(e.LastState), e.Err)
}

func (e *CancelAcceptedError) Unwrap() error { return e.Err }

// AwaitBatchJob is WaitForBatchJob (whose end of ctx is a *WaitEndedError too), kept for its
// callers.
func (c *Client) AwaitBatchJob(ctx context.Context, id string, targets ...JobState) (JobState, error) {
	return c.WaitForBatchJob(ctx, id, targets...)
}

// StopBatchJob cancels a job the way destroy needs it and waits until it is terminal (see
// cancelAndWait). known is the state the caller last saw ("" = unknown). A DELETE answer that
// says the job already finished (IsAlreadyFinished) is followed by one state read. A failure
// after DLI accepted the cancel is a *CancelAcceptedError.
func (c *Client) StopBatchJob(ctx context.Context, id string, known JobState) (JobState, error) {
	if err := checkBatchID("cancel batch job", id); err != nil {
		return "", err
	}
	return cancelAndWait(ctx, c, cancelSpec[JobState]{
		subject: "batch job " + id,
		known:   batchStateNames(),
		read:    func(ctx context.Context) (JobState, error) { return c.GetBatchJobState(ctx, id) },
		cancel:  func(ctx context.Context) error { return c.CancelBatchJob(ctx, id) },
		reread:  IsAlreadyFinished,
		wait: func(ctx context.Context, from JobState) (JobState, error) {
			return c.waitForBatch(ctx, id, []JobState{StateSuccess, StateDead}, from)
		},
	}, ParseJobState(string(known)))
}
