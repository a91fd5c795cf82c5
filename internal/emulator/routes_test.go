package emulator

import (
	"net/http/httptest"
	"testing"
)

func TestRouteMatcher(t *testing.T) {
	rt := newRoutes()
	rt.read("GET /v1/{project_id}/things/{id}", nil)
	rt.write("DELETE /v1/{project_id}/things/{id}", nil)
	for _, c := range []struct {
		method, path, pattern, id string
		status                    int
	}{
		{"GET", "/v1/p/things/a", "GET /v1/{project_id}/things/{id}", "a", 0},
		{"DELETE", "/v1/p/things/a", "DELETE /v1/{project_id}/things/{id}", "a", 0},
		{"GET", "/v1/p/things/.", "GET /v1/{project_id}/things/{id}", ".", 0},   // no cleaning, no redirect
		{"GET", "/v1/p/things/..", "GET /v1/{project_id}/things/{id}", "..", 0}, // the handler judges IDs
		{"GET", "/v1/p/thing%73/a", "GET /v1/{project_id}/things/{id}", "a", 0},
		{"HEAD", "/v1/p/things/a", "", "", 405}, // the mux would serve HEAD on GET
		{"PUT", "/v1/p/things/a", "", "", 405},
		{"GET", "/v1/p/things/a%2Fb", "", "", 404}, // %2F separates segments
		{"GET", "/v1//things/a", "", "", 404},
		{"GET", "/v1/p/things/a/", "", "", 404},
		{"GET", "/v1/p/things", "", "", 404},
	} {
		r := httptest.NewRequest(c.method, "http://h"+c.path, nil)
		got, status := rt.match(r)
		if c.pattern == "" {
			if got != nil || status != c.status {
				t.Errorf("%s %s: %v %d, want no route and %d", c.method, c.path, got, status, c.status)
			}
			continue
		}
		if got == nil || got.pattern != c.pattern || r.PathValue("id") != c.id || r.PathValue("project_id") != "p" {
			t.Errorf("%s %s: %+v id %q", c.method, c.path, got, r.PathValue("id"))
		}
	}
}

func BenchmarkRouteMatch(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("GET", "http://h"+pp("/0a324461-d9d9-45da-a52a-3b3c7a3d809e/state"), nil)
	for b.Loop() {
		if rt, _ := s.routes.match(r); rt == nil {
			b.Fatal("no route")
		}
	}
}
