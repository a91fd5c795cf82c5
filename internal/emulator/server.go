package emulator

import (
	"context"
	mrand "math/rand"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is an in-memory DLI service: one gateway (latency, routing, body
// limit, authentication, faults, request log) in front of one service per
// API collection. It implements http.Handler (API and admin routes) and is
// safe for concurrent use.
type Server struct {
	opts  Options
	clock Clock

	collections
	services []service
	routes   *routes
	admins   *routes
	api      handler // the gateway steps in front of the matched route

	reqMu sync.Mutex
	reqs  []*RequestRecord

	logMu sync.Mutex // serializes AccessLog lines

	faults faults

	persist *persister

	httpMu  sync.Mutex
	httpSrv *http.Server
	url     string
	served  chan struct{}
}

// New returns a Server configured by opts (zero fields take the documented
// defaults). When opts.StateFile names an existing file, its objects are
// loaded.
func New(opts Options) (*Server, error) {
	o, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	s := &Server{opts: o, clock: o.Clock, routes: newRoutes()}
	s.faults = faults{
		seed: o.Seed, rng: mrand.New(mrand.NewSource(o.Seed)),
		fault5xx: o.Fault5xx, fault429: o.Fault429, faultAfterCommit: o.FaultAfterCommit,
	}
	s.services = s.newServices(env{opts: &s.opts, clock: s.clock, changed: s.changed})
	for _, svc := range s.services {
		if svc.kind() == allJobsKind {
			panic("emulator: no service may be named " + allJobsKind)
		}
		svc.register(s.routes)
	}
	s.api = chain(s.gatewaySteps(), serveRoute)
	s.admins = s.adminRoutes()
	if o.StateFile != "" {
		if err := s.loadState(o.StateFile); err != nil {
			return nil, err
		}
		s.persist = &persister{path: o.StateFile, snapshot: s.stateSnapshot}
	}
	return s, nil
}

// Options returns the effective (defaulted) options.
func (s *Server) Options() Options {
	o := s.opts
	o.Tokens = append([]string(nil), o.Tokens...)
	o.Queues = append([]string(nil), o.Queues...)
	o.ExtraProjects = append([]Project{}, o.ExtraProjects...)
	o.Users = append([]User{}, o.Users...)
	o.Agencies = append([]Agency{}, o.Agencies...)
	return o
}

// Reset forgets every object and the request log, and re-seeds the fault
// RNG (fault rates are kept).
func (s *Server) Reset() {
	for _, svc := range s.services {
		svc.reset()
	}
	s.reqMu.Lock()
	s.reqs = nil
	s.reqMu.Unlock()
	s.faults.reseed()
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
