package emulator

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The gateway: what every API request goes through, in front of the
// services. It knows no API collection; services register routes on it.

// call is one API request on its way through the gateway steps.
type call struct {
	w     http.ResponseWriter
	r     *http.Request // after routing, r.PathValue answers the route's wildcards
	reqID string
	route *route
	body  []byte
	who   identity
}

// handler answers a call; services implement their routes with it.
type handler func(*call) response

// step is one gateway layer: it answers the call itself or passes it on.
type step func(c *call, next handler) response

// chain composes steps (first = outermost) in front of last.
func chain(steps []step, last handler) handler {
	h := last
	for i := len(steps) - 1; i >= 0; i-- {
		st, next := steps[i], h
		h = func(c *call) response { return st(c, next) }
	}
	return h
}

// gatewaySteps is the order of the checks of an API request. The request
// record spans them all (see ServeHTTP), so that every request is logged,
// including those a step refuses.
func (s *Server) gatewaySteps() []step {
	return []step{s.latencyStep, s.routeStep, s.bodyStep, s.authStep, s.faultStep, s.afterCommitStep}
}

func serveRoute(c *call) response { return c.route.h(c) }

func newRequestID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

// ServeHTTP serves the API routes of every registered service and the admin
// routes under /_emulator/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	w.Header().Set("X-Request-Id", reqID)
	if r.URL.Path == "/_emulator" || strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.serveAdmin(w, r, reqID)
		return
	}
	// The record is opened on arrival (a request still in its latency
	// shows with status 0) and closed with whichever answer was given.
	rec := s.beginRecord(r)
	c := &call{w: w, r: r, reqID: reqID}
	status, code := s.answer(c, s.api(c))
	s.reqMu.Lock()
	rec.Status, rec.ErrorCode = status, code
	s.reqMu.Unlock()
}

// answer writes resp (or drops the connection) and returns the status and
// error code to record.
func (s *Server) answer(c *call, resp response) (int, string) {
	switch resp.abort {
	case abortGone:
		return 0, ""
	case abortDrop:
		// Hijack and close: the client sees the connection drop after the
		// work was done. Without a hijackable connection (an in-process
		// recorder), answer 502 instead.
		if conn, _, err := http.NewResponseController(c.w).Hijack(); err == nil {
			_ = conn.Close()
			s.logAccess(c.r, 0, []byte("(connection dropped after the work was done)"))
			return 0, ""
		}
		resp = backendUnavailable(c.reqID)
	}
	write(c.w, resp)
	s.logAccess(c.r, resp.status, resp.body)
	return resp.status, resp.errorCode
}

func write(w http.ResponseWriter, resp response) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// latencyStep waits Options.Latency (in real time) before anything else.
func (s *Server) latencyStep(c *call, next handler) response {
	if d := s.opts.Latency; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-c.r.Context().Done():
			t.Stop()
			return response{abort: abortGone}
		}
	}
	return next(c)
}

// routeStep finds the route; an unknown path or method is 404 APIGW.0101.
func (s *Server) routeStep(c *call, next handler) response {
	rt, _ := s.routes.match(c.r)
	if rt == nil {
		return apigError(http.StatusNotFound, CodeAPINotFound,
			"The API does not exist or has not been published in the environment", c.reqID)
	}
	c.route = rt
	return next(c)
}

// bodyStep reads the body, at most Options.MaxBodyBytes (413 APIGW.0201
// above it) within Options.BodyReadTimeout (400 APIGW.0201 when it stalls).
func (s *Server) bodyStep(c *call, next handler) response {
	tooLarge := apigError(http.StatusRequestEntityTooLarge, CodeRequestError, "Request entity too large", c.reqID)
	if c.r.ContentLength > s.opts.MaxBodyBytes {
		return tooLarge
	}
	var body []byte
	var err error
	s.withBodyDeadline(c, func() error {
		body, err = io.ReadAll(io.LimitReader(c.r.Body, s.opts.MaxBodyBytes+1))
		return err
	})
	if int64(len(body)) > s.opts.MaxBodyBytes {
		return tooLarge
	}
	if err != nil {
		return apigError(http.StatusBadRequest, CodeRequestError, "Bad request: cannot read the request body", c.reqID)
	}
	c.body = body
	return next(c)
}

// authStep applies the gateway's authentication (401 APIGW.0301); the
// project is the route's {project_id}. Public routes authenticate in their
// handler.
func (s *Server) authStep(c *call, next handler) response {
	if c.route.public {
		return next(c)
	}
	id, sub := s.authenticate(c.r, c.body, c.r.PathValue("project_id"))
	if sub != "" {
		return authFailure(sub, c.reqID)
	}
	c.who = id
	return next(c)
}

// faultStep injects the 429/500 faults, before anything is done.
func (s *Server) faultStep(c *call, next handler) response {
	if resp, faulted := s.preFault(c.reqID); faulted {
		return resp
	}
	return next(c)
}

// afterCommitStep injects the after-commit fault on a successful answer of
// a route that changes something: the work is done, the answer is lost.
func (s *Server) afterCommitStep(c *call, next handler) response {
	resp := next(c)
	if !c.route.commits || resp.status/100 != 2 {
		return resp
	}
	switch s.afterCommitFault() {
	case faultDrop:
		return response{abort: abortDrop}
	case fault502:
		return backendUnavailable(c.reqID)
	}
	return resp
}

func backendUnavailable(reqID string) response {
	return apigError(http.StatusBadGateway, CodeBackendUnavail, "Backend unavailable", reqID)
}

// maxRecords bounds the request log; the oldest records are dropped first.
const maxRecords = 100000

// RequestRecord is one API request as answered by the emulator (admin routes
// are not recorded). Status 0 means the connection was dropped on purpose
// (FaultAfterCommit) or the client went away before an answer.
type RequestRecord struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Status    int    `json:"status"`
	ErrorCode string `json:"error_code"`
}

func (s *Server) beginRecord(r *http.Request) *RequestRecord {
	rec := &RequestRecord{Method: r.Method, Path: r.URL.Path}
	s.reqMu.Lock()
	if len(s.reqs) >= maxRecords {
		n := copy(s.reqs, s.reqs[1:])
		s.reqs = s.reqs[:n]
	}
	s.reqs = append(s.reqs, rec)
	s.reqMu.Unlock()
	return rec
}

// Requests returns a copy of the request log, in arrival order.
func (s *Server) Requests() []RequestRecord {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	out := make([]RequestRecord, len(s.reqs))
	for i, r := range s.reqs {
		out[i] = *r
	}
	return out
}

// logAccess writes one line per answered API request to Options.AccessLog:
// method, path, status, and the body of cancels and of errors (short, and
// free of secrets: the emulator never echoes credentials).
func (s *Server) logAccess(r *http.Request, status int, body []byte) {
	if s.opts.AccessLog == nil {
		return
	}
	line := fmt.Sprintf("%s %s %d", r.Method, r.URL.Path, status)
	if r.Method == http.MethodDelete || status/100 != 2 {
		b := bytes.TrimSpace(body)
		if len(b) > 300 {
			b = append(b[:300:300], "..."...)
		}
		line += " " + string(b)
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintln(s.opts.AccessLog, line)
}
