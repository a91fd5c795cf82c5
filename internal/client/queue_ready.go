package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// A job submitted to a queue created moments before may be refused while
// DLI still assigns the queue's resources (IsQueueNotReady). Rather than
// sleeping after every queue create, the job's submission waits for its
// queue: it is sent again, on the generic poll's backoff, until DLI takes it
// or the caller's context (the job's create timeout) ends.

// QueueNotReadyError is the end of a wait for a queue that never became
// ready to run jobs within the caller's context. It wraps the context's
// error and the last refusal.
type QueueNotReadyError struct {
	// Queue is the queue waited for ("" = the default queue).
	Queue string
	// Wait is the poll's report (timed out or interrupted, with the last state).
	Wait error
	// Refusal is DLI's last answer to the submission.
	Refusal error
}

func (e *QueueNotReadyError) Error() string {
	return fmt.Sprintf("%v; DLI's last answer: %v", e.Wait, e.Refusal)
}

func (e *QueueNotReadyError) Unwrap() []error { return []error{e.Wait, e.Refusal} }

func queueText(name string) string {
	if name == "" {
		return "the default queue"
	}
	return "queue " + name
}

// SubmitWhenQueueReady calls submit, and calls it again for as long as DLI
// refuses it because queue is not ready yet (IsQueueNotReady), polling with
// the client's backoff until ctx ends. Any other outcome of submit, success
// or error, is returned as is. submit must not have created anything when it
// returns a refusal (DLI refuses before creating the job). When ctx ends
// first, the error is a *QueueNotReadyError naming the queue.
func (c *Client) SubmitWhenQueueReady(ctx context.Context, queue string, submit func(context.Context) error) error {
	err := submit(ctx)
	if !IsQueueNotReady(err) {
		return err
	}
	refusal := err
	tflog.Info(ctx, "DLI: the queue is not ready to run jobs yet; submitting again once it is", map[string]interface{}{
		"queue": queue, "answer": err.Error(),
	})
	target := pollTarget{what: queueText(queue), goal: "ready (accepting jobs)"}
	var final error
	finished := false
	_, err = c.poll(ctx, target, "not ready", func(ctx context.Context) (string, bool, error) {
		err := submit(ctx)
		if IsQueueNotReady(err) {
			refusal = err
			return "not ready", false, nil
		}
		final, finished = err, true
		return "ready", true, err
	})
	if finished && !cutByContext(ctx, final) {
		return final // what the accepted (or otherwise answered) submission returned, untouched
	}
	if finished {
		// The deadline (or an interrupt) cut the last submission short, and the collection
		// found that nothing was created: the queue simply was not ready in time.
		err = waitEndError(target, "not ready", ctx.Err())
	}
	return &QueueNotReadyError{Queue: queue, Wait: err, Refusal: refusal}
}

// cutByContext reports a submission that failed only because ctx ended, with no doubt left
// about its outcome (an *OutcomeUnknownError may have created the job: it is never hidden).
func cutByContext(ctx context.Context, err error) bool {
	var unknown *OutcomeUnknownError
	return err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) && !errors.As(err, &unknown)
}
