package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func apiErr(status int, code, msg string) *APIError {
	return &APIError{StatusCode: status, Code: code, Message: msg, Operation: "create batch job"}
}

func TestIsQueueNotReady(t *testing.T) {
	missing := apiErr(400, "DLI.0001", "There is no queue named q1")
	classifyQueue(missing) // marked not found the way a queue call would be
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"emulator wording", apiErr(400, "DLI.0007", "The queue q1 is assigning resources and is not available yet"), true},
		{"wording known from DLI", apiErr(400, "DLI.0001", "the queue is assigning, which is not available"), true},
		{"other code and status", apiErr(409, "DLI.0999", "Queue q1 is not ready yet"), true},
		{"envelope is_success false", apiErr(200, "", "queue q1 is being created, try again later"), true},
		{"no code", apiErr(400, "", "The queue q1 is still provisioning"), true},
		{"wrapped", fmt.Errorf("submitting: %w", apiErr(400, "DLI.0007", "queue q1 is not yet ready")), true},
		{"missing queue DLI.0002", apiErr(400, "DLI.0002", "There is no queue named q1 that is ready"), false},
		{"missing queue DLI.0008", apiErr(400, "DLI.0008", "queue q1 is not ready: there is no queue named q1"), false},
		{"missing queue, marked", missing, false},
		{"wrong type", apiErr(400, "DLI.0007", "The queue q1 is a sql queue; this job needs a general queue"), false},
		{"parameter error", apiErr(400, "DLI.0001", "The parameter file is mandatory"), false},
		{"not about a queue", apiErr(400, "DLI.0007", "The job is assigning resources"), false},
		{"server error", apiErr(500, "DLI.0999", "queue q1 is assigning resources"), false},
		{"throttled", apiErr(429, "APIG.0308", "queue q1 is not ready"), false},
		{"not an answer", errors.New("queue q1 is not ready"), false},
		{"nil", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsQueueNotReady(tc.err); got != tc.want {
				t.Errorf("IsQueueNotReady(%v) = %t, want %t", tc.err, got, tc.want)
			}
		})
	}
}

var notReady = apiErr(400, "DLI.0007", "The queue q1 is assigning resources and is not available yet")

// refusing returns a submit that is refused `times` times, then answers final; calls counts
// the submissions.
func refusing(times int32, final error, calls *atomic.Int32) func(context.Context) error {
	return func(context.Context) error {
		if calls.Add(1) <= times {
			return notReady
		}
		return final
	}
}

func TestSubmitWhenQueueReady_outcomes(t *testing.T) {
	c := newTestClient(t, "https://"+dliHost)
	refused := apiErr(400, "DLI.0001", "The parameter file is mandatory")
	cases := []struct {
		name      string
		refusals  int32
		final     error
		wantCalls int32
	}{
		{"accepted at once", 0, nil, 1},
		{"other error at once", 0, refused, 1},
		{"accepted once ready", 3, nil, 4},
		{"other error once ready", 2, refused, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			err := c.SubmitWhenQueueReady(context.Background(), "q1", refusing(tc.refusals, tc.final, &calls))
			if err != tc.final { // the very error submit returned
				t.Errorf("error = %v, want %v untouched", err, tc.final)
			}
			if got := calls.Load(); got != tc.wantCalls {
				t.Errorf("submissions = %d, want %d", got, tc.wantCalls)
			}
		})
	}
}

// A queue that never becomes ready: the wait ends with the caller's context, in an error that
// names the queue, says it timed out and carries DLI's last refusal.
func TestSubmitWhenQueueReady_boundedByTheContext(t *testing.T) {
	c := newTestClient(t, "https://"+dliHost)
	for _, tc := range []struct {
		queue, names string
		cancel       bool
		want         error
		how          string
	}{
		{"q1", "queue q1", false, context.DeadlineExceeded, "timed out"},
		{"", "the default queue", true, context.Canceled, "interrupted"},
	} {
		t.Run(tc.how, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			var calls atomic.Int32
			submit := func(ctx context.Context) error {
				if calls.Add(1) == 3 && tc.cancel {
					cancel()
				}
				return notReady
			}
			err := c.SubmitWhenQueueReady(ctx, tc.queue, submit)
			var nr *QueueNotReadyError
			if !errors.As(err, &nr) || nr.Queue != tc.queue {
				t.Fatalf("error = %#v, want a *QueueNotReadyError for %q", err, tc.queue)
			}
			if !errors.Is(err, tc.want) || !IsQueueNotReady(err) {
				t.Errorf("error %v does not wrap %v and the refusal", err, tc.want)
			}
			msg := err.Error()
			for _, part := range []string{tc.names, tc.how, "is assigning resources"} {
				if !strings.Contains(msg, part) {
					t.Errorf("message %q lacks %q", msg, part)
				}
			}
			if calls.Load() < 2 {
				t.Errorf("submitted %d times, want it tried again while waiting", calls.Load())
			}
		})
	}
}

// The deadline cuts a resubmission short: nothing was created, so the error still says the
// queue was not ready in time. An unknown outcome (the job may exist) is never hidden.
func TestSubmitWhenQueueReady_cutShortByTheContext(t *testing.T) {
	c := newTestClient(t, "https://"+dliHost)
	for _, tc := range []struct {
		name         string
		cut          func(error) error
		wantNotReady bool
	}{
		{"nothing created", func(err error) error { return fmt.Errorf("dli: create batch job: %w", err) }, true},
		{"outcome unknown", func(err error) error {
			return &OutcomeUnknownError{Operation: "create batch job", Err: err, LookupErr: err}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var calls atomic.Int32
			submit := func(ctx context.Context) error {
				if calls.Add(1) < 3 {
					return notReady
				}
				cancel()
				return tc.cut(ctx.Err())
			}
			err := c.SubmitWhenQueueReady(ctx, "q1", submit)
			var nr *QueueNotReadyError
			var unknown *OutcomeUnknownError
			if got := errors.As(err, &nr); got != tc.wantNotReady || got == errors.As(err, &unknown) {
				t.Fatalf("error = %v: QueueNotReadyError %t, want %t", err, got, tc.wantNotReady)
			}
			if tc.wantNotReady && (!strings.Contains(err.Error(), "interrupted while waiting for queue q1") || !IsQueueNotReady(err)) {
				t.Errorf("message %q: want the interrupted wait for q1 and the last refusal", err)
			}
		})
	}
}

// Through the HTTP layer: CreateBatchJob's answer to a refusal is recognised, nothing is
// reconciled, and the job is created by the first submission DLI takes.
func TestSubmitWhenQueueReady_batchJobOverHTTP(t *testing.T) {
	f := newFakeDLI(t)
	f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
		if r.Method == http.MethodPost && n < 2 {
			writeJSON(w, 400, map[string]string{"error_code": "DLI.0007",
				"error_msg": "The queue q1 is assigning resources and is not available yet"})
			return true
		}
		return false
	}
	c := newTestClient(t, f.URL())
	var job *BatchJob
	err := c.SubmitWhenQueueReady(context.Background(), "q1", func(ctx context.Context) (err error) {
		job, err = c.CreateBatchJob(ctx, &CreateBatchJobRequest{File: "obs://b/app.jar", ClassName: "Main", Queue: "q1"})
		return err
	})
	if err != nil || job == nil || f.jobCount() != 1 {
		t.Fatalf("job %+v, error %v, %d jobs", job, err, f.jobCount())
	}
	if got := strings.Join(f.calls(), " "); got != "POST batches POST batches POST batches" {
		t.Errorf("requests = %s, want three submissions and no lookup", got)
	}
}
