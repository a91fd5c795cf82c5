package client

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestCancelAndWait(t *testing.T) {
	finishedBody := `{"error_code":"DLI.0007","error_msg":"The job has finished and cannot be cancelled"}`
	tests := []struct {
		name      string
		noJob     bool
		job       fakeJob
		known     JobState
		hook      func(*fakeDLI, http.ResponseWriter, *http.Request, []byte, int) bool
		want      JobState
		wantErr   string
		wantCalls []string
	}{
		{name: "known success: no request", job: fakeJob{State: StateSuccess}, known: StateSuccess, want: StateSuccess, wantCalls: nil},
		{name: "known dead: no request", job: fakeJob{State: StateDead}, known: StateDead, want: StateDead, wantCalls: nil},
		{name: "known Success (any case): no request", job: fakeJob{State: StateSuccess}, known: "Success", want: StateSuccess, wantCalls: nil},
		{
			name:  "known running: DELETE then polls",
			job:   fakeJob{State: StateRunning, AfterCancel: []JobState{StateRunning, StateRunning, StateDead}},
			known: StateRunning, want: StateDead,
			wantCalls: []string{"DELETE", "GET state", "GET state", "GET state"},
		},
		{
			name: "known starting: DELETE, immediately dead",
			job:  fakeJob{State: StateStarting}, known: StateStarting, want: StateDead,
			wantCalls: []string{"DELETE", "GET state"},
		},
		{
			name: "unknown, running: GET state first",
			job:  fakeJob{State: StateRunning}, want: StateDead,
			wantCalls: []string{"GET state", "DELETE", "GET state"},
		},
		{
			name: "unknown, recovering: cancelled",
			job:  fakeJob{State: StateRecovering, AfterCancel: []JobState{StateRecovering, StateDead}}, want: StateDead,
			wantCalls: []string{"GET state", "DELETE", "GET state", "GET state"},
		},
		{
			name: "unknown, finished: one request",
			job:  fakeJob{State: StateSuccess}, want: StateSuccess,
			wantCalls: []string{"GET state"},
		},
		{
			name:  "unknown, not found: done",
			noJob: true, want: "",
			wantCalls: []string{"GET state"},
		},
		{
			name:  "known running, not found at DELETE: done",
			noJob: true, known: StateRunning, want: "",
			wantCalls: []string{"DELETE"},
		},
		{
			name: "known running, already finished: state read once",
			job:  fakeJob{State: StateSuccess}, known: StateRunning, want: StateSuccess,
			wantCalls: []string{"DELETE", "GET state"},
		},
		{
			name: "Livy already stopped: done",
			job:  fakeJob{State: StateDead}, known: StateRunning, want: StateDead,
			hook: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				if r.Method == http.MethodDelete {
					writeJSON(w, 404, map[string]string{"msg": "Session x already stopped."})
					return true
				}
				return false
			},
			wantCalls: []string{"DELETE", "GET state"},
		},
		{
			name: "already finished, then gone: done",
			job:  fakeJob{State: StateDead}, known: StateRunning, want: "",
			hook: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				if r.Method == http.MethodGet {
					writeJSON(w, 400, map[string]string{"error_code": "DLI.0002", "error_msg": "gone"})
					return true
				}
				return false
			},
			wantCalls: []string{"DELETE", "GET state"},
		},
		{
			name: "already finished but state lags: wait until terminal",
			job:  fakeJob{State: StateRunning, States: []JobState{StateRunning, StateRunning, StateDead}}, known: StateRunning, want: StateDead,
			hook: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				if r.Method == http.MethodDelete {
					writeJSON(w, 400, map[string]string{"error_code": "DLI.0007", "error_msg": "finished"})
					return true
				}
				return false
			},
			wantCalls: []string{"DELETE", "GET state", "GET state", "GET state"},
		},
		{
			name: "already finished, state read fails",
			job:  fakeJob{State: StateDead}, known: StateRunning, want: StateRunning, wantErr: "APIGW.0301",
			hook: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				if r.Method == http.MethodDelete {
					writeJSON(w, 400, map[string]string{"error_code": "DLI.0007", "error_msg": "finished"})
				} else {
					writeJSON(w, 401, map[string]string{"error_code": "APIGW.0301", "error_msg": "no"})
				}
				return true
			},
			wantCalls: []string{"DELETE", "GET state"},
		},
		{
			name: "job disappears while polling: done",
			job:  fakeJob{State: StateRunning, AfterCancel: []JobState{StateRunning}}, known: StateRunning, want: "",
			hook: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				if n == 2 {
					writeJSON(w, 400, map[string]string{"error_code": "DLI.0002", "error_msg": "gone"})
					return true
				}
				return false
			},
			wantCalls: []string{"DELETE", "GET state", "GET state"},
		},
		{
			name: "unknown, state read fails",
			job:  fakeJob{State: StateRunning}, wantErr: "APIGW.0301",
			hook:      statusHook([]int{401}, nil, `{"error_code":"APIGW.0301","error_msg":"no"}`),
			wantCalls: []string{"GET state"},
		},
		{
			name: "transient errors on the state read and the DELETE are tolerated",
			job:  fakeJob{State: StateRunning}, want: StateDead,
			// MaxRetries is 3: each run of 4 failures is one transient error.
			hook: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				if n < 4 || (n >= 5 && n < 9) {
					writeJSON(w, 502+(n/5), map[string]string{"error_code": "DLI.0999", "error_msg": "busy"})
					return true
				}
				return false
			},
			wantCalls: []string{"GET state", "GET state", "GET state", "GET state", "GET state", "DELETE", "DELETE", "DELETE", "DELETE", "DELETE", "GET state"},
		},
		{
			name: "a fourth consecutive transient error fails the state read",
			job:  fakeJob{State: StateRunning}, wantErr: "HTTP 429",
			hook: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				writeJSON(w, 429, map[string]string{"error_code": "APIG.0308", "error_msg": "throttled"})
				return true
			},
			wantCalls: []string{"GET state", "GET state", "GET state", "GET state", "GET state", "GET state", "GET state", "GET state",
				"GET state", "GET state", "GET state", "GET state", "GET state", "GET state", "GET state", "GET state"},
		},
		{
			name: "DELETE fails permanently",
			job:  fakeJob{State: StateRunning}, known: StateRunning, want: StateRunning, wantErr: "DLI.0003",
			hook:      statusHook([]int{403}, nil, `{"error_code":"DLI.0003","error_msg":"no permission"}`),
			wantCalls: []string{"DELETE"},
		},
		{
			name: "DELETE with a finished-job error answer only checked when 4xx",
			job:  fakeJob{State: StateRunning}, known: StateRunning, want: StateDead,
			hook:      statusHook([]int{503}, nil, finishedBody),
			wantCalls: []string{"DELETE", "DELETE", "GET state"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeDLI(t)
			id := f.withJob(tt.noJob, tt.job)
			f.hook = tt.hook
			c := newTestClient(t, f.URL())
			got, err := c.CancelAndWait(context.Background(), id, tt.known)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tt.want {
				t.Fatalf("state %q, want %q", got, tt.want)
			}
			if calls := shortCalls(f, id); !reflect.DeepEqual(calls, tt.wantCalls) {
				t.Fatalf("calls %v, want %v", calls, tt.wantCalls)
			}
		})
	}
}

// TestCancelAndWaitTiming: no fixed delays; the first poll after a DELETE
// comes after PollInterval, and a finished job returns at once.
func TestCancelAndWaitTiming(t *testing.T) {
	f := newFakeDLI(t)
	running := f.addJob(&fakeJob{State: StateRunning})
	done := f.addJob(&fakeJob{State: StateDead})
	c := newTestClient(t, f.URL(), func(c *Config) { c.PollInterval = 80 * time.Millisecond })

	start := time.Now()
	if st, err := c.CancelAndWait(context.Background(), done.ID, ""); err != nil || st != StateDead {
		t.Fatalf("%v %v", st, err)
	}
	if el := time.Since(start); el > 60*time.Millisecond {
		t.Fatalf("finished job took %v", el)
	}

	if st, err := c.CancelAndWait(context.Background(), running.ID, StateRunning); err != nil || st != StateDead {
		t.Fatalf("%v %v", st, err)
	}
	reqs := f.requests()
	del, poll := reqs[1], reqs[2]
	if del.Method != http.MethodDelete || poll.Method != http.MethodGet {
		t.Fatalf("calls %v", f.calls())
	}
	if gap := poll.Time.Sub(del.Time); gap < 80*time.Millisecond || gap > time.Second {
		t.Fatalf("first poll %v after DELETE", gap)
	}
}
