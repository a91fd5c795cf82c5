package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const someID = "0a324461-d9d9-45da-a52a-3b3c7a3d809e"

func TestRetryWait(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", func(c *Config) {
		c.RetryWaitMin = 100 * time.Millisecond
		c.RetryWaitMax = 30 * time.Second
	})
	resp := func(status int, retryAfter string) *http.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: status, Header: h}
	}
	future := time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat)
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name     string
		n        int
		resp     *http.Response
		min, max time.Duration
	}{
		{"429 Retry-After seconds", 0, resp(429, "3"), 3 * time.Second, 3 * time.Second},
		{"429 Retry-After capped", 0, resp(429, "120"), 30 * time.Second, 30 * time.Second},
		{"503 Retry-After honoured", 0, resp(503, "2"), 2 * time.Second, 2 * time.Second},
		{"429 Retry-After HTTP date", 0, resp(429, future), 8 * time.Second, 10 * time.Second},
		{"429 Retry-After date in the past", 0, resp(429, past), 0, 0},
		{"429 Retry-After garbage", 0, resp(429, "soon"), 50 * time.Millisecond, 100 * time.Millisecond},
		{"429 Retry-After negative", 1, resp(429, "-1"), 100 * time.Millisecond, 200 * time.Millisecond},
		{"500 ignores Retry-After", 0, resp(500, "9"), 50 * time.Millisecond, 100 * time.Millisecond},
		{"exponential n=3", 3, nil, 400 * time.Millisecond, 800 * time.Millisecond},
		{"exponential capped", 40, nil, 15 * time.Second, 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := 0; i < 20; i++ {
				got := c.retryWait(tt.n, tt.resp)
				if got < tt.min || got > tt.max {
					t.Fatalf("retryWait = %v, want in [%v, %v]", got, tt.min, tt.max)
				}
			}
		})
	}
	if d := expBackoff(time.Second, 30*time.Second, 1000); d != 30*time.Second {
		t.Fatalf("expBackoff overflow guard: %v", d)
	}
	if d := jitter(1); d != 1 {
		t.Fatalf("jitter(1) = %v", d)
	}
}

// statusHook answers the first len(statuses) requests with those statuses.
func statusHook(statuses []int, header http.Header, body string) func(*fakeDLI, http.ResponseWriter, *http.Request, []byte, int) bool {
	return func(f *fakeDLI, w http.ResponseWriter, r *http.Request, _ []byte, n int) bool {
		if n >= len(statuses) {
			return false
		}
		for k, v := range header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(statuses[n])
		_, _ = io.WriteString(w, body)
		return true
	}
}

func TestIdempotentRetries(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		statuses   []int
		body       string
		wantCalls  int
		wantStatus int // 0 = success
	}{
		{"GET 500 retried", http.MethodGet, []int{500}, `{"error_code":"DLI.0999","error_msg":"x"}`, 2, 0},
		{"GET 502 retried", http.MethodGet, []int{502}, "bad gateway", 2, 0},
		{"GET 503 retried", http.MethodGet, []int{503, 503}, "", 3, 0},
		{"GET 504 retried", http.MethodGet, []int{504}, "", 2, 0},
		{"GET 429 retried", http.MethodGet, []int{429}, "", 2, 0},
		{"GET APIG.0308 with 403 retried", http.MethodGet, []int{403}, `{"error_code":"APIG.0308","error_msg":"throttled"}`, 2, 0},
		{"GET 501 not retried", http.MethodGet, []int{501}, "", 1, 501},
		{"GET 400 not retried", http.MethodGet, []int{400}, `{"error_code":"DLI.0001","error_msg":"bad"}`, 1, 400},
		{"GET 401 not retried", http.MethodGet, []int{401}, `{"error_code":"APIGW.0301","error_msg":"bad"}`, 1, 401},
		{"GET 503 exhausted", http.MethodGet, []int{503, 503, 503, 503, 503}, "", 4, 503},
		{"DELETE 502 retried", http.MethodDelete, []int{502}, "", 2, 0},
		{"DELETE 503 retried", http.MethodDelete, []int{503, 503}, "", 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeDLI(t)
			j := f.addJob(&fakeJob{State: StateRunning})
			f.hook = statusHook(tt.statuses, nil, tt.body)
			c := newTestClient(t, f.URL())
			var err error
			if tt.method == http.MethodGet {
				_, err = c.GetBatchJob(context.Background(), j.ID)
			} else {
				err = c.CancelBatchJob(context.Background(), j.ID)
			}
			if n := len(f.requests()); n != tt.wantCalls {
				t.Fatalf("%d requests, want %d", n, tt.wantCalls)
			}
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var e *APIError
			if !errors.As(err, &e) || e.StatusCode != tt.wantStatus {
				t.Fatalf("error %v, want APIError %d", err, tt.wantStatus)
			}
		})
	}
}

// TestRetryAfterHonoured: a one second Retry-After is waited for.
func TestRetryAfterHonoured(t *testing.T) {
	f := newFakeDLI(t)
	j := f.addJob(&fakeJob{})
	f.hook = statusHook([]int{429}, http.Header{"Retry-After": {"1"}}, `{"error_code":"APIG.0308","error_msg":"throttled"}`)
	c := newTestClient(t, f.URL(), func(c *Config) { c.RetryWaitMax = 5 * time.Second })
	start := time.Now()
	if _, err := c.GetBatchJobState(context.Background(), j.ID); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second || el > 3*time.Second {
		t.Fatalf("elapsed %v, want about 1s", el)
	}
	if n := len(f.requests()); n != 2 {
		t.Fatalf("%d requests", n)
	}
}

// TestRetryAfterBounded: Retry-After is capped by RetryWaitMax, and a wait
// that would pass the context deadline is not started at all.
func TestRetryAfterBounded(t *testing.T) {
	t.Run("capped by RetryWaitMax", func(t *testing.T) {
		f := newFakeDLI(t)
		j := f.addJob(&fakeJob{})
		f.hook = statusHook([]int{429, 429}, http.Header{"Retry-After": {"3600"}}, "")
		c := newTestClient(t, f.URL(), func(c *Config) { c.RetryWaitMax = 20 * time.Millisecond })
		start := time.Now()
		if _, err := c.GetBatchJobState(context.Background(), j.ID); err != nil {
			t.Fatal(err)
		}
		if el := time.Since(start); el > time.Second {
			t.Fatalf("elapsed %v", el)
		}
		if n := len(f.requests()); n != 3 {
			t.Fatalf("%d requests", n)
		}
	})
	t.Run("bounded by the context deadline", func(t *testing.T) {
		f := newFakeDLI(t)
		j := f.addJob(&fakeJob{})
		f.hook = statusHook([]int{429, 429}, http.Header{"Retry-After": {"5"}}, `{"error_code":"APIG.0308","error_msg":"throttled"}`)
		c := newTestClient(t, f.URL(), func(c *Config) { c.RetryWaitMax = 10 * time.Second })
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.GetBatchJobState(ctx, j.ID)
		if !IsThrottled(err) {
			t.Fatalf("error %v, want the 429", err)
		}
		if el := time.Since(start); el > 300*time.Millisecond {
			t.Fatalf("elapsed %v: slept towards the deadline", el)
		}
		if n := len(f.requests()); n != 1 {
			t.Fatalf("%d requests", n)
		}
	})
	t.Run("max retries", func(t *testing.T) {
		f := newFakeDLI(t)
		j := f.addJob(&fakeJob{})
		f.hook = statusHook([]int{429, 429, 429, 429, 429, 429}, nil, "")
		c := newTestClient(t, f.URL(), func(c *Config) { c.MaxRetries = 2 })
		if _, err := c.GetBatchJobState(context.Background(), j.ID); !IsThrottled(err) {
			t.Fatalf("error %v", err)
		}
		if n := len(f.requests()); n != 3 {
			t.Fatalf("%d requests, want 3", n)
		}
	})
}

// flakyRT fails selected attempts before (or instead of) reaching base.
type flakyRT struct {
	base  http.RoundTripper
	mu    sync.Mutex
	n     int
	fail  func(r *http.Request, n int) error
	calls []string
}

func (f *flakyRT) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	n := f.n
	f.n++
	f.calls = append(f.calls, r.Method)
	f.mu.Unlock()
	if err := f.fail(r, n); err != nil {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, err
	}
	return f.base.RoundTrip(r)
}

func connRefused() error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
}

func TestConnectionErrors(t *testing.T) {
	t.Run("GET reset retried", func(t *testing.T) {
		f := newFakeDLI(t)
		j := f.addJob(&fakeJob{})
		rt := &flakyRT{base: http.DefaultTransport, fail: func(r *http.Request, n int) error {
			if n == 0 {
				return &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
			}
			return nil
		}}
		c := newTestClient(t, f.URL(), func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} })
		if _, err := c.GetBatchJobState(context.Background(), j.ID); err != nil {
			t.Fatal(err)
		}
		if rt.n != 2 {
			t.Fatalf("%d attempts", rt.n)
		}
	})
	t.Run("closed port exhausts retries", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		_ = l.Close()
		rt := &flakyRT{base: http.DefaultTransport, fail: func(*http.Request, int) error { return nil }}
		c := newTestClient(t, "http://"+addr, func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} })
		_, err = c.GetBatchJobState(context.Background(), someID)
		if err == nil || !isNotSentError(err) {
			t.Fatalf("error %v, want a dial error", err)
		}
		if !strings.Contains(err.Error(), "get batch job state "+someID) {
			t.Fatalf("error text %q", err)
		}
		if rt.n != 4 {
			t.Fatalf("%d attempts, want 4", rt.n)
		}
	})
	t.Run("context cancelled", func(t *testing.T) {
		f := newFakeDLI(t)
		c := newTestClient(t, f.URL())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.GetBatchJobState(ctx, someID); !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v", err)
		}
	})
}

func TestIsNotSentError(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{connRefused(), true},
		{&net.DNSError{Err: "no such host", Name: "x"}, true},
		{&net.OpError{Op: "proxyconnect", Err: errors.New("x")}, true},
		{&net.OpError{Op: "read", Err: syscall.ECONNRESET}, false},
		{io.EOF, false},
		{errNotSent, true},
	}
	for _, tt := range tests {
		if got := isNotSentError(tt.err); got != tt.want {
			t.Errorf("isNotSentError(%v) = %v", tt.err, got)
		}
	}
}

// --- create: never resubmit blindly, reconcile ambiguous outcomes ---

func createReq() *CreateBatchJobRequest {
	return &CreateBatchJobRequest{
		File:      "obs://bucket/app.jar",
		ClassName: "org.apache.spark.examples.SparkPi",
		Queue:     "q1",
		Name:      "demo",
		Conf:      map[string]string{"spark.executor.memory": "2g"},
	}
}

func markerOf(t *testing.T, body string) string {
	t.Helper()
	var m struct {
		Conf map[string]string `json:"conf"`
	}
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	return m.Conf[SubmissionMarkerConfKey]
}

func TestCreateBatchJobRetrySemantics(t *testing.T) {
	type hookFn func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool
	tests := []struct {
		name string
		// onPost handles the n-th POST (0-based); false = normal handling.
		onPost     hookFn
		failDial   int // the first failDial attempts fail with connection refused
		decoys     bool
		wantErr    string
		wantPosts  int // POSTs that reached the server
		wantJobs   int
		wantLists  int // -1 = at least one
		wantAdopt  bool
		listNoBody bool
		wantOrder  []string // optional: the exact request sequence
	}{
		{
			name:      "plain success",
			wantPosts: 1, wantJobs: 1, wantLists: 0,
		},
		{
			name: "500 is not resubmitted blindly: reconciled first, then submitted again",
			onPost: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool {
				if post == 0 {
					writeJSON(w, 500, map[string]string{"error_code": "DLI.0999", "error_msg": "internal"})
					return true
				}
				return false
			},
			wantPosts: 2, wantJobs: 1, wantLists: reconcileLookups,
			wantOrder: []string{"POST batches", "GET batches", "GET batches", "POST batches"},
		},
		{
			name: "500 every time: bounded resubmissions",
			onPost: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool {
				writeJSON(w, 500, map[string]string{"error_code": "DLI.0999", "error_msg": "internal"})
				return true
			},
			// Issue 16 item 4: after resubmissions the error never says "not resubmitted".
			wantErr: "after 4 submissions", wantPosts: 4, wantJobs: 0, wantLists: 4 * reconcileLookups,
		},
		{
			name: "501 is reconciled but not resubmitted",
			onPost: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool {
				writeJSON(w, 501, map[string]string{"error_code": "X", "error_msg": "not implemented"})
				return true
			},
			wantErr: "not resubmitted", wantPosts: 1, wantJobs: 0, wantLists: reconcileLookups,
		},
		{
			name: "2xx without a job id: reconciled, not resubmitted",
			onPost: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool {
				writeJSON(w, 200, map[string]string{"msg": "ok"})
				return true
			},
			wantErr: "not resubmitted", wantPosts: 1, wantJobs: 0, wantLists: reconcileLookups,
		},
		{
			name: "500 after commit is adopted",
			onPost: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool {
				f.create(body)
				writeJSON(w, 500, map[string]string{"error_code": "DLI.0999", "error_msg": "internal"})
				return true
			},
			decoys:    true,
			wantPosts: 1, wantJobs: 1 + 3, wantLists: 1, wantAdopt: true,
		},
		{
			name: "502 after commit is adopted (exactly one job)",
			onPost: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool {
				f.create(body)
				writeJSON(w, 502, map[string]string{"error_code": "APIGW.0502", "error_msg": "bad gateway"})
				return true
			},
			wantPosts: 1, wantJobs: 1, wantLists: 1, wantAdopt: true,
		},
		{
			name: "connection dropped after commit is adopted (exactly one job)",
			onPost: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool {
				f.create(body)
				hijackClose(f.t, w)
				return true
			},
			decoys:    true,
			wantPosts: 1, wantJobs: 1 + 3, wantLists: 1, wantAdopt: true,
		},
		{
			name: "2xx with unreadable body is adopted",
			onPost: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool {
				f.create(body)
				w.WriteHeader(200)
				_, _ = io.WriteString(w, "<html>ok</html>")
				return true
			},
			wantPosts: 1, wantJobs: 1, wantLists: 1, wantAdopt: true,
		},
		{
			name:       "adopted through the details when the list has no req_body",
			listNoBody: true,
			decoys:     true,
			onPost: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool {
				f.create(body)
				writeJSON(w, 504, map[string]string{"error_msg": "timeout"})
				return true
			},
			wantPosts: 1, wantJobs: 1 + 3, wantLists: 1, wantAdopt: true,
		},
		{
			name: "503 without commit: nothing found, resubmitted once",
			onPost: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool {
				if post == 0 {
					writeJSON(w, 503, map[string]string{"error_code": "APIGW.0503", "error_msg": "unavailable"})
					return true
				}
				return false
			},
			wantPosts: 2, wantJobs: 1, wantLists: reconcileLookups,
		},
		{
			name: "dropped before commit every time: bounded resubmissions",
			onPost: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool {
				hijackClose(f.t, w)
				return true
			},
			wantErr: "after 4 submissions", wantPosts: 4, wantJobs: 0, wantLists: 4 * reconcileLookups,
		},
		{
			name: "429 resubmitted by the transport",
			onPost: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool {
				if post < 2 {
					writeJSON(w, 429, map[string]string{"error_code": "APIG.0308", "error_msg": "throttled"})
					return true
				}
				return false
			},
			wantPosts: 3, wantJobs: 1, wantLists: 0,
		},
		{
			name:      "connection refused resubmitted by the transport",
			failDial:  2,
			wantPosts: 1, wantJobs: 1, wantLists: 0,
		},
		{
			name:     "connection refused every time",
			failDial: 100,
			wantErr:  "connection refused", wantPosts: 0, wantJobs: 0, wantLists: 0,
		},
		{
			name: "400 returned at once",
			onPost: func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, post int) bool {
				writeJSON(w, 400, map[string]string{"error_code": "DLI.0002", "error_msg": "There is no queue named q1"})
				return true
			},
			wantErr: "There is no queue named q1", wantPosts: 1, wantJobs: 0, wantLists: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeDLI(t)
			f.listWithoutReqBody = tt.listNoBody
			if tt.decoys {
				for i := 0; i < 3; i++ {
					other, _ := (&CreateBatchJobRequest{File: "x", Queue: "q1", Name: "demo"}).wireBody("other-marker")
					f.create(other)
				}
			}
			var mu sync.Mutex
			posts := 0
			f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				if r.Method != http.MethodPost {
					return false
				}
				mu.Lock()
				p := posts
				posts++
				mu.Unlock()
				if tt.onPost == nil {
					return false
				}
				return tt.onPost(f, w, r, body, p)
			}
			mods := []func(*Config){}
			if tt.failDial > 0 {
				rt := &flakyRT{base: http.DefaultTransport, fail: func(r *http.Request, n int) error {
					if n < tt.failDial {
						return connRefused()
					}
					return nil
				}}
				mods = append(mods, func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} })
			}
			c := newTestClient(t, f.URL(), mods...)
			req := createReq()
			job, err := c.CreateBatchJob(context.Background(), req)

			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got := f.count(http.MethodPost); got != tt.wantPosts {
				t.Errorf("%d POSTs, want %d (%v)", got, tt.wantPosts, f.calls())
			}
			if got := f.jobCount(); got != tt.wantJobs {
				t.Errorf("%d jobs, want %d", got, tt.wantJobs)
			}
			if got := f.count(http.MethodGet); got != tt.wantLists {
				t.Errorf("%d list calls, want %d (%v)", got, tt.wantLists, f.calls())
			}
			if tt.wantOrder != nil && !reflect.DeepEqual(f.calls(), tt.wantOrder) {
				t.Errorf("calls %v, want %v", f.calls(), tt.wantOrder)
			}
			// All submissions of one call carry the same marker.
			var marker string
			for _, r := range f.requests() {
				if r.Method == http.MethodPost {
					m := markerOf(t, r.Body)
					if m == "" || (marker != "" && m != marker) {
						t.Fatalf("markers %q vs %q", marker, m)
					}
					marker = m
				}
			}
			if (tt.wantErr == "not resubmitted" || strings.HasPrefix(tt.wantErr, "after ")) && !strings.Contains(err.Error(), marker) {
				t.Errorf("error %q does not name the submission marker", err)
			}
			if err == nil {
				if job == nil || !ValidBatchID(job.ID) {
					t.Fatalf("job %+v", job)
				}
				if marker != "" && job.SubmissionID != marker {
					t.Errorf("SubmissionID %q, want %q", job.SubmissionID, marker)
				}
				if tt.wantAdopt {
					f.mu.Lock()
					fj := f.find(job.ID)
					f.mu.Unlock()
					if fj == nil || markerOf(t, fj.ReqBody) != marker {
						t.Fatalf("adopted the wrong job %s", job.ID)
					}
					if job.Request == nil || job.Request.Conf[SubmissionMarkerConfKey] != "" {
						t.Errorf("adopted job request %+v", job.Request)
					}
				}
			}
			if _, ok := req.Conf[SubmissionMarkerConfKey]; ok || len(req.Conf) != 1 {
				t.Fatalf("caller's conf was modified: %v", req.Conf)
			}
		})
	}
}

// TestCreateTimeoutReconciled: the caller's deadline passes while the
// service (which already committed the job) has not answered; the lookup
// still runs and the job is returned.
func TestCreateTimeoutReconciled(t *testing.T) {
	f := newFakeDLI(t)
	f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
		if r.Method != http.MethodPost {
			return false
		}
		f.create(body)
		<-r.Context().Done() // never answer; the client gives up
		return true
	}
	c := newTestClient(t, f.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	job, err := c.CreateBatchJob(ctx, createReq())
	if err != nil {
		t.Fatalf("error %v", err)
	}
	if job == nil || f.jobCount() != 1 || f.count(http.MethodPost) != 1 {
		t.Fatalf("job %+v, %d jobs, calls %v", job, f.jobCount(), f.calls())
	}
}

func TestCreateLookupFailure(t *testing.T) {
	f := newFakeDLI(t)
	f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
		switch r.Method {
		case http.MethodPost:
			writeJSON(w, 502, map[string]string{"error_msg": "bad gateway"})
		default:
			writeJSON(w, 403, map[string]string{"error_code": "DLI.0003", "error_msg": "no permission to list"})
		}
		return true
	}
	c := newTestClient(t, f.URL())
	_, err := c.CreateBatchJob(context.Background(), createReq())
	if err == nil || !strings.Contains(err.Error(), "looking for it failed") || !strings.Contains(err.Error(), SubmissionMarkerConfKey) {
		t.Fatalf("error %v", err)
	}
	var e *APIError
	if !errors.As(err, &e) || e.StatusCode != 502 {
		t.Fatalf("the create error is not reachable: %v", err)
	}
	if f.count(http.MethodPost) != 1 {
		t.Fatalf("calls %v", f.calls())
	}
}

func TestCreateValidation(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1")
	if _, err := c.CreateBatchJob(context.Background(), nil); err == nil {
		t.Fatal("nil request accepted")
	}
	if _, err := c.CreateBatchJob(context.Background(), &CreateBatchJobRequest{Queue: "q"}); err == nil || !strings.Contains(err.Error(), "file") {
		t.Fatalf("error %v", err)
	}
}
