package client

import "context"

type stateObserverKey struct{}

// StateObserver is told each state a wait sees, when it differs from the one
// before: subject names what is waited for (such as "batch job <id>").
type StateObserver func(subject, state string)

// WithStateObserver returns a context under which every wait (WaitForBatchJob,
// CancelAndWait and the other collections' waiters) calls fn on each change
// of state, synchronously, from the waiting goroutine. A caller streams
// progress this way without polling on its own.
func WithStateObserver(ctx context.Context, fn StateObserver) context.Context {
	return context.WithValue(ctx, stateObserverKey{}, fn)
}

func observeState(ctx context.Context, subject, state string) {
	if fn, ok := ctx.Value(stateObserverKey{}).(StateObserver); ok && fn != nil {
		fn(subject, state)
	}
}
