package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A server that accepts the request and never answers: every operation ends at the caller's
// deadline, promptly, with an error that names the operation and wraps the deadline. A create
// whose answer never came is looked for (on a detached, bounded context) but never resent.
func TestHostileServerHangs(t *testing.T) {
	t.Parallel()
	const deadline = 300 * time.Millisecond
	for _, op := range hostileOps() {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			h := newHostileServer(t, func(h *hostileServer, _ http.ResponseWriter, r *http.Request, _ []byte) { h.hang(r) })
			c := newTestClient(t, h.srv.URL)
			c.reconcileTimeout = 400 * time.Millisecond
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			took, err := within(t, 10*time.Second, func() error { return op.call(ctx, c) })
			if err == nil {
				t.Fatal("no error from a server that never answers")
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error does not wrap the deadline: %v", err)
			}
			if !strings.Contains(err.Error(), op.name) {
				t.Errorf("error %q does not name %q", err, op.name)
			}
			// The deadline, plus the bounded lookup of a create (and slack for a loaded machine).
			if took > deadline+c.reconcileTimeout+5*time.Second {
				t.Errorf("took %v", took)
			}
			if n := h.count(http.MethodPost, "/batches"); n > 1 {
				t.Errorf("%d submissions, want at most 1", n)
			}
		})
	}

	// Only the submission hangs; the lookup answers that no job carries the marker. The client
	// reports the deadline and does not submit again once the context has ended.
	t.Run("create hangs, lookup answers", func(t *testing.T) {
		t.Parallel()
		h := newHostileServer(t, func(h *hostileServer, w http.ResponseWriter, r *http.Request, _ []byte) {
			if isList(r) {
				h.listCommitted(w)
				return
			}
			h.hang(r)
		})
		c := newTestClient(t, h.srv.URL)
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		took, err := within(t, 10*time.Second, func() error { _, err := c.CreateBatchJob(ctx, createReq()); return err })
		if err == nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "not resubmitted") {
			t.Fatalf("err = %v, want the deadline and no resubmission", err)
		}
		if took > 5*time.Second {
			t.Errorf("took %v", took)
		}
		if n := h.count(http.MethodPost, "/batches"); n != 1 {
			t.Errorf("%d submissions, want 1", n)
		}
		if n := h.count(http.MethodGet, "/batches"); n < 1 {
			t.Errorf("the submission was not looked for")
		}
	})

	// The status line and headers come, then the body stalls: the deadline still ends the read.
	t.Run("body stalls", func(t *testing.T) {
		t.Parallel()
		h := newHostileServer(t, func(h *hostileServer, w http.ResponseWriter, r *http.Request, _ []byte) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			_, _ = io.WriteString(w, `{"id":"`+someID+`","state":"run`)
			_ = http.NewResponseController(w).Flush()
			h.hang(r)
		})
		c := newTestClient(t, h.srv.URL)
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		took, err := within(t, 10*time.Second, func() error { _, err := c.GetBatchJob(ctx, someID); return err })
		if err == nil || !strings.Contains(err.Error(), "get batch job "+someID) {
			t.Fatalf("err = %v", err)
		}
		if took > 5*time.Second {
			t.Errorf("took %v", took)
		}
	})
}
