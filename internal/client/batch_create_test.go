package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// Create: never resubmit blindly, reconcile ambiguous outcomes.

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
	// answerPosts answers the first n POSTs with status and body, creating no job; later ones
	// are handled normally.
	answerPosts := func(n, status int, body map[string]string) hookFn {
		return func(f *fakeDLI, w http.ResponseWriter, r *http.Request, _ []byte, post int) bool {
			if post < n {
				writeJSON(w, status, body)
				return true
			}
			return false
		}
	}
	// commitThenAnswer creates the job, then answers with status and body.
	commitThenAnswer := func(status int, body map[string]string) hookFn {
		return func(f *fakeDLI, w http.ResponseWriter, r *http.Request, reqBody []byte, _ int) bool {
			f.create(reqBody)
			writeJSON(w, status, body)
			return true
		}
	}
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
			name:      "500 is not resubmitted blindly: reconciled first, then submitted again",
			onPost:    answerPosts(1, 500, map[string]string{"error_code": "DLI.0999", "error_msg": "internal"}),
			wantPosts: 2, wantJobs: 1, wantLists: reconcileLookups,
			wantOrder: []string{"POST batches", "GET batches", "GET batches", "POST batches"},
		},
		{
			name:   "500 every time: bounded resubmissions",
			onPost: answerPosts(math.MaxInt, 500, map[string]string{"error_code": "DLI.0999", "error_msg": "internal"}),
			// Issue 16 item 4: after resubmissions the error never says "not resubmitted".
			wantErr: "after 4 submissions", wantPosts: 4, wantJobs: 0, wantLists: 4 * reconcileLookups,
		},
		{
			name:    "501 is reconciled but not resubmitted",
			onPost:  answerPosts(math.MaxInt, 501, map[string]string{"error_code": "X", "error_msg": "not implemented"}),
			wantErr: "not resubmitted", wantPosts: 1, wantJobs: 0, wantLists: reconcileLookups,
		},
		{
			name:    "2xx without a job id: reconciled, not resubmitted",
			onPost:  answerPosts(math.MaxInt, 200, map[string]string{"msg": "ok"}),
			wantErr: "not resubmitted", wantPosts: 1, wantJobs: 0, wantLists: reconcileLookups,
		},
		{
			name:      "500 after commit is adopted",
			onPost:    commitThenAnswer(500, map[string]string{"error_code": "DLI.0999", "error_msg": "internal"}),
			decoys:    true,
			wantPosts: 1, wantJobs: 1 + 3, wantLists: 1, wantAdopt: true,
		},
		{
			name:      "502 after commit is adopted (exactly one job)",
			onPost:    commitThenAnswer(502, map[string]string{"error_code": "APIGW.0502", "error_msg": "bad gateway"}),
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
			onPost:     commitThenAnswer(504, map[string]string{"error_msg": "timeout"}),
			wantPosts:  1, wantJobs: 1 + 3, wantLists: 1, wantAdopt: true,
		},
		{
			name:      "503 without commit: nothing found, resubmitted once",
			onPost:    answerPosts(1, 503, map[string]string{"error_code": "APIGW.0503", "error_msg": "unavailable"}),
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
			name:      "429 resubmitted by the transport",
			onPost:    answerPosts(2, 429, map[string]string{"error_code": "APIG.0308", "error_msg": "throttled"}),
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
			name:    "400 returned at once",
			onPost:  answerPosts(math.MaxInt, 400, map[string]string{"error_code": "DLI.0002", "error_msg": "There is no queue named q1"}),
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
