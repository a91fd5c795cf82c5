package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func logLines(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("line %d", i+1)
	}
	return out
}

func TestWaitForBatchJob(t *testing.T) {
	tests := []struct {
		name       string
		job        fakeJob
		targets    []JobState
		hook       func(*fakeDLI, http.ResponseWriter, *http.Request, []byte, int) bool
		maxRetries int
		want       JobState
		wantErr    func(t *testing.T, err error)
		wantCalls  []string
	}{
		{
			name:      "reaches success",
			job:       fakeJob{States: []JobState{StateStarting, StateRunning, StateRunning, StateSuccess}},
			targets:   []JobState{StateSuccess},
			want:      StateSuccess,
			wantCalls: []string{"GET state", "GET state", "GET state", "GET state"},
		},
		{
			name:      "reaches running, target case-insensitive",
			job:       fakeJob{States: []JobState{StateStarting, "Running"}},
			targets:   []JobState{"RUNNING"},
			want:      StateRunning,
			wantCalls: []string{"GET state", "GET state"},
		},
		{
			name:      "default targets: any terminal state, no failure error",
			job:       fakeJob{States: []JobState{StateRunning, StateDead}},
			want:      StateDead,
			wantCalls: []string{"GET state", "GET state"},
		},
		{
			name:    "dead while waiting for success: error with log tail",
			job:     fakeJob{States: []JobState{StateStarting, StateDead}, Log: logLines(30)},
			targets: []JobState{StateSuccess},
			want:    StateDead,
			wantErr: func(t *testing.T, err error) {
				var jf *JobFailedError
				if !errors.As(err, &jf) || jf.State != StateDead || !reflect.DeepEqual(jf.Log, logLines(30)[10:]) {
					t.Fatalf("error %#v", err)
				}
				if !strings.Contains(err.Error(), "line 30") {
					t.Fatalf("error text %q", err)
				}
			},
			wantCalls: []string{"GET state", "GET state", "GET detail"},
		},
		{
			name:    "success while waiting for running",
			job:     fakeJob{States: []JobState{StateSuccess}, Log: []string{"done"}},
			targets: []JobState{StateRunning},
			want:    StateSuccess,
			wantErr: func(t *testing.T, err error) {
				var jf *JobFailedError
				if !errors.As(err, &jf) || jf.State != StateSuccess {
					t.Fatalf("error %v", err)
				}
			},
			wantCalls: []string{"GET state", "GET detail"},
		},
		{
			name:    "dead without log in the detail: log endpoint",
			job:     fakeJob{States: []JobState{StateDead}},
			targets: []JobState{StateRunning},
			hook: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				if strings.HasSuffix(r.URL.Path, "/log") {
					writeJSON(w, 200, map[string]interface{}{"from": 0, "total": 2, "log": []string{"Exception in thread main", "exit 1"}})
					return true
				}
				return false
			},
			want: StateDead,
			wantErr: func(t *testing.T, err error) {
				var jf *JobFailedError
				if !errors.As(err, &jf) || !reflect.DeepEqual(jf.Log, []string{"Exception in thread main", "exit 1"}) {
					t.Fatalf("error %#v", err)
				}
			},
			wantCalls: []string{"GET state", "GET detail", "GET log"},
		},
		{
			name:    "dead, log unavailable: error without log",
			job:     fakeJob{States: []JobState{StateDead}},
			targets: []JobState{StateRunning},
			hook: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				if n > 0 {
					writeJSON(w, 400, map[string]string{"error_code": "DLI.0001", "error_msg": "no"})
					return true
				}
				return false
			},
			want: StateDead,
			wantErr: func(t *testing.T, err error) {
				var jf *JobFailedError
				if !errors.As(err, &jf) || jf.Log != nil {
					t.Fatalf("error %#v", err)
				}
			},
			wantCalls: []string{"GET state", "GET detail", "GET log"},
		},
		{
			name:    "a fourth consecutive transient error fails",
			job:     fakeJob{States: []JobState{StateRunning, StateSuccess}},
			targets: []JobState{StateSuccess},
			hook:    statusHook([]int{500, 503, 429, 502}, nil, ""),
			wantErr: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "HTTP 502") {
					t.Fatalf("error %v", err)
				}
			},
			wantCalls: []string{"GET state", "GET state", "GET state", "GET state"},
		},
		{
			// An empty 200 cannot be decoded: asking again gets the same answer.
			name:    "a decoding error is not transient",
			job:     fakeJob{States: []JobState{StateRunning, StateSuccess}},
			targets: []JobState{StateSuccess},
			hook:    statusHook([]int{200}, nil, ""),
			wantErr: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "empty response body") {
					t.Fatalf("error %v", err)
				}
			},
			wantCalls: []string{"GET state"},
		},
		{
			name:    "an unknown state ends the wait at once, named",
			job:     fakeJob{States: []JobState{StateRunning, "KILLED", StateSuccess}},
			targets: []JobState{StateSuccess},
			want:    "killed",
			wantErr: func(t *testing.T, err error) {
				var us *UnexpectedStateError
				if !errors.As(err, &us) || us.State != "killed" || !strings.Contains(err.Error(), `"killed"`) {
					t.Fatalf("error %v", err)
				}
			},
			wantCalls: []string{"GET state", "GET state"},
		},
		{
			name:      "transient errors then success",
			job:       fakeJob{States: []JobState{StateRunning, StateSuccess}},
			targets:   []JobState{StateSuccess},
			hook:      statusHook([]int{503, 500, 504}, nil, ""),
			want:      StateSuccess,
			wantCalls: []string{"GET state", "GET state", "GET state", "GET state", "GET state"},
		},
		{
			name:       "transient errors already retried by the transport count once",
			job:        fakeJob{States: []JobState{StateSuccess}},
			targets:    []JobState{StateSuccess},
			hook:       statusHook([]int{503, 503, 503, 503, 503, 503}, nil, ""),
			maxRetries: 2,
			want:       StateSuccess,
			wantCalls:  []string{"GET state", "GET state", "GET state", "GET state", "GET state", "GET state", "GET state"},
		},
		{
			name:    "permanent error stops at once",
			job:     fakeJob{States: []JobState{StateRunning}},
			targets: []JobState{StateSuccess},
			hook:    statusHook([]int{401}, nil, `{"error_code":"APIGW.0301","error_msg":"verify aksk signature fail"}`),
			wantErr: func(t *testing.T, err error) {
				if !IsAuthFailed(err) || !strings.Contains(err.Error(), "last state unknown") {
					t.Fatalf("error %v", err)
				}
			},
			wantCalls: []string{"GET state"},
		},
		{
			name:    "not found is reported",
			job:     fakeJob{States: []JobState{StateRunning}},
			targets: []JobState{StateSuccess},
			hook: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				if n == 1 {
					writeJSON(w, 400, map[string]string{"error_code": "DLI.0002", "error_msg": "gone"})
					return true
				}
				return false
			},
			wantErr: func(t *testing.T, err error) {
				if !IsNotFound(err) {
					t.Fatalf("error %v", err)
				}
			},
			wantCalls: []string{"GET state", "GET state"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeDLI(t)
			job := tt.job
			j := f.addJob(&job)
			f.hook = tt.hook
			c := newTestClient(t, f.URL(), func(c *Config) { c.MaxRetries = tt.maxRetries })
			got, err := c.WaitForBatchJob(context.Background(), j.ID, tt.targets...)
			if tt.wantErr != nil {
				tt.wantErr(t, err)
			} else if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.want != "" && got != tt.want {
				t.Fatalf("state %q, want %q", got, tt.want)
			}
			if calls := shortCalls(f, j.ID); !reflect.DeepEqual(calls, tt.wantCalls) {
				t.Fatalf("calls %v, want %v", calls, tt.wantCalls)
			}
		})
	}
}

// shortCalls renders requests as "GET state", "GET detail", "DELETE", ...
func shortCalls(f *fakeDLI, id string) []string {
	var out []string
	for _, c := range f.calls() {
		c = strings.Replace(c, "batches/"+id, "", 1)
		switch {
		case strings.HasSuffix(c, " "):
			c = strings.TrimSpace(c)
			if c == "GET" {
				c = "GET detail"
			}
		case strings.HasSuffix(c, "/state"):
			c = strings.TrimSuffix(c, "/state") + "state"
		case strings.HasSuffix(c, "/log"):
			c = strings.TrimSuffix(c, "/log") + "log"
		}
		out = append(out, c)
	}
	return out
}

func TestWaitForBatchJobDeadline(t *testing.T) {
	f := newFakeDLI(t)
	j := f.addJob(&fakeJob{State: StateRunning})
	c := newTestClient(t, f.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
	defer cancel()
	start := time.Now()
	st, err := c.WaitForBatchJob(ctx, j.ID, StateSuccess)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want a deadline error", err)
	}
	if st != StateRunning || !strings.Contains(err.Error(), "last state: running") || !strings.Contains(err.Error(), j.ID) {
		t.Fatalf("state %q, error %q", st, err)
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("took %v", el)
	}
	// Cancelled before the first poll: the state is unknown.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	_, err = c.WaitForBatchJob(ctx2, j.ID)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "last state: unknown") {
		t.Fatalf("error %v", err)
	}
}

func TestWaitBackoffGrowsAndCaps(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", func(c *Config) {
		c.PollInterval = 300 * time.Millisecond
		c.PollIntervalMax = 10 * time.Second
	})
	d := c.pollInterval
	var seq []time.Duration
	for i := 0; i < 8; i++ {
		seq = append(seq, d)
		d = c.growPoll(d)
	}
	want := []time.Duration{300 * time.Millisecond, 600 * time.Millisecond, 1200 * time.Millisecond, 2400 * time.Millisecond,
		4800 * time.Millisecond, 9600 * time.Millisecond, 10 * time.Second, 10 * time.Second}
	if !reflect.DeepEqual(seq, want) {
		t.Fatalf("poll sequence %v", seq)
	}
	if err := sleepCtx(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
}

func TestCancelAndWaitDeadline(t *testing.T) {
	f := newFakeDLI(t)
	j := f.addJob(&fakeJob{State: StateRunning, AfterCancel: []JobState{StateRunning}})
	c := newTestClient(t, f.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	st, err := c.CancelAndWait(ctx, j.ID, StateRunning)
	if !errors.Is(err, context.DeadlineExceeded) || st != StateRunning || !strings.Contains(err.Error(), "last state: running") {
		t.Fatalf("%v %v", st, err)
	}
}
