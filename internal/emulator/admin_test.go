package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// request builds an admin request as a local tool sends it: loopback client
// and Host, JSON content type.
func (h *harness) request(method, path, body string) *http.Request {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, "http://127.0.0.1:8787"+path, nil)
	} else {
		r = httptest.NewRequest(method, "http://127.0.0.1:8787"+path, strings.NewReader(body))
	}
	r.RemoteAddr = "127.0.0.1:40000"
	r.Header.Set("Content-Type", "application/json")
	return r
}

func (h *harness) serve(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.s.ServeHTTP(rec, r)
	return rec
}

// admin sends an admin request (see request).
func (h *harness) admin(method, path, body string) *httptest.ResponseRecorder {
	h.t.Helper()
	return h.serve(h.request(method, path, body))
}

// Every service contributes its jobs to the admin routes under its kind;
// GET /_emulator/jobs keeps the batch answer.
func TestAdminJobsOfEveryKind(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.create(`{"file":"a.jar","queue":"default"}`)
	legacy := h.admin("GET", "/_emulator/jobs", "")
	batch := h.admin("GET", "/_emulator/jobs/batch", "")
	if legacy.Code != 200 || batch.Body.String() != legacy.Body.String() {
		t.Fatalf("jobs/batch %q vs jobs %q", batch.Body, legacy.Body)
	}
	all := decodeAs[map[string][]map[string]any](t, h.admin("GET", "/_emulator/jobs/all", ""))
	for _, svc := range h.s.services {
		if _, ok := all[svc.kind()]; !ok {
			t.Errorf("jobs/all has no %q: %v", svc.kind(), all)
		}
	}
	if len(all) != len(h.s.services) || len(all["batch"]) != 1 || all["batch"][0]["id"] != c.ID {
		t.Fatalf("jobs/all %v", all)
	}
	expectError(t, h.admin("GET", "/_emulator/jobs/nope", ""), 404, CodeAPINotFound)
	expectError(t, h.admin("DELETE", "/_emulator/jobs/batch", ""), 405, CodeAPINotFound)
	expectError(t, h.admin("HEAD", "/_emulator/requests", ""), 405, CodeAPINotFound)
}
