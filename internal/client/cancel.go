package client

import "context"

// jobStatus is a collection's job state type, as cancelAndWait reads it.
type jobStatus interface {
	~string
	IsKnown() bool
	IsActive() bool
	IsTerminal() bool
}

// cancelSpec is how one collection cancels a job and waits for its end.
type cancelSpec[S jobStatus] struct {
	subject string   // "SQL job <id>", for errors
	known   []string // the documented states, for an *UnexpectedStateError
	read    func(ctx context.Context) (S, error)
	cancel  func(ctx context.Context) error
	// reread reports a refused cancel after which the state is read once: the job may have
	// ended meanwhile. A refusal that is not IsAlreadyFinished stays an error while the job is
	// active.
	reread func(err error) bool
	// wait polls from the given state until any terminal one; it returns the state last seen.
	wait func(ctx context.Context, from S) (S, error)
}

// cancelAndWait cancels a job the way destroy needs it and waits until it is terminal. state is
// what the caller last saw ("" = unknown).
//
//   - known terminal: returned at once, with no request (a finished job never becomes active
//     again);
//   - known active: the cancel is sent directly; unknown: the state is read first, and the cancel
//     sent only if the job is still active (a finished job costs one request);
//   - not found at any step: done, ("", nil);
//   - a cancel refused as k.reread says: the state is read once; terminal means done;
//   - a state DLI does not document: an *UnexpectedStateError at once;
//   - reads and the cancel tolerate up to 3 consecutive transient errors, as polling does;
//   - after the cancel: poll (first poll after PollInterval, no fixed delays) until terminal,
//     bounded by ctx. A failure then is a *CancelAcceptedError (wrapping a *WaitEndedError when
//     ctx ended).
func cancelAndWait[S jobStatus](ctx context.Context, c *Client, k cancelSpec[S], state S) (S, error) {
	if state.IsTerminal() {
		return state, nil
	}
	read := func() (S, error) {
		var s S
		err := c.tolerateTransient(ctx, func() error {
			var err error
			s, err = k.read(ctx)
			return err
		})
		if err == nil && !s.IsKnown() {
			return s, &UnexpectedStateError{Subject: k.subject, State: string(s), Known: k.known}
		}
		return s, err
	}
	if !state.IsActive() {
		s, err := read()
		switch {
		case IsNotFound(err):
			return "", nil
		case err != nil || s.IsTerminal():
			return s, err
		}
		state = s
	}

	if err := c.tolerateTransient(ctx, func() error { return k.cancel(ctx) }); err != nil {
		if IsNotFound(err) {
			return "", nil
		}
		if !k.reread(err) {
			return state, err
		}
		s, serr := read()
		switch {
		case IsNotFound(serr):
			return "", nil
		case serr != nil:
			return state, serr
		case s.IsTerminal():
			return s, nil
		case !IsAlreadyFinished(err):
			return s, err // refused for another reason: the job still runs
		}
		state = s
	}

	final, err := k.wait(ctx, state)
	switch {
	case err == nil:
		return final, nil
	case IsNotFound(err):
		return "", nil
	}
	return final, &CancelAcceptedError{Subject: k.subject, LastState: string(final), Err: err}
}
