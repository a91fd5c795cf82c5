package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
)

// Issue 16, client items: each test sets up the misbehaviour that broke the
// client before the fix.

// unnamedReq is a submission without a name: every listed job is a candidate.
func unnamedReq() *CreateBatchJobRequest {
	return &CreateBatchJobRequest{File: "obs://bucket/app.jar", Queue: "q1"}
}

// Item 2: with a list answer without req_body, every candidate in the
// window is checked before the job is called absent; past the detail bound
// the outcome is unknown and nothing is resubmitted.
func TestReconcileChecksEveryCandidate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		decoys    int
		wantAdopt bool
	}{
		{"30 unnamed jobs, ours the oldest", 30, true},
		{"more candidates than the detail bound", maxDetailLookups + 5, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeDLI(t)
			f.listWithoutReqBody = true
			f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				if r.Method != http.MethodPost {
					return false
				}
				f.create(body) // ours first: the newest-first list shows it last
				for i := 0; i < tc.decoys; i++ {
					other, _ := unnamedReq().wireBody(uuid.NewString())
					f.create(other)
				}
				hijackClose(f.t, w)
				return true
			}
			c := newTestClient(t, f.URL())
			job, err := c.CreateBatchJob(context.Background(), unnamedReq())
			if f.count(http.MethodPost) != 1 {
				t.Fatalf("%d submissions", f.count(http.MethodPost))
			}
			if tc.wantAdopt {
				if err != nil || job == nil || job.SubmissionID == "" {
					t.Fatalf("not adopted: %v", err)
				}
				return
			}
			var ou *OutcomeUnknownError
			if !errors.As(err, &ou) || ou.Marker == "" || ou.MarkerKey != SubmissionMarkerConfKey || !errors.Is(err, errLookupUndecided) {
				t.Fatalf("error %v, want an OutcomeUnknownError", err)
			}
			if !strings.Contains(err.Error(), ou.Marker) || strings.Contains(err.Error(), "not resubmitted") {
				t.Fatalf("error text %q", err)
			}
		})
	}
}

// Item 4: a server clock 14 minutes behind ours (signatures still valid)
// stamps the job 14 minutes in our past: the lookup still finds it. The
// server's Date is honoured when it is further behind still.
func TestReconcileToleratesASlowServerClock(t *testing.T) {
	for _, tc := range []struct {
		name          string
		behind        time.Duration
		sendDate      bool
		reconcileSpan time.Duration
	}{
		{"14 minutes behind", 14 * time.Minute, false, 0},
		{"behind by more than the window, Date header says so", 50 * time.Minute, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeDLI(t)
			serverNow := time.Now().Add(-tc.behind)
			f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				if r.Method != http.MethodPost {
					return false
				}
				j := f.create(body)
				f.mu.Lock()
				j.Created = serverNow.UnixMilli()
				f.mu.Unlock()
				if tc.sendDate {
					w.Header().Set("Date", serverNow.UTC().Format(http.TimeFormat))
				}
				writeJSON(w, 502, map[string]string{"error_msg": "bad gateway"})
				return true
			}
			c := newTestClient(t, f.URL())
			job, err := c.CreateBatchJob(context.Background(), createReq())
			if err != nil || job == nil {
				t.Fatalf("job not found: %v", err)
			}
			if f.count(http.MethodPost) != 1 || f.jobCount() != 1 {
				t.Fatalf("%d posts, %d jobs", f.count(http.MethodPost), f.jobCount())
			}
		})
	}
}

// Item 5: the lookup has its own budget for transient failures, even with
// max_retries = 0; when it still cannot decide, the error is typed and
// carries the marker.
func TestReconcileOwnRetryBudget(t *testing.T) {
	for _, tc := range []struct {
		name      string
		failLists int32
		wantAdopt bool
	}{
		{"two failed lookups, then found", 2, true},
		{"every lookup fails", 1 << 30, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeDLI(t)
			var lists atomic.Int32
			f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				switch {
				case r.Method == http.MethodPost:
					f.create(body)
					writeJSON(w, 503, map[string]string{"error_code": "APIGW.0503", "error_msg": "unavailable"})
					return true
				case lists.Add(1) <= tc.failLists:
					writeJSON(w, 500, map[string]string{"error_code": "DLI.0999", "error_msg": "busy"})
					return true
				}
				return false
			}
			c := newTestClient(t, f.URL(), func(c *Config) { c.MaxRetries = 0 })
			job, err := c.CreateBatchJob(context.Background(), createReq())
			if f.count(http.MethodPost) != 1 {
				t.Fatalf("%d submissions", f.count(http.MethodPost))
			}
			if tc.wantAdopt {
				if err != nil || job == nil {
					t.Fatalf("not adopted: %v", err)
				}
				return
			}
			var ou *OutcomeUnknownError
			if !errors.As(err, &ou) || ou.Submissions != 1 || !strings.Contains(err.Error(), "may have been created") {
				t.Fatalf("error %v", err)
			}
			if n := lists.Load(); n != int32(defaultReconcileRetries)+1 {
				t.Fatalf("%d lookups, want %d", n, defaultReconcileRetries+1)
			}
		})
	}
}

// Item 6: throttling is a 429 or an error_code equal to the code. A 5xx
// mentioning it is ambiguous (looked for, not resent blindly); a 400 about
// a queue named after it is an error, not retried.
func TestThrottleIsTheCodeNotTheText(t *testing.T) {
	t.Run("500 after commit mentioning APIG.0308", func(t *testing.T) {
		f := newFakeDLI(t)
		f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
			if r.Method != http.MethodPost {
				return false
			}
			f.create(body)
			writeJSON(w, 500, map[string]string{"error_code": "APIG.0308", "error_msg": "upstream said APIG.0308"})
			return true
		}
		c := newTestClient(t, f.URL())
		job, err := c.CreateBatchJob(context.Background(), createReq())
		if err != nil || job == nil || f.count(http.MethodPost) != 1 || f.jobCount() != 1 {
			t.Fatalf("%v: %d posts, %d jobs", err, f.count(http.MethodPost), f.jobCount())
		}
	})
	t.Run("400 about a queue named APIG.0308", func(t *testing.T) {
		f := newFakeDLI(t)
		f.hook = statusHook([]int{400, 400, 400, 400}, nil, `{"error_code":"DLI.0002","error_msg":"There is no queue named APIG.0308"}`)
		c := newTestClient(t, f.URL())
		_, err := c.CreateBatchJob(context.Background(), createReq())
		if IsThrottled(err) || !strings.Contains(err.Error(), "There is no queue named APIG.0308") || len(f.requests()) != 1 {
			t.Fatalf("%v after %d requests", err, len(f.requests()))
		}
	})
}

// Items 7 and 9: a detail answer about another job, or without id and
// state, is an error (state is left as it was).
func TestDetailAnswerMustBeAboutTheJob(t *testing.T) {
	other := uuid.NewString()
	for _, tc := range []struct{ name, body, want string }{
		{"another job", `{"id":"` + other + `","state":"running"}`, "not the one asked for"},
		{"empty object", `{}`, "neither an id nor a state"},
		{"null", `null`, "neither an id nor a state"},
		{"log of another job", "", "not the one asked for"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := &captureRT{respond: func(r *http.Request, n int) (*http.Response, error) {
				if tc.body == "" {
					return textResponse(r, 200, `{"id":"`+other+`","log":["x"]}`), nil
				}
				return textResponse(r, 200, tc.body), nil
			}}
			c := newTestClient(t, "https://"+dliHost, func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} })
			var err error
			if tc.body == "" {
				_, err = c.GetBatchJobLog(context.Background(), someID, LogOptions{})
			} else {
				_, err = c.GetBatchJob(context.Background(), someID)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || IsNotFound(err) {
				t.Fatalf("error %v", err)
			}
		})
	}
	// Upper case is the same job.
	rt := &captureRT{respond: func(r *http.Request, n int) (*http.Response, error) {
		return textResponse(r, 200, `{"id":"`+strings.ToUpper(someID)+`","state":"running"}`), nil
	}}
	c := newTestClient(t, "https://"+dliHost, func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} })
	if _, err := c.GetBatchJob(context.Background(), someID); err != nil {
		t.Fatal(err)
	}
}

// Item 8: a create answer whose id is not a UUID is ambiguous: the job is
// looked for by marker and adopted with its real id.
func TestCreateAnswerWithInvalidID(t *testing.T) {
	f := newFakeDLI(t)
	f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
		if r.Method != http.MethodPost {
			return false
		}
		j := f.create(body)
		m := j.wire(false)
		m["id"] = "job-1; DROP"
		writeJSON(w, 200, m)
		return true
	}
	c := newTestClient(t, f.URL())
	job, err := c.CreateBatchJob(context.Background(), createReq())
	if err != nil || job == nil || !ValidBatchID(job.ID) || f.count(http.MethodPost) != 1 {
		t.Fatalf("job %+v, %v", job, err)
	}
}

// Item 10: a body that stalls ends with the attempt, and reads try again;
// the context has no deadline.
func TestAttemptTimeoutCoversTheBody(t *testing.T) {
	var attempts atomic.Int32
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"id":"`+someID+`","state":"run`)
		_ = http.NewResponseController(w).Flush()
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer srv.Close()
	defer close(stop)
	c := newTestClient(t, srv.URL, func(c *Config) { c.AttemptTimeout = 100 * time.Millisecond; c.MaxRetries = 2 })
	took, err := within(t, 20*time.Second, func() error { _, err := c.GetBatchJob(context.Background(), someID); return err })
	if err == nil || !strings.Contains(err.Error(), "attempt timeout of 100ms") || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v", err)
	}
	if n := attempts.Load(); n != 3 {
		t.Fatalf("%d attempts, want 3", n)
	}
	if took > 10*time.Second {
		t.Fatalf("took %v", took)
	}
	if c2, _ := New(testConfig(srv.URL)); c2.attemptTimeout != DefaultAttemptTimeout {
		t.Fatalf("default attempt timeout %v", c2.attemptTimeout)
	}
}

// Issue 10: when nothing listens, the error says how many attempts over how long.
func TestNothingListensSaysAttempts(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	c := newTestClient(t, "http://"+addr)
	_, err = c.GetBatchJob(context.Background(), someID)
	if err == nil || !strings.Contains(err.Error(), "no answer after 4 attempts over ") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("error %v", err)
	}
}

// Item 12: a TLS verification failure means nothing was sent: the create
// fails at once, with no lookup and no "may have been created".
func TestTLSFailureIsNotSent(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a request reached the server: %s %s", r.Method, r.URL.Path)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	defer srv.Close()
	c := newTestClient(t, srv.URL)
	_, err := c.CreateBatchJob(context.Background(), createReq())
	if err == nil || !strings.Contains(err.Error(), "certificate") || strings.Contains(err.Error(), "may have been created") {
		t.Fatalf("error %v", err)
	}
	var ou *OutcomeUnknownError
	if errors.As(err, &ou) || strings.Contains(err.Error(), "not resubmitted") {
		t.Fatalf("reconciled after a handshake failure: %v", err)
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections, want 1 (no retry, no lookup)", n)
	}
	// The handshake hook alone proves "not sent", whatever the error type.
	st := &callState{}
	st.record(nil, errors.New("remote error: tls: handshake failure"), true)
	if st.lastMaybeProcessed {
		t.Fatal("a failed handshake counted as maybe processed")
	}
	st.record(nil, errors.New("connection reset"), false)
	if !st.lastMaybeProcessed {
		t.Fatal("a reset after sending counted as not sent")
	}
}

// Item 13: an unknown state is reported at once by cancel too.
func TestCancelAndWaitUnknownState(t *testing.T) {
	for _, known := range []JobState{"", StateRunning} {
		f := newFakeDLI(t)
		j := f.addJob(&fakeJob{State: "KILLED", AfterCancel: []JobState{"KILLED"}})
		c := newTestClient(t, f.URL())
		_, err := c.CancelAndWait(context.Background(), j.ID, known)
		var us *UnexpectedStateError
		if !errors.As(err, &us) || us.State != "killed" || len(f.requests()) > 2 {
			t.Fatalf("known %q: error %v after %v", known, err, f.calls())
		}
	}
}

// Item 11: the request's conf values never come back in an error, even
// JSON-escaped inside an echoed req_body.
func TestCreateErrorScrubsConfValues(t *testing.T) {
	f := newFakeDLI(t)
	f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
		if r.Method != http.MethodPost {
			return false
		}
		quoted, _ := json.Marshal(string(body))
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"echo":`+string(quoted)+`}`)
		return true
	}
	c := newTestClient(t, f.URL(), func(c *Config) { c.MaxRetries = 0 })
	req := createReq()
	req.Conf["spark.hadoop.password"] = `correct "horse" battery`
	_, err := c.CreateBatchJob(context.Background(), req)
	if err == nil || strings.Contains(err.Error(), "horse") || !strings.Contains(err.Error(), "unreadable body") {
		t.Fatalf("error %v", err)
	}
}
