package client

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeServer is what the client's fakes of DLI collections share: an httptest server that
// records every request and lets a test's hook answer first. F is the fake itself, which the
// hook receives. The fakes are written here on purpose: the emulator is an independent
// implementation the client must not depend on.
type fakeServer[F any] struct {
	t   *testing.T
	srv *httptest.Server

	mu   sync.Mutex
	reqs []fakeRequest
	// hook runs first for every request; n is the 0-based request index.
	// Returning true means the hook answered.
	hook func(f F, w http.ResponseWriter, r *http.Request, body []byte, n int) bool
}

type fakeRequest struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   string
	Time   time.Time
}

// fakeChecks are what a fake asserts of every request it receives.
type fakeChecks struct {
	jsonBody    bool // Content-Type application/json
	credentials bool // X-Auth-Token or an SDK-HMAC-SHA256 signature
}

// start serves route behind the recording, the checks and the hook, until the test ends.
func (s *fakeServer[F]) start(t *testing.T, self F, checks fakeChecks, route func(w http.ResponseWriter, r *http.Request, body []byte)) {
	t.Helper()
	s.t = t
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.reqs)
		s.reqs = append(s.reqs, fakeRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body), Time: time.Now()})
		hook := s.hook
		s.mu.Unlock()
		if ct := r.Header.Get("Content-Type"); checks.jsonBody && ct != "application/json" {
			t.Errorf("%s %s: Content-Type %q", r.Method, r.URL.Path, ct)
		}
		if checks.credentials && r.Header.Get("X-Auth-Token") == "" && !strings.HasPrefix(r.Header.Get("Authorization"), "SDK-HMAC-SHA256 Access=") {
			t.Errorf("%s %s: no credentials", r.Method, r.URL.Path)
		}
		if hook != nil && hook(self, w, r, body, n) {
			return
		}
		route(w, r, body)
	}))
	t.Cleanup(s.srv.Close)
}

func (s *fakeServer[F]) URL() string { return s.srv.URL }

func (s *fakeServer[F]) requests() []fakeRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]fakeRequest(nil), s.reqs...)
}

// callsBelow returns "METHOD suffix" for every request, suffix being the path below prefix.
func (s *fakeServer[F]) callsBelow(prefix string) []string {
	reqs := s.requests()
	out := make([]string, 0, len(reqs))
	for _, r := range reqs {
		out = append(out, r.Method+" "+strings.TrimPrefix(r.Path, prefix))
	}
	return out
}

// countCalls counts the calls that match.
func countCalls(calls []string, match func(string) bool) int {
	n := 0
	for _, c := range calls {
		if match(c) {
			n++
		}
	}
	return n
}

// takeNext moves a fake job to the next of its scripted values (the last one sticks).
func takeNext[T any](cur *T, next *[]T) {
	if len(*next) > 0 {
		*cur = (*next)[0]
		if len(*next) > 1 {
			*next = (*next)[1:]
		}
	}
}

// pageBounds clips [from, from+size) to n items.
func pageBounds(from, size, n int) (int, int) {
	from = min(max(from, 0), n)
	return from, min(from+size, n)
}

// selected is what a fake list answers of jobs: those for which every filter whose parameter
// q sets holds (it is given the job and the parameter's value), ordered by less.
func selected[J any](jobs []*J, q url.Values, filters map[string]func(j *J, v string) bool, less func(a, b *J) bool) []*J {
	var sel []*J
next:
	for _, j := range jobs {
		for k, holds := range filters {
			if v := q.Get(k); v != "" && !holds(j, v) {
				continue next
			}
		}
		sel = append(sel, j)
	}
	sort.SliceStable(sel, func(a, b int) bool { return less(sel[a], sel[b]) })
	return sel
}

// findByID returns the job of jobs whose id is id, or nil.
func findByID[J any](jobs []*J, id string, idOf func(*J) string) *J {
	for _, j := range jobs {
		if idOf(j) == id {
			return j
		}
	}
	return nil
}

// millis reads a filter's epoch milliseconds.
func millis(v string) int64 {
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

// noRoute answers as DLI's gateway does for a path it does not know.
func noRoute(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusNotFound, map[string]string{"error_code": "APIGW.0101", "error_msg": msg})
}
