package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// slowCall bounds a call that must end on its own but may be slow: a 32 MiB answer read and
// decoded under -race on a loaded machine takes many seconds. The context ends at three
// quarters of the time the test binary has left (-timeout; 10 minutes without one), and the
// limit for within is that time less a margin, so that a hang is reported before the binary's
// own timeout panics, and a slow machine only makes the test slower.
func slowCall(t *testing.T) (context.Context, time.Duration) {
	t.Helper()
	left := 10 * time.Minute
	if d, ok := t.Deadline(); ok {
		left = time.Until(d) - 5*time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), left*3/4)
	t.Cleanup(cancel)
	return ctx, left
}

// A server that answers 200 with garbage: not JSON, cut JSON, an endless or a huge body, wrong
// types. Reads fail with an error that names the operation (or decode tolerantly), bounded in
// size; a create whose answer cannot be read is looked for, and adopted or reported, never
// resubmitted.
func TestHostileServerGarbage(t *testing.T) {
	t.Parallel()
	huge := `{"id":"` + strings.Repeat("a", maxResponseBody+1<<20) + `"}`
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	garbage := []struct {
		name, body string
	}{
		{"html", "<html><body>502 Bad Gateway</body></html>"},
		{"plain text", "OK"},
		{"empty", ""},
		{"cut JSON", `{"id":"` + someID + `","state":"runn`},
		{"top-level array", `[{"id":"` + someID + `"}]`},
		{"top-level string", `"running"`},
		{"number", `42`},
		{"two objects", `{"id":"a"}{"id":"b"}`},
		{"binary", "\x00\x01\x02\xff\xfe{\x00"},
		{"huge", huge},
		{"deeply nested", deep},
	}
	// At most two huge answers are read at a time (one a core): each costs some 100 MiB under
	// -race, and a dozen at once only makes every one of them slower.
	hugeSlots := make(chan struct{}, 2)
	slot := func(t *testing.T, body string) {
		if len(body) > maxResponseBody {
			hugeSlots <- struct{}{}
			t.Cleanup(func() { <-hugeSlots })
		}
	}
	reads := []hostileOp{}
	for _, op := range hostileOps() {
		if strings.HasPrefix(op.name, "get") || strings.HasPrefix(op.name, "list") {
			reads = append(reads, op)
		}
	}
	for _, g := range garbage {
		for _, op := range reads {
			t.Run(g.name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				h := newHostileServer(t, func(_ *hostileServer, w http.ResponseWriter, _ *http.Request, _ []byte) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(200)
					_, _ = io.WriteString(w, g.body)
				})
				c := newTestClient(t, h.srv.URL)
				slot(t, g.body)
				ctx, limit := slowCall(t)
				_, err := within(t, limit, func() error { return op.call(ctx, c) })
				if err == nil {
					t.Fatalf("no error for a 200 with %s", g.name)
				}
				if !strings.Contains(err.Error(), op.name) {
					t.Errorf("error %q does not name %q", err, op.name)
				}
				if len(err.Error()) > 1024 {
					t.Errorf("error of %d bytes: %.200s...", len(err.Error()), err)
				}
			})
		}
	}

	// Wrong types everywhere are decoded tolerantly, never a panic.
	t.Run("wrong types are tolerated", func(t *testing.T) {
		t.Parallel()
		h := newHostileServer(t, func(_ *hostileServer, w http.ResponseWriter, r *http.Request, _ []byte) {
			w.WriteHeader(200)
			switch {
			case strings.HasSuffix(r.URL.Path, "/state"):
				_, _ = io.WriteString(w, `{"id":7,"state":["Running"]}`)
			case strings.HasSuffix(r.URL.Path, "/log"):
				_, _ = io.WriteString(w, `{"id":null,"from":"3","total":"x","log":"one line"}`)
			case isList(r):
				_, _ = io.WriteString(w, `{"from":"0","total":"1","sessions":[{"id":"`+someID+`","state":1,"create_time":"x","req_body":{"file":7,"args":"a","conf":{"k":[1,2]}}}]}`)
			default:
				_, _ = io.WriteString(w, `{"id":"`+someID+`","state":"RUNNING","appId":{"x":[1]},"log":{"a":1},"create_time":"soon",`+
					`"update_time":1.5e12,"duration":true,"req_body":17,"name":["a","b"],"queue":null,"cluster_name":3}`)
			}
		})
		c := newTestClient(t, h.srv.URL)
		ctx := context.Background()
		job, err := c.GetBatchJob(ctx, someID)
		if err != nil || job.State != StateRunning || job.Name != "a,b" || job.Queue != "3" || job.Request != nil || !job.CreatedAt.IsZero() {
			t.Errorf("GetBatchJob = %+v, %v", job, err)
		}
		if st, err := c.GetBatchJobState(ctx, someID); err != nil || st != StateRunning {
			t.Errorf("GetBatchJobState = %q, %v", st, err)
		}
		if l, err := c.GetBatchJobLog(ctx, someID, LogOptions{}); err != nil || l.From != 3 || len(l.Lines) != 1 || l.ID != someID {
			t.Errorf("GetBatchJobLog = %+v, %v", l, err)
		}
		jobs, err := c.ListBatchJobs(ctx, ListOptions{})
		if err != nil || len(jobs) != 1 || jobs[0].Request == nil || jobs[0].Request.File != "7" || jobs[0].Request.Conf["k"] != "1,2" {
			t.Errorf("ListBatchJobs = %+v, %v", jobs, err)
		}
	})

	// A state answer without a state is an error, not an empty state that reads as "active".
	t.Run("state without a state", func(t *testing.T) {
		t.Parallel()
		h := newHostileServer(t, func(_ *hostileServer, w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeJSON(w, 200, map[string]interface{}{"id": someID, "state": nil})
		})
		c := newTestClient(t, h.srv.URL)
		if _, err := c.GetBatchJobState(context.Background(), someID); err == nil || !strings.Contains(err.Error(), "no state") {
			t.Errorf("err = %v", err)
		}
	})

	// A list that never ends (a fresh full page on every request) is bounded by the context.
	t.Run("endless list", func(t *testing.T) {
		t.Parallel()
		h := newHostileServer(t, func(_ *hostileServer, w http.ResponseWriter, _ *http.Request, _ []byte) {
			sessions := make([]map[string]string, DefaultPageSize)
			for i := range sessions {
				sessions[i] = map[string]string{"id": uuid.NewString(), "state": "running"}
			}
			writeJSON(w, 200, map[string]interface{}{"sessions": sessions})
		})
		c := newTestClient(t, h.srv.URL)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		_, err := within(t, 10*time.Second, func() error { _, err := c.ListBatchJobs(ctx, ListOptions{}); return err })
		if err == nil || !strings.Contains(err.Error(), "list batch jobs") {
			t.Errorf("err = %v", err)
		}
	})

	// Cancel answered with something other than {"msg":"deleted"}.
	for _, body := range []string{"deleted", `{"msg":"not deleted"}`, `{"msg":5}`, `[1]`, "\xff\xfe"} {
		t.Run("cancel answered "+fmt.Sprintf("%q", body), func(t *testing.T) {
			t.Parallel()
			h := newHostileServer(t, func(_ *hostileServer, w http.ResponseWriter, _ *http.Request, _ []byte) {
				w.WriteHeader(200)
				_, _ = io.WriteString(w, body)
			})
			c := newTestClient(t, h.srv.URL)
			if err := c.CancelBatchJob(context.Background(), someID); err == nil || !strings.Contains(err.Error(), "cancel batch job "+someID) {
				t.Errorf("err = %v", err)
			}
		})
	}

	// An error answer with a huge HTML body: the message is cut, the error stays short.
	t.Run("huge error body", func(t *testing.T) {
		t.Parallel()
		h := newHostileServer(t, func(_ *hostileServer, w http.ResponseWriter, _ *http.Request, _ []byte) {
			w.WriteHeader(400)
			_, _ = io.WriteString(w, "<html>"+strings.Repeat("error ", 1<<17)+"</html>")
		})
		c := newTestClient(t, h.srv.URL)
		_, err := c.GetBatchJob(context.Background(), someID)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || len(err.Error()) > 1024 {
			t.Errorf("err = %.300v", err)
		}
	})

	// Create answered 200 with garbage: if the service did create the job, it is adopted; if it
	// did not, the error says so. Either way there is exactly one submission.
	for _, g := range garbage {
		for _, committed := range []bool{true, false} {
			t.Run(fmt.Sprintf("create answered %s (committed %v)", g.name, committed), func(t *testing.T) {
				t.Parallel()
				h := newHostileServer(t, func(h *hostileServer, w http.ResponseWriter, r *http.Request, body []byte) {
					if isList(r) {
						h.listCommitted(w)
						return
					}
					if committed {
						h.commit(body)
					}
					w.WriteHeader(200)
					_, _ = io.WriteString(w, g.body)
				})
				c := newTestClient(t, h.srv.URL)
				slot(t, g.body)
				ctx, limit := slowCall(t)
				var job *BatchJob
				_, err := within(t, limit, func() error {
					var err error
					job, err = c.CreateBatchJob(ctx, createReq())
					return err
				})
				if n := len(h.postMarkers()); n != 1 {
					t.Errorf("%d submissions, want 1", n)
				}
				if committed {
					if err != nil || job == nil || job.ID == "" {
						t.Fatalf("committed job not adopted: %v", err)
					}
					return
				}
				if err == nil || !strings.Contains(err.Error(), "create batch job") || !strings.Contains(err.Error(), "not resubmitted") {
					t.Fatalf("err = %v", err)
				}
				if len(err.Error()) > 1024 {
					t.Errorf("error of %d bytes", len(err.Error()))
				}
			})
		}
	}
}
