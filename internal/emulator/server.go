package emulator

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	mrand "math/rand"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

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

// Server is an in-memory DLI batch service. It implements http.Handler
// (API and admin routes) and is safe for concurrent use.
type Server struct {
	opts  Options
	clock Clock

	mu   sync.RWMutex
	jobs map[string]*job
	seq  int64

	reqMu sync.Mutex
	reqs  []*RequestRecord

	logMu sync.Mutex // serializes AccessLog lines

	rngMu                                sync.Mutex
	rng                                  *mrand.Rand
	fault5xx, fault429, faultAfterCommit float64

	persist *persister

	httpMu  sync.Mutex
	httpSrv *http.Server
	url     string
	served  chan struct{}
}

// New returns a Server configured by opts (zero fields take the documented
// defaults). When opts.StateFile names an existing file, its jobs are loaded.
func New(opts Options) (*Server, error) {
	o, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:             o,
		clock:            o.Clock,
		jobs:             map[string]*job{},
		rng:              mrand.New(mrand.NewSource(o.Seed)),
		fault5xx:         o.Fault5xx,
		fault429:         o.Fault429,
		faultAfterCommit: o.FaultAfterCommit,
	}
	if o.StateFile != "" {
		s.persist = &persister{path: o.StateFile, snapshot: s.stateSnapshot}
		jobs, err := loadState(o.StateFile)
		if err != nil {
			return nil, err
		}
		for _, j := range jobs {
			s.jobs[j.ID] = j
			if j.Seq > s.seq {
				s.seq = j.Seq
			}
		}
	}
	return s, nil
}

// Options returns the effective (defaulted) options.
func (s *Server) Options() Options {
	o := s.opts
	o.Tokens = append([]string(nil), o.Tokens...)
	o.Queues = append([]string(nil), o.Queues...)
	return o
}

func newRequestID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

// ServeHTTP serves the six batch routes under /v2.0/{project_id}/batches
// and the admin routes under /_emulator/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	w.Header().Set("X-Request-Id", reqID)
	if r.URL.Path == "/_emulator" || strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.serveAdmin(w, r, reqID)
		return
	}
	rec := s.beginRecord(r)
	status, code := s.serveAPI(w, r, reqID)
	s.reqMu.Lock()
	rec.Status, rec.ErrorCode = status, code
	s.reqMu.Unlock()
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

func write(w http.ResponseWriter, resp response) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// serveAPI answers one API request and returns the status and error code to
// record.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, reqID string) (int, string) {
	if d := s.opts.Latency; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return 0, ""
		}
	}
	send := func(resp response) (int, string) {
		write(w, resp)
		s.logAccess(r, resp.status, resp.body)
		return resp.status, resp.errorCode
	}
	rt, ok := matchRoute(r.Method, r.URL.Path)
	if !ok {
		return send(apigError(http.StatusNotFound, CodeAPINotFound,
			"The API does not exist or has not been published in the environment", reqID))
	}
	tooLarge := apigError(http.StatusRequestEntityTooLarge, CodeRequestError, "Request entity too large", reqID)
	if r.ContentLength > s.opts.MaxBodyBytes {
		return send(tooLarge)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, s.opts.MaxBodyBytes+1))
	if int64(len(body)) > s.opts.MaxBodyBytes {
		return send(tooLarge)
	}
	if err != nil {
		return send(apigError(http.StatusBadRequest, CodeRequestError, "Bad request: cannot read the request body", reqID))
	}
	id, sub := s.authenticate(r, body, rt.project)
	if sub != "" {
		return send(authFailure(sub, reqID))
	}
	if resp, faulted := s.preFault(reqID); faulted {
		return send(resp)
	}
	resp := s.dispatch(rt, r, body, id)
	if rt.mutating() && resp.status/100 == 2 {
		switch s.afterCommitFault() {
		case faultDrop:
			// Hijack and close: the client sees the connection drop after
			// the work was done. Without a hijackable connection (an
			// in-process recorder), answer 502 instead.
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
				s.logAccess(r, 0, []byte("(connection dropped after the work was done)"))
				return 0, ""
			}
			fallthrough
		case fault502:
			return send(apigError(http.StatusBadGateway, CodeBackendUnavail, "Backend unavailable", reqID))
		}
	}
	return send(resp)
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

// route is a matched API route.
type route struct {
	op      string // create, list, get, state, log, cancel
	project string
	batchID string
}

func (rt route) mutating() bool { return rt.op == "create" || rt.op == "cancel" }

// matchRoute maps method and path to one of the six batch operations.
// Anything else (including a known path with another method) is unknown.
func matchRoute(method, path string) (route, bool) {
	rest, ok := strings.CutPrefix(path, "/v2.0/")
	if !ok {
		return route{}, false
	}
	seg := strings.Split(rest, "/")
	if len(seg) < 2 || seg[0] == "" || seg[1] != "batches" {
		return route{}, false
	}
	rt := route{project: seg[0]}
	switch {
	case len(seg) == 2 && method == http.MethodPost:
		rt.op = "create"
	case len(seg) == 2 && method == http.MethodGet:
		rt.op = "list"
	case len(seg) == 3 && seg[2] != "" && method == http.MethodGet:
		rt.op = "get"
	case len(seg) == 3 && seg[2] != "" && method == http.MethodDelete:
		rt.op = "cancel"
	case len(seg) == 4 && seg[2] != "" && seg[3] == "state" && method == http.MethodGet:
		rt.op = "state"
	case len(seg) == 4 && seg[2] != "" && seg[3] == "log" && method == http.MethodGet:
		rt.op = "log"
	default:
		return route{}, false
	}
	if len(seg) > 2 {
		rt.batchID = seg[2]
	}
	return rt, true
}

func (s *Server) dispatch(rt route, r *http.Request, body []byte, id identity) response {
	switch rt.op {
	case "create":
		return s.handleCreate(body, id)
	case "list":
		return s.handleList(r)
	case "get":
		return s.handleGet(rt.batchID)
	case "state":
		return s.handleState(rt.batchID)
	case "log":
		return s.handleLog(rt.batchID, r)
	default:
		return s.handleCancel(rt.batchID)
	}
}

// Faults.

type afterCommit int

const (
	faultNone afterCommit = iota
	fault502
	faultDrop
)

// preFault draws the 429/5xx fault of one request.
func (s *Server) preFault(reqID string) (response, bool) {
	s.rngMu.Lock()
	f429, f5xx := s.fault429, s.fault5xx
	var x float64
	if f429 > 0 || f5xx > 0 {
		x = s.rng.Float64()
	}
	s.rngMu.Unlock()
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

// afterCommitFault draws the after-commit fault of a committed mutation.
func (s *Server) afterCommitFault() afterCommit {
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	if s.faultAfterCommit <= 0 || s.rng.Float64() >= s.faultAfterCommit {
		return faultNone
	}
	if s.rng.Intn(2) == 0 {
		return fault502
	}
	return faultDrop
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
	s.rngMu.Lock()
	s.fault5xx, s.fault429, s.faultAfterCommit = clamp(fault5xx), clamp(fault429), clamp(faultAfterCommit)
	s.rngMu.Unlock()
}

// Faults returns the current fault rates.
func (s *Server) Faults() (fault5xx, fault429, faultAfterCommit float64) {
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return s.fault5xx, s.fault429, s.faultAfterCommit
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

// Reset forgets every job and the request log, and re-seeds the fault RNG
// (fault rates are kept).
func (s *Server) Reset() {
	s.mu.Lock()
	s.jobs = map[string]*job{}
	s.mu.Unlock()
	s.reqMu.Lock()
	s.reqs = nil
	s.reqMu.Unlock()
	s.rngMu.Lock()
	s.rng = mrand.New(mrand.NewSource(s.opts.Seed))
	s.rngMu.Unlock()
	s.changed()
}

func isLoopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Start listens on addr (for example "127.0.0.1:0" for a free port) and
// serves in the background. It returns the base URL, "http://HOST:PORT".
func (s *Server) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	return s.Serve(ln), nil
}

// Serve serves s on l in the background and returns the base URL. An
// unspecified listen IP (0.0.0.0, ::) is reported as 127.0.0.1.
func (s *Server) Serve(l net.Listener) string {
	u := BaseURL(l.Addr())
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	done := make(chan struct{})
	s.httpMu.Lock()
	s.httpSrv, s.url, s.served = hs, u, done
	s.httpMu.Unlock()
	go func() {
		defer close(done)
		_ = hs.Serve(l)
	}()
	return u
}

// BaseURL renders a listener address as "http://HOST:PORT".
func BaseURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// URL returns the base URL of the listener started by Start or Serve ("" if
// none).
func (s *Server) URL() string {
	s.httpMu.Lock()
	defer s.httpMu.Unlock()
	return s.url
}

// ListenAndServe listens on addr and serves until ctx is done, then shuts
// down gracefully and flushes the state file.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	if _, err := s.Start(addr); err != nil {
		return err
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.Shutdown(sctx)
}

// Shutdown gracefully stops the HTTP server started by Start or Serve (if
// any) and flushes the state file.
func (s *Server) Shutdown(ctx context.Context) error {
	s.httpMu.Lock()
	hs, done := s.httpSrv, s.served
	s.httpSrv = nil
	s.httpMu.Unlock()
	var err error
	if hs != nil {
		err = hs.Shutdown(ctx)
		<-done
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close stops the HTTP server started by Start or Serve (if any, without
// waiting for requests) and flushes the state file, if one is configured.
func (s *Server) Close() error {
	s.httpMu.Lock()
	hs, done := s.httpSrv, s.served
	s.httpSrv = nil
	s.httpMu.Unlock()
	if hs != nil {
		_ = hs.Close()
		<-done
	}
	if s.persist != nil {
		return s.persist.close()
	}
	return nil
}
