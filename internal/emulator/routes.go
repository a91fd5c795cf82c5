package emulator

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// routes is a route table: an http.ServeMux with method-and-pattern routes
// (such as "GET /v1.0/{project_id}/jobs/{job_id}/status") used as a matcher
// only. The gateway asks it which route a request is for, then runs its own
// steps before the route's handler.
type routes struct {
	mux *http.ServeMux
}

func newRoutes() *routes { return &routes{mux: http.NewServeMux()} }

// route is one registered pattern.
type route struct {
	method  string
	pattern string
	commits bool     // the route changes something: after-commit faults apply
	public  bool     // the gateway does not authenticate it: its handler does
	names   []string // its wildcards, in order
	h       handler
}

// read registers a route that changes nothing.
func (rt *routes) read(pattern string, h handler) { rt.add(pattern, h, false) }

// write registers a route that changes something (after-commit faults apply).
func (rt *routes) write(pattern string, h handler) { rt.add(pattern, h, true) }

// public registers a route the gateway does not authenticate: its handler
// does, as IAM's routes do (their callers have no project yet, and sign in
// there).
func (rt *routes) public(pattern string, h handler, commits bool) {
	rt.add(pattern, h, commits).public = true
}

type matchKey struct{}

// matchResult is filled in by the mux handlers during a match.
type matchResult struct {
	route       *route
	values      []string
	wrongMethod bool
}

func (rt *routes) add(pattern string, h handler, commits bool) *route {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || !strings.HasPrefix(path, "/") {
		panic("emulator: route pattern needs a method and a path: " + pattern)
	}
	ro := &route{method: method, pattern: pattern, commits: commits, h: h}
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			ro.names = append(ro.names, strings.TrimSuffix(strings.TrimPrefix(seg, "{"), "}"))
		}
	}
	rt.mux.HandleFunc(pattern, func(_ http.ResponseWriter, r *http.Request) {
		m, ok := r.Context().Value(matchKey{}).(*matchResult)
		if !ok { // not a match request (the mux is never served directly)
			return
		}
		if r.Method != ro.method { // the mux serves HEAD on GET routes; DLI does not
			m.wrongMethod = true
			return
		}
		m.route = ro
		for _, n := range ro.names {
			m.values = append(m.values, r.PathValue(n))
		}
	})
	return ro
}

// statusWriter keeps the status the mux would have answered (404 or 405)
// and discards everything else.
type statusWriter struct {
	h      http.Header
	status int
}

func (w *statusWriter) Header() http.Header {
	if w.h == nil {
		w.h = http.Header{}
	}
	return w.h
}
func (w *statusWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *statusWriter) WriteHeader(status int)      { w.status = status }

// match returns the route of r and sets its path values on r. When no route
// matches, it returns nil and 405 (the path exists with another method) or
// 404.
//
// Matching runs on the decoded path split at every "/" (an encoded %2F
// separates segments too), and a path with an empty segment matches
// nothing. The mux sees each segment re-encoded, with "." and ".."
// escaped, so that it never cleans or redirects: a wildcard may hold any
// non-empty segment, as the handlers (not the router) judge IDs.
func (rt *routes) match(r *http.Request) (*route, int) {
	segs := strings.Split(r.URL.Path, "/")
	if segs[0] != "" {
		return nil, http.StatusNotFound
	}
	enc := make([]string, len(segs))
	for i, s := range segs {
		switch {
		case i == 0:
		case s == "":
			return nil, http.StatusNotFound
		case s == ".":
			enc[i] = "%2E"
		case s == "..":
			enc[i] = "%2E%2E"
		default:
			enc[i] = url.PathEscape(s)
		}
	}
	m := &matchResult{}
	u := &url.URL{Path: r.URL.Path, RawPath: strings.Join(enc, "/")}
	mr := (&http.Request{Method: r.Method, URL: u, Header: http.Header{}}).
		WithContext(context.WithValue(context.Background(), matchKey{}, m))
	w := &statusWriter{}
	rt.mux.ServeHTTP(w, mr)
	if m.route == nil {
		if m.wrongMethod || w.status == http.StatusMethodNotAllowed {
			return nil, http.StatusMethodNotAllowed
		}
		return nil, http.StatusNotFound
	}
	for i, n := range m.route.names {
		r.SetPathValue(n, m.values[i])
	}
	return m.route, 0
}
