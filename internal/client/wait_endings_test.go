package client

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// contextEnder ends a wait while it polls, whatever the machine's speed: once armed, every GET
// is held until the request's context ends, after cancelling the caller's context when
// interrupt is set (else the caller's deadline ends it).
type contextEnder struct {
	interrupt bool
	cancel    context.CancelFunc
	armed     atomic.Bool
	// armOn arms on the first request with this method (the cancel or stop); "" = at once.
	armOn string
}

func (e *contextEnder) hold(r *http.Request) bool {
	if e.armOn != "" && r.Method == e.armOn {
		e.armed.Store(true)
		return false
	}
	if r.Method != http.MethodGet || (e.armOn != "" && !e.armed.Load()) {
		return false
	}
	if e.interrupt {
		e.cancel()
	}
	<-r.Context().Done()
	return true
}

// collection is one job collection's wait and cancel-and-wait, on its fake, for a job that
// runs and keeps running after an accepted cancel (or stop).
type collection struct {
	name string
	// start adds the running job to a new fake, installs e's hook and returns the client,
	// the job's subject and its running state.
	start func(t *testing.T, e *contextEnder) (c *Client, id, running string)
	wait  func(ctx context.Context, c *Client, id string) error
	stop  func(ctx context.Context, c *Client, id string) error
}

func collections() []collection {
	return []collection{
		{
			name: "batch job",
			start: func(t *testing.T, e *contextEnder) (*Client, string, string) {
				f := newFakeDLI(t)
				j := f.addJob(&fakeJob{State: StateRunning, AfterCancel: []JobState{StateRunning}})
				f.hook = func(_ *fakeDLI, _ http.ResponseWriter, r *http.Request, _ []byte, _ int) bool { return e.hold(r) }
				return newTestClient(t, f.URL()), j.ID, string(StateRunning)
			},
			wait: func(ctx context.Context, c *Client, id string) error {
				_, err := c.WaitForBatchJob(ctx, id)
				return err
			},
			stop: func(ctx context.Context, c *Client, id string) error {
				_, err := c.StopBatchJob(ctx, id, StateRunning)
				return err
			},
		},
		{
			name: "SQL job",
			start: func(t *testing.T, e *contextEnder) (*Client, string, string) {
				f := newFakeSQL(t)
				j := f.addJob(&fakeSQLJob{Status: SQLStatusRunning})
				f.hook = func(_ *fakeSQL, _ http.ResponseWriter, r *http.Request, _ []byte, _ int) bool { return e.hold(r) }
				return newTestClient(t, f.URL()), j.ID, string(SQLStatusRunning)
			},
			wait: func(ctx context.Context, c *Client, id string) error {
				_, err := c.WaitForSQLJob(ctx, id)
				return err
			},
			stop: func(ctx context.Context, c *Client, id string) error {
				_, err := c.CancelSQLJobAndWait(ctx, id, SQLStatusRunning)
				return err
			},
		},
		{
			name: "Flink job",
			start: func(t *testing.T, e *contextEnder) (*Client, string, string) {
				f := newFakeFlink(t)
				j := f.add(&fakeFlinkJob{Route: "sql-jobs", Status: string(FlinkSubmitting)})
				f.hook = func(_ *fakeFlink, _ http.ResponseWriter, r *http.Request, _ []byte, _ int) bool { return e.hold(r) }
				return newTestClient(t, f.srv.URL), strconv.FormatInt(j.ID, 10), string(FlinkSubmitting)
			},
			wait: func(ctx context.Context, c *Client, id string) error {
				_, err := c.WaitForFlinkJobRunning(ctx, id)
				return err
			},
			stop: func(ctx context.Context, c *Client, id string) error {
				_, err := c.StopFlinkJobAndWait(ctx, id, false, FlinkSubmitting)
				return err
			},
		},
	}
}

// Every collection's wait ends with a *WaitEndedError that tells an interruption from a
// timeout, names the job and its last state, and still wraps ctx.Err().
func TestWaitEndings_everyCollection(t *testing.T) {
	for _, coll := range collections() {
		for _, interrupt := range []bool{false, true} {
			t.Run(coll.name+map[bool]string{false: " timed out", true: " interrupted"}[interrupt], func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
				defer cancel()
				e := &contextEnder{interrupt: interrupt, cancel: cancel}
				c, id, _ := coll.start(t, e)
				err := coll.wait(ctx, c, id)
				var ended *WaitEndedError
				if !errors.As(err, &ended) || ended.Interrupted != interrupt || ended.Subject != coll.name+" "+id ||
					!errors.Is(err, ctx.Err()) {
					t.Fatalf("error %v (%#v), want a *WaitEndedError for %s %s with interrupted = %v", err, ended, coll.name, id, interrupt)
				}
			})
		}
	}
}

// Every collection's cancel-and-wait reports a failure after DLI accepted the cancel (or stop)
// as a *CancelAcceptedError naming the job and the last state, wrapping the wait's ending.
func TestCancelAcceptedEndings_everyCollection(t *testing.T) {
	for _, coll := range collections() {
		for _, interrupt := range []bool{false, true} {
			t.Run(coll.name+map[bool]string{false: " timed out", true: " interrupted"}[interrupt], func(t *testing.T) {
				bound, cancelBound := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancelBound()
				ctx, cancel := context.WithCancel(bound)
				if !interrupt {
					ctx, cancel = context.WithTimeout(bound, time.Second)
				}
				defer cancel()
				e := &contextEnder{interrupt: interrupt, cancel: cancel, armOn: http.MethodDelete}
				if coll.name == "Flink job" {
					e.armOn = http.MethodPost // jobs/stop
				}
				c, id, running := coll.start(t, e)
				err := coll.stop(ctx, c, id)
				var accepted *CancelAcceptedError
				var ended *WaitEndedError
				if !errors.As(err, &accepted) || accepted.Subject != coll.name+" "+id || accepted.LastState != running ||
					!errors.As(err, &ended) || ended.Interrupted != interrupt {
					t.Fatalf("error %v (%#v), want an accepted cancel of %s %s in state %s, interrupted = %v",
						err, accepted, coll.name, id, running, interrupt)
				}
			})
		}
	}
}
