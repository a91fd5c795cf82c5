package pluginserver

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Releasing wraps a provider server so that the contexts the framework keeps do not keep the
// requests' contexts: every request gets a context that delegates to the real one while the
// request runs and is released when its answer is given, or, for the RPCs that answer with a
// stream (InvokeAction, ListResource, ReadStateBytes), when the stream ends, since their work
// runs while Terraform consumes it.
//
// The wrapper has each optional protocol interface (actions, list resources, state stores) that
// s has, and only those: tf6server finds them by type assertion, and an RPC of an interface it
// cannot find fails with "Provider ... Not Implemented".
func Releasing(s tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	r := releasingServer{s}
	a, hasActions := s.(tfprotov6.ActionServer)
	l, hasLists := s.(tfprotov6.ListResourceServer)
	st, hasStores := s.(tfprotov6.StateStoreServer)
	as, ls, ss := actionServer{a}, listServer{l}, stateStoreServer{st}
	switch {
	case hasActions && hasLists && hasStores:
		return struct {
			releasingServer
			actionServer
			listServer
			stateStoreServer
		}{r, as, ls, ss}
	case hasActions && hasLists:
		return struct {
			releasingServer
			actionServer
			listServer
		}{r, as, ls}
	case hasActions && hasStores:
		return struct {
			releasingServer
			actionServer
			stateStoreServer
		}{r, as, ss}
	case hasLists && hasStores:
		return struct {
			releasingServer
			listServer
			stateStoreServer
		}{r, ls, ss}
	case hasActions:
		return struct {
			releasingServer
			actionServer
		}{r, as}
	case hasLists:
		return struct {
			releasingServer
			listServer
		}{r, ls}
	case hasStores:
		return struct {
			releasingServer
			stateStoreServer
		}{r, ss}
	}
	return r
}

// call runs a request whose work ends when it returns.
func call[Req, Resp any](ctx context.Context, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newReleasableContext(ctx)
	defer rc.release()
	return f(rc, req)
}

// releasedContext is what a released context delegates to: cancelled and empty.
var releasedContext = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

// releasableContext delegates to a request's context until released.
type releasableContext struct {
	inner atomic.Pointer[context.Context]
}

func newReleasableContext(ctx context.Context) *releasableContext {
	rc := &releasableContext{}
	rc.inner.Store(&ctx)
	return rc
}

func (c *releasableContext) release() { c.inner.Store(&releasedContext) }

func (c *releasableContext) get() context.Context { return *c.inner.Load() }

func (c *releasableContext) Deadline() (time.Time, bool) { return c.get().Deadline() }
func (c *releasableContext) Done() <-chan struct{}       { return c.get().Done() }
func (c *releasableContext) Err() error                  { return c.get().Err() }
func (c *releasableContext) Value(key any) any           { return c.get().Value(key) }
