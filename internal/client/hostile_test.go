package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The client against servers that misbehave on purpose: one that never answers, one that resets
// connections, one that answers garbage. Every call must come back promptly with an error that
// names the operation, never panic, and a submission must never be sent twice as two jobs.
// This file holds the server and the resets; the hangs and the garbage answers have files of
// their own (hostile_hangs_test.go, hostile_bodies_test.go).

// hostileServer is an httptest server whose handler is chosen per test. It counts requests and
// stores the submissions it chose to commit, so that reconciliation can find them.
type hostileServer struct {
	t    *testing.T
	srv  *httptest.Server
	stop chan struct{} // closed when the test ends: releases hanging handlers

	mu      sync.Mutex
	calls   []string          // "METHOD /path-below-project"
	markers []string          // submission marker of every POST, in order
	jobs    map[string]string // committed submissions: marker -> batch ID
	bodies  map[string]string // batch ID -> submitted body

	handle func(h *hostileServer, w http.ResponseWriter, r *http.Request, body []byte)
}

func newHostileServer(t *testing.T, handle func(h *hostileServer, w http.ResponseWriter, r *http.Request, body []byte)) *hostileServer {
	t.Helper()
	h := &hostileServer{t: t, stop: make(chan struct{}), jobs: map[string]string{}, bodies: map[string]string{}, handle: handle}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	// Cleanups run last-in first-out: release the handlers, then close the server.
	t.Cleanup(h.srv.Close)
	t.Cleanup(func() { close(h.stop) })
	return h
}

func (h *hostileServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.calls = append(h.calls, r.Method+" "+strings.TrimPrefix(r.URL.Path, "/v2.0/"+testProject))
	if r.Method == http.MethodPost {
		var m struct {
			Conf map[string]string `json:"conf"`
		}
		_ = json.Unmarshal(body, &m)
		h.markers = append(h.markers, m.Conf[SubmissionMarkerConfKey])
	}
	h.mu.Unlock()
	h.handle(h, w, r, body)
}

func (h *hostileServer) count(method, path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, c := range h.calls {
		if c == method+" "+path {
			n++
		}
	}
	return n
}

func (h *hostileServer) postMarkers() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.markers...)
}

func (h *hostileServer) jobCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.jobs)
}

// commit stores a submission as the service would (once per marker) and returns its job.
func (h *hostileServer) commit(body []byte) map[string]interface{} {
	var m struct {
		Conf map[string]string `json:"conf"`
		Name string            `json:"name"`
	}
	_ = json.Unmarshal(body, &m)
	marker := m.Conf[SubmissionMarkerConfKey]
	h.mu.Lock()
	defer h.mu.Unlock()
	id, ok := h.jobs[marker]
	if !ok {
		id = uuid.NewString()
		h.jobs[marker] = id
		h.bodies[id] = string(body)
	}
	return map[string]interface{}{
		"id": id, "state": "starting", "appId": "", "name": m.Name, "queue": "q1",
		"create_time": time.Now().UnixMilli(), "req_body": h.bodies[id],
	}
}

// listCommitted answers a list request with every committed submission.
func (h *hostileServer) listCommitted(w http.ResponseWriter) {
	h.mu.Lock()
	var sessions []map[string]interface{}
	for _, id := range h.jobs {
		sessions = append(sessions, map[string]interface{}{
			"id": id, "state": "starting", "appId": "", "queue": "q1",
			"create_time": time.Now().UnixMilli(), "req_body": h.bodies[id],
		})
	}
	h.mu.Unlock()
	if sessions == nil {
		sessions = []map[string]interface{}{}
	}
	writeJSON(w, 200, map[string]interface{}{"from": 0, "total": len(sessions), "sessions": sessions})
}

// hang blocks until the client goes away or the test ends.
func (h *hostileServer) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-h.stop:
	}
}

// resetConn hijacks the connection and closes it with SO_LINGER 0: the client gets a TCP RST.
func resetConn(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// isList tells the collection GET (list) from the others.
func isList(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/batches")
}

// hostileOp is one client call, as the provider makes it.
type hostileOp struct {
	name string // the operation as error messages name it
	call func(ctx context.Context, c *Client) error
}

func hostileOps() []hostileOp {
	return []hostileOp{
		{"get batch job " + someID, func(ctx context.Context, c *Client) error { _, err := c.GetBatchJob(ctx, someID); return err }},
		{"get batch job state " + someID, func(ctx context.Context, c *Client) error {
			_, err := c.GetBatchJobState(ctx, someID)
			return err
		}},
		{"get batch job log " + someID, func(ctx context.Context, c *Client) error {
			_, err := c.GetBatchJobLog(ctx, someID, LogOptions{})
			return err
		}},
		{"list batch jobs", func(ctx context.Context, c *Client) error {
			_, err := c.ListBatchJobs(ctx, ListOptions{Queue: "q1"})
			return err
		}},
		{"cancel batch job " + someID, func(ctx context.Context, c *Client) error { return c.CancelBatchJob(ctx, someID) }},
		{"batch job " + someID, func(ctx context.Context, c *Client) error {
			_, err := c.WaitForBatchJob(ctx, someID, StateSuccess)
			return err
		}},
		{"batch job " + someID, func(ctx context.Context, c *Client) error {
			_, err := c.CancelAndWait(ctx, someID, StateRunning)
			return err
		}},
		{"create batch job", func(ctx context.Context, c *Client) error { _, err := c.CreateBatchJob(ctx, createReq()); return err }},
	}
}

// within runs f and fails the test if it takes longer than limit (f keeps running: the point is
// to report a hang instead of stalling the suite until its global timeout).
func within(t *testing.T, limit time.Duration, f func() error) (time.Duration, error) {
	t.Helper()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return time.Since(start), err
	case <-time.After(limit):
		t.Fatalf("call still running after %v", limit)
		return 0, nil
	}
}

// A server that resets every connection (TCP RST): reads and cancels are retried up to
// MaxRetries and then fail with an error naming the operation; a submission is looked for and,
// as long as no job carries its marker, sent again with the same marker.
func TestHostileServerResets(t *testing.T) {
	t.Parallel()
	for _, op := range hostileOps() {
		if strings.HasPrefix(op.name, "create") {
			continue // below, with a lookup that answers
		}
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			h := newHostileServer(t, func(h *hostileServer, w http.ResponseWriter, _ *http.Request, _ []byte) { resetConn(h.t, w) })
			c := newTestClient(t, h.srv.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err := within(t, 10*time.Second, func() error { return op.call(ctx, c) })
			if err == nil {
				t.Fatal("no error from a server that resets every connection")
			}
			if !strings.Contains(err.Error(), op.name) {
				t.Errorf("error %q does not name %q", err, op.name)
			}
			if errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("the call ran into its deadline instead of giving up: %v", err)
			}
		})
	}

	t.Run("every attempt of a read is retried, then given up", func(t *testing.T) {
		t.Parallel()
		h := newHostileServer(t, func(h *hostileServer, w http.ResponseWriter, _ *http.Request, _ []byte) { resetConn(h.t, w) })
		c := newTestClient(t, h.srv.URL)
		_, err := c.GetBatchJobState(context.Background(), someID)
		if err == nil {
			t.Fatal("no error")
		}
		if n := h.count(http.MethodGet, "/batches/"+someID+"/state"); n != c.maxRetries+1 {
			t.Errorf("%d attempts, want %d", n, c.maxRetries+1)
		}
	})

	type createCase struct {
		name      string
		handle    func(h *hostileServer, w http.ResponseWriter, r *http.Request, body []byte)
		wantErr   string // "" = success
		wantPosts int
		wantJobs  int
	}
	for _, tc := range []createCase{
		{
			name: "reset before the work, lookup finds nothing: resent with the same marker, bounded",
			handle: func(h *hostileServer, w http.ResponseWriter, r *http.Request, _ []byte) {
				if isList(r) {
					h.listCommitted(w)
					return
				}
				resetConn(h.t, w)
			},
			wantErr: "after 4 submissions", wantPosts: 3 + 1, wantJobs: 0,
		},
		{
			name: "reset after the work: the job is adopted, never submitted twice",
			handle: func(h *hostileServer, w http.ResponseWriter, r *http.Request, body []byte) {
				if isList(r) {
					h.listCommitted(w)
					return
				}
				h.commit(body)
				resetConn(h.t, w)
			},
			wantPosts: 1, wantJobs: 1,
		},
		{
			name: "reset after the work and on every lookup: one submission and an error that says so",
			handle: func(h *hostileServer, w http.ResponseWriter, r *http.Request, body []byte) {
				if r.Method == http.MethodPost {
					h.commit(body)
				}
				resetConn(h.t, w)
			},
			wantErr: "may have been created", wantPosts: 1, wantJobs: 1,
		},
		{
			name: "reset in the middle of the answer after the work: adopted",
			handle: func(h *hostileServer, w http.ResponseWriter, r *http.Request, body []byte) {
				if isList(r) {
					h.listCommitted(w)
					return
				}
				job := h.commit(body)
				b, _ := json.Marshal(job)
				w.Header().Set("Content-Length", fmt.Sprint(len(b)))
				w.WriteHeader(200)
				_, _ = w.Write(b[:len(b)/2])
				_ = http.NewResponseController(w).Flush()
				resetConn(h.t, w)
			},
			wantPosts: 1, wantJobs: 1,
		},
		{
			name: "reset the first time only, nothing committed: submitted again, one job",
			handle: func(h *hostileServer, w http.ResponseWriter, r *http.Request, body []byte) {
				switch {
				case isList(r):
					h.listCommitted(w)
				case h.count(http.MethodPost, "/batches") == 1:
					resetConn(h.t, w)
				default:
					writeJSON(w, 200, h.commit(body))
				}
			},
			wantPosts: 2, wantJobs: 1,
		},
	} {
		t.Run("create: "+tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHostileServer(t, tc.handle)
			c := newTestClient(t, h.srv.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var job *BatchJob
			_, err := within(t, 10*time.Second, func() error {
				var err error
				job, err = c.CreateBatchJob(ctx, createReq())
				return err
			})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			case err != nil && !strings.Contains(err.Error(), "create batch job"):
				t.Errorf("error %q does not name the operation", err)
			}
			markers := h.postMarkers()
			if len(markers) != tc.wantPosts {
				t.Errorf("%d submissions, want %d", len(markers), tc.wantPosts)
			}
			for _, m := range markers {
				if m == "" || m != markers[0] {
					t.Errorf("submissions carry markers %q: a resubmission must reuse the first one", markers)
					break
				}
			}
			if n := h.jobCount(); n != tc.wantJobs {
				t.Errorf("%d jobs created, want %d", n, tc.wantJobs)
			}
			if err == nil && (job == nil || job.ID == "" || job.SubmissionID != markers[0]) {
				t.Errorf("job = %+v", job)
			}
		})
	}
}
