package emulator

import (
	mrand "math/rand"
	"net/http"
	"sync"
)

// faults holds the injected fault rates and their random generator. One
// draw per request decides the 429/500 faults, a second one (after a
// committed change) the after-commit fault, so that a sequential client
// sees the same faults for the same seed.
type faults struct {
	mu                                   sync.Mutex
	seed                                 int64
	rng                                  *mrand.Rand
	fault5xx, fault429, faultAfterCommit float64
}

type afterCommit int

const (
	faultNone afterCommit = iota
	fault502
	faultDrop
)

// preFault draws the 429/5xx fault of one request.
func (s *Server) preFault(reqID string) (response, bool) {
	f := &s.faults
	f.mu.Lock()
	f429, f5xx := f.fault429, f.fault5xx
	var x float64
	if f429 > 0 || f5xx > 0 {
		x = f.rng.Float64()
	}
	f.mu.Unlock()
	switch {
	case f429 > 0 && x < f429:
		resp := apigError(http.StatusTooManyRequests, CodeThrottled,
			"The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute", reqID)
		resp.header = http.Header{"Retry-After": {"1"}}
		return resp, true
	case f5xx > 0 && x < f429+f5xx:
		return dliError(http.StatusInternalServerError, CodeServerError,
			"Internal server error, please try again later (emulated fault, nothing was done)"), true
	}
	return response{}, false
}

// afterCommitFault draws the after-commit fault of a committed change.
func (s *Server) afterCommitFault() afterCommit {
	f := &s.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.faultAfterCommit <= 0 || f.rng.Float64() >= f.faultAfterCommit {
		return faultNone
	}
	if f.rng.Intn(2) == 0 {
		return fault502
	}
	return faultDrop
}

// reseed restarts the fault sequence (Reset).
func (f *faults) reseed() {
	f.mu.Lock()
	f.rng = mrand.New(mrand.NewSource(f.seed))
	f.mu.Unlock()
}

// SetFaults changes the fault rates at run time (each clamped to [0,1]).
func (s *Server) SetFaults(fault5xx, fault429, faultAfterCommit float64) {
	clamp := func(v float64) float64 {
		if v != v || v < 0 {
			return 0
		}
		if v > 1 {
			return 1
		}
		return v
	}
	f := &s.faults
	f.mu.Lock()
	f.fault5xx, f.fault429, f.faultAfterCommit = clamp(fault5xx), clamp(fault429), clamp(faultAfterCommit)
	f.mu.Unlock()
}

// Faults returns the current fault rates.
func (s *Server) Faults() (fault5xx, fault429, faultAfterCommit float64) {
	f := &s.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fault5xx, f.fault429, f.faultAfterCommit
}
