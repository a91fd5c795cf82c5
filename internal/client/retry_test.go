package client

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
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
