package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The exactly-once submission shared by the job collections' creates: every request carries a
// fresh marker, and an ambiguous outcome is settled by looking for the job carrying it before
// anything is sent again (see the package documentation).

const (
	// maxReconcileScan bounds how many listed jobs one lookup examines.
	maxReconcileScan = 2000
	// maxDetailLookups bounds the GETs for listed jobs that do not show their marker; past it
	// the lookup cannot decide (and nothing is resubmitted).
	maxDetailLookups = 200
	// reconcileLookups is how many times the list is searched before a submission is
	// considered absent (eventual consistency margin).
	reconcileLookups = 2
)

// errLookupUndecided: the lookup could not check every job that might be the submission.
var errLookupUndecided = errors.New("the lookup could not check every candidate")

// submitSpec is one collection's non-idempotent create, as submit sends and settles it.
type submitSpec[T any] struct {
	call      apiCall // the POST, with its body
	marker    string
	markerKey string // where the marker is, for an *OutcomeUnknownError: "tag <key>" ...
	// envelope: a 2xx answer carries DLI's {"is_success"} envelope; is_success false is a
	// refusal, returned as is.
	envelope bool
	// decode reads a 2xx answer: the created job, or nil and why the answer leaves the
	// outcome unknown.
	decode func(ctx context.Context, res *apiResult) (*T, error)
	// find looks once for the job carrying the marker, created from well before since.
	find func(ctx context.Context, since time.Time) (*T, error)
	// absent is the error for a submission the lookup found absent after submissions
	// requests; cause, when set, is why the next one was not sent.
	absent func(outcome error, submissions int, cause error) error
	id     func(*T) string // for logs
}

// submit sends s.call and settles an ambiguous outcome. 4xx answers are *APIError (throttling
// and failures before anything was sent are retried by the transport). After a 5xx, no
// complete answer, or a 2xx that decode cannot use, the job carrying the marker is looked for
// (on a detached, bounded context when ctx has ended) and adopted; only when it is absent, and
// only after a 500, 502, 503, 504 or no answer, is the request sent again (same marker, at most
// MaxRetries times, never once ctx has ended). A lookup that cannot decide gives an
// *OutcomeUnknownError.
func submit[T any](ctx context.Context, c *Client, s submitSpec[T]) (*T, error) {
	op := s.call.op
	since := c.now()
	for submission := 1; ; submission++ {
		res, st, err := c.execute(ctx, s.call)
		var outcome error
		resubmittable := false
		switch {
		case err != nil:
			if !st.lastMaybeProcessed {
				return nil, err
			}
			outcome, resubmittable = err, true
		case res.status >= 200 && res.status <= 299:
			if s.envelope {
				if eerr := c.envelopeError(ctx, s.call, res); eerr != nil {
					return nil, eerr // DLI read the request and refused it
				}
			}
			job, derr := s.decode(ctx, res)
			if derr == nil {
				return job, nil
			}
			outcome = derr
		case res.status < 500:
			return nil, c.apiError(ctx, s.call, res)
		default:
			outcome = c.apiError(ctx, s.call, res)
			switch res.status {
			case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
				resubmittable = true
			}
		}
		if res != nil {
			if d, perr := http.ParseTime(res.header.Get("Date")); perr == nil && d.Before(since) {
				since = d // the server's clock is behind ours: so are its creation times
			}
		}

		tflog.Warn(ctx, "DLI "+op+": outcome unknown, looking for the submitted job", map[string]interface{}{
			"error": outcome.Error(), "submission": submission,
		})
		job, lookupErr := lookTwice(ctx, c, func(ctx context.Context) (*T, error) { return s.find(ctx, since) })
		if job != nil {
			tflog.Info(ctx, "DLI "+op+": adopted the job created by an ambiguous submission", map[string]interface{}{
				"job_id": s.id(job),
			})
			return job, nil
		}
		if lookupErr != nil {
			return nil, &OutcomeUnknownError{Operation: op, MarkerKey: s.markerKey, Marker: s.marker,
				Submissions: submission, Err: outcome, LookupErr: lookupErr}
		}
		if !resubmittable || ctx.Err() != nil || submission > c.maxRetries {
			return nil, s.absent(outcome, submission, nil)
		}
		tflog.Warn(ctx, "DLI "+op+": no job was created, submitting again", map[string]interface{}{
			"submission": submission + 1,
		})
		if err := sleepCtx(ctx, c.retryWait(submission-1, nil)); err != nil {
			return nil, s.absent(outcome, submission, err)
		}
	}
}

// newSubmission starts a create: a fresh marker, call's body carrying it (from wire), the
// request's secrets registered for scrubbing and the marker as a log field of the context.
func newSubmission(ctx context.Context, call apiCall, wire func(marker string) ([]byte, error), secrets []string) (context.Context, apiCall, string, error) {
	marker := uuid.NewString()
	body, err := wire(marker)
	if err != nil {
		return ctx, call, "", fmt.Errorf("dli: %s: encoding request: %w", call.op, err)
	}
	call.body = body
	ctx = WithSecrets(ctx, secrets...)
	return tflog.SetField(ctx, "submission_id", marker), call, marker, nil
}

// lookTwice runs a submission lookup twice, a short pause apart (a job committed by an answer
// that was lost may become visible late). A transient failure (no answer, 5xx, 429) repeats the
// lookup, up to reconcileRetries times whatever MaxRetries is. When ctx is already done it
// continues on a detached context for a bounded time.
func lookTwice[T any](ctx context.Context, c *Client, find func(context.Context) (*T, error)) (*T, error) {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), c.reconcileTimeout)
		defer cancel()
	}
	retries := 0
	for lookup := 0; lookup < reconcileLookups; {
		job, err := find(ctx)
		switch {
		case err != nil && isTransient(err) && retries < c.reconcileRetries && ctx.Err() == nil:
			tflog.Debug(ctx, "DLI: looking for a submission failed, trying again", map[string]interface{}{"error": err.Error()})
			if serr := sleepCtx(ctx, c.retryWait(retries, nil)); serr != nil {
				return nil, err
			}
			retries++
			continue
		case err != nil || job != nil:
			return job, err
		}
		lookup++
		if lookup < reconcileLookups {
			if err := sleepCtx(ctx, c.retryWait(0, nil)); err != nil {
				return nil, err
			}
		}
	}
	return nil, nil
}

// markerLookup is one walk of a job list for the job carrying a submission marker.
type markerLookup struct {
	candidates         []string // listed without what shows a marker: to read one by one
	unchecked, scanned int      // jobs that cannot be checked; jobs listed
}

// see takes one listed job: ours when it carries the marker, blind when the list left out what
// would show it. It reports whether the job is ours with a usable id, and whether the walk
// goes on.
func (l *markerLookup) see(id string, valid, ours, blind bool) (found, more bool) {
	l.scanned++
	switch {
	case ours && valid:
		return true, false
	case ours:
		l.unchecked++ // ours, but with an id that cannot be used
	case blind:
		if valid {
			l.candidates = append(l.candidates, id)
		} else {
			l.unchecked++
		}
	}
	if l.scanned >= maxReconcileScan {
		l.unchecked++ // the rest of the window was not looked at
		return false, false
	}
	return false, true
}

// findMarked walks a listing (each) for the job ours accepts: see passes each listed job to
// l.see. When the listing shows none, the jobs it listed blind are read through get (settle);
// what names the list, e.g. "SQL jobs".
func findMarked[T any](ctx context.Context, what string, each listing[T],
	see func(l *markerLookup, j *T) (found, more bool), get func(context.Context, string) (*T, error),
	ours func(*T) bool) (*T, error) {
	var found *T
	var l markerLookup
	err := each(func(j T) bool {
		hit, more := see(&l, &j)
		if hit {
			found = &j
		}
		return more
	})
	if err != nil {
		return nil, err
	}
	if found != nil {
		return found, nil
	}
	return settle(ctx, &l, what, get, ours)
}

// settle reads the candidates (at most maxDetailLookups of them) and returns the one carrying
// the marker; when some could not be checked, the lookup fails with errLookupUndecided. what
// names the list, e.g. "SQL jobs".
func settle[T any](ctx context.Context, l *markerLookup, what string, get func(context.Context, string) (*T, error),
	ours func(*T) bool) (*T, error) {
	candidates, unchecked := l.candidates, l.unchecked
	if len(candidates) > maxDetailLookups {
		unchecked += len(candidates) - maxDetailLookups
		candidates = candidates[:maxDetailLookups]
	}
	for _, id := range candidates {
		j, err := get(ctx, id)
		if err != nil {
			if IsNotFound(err) {
				continue
			}
			return nil, err
		}
		if ours(j) {
			return j, nil
		}
	}
	if unchecked > 0 {
		return nil, fmt.Errorf("dli: list %s: %w (%d not checked after %d listed)", what, errLookupUndecided, unchecked, l.scanned)
	}
	return nil, nil
}

// absentError reports a submission the lookup found absent; carrying says how the marker was
// looked for ("carrying key=marker"). It says "not resubmitted" only when there was a single
// submission.
func absentError(outcome error, carrying string, submissions int, cause error) error {
	var err error
	if submissions == 1 {
		err = fmt.Errorf("%w; no job %s was found; not resubmitted", outcome, carrying)
	} else {
		err = fmt.Errorf("%w; no job %s was found after %d submissions with that marker; giving up",
			outcome, carrying, submissions)
	}
	if cause != nil {
		return fmt.Errorf("%w: %w", err, cause)
	}
	return err
}
