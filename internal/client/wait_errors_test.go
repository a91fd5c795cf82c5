package client

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"
)

// StopBatchJob sends the same requests as CancelAndWait and returns the same states.
func TestStopBatchJob_sameAsCancelAndWait(t *testing.T) {
	tests := []struct {
		name  string
		noJob bool
		job   fakeJob
		known JobState
		hook  func(*fakeDLI, http.ResponseWriter, *http.Request, []byte, int) bool
	}{
		{name: "known success", job: fakeJob{State: StateSuccess}, known: StateSuccess},
		{name: "known running", job: fakeJob{State: StateRunning, AfterCancel: []JobState{StateRunning, StateDead}}, known: StateRunning},
		{name: "unknown, running", job: fakeJob{State: StateRunning}},
		{name: "unknown, finished", job: fakeJob{State: StateSuccess}},
		{name: "unknown, not found", noJob: true},
		{name: "known running, not found at DELETE", noJob: true, known: StateRunning},
		{name: "known running, already finished", job: fakeJob{State: StateSuccess}, known: StateRunning},
		{name: "unknown state", job: fakeJob{State: "killed"}},
		{name: "DELETE refused", job: fakeJob{State: StateRunning}, known: StateRunning,
			hook: statusHook([]int{403}, nil, `{"error_code":"DLI.0003","error_msg":"no permission"}`)},
		{name: "DELETE answered 503 once", job: fakeJob{State: StateRunning}, known: StateRunning,
			hook: statusHook([]int{503}, nil, `{"error_code":"DLI.0999","error_msg":"busy"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			type outcome struct {
				State JobState
				Err   bool
				Calls []string
			}
			run := func(stop func(*Client, context.Context, string, JobState) (JobState, error)) outcome {
				f := newFakeDLI(t)
				id := f.withJob(tt.noJob, tt.job)
				f.hook = tt.hook
				st, err := stop(newTestClient(t, f.URL()), context.Background(), id, tt.known)
				return outcome{st, err != nil, shortCalls(f, id)}
			}
			want, got := run((*Client).CancelAndWait), run((*Client).StopBatchJob)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("StopBatchJob: %+v; CancelAndWait: %+v", got, want)
			}
		})
	}
}

// A failure after DLI accepted the cancel is a *CancelAcceptedError; an interruption and a
// timeout are told apart by type; a context that ends before the cancel got its answer, or a
// refused cancel, is not "accepted".
func TestStopBatchJob_typedEndings(t *testing.T) {
	stall := func(f *fakeDLI, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
		if r.Method != http.MethodDelete {
			return false
		}
		<-r.Context().Done()
		return true
	}
	refuse := statusHook([]int{403}, nil, `{"error_code":"DLI.0003","error_msg":"no permission"}`)
	tests := []struct {
		name            string
		hook            func(*fakeDLI, http.ResponseWriter, *http.Request, []byte, int) bool
		interrupt       bool
		wantAccepted    bool
		wantInterrupted bool
	}{
		{name: "timed out after the cancel", wantAccepted: true},
		{name: "interrupted after the cancel", interrupt: true, wantAccepted: true, wantInterrupted: true},
		{name: "timed out during the cancel request", hook: stall},
		{name: "cancel refused", hook: refuse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeDLI(t)
			j := f.addJob(&fakeJob{State: StateRunning, AfterCancel: []JobState{StateRunning}})
			f.hook = tt.hook
			c := newTestClient(t, f.URL(), func(c *Config) { c.PollInterval = 10 * time.Millisecond })
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			if tt.interrupt {
				bound, cancelBound := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancelBound()
				var interrupt context.CancelFunc
				ctx, interrupt = context.WithCancel(bound)
				go func() {
					for len(shortCalls(f, j.ID)) < 3 && ctx.Err() == nil { // DELETE, then polls: the wait is on
						time.Sleep(time.Millisecond)
					}
					interrupt()
				}()
			}
			_, err := c.StopBatchJob(ctx, j.ID, StateRunning)
			var accepted *CancelAcceptedError
			if errors.As(err, &accepted) != tt.wantAccepted {
				t.Fatalf("error %v: accepted = %v, want %v", err, !tt.wantAccepted, tt.wantAccepted)
			}
			if !tt.wantAccepted {
				return
			}
			var ended *WaitEndedError
			if !errors.As(err, &ended) || ended.Interrupted != tt.wantInterrupted || accepted.LastState != "running" ||
				ended.Subject != "batch job "+j.ID {
				t.Fatalf("error %v (%#v), want a wait end with interrupted = %v and last state running", err, ended, tt.wantInterrupted)
			}
		})
	}
}

func TestAwaitBatchJob_typedEndings(t *testing.T) {
	f := newFakeDLI(t)
	running := f.addJob(&fakeJob{State: StateRunning})
	dead := f.addJob(&fakeJob{State: StateDead})
	c := newTestClient(t, f.URL(), func(c *Config) { c.PollInterval = 10 * time.Millisecond })

	expired, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	interrupted, stop := context.WithCancel(context.Background())
	stop()
	for _, tt := range []struct {
		ctx         context.Context
		interrupted bool
	}{{expired, false}, {interrupted, true}} {
		_, err := c.AwaitBatchJob(tt.ctx, running.ID, StateSuccess)
		var ended *WaitEndedError
		if !errors.As(err, &ended) || ended.Interrupted != tt.interrupted || !errors.Is(err, tt.ctx.Err()) {
			t.Errorf("error %v, want a *WaitEndedError with interrupted = %v", err, tt.interrupted)
		}
	}
	_, err := c.AwaitBatchJob(context.Background(), dead.ID, StateSuccess)
	var ended *WaitEndedError
	var failed *JobFailedError
	if errors.As(err, &ended) || !errors.As(err, &failed) {
		t.Errorf("a dead job gives %v, want a *JobFailedError only", err)
	}
}
