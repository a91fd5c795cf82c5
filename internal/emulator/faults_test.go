package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// statuses sends 200 list requests and returns the status codes.
func statuses(h *harness) []int {
	var out []int
	for i := 0; i < 200; i++ {
		out = append(out, h.do("GET", pp(""), "").Code)
	}
	return out
}

func TestFaultsDeterministic(t *testing.T) {
	opts := Options{Fault429: 0.25, Fault5xx: 0.25, Seed: 42}
	a := statuses(newHarness(t, opts))
	hb := newHarness(t, opts)
	b := statuses(hb)
	if !slices.Equal(a, b) {
		t.Fatal("same seed, different fault sequences")
	}
	count := map[int]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range []int{200, 429, 500} {
		if count[s] < 20 {
			t.Fatalf("status %d seen %d times in %v", s, count[s], count)
		}
	}
	opts.Seed = 43
	if c := statuses(newHarness(t, opts)); slices.Equal(a, c) {
		t.Fatal("different seeds, same fault sequence")
	}
	// Reset re-seeds: the sequence starts over.
	hb.s.Reset()
	if c := statuses(hb); !slices.Equal(a, c) {
		t.Fatal("sequence after Reset differs")
	}
}

func TestFaultBodies(t *testing.T) {
	cases := []struct {
		name       string
		f5, f4     float64
		status     int
		code       string
		msg        string
		retryAfter string
		requestID  bool
	}{
		{"429", 0, 1, 429, CodeThrottled, "The throttling threshold has been reached: policy user over ratelimit,limit:", "1", true},
		{"500", 1, 0, 500, CodeServerError, "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, Options{Fault5xx: c.f5, Fault429: c.f4})
			rec := h.do("POST", pp(""), `{"file":"a.jar","queue":"default"}`)
			body := expectError(t, rec, c.status, c.code)
			if !strings.Contains(str(body["error_msg"]), c.msg) {
				t.Fatalf("msg %v", body["error_msg"])
			}
			if got := rec.Header().Get("Retry-After"); got != c.retryAfter {
				t.Fatalf("Retry-After %q", got)
			}
			if _, ok := body["request_id"]; ok != c.requestID {
				t.Fatalf("request_id presence %v: %s", ok, rec.Body.String())
			}
			if n := len(h.s.Jobs()); n != 0 {
				t.Fatalf("faulted create made %d jobs", n)
			}
			// Auth failures are answered before faults are drawn.
			rec = h.raw("GET", pp(""), "", nil)
			expectError(t, rec, 401, CodeAuth)
			// SetFaults turns them off at run time.
			h.s.SetFaults(0, 0, 0)
			if rec := h.do("POST", pp(""), `{"file":"a.jar","queue":"default"}`); rec.Code != 200 {
				t.Fatalf("after SetFaults: %d", rec.Code)
			}
		})
	}
}

func TestFaultAfterCommitInProcess(t *testing.T) {
	h := newHarness(t, Options{FaultAfterCommit: 1})
	cases := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"create commits then 502", "POST", pp(""), `{"file":"a.jar","queue":"default"}`, 502, CodeBackendUnavail},
		{"invalid create is not faulted", "POST", pp(""), `{"queue":"default"}`, 400, CodeParameter},
		{"reads are not faulted", "GET", pp(""), "", 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := h.do(c.method, c.path, c.body)
			if c.code == "" {
				if rec.Code != c.status {
					t.Fatalf("status %d", rec.Code)
				}
				return
			}
			expectError(t, rec, c.status, c.code)
		})
	}
	jobs := h.s.Jobs()
	if len(jobs) != 1 {
		t.Fatalf("%d jobs", len(jobs))
	}
	rec := h.do("DELETE", pp("/"+jobs[0].ID), "")
	expectError(t, rec, 502, CodeBackendUnavail)
	if j, _ := h.s.Job(jobs[0].ID); !j.CancelRequested {
		t.Fatal("cancel was not committed")
	}
}

// Over a real connection, after-commit faults are a 502 or a dropped
// connection, and the job exists either way.
func TestFaultAfterCommitOverHTTP(t *testing.T) {
	h := newHarness(t, Options{FaultAfterCommit: 1, Seed: 7})
	ts := httptest.NewServer(h.s)
	defer ts.Close()
	client := ts.Client()
	var got502, dropped int
	const n = 20
	for i := 0; i < n; i++ {
		req, _ := http.NewRequest("POST", ts.URL+pp(""), strings.NewReader(`{"file":"a.jar","queue":"default"}`))
		req.Header.Set("X-Auth-Token", DefaultToken)
		resp, err := client.Do(req)
		if err != nil {
			dropped++
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 502 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		got502++
	}
	if got502 == 0 || dropped == 0 {
		t.Fatalf("502: %d, dropped: %d", got502, dropped)
	}
	if len(h.s.Jobs()) != n {
		t.Fatalf("%d jobs, want %d", len(h.s.Jobs()), n)
	}
	var zero, bad int
	for _, r := range h.s.Requests() {
		switch {
		case r.Status == 0 && r.ErrorCode == "":
			zero++
		case r.Status == 502 && r.ErrorCode == CodeBackendUnavail:
			bad++
		}
	}
	if zero != dropped || bad != got502 {
		t.Fatalf("request log: %d dropped, %d 502; client saw %d, %d", zero, bad, dropped, got502)
	}
}

func TestLatency(t *testing.T) {
	const d = 20 * time.Millisecond
	h := newHarness(t, Options{Latency: d})
	for _, c := range []struct {
		name, method, path string
		slow               bool
	}{
		{"api", "GET", pp(""), true},
		{"unknown route", "GET", "/nope", true},
		{"admin", "GET", "/_emulator/requests", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			h.do(c.method, c.path, "")
			if took := time.Since(start); (took >= d) != c.slow {
				t.Fatalf("took %v", took)
			}
		})
	}
}

func TestAdminRoutes(t *testing.T) {
	h := newHarness(t, Options{Fault429: 0})
	if rec := h.do("GET", "/_emulator/requests", ""); rec.Code != 200 || rec.Body.String() != "[]" {
		t.Fatalf("empty log: %d %q", rec.Code, rec.Body.String())
	}
	c := h.create(`{"file":"a.jar","queue":"default"}`)
	h.do("GET", pp("/"+c.ID+"/state?x=1"), "")
	h.do("GET", pp("?size=abc"), "")
	h.raw("GET", pp(""), "", nil)
	h.do("DELETE", pp("/nope"), "")
	h.do("PUT", pp(""), "")
	h.s.SetFaults(0, 1, 0)
	h.do("GET", pp(""), "")
	h.do("GET", "/_emulator/jobs", "")
	h.s.SetFaults(0, 0, 0)

	rec := h.do("GET", "/_emulator/requests", "")
	var got []map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"method": "POST", "path": pp(""), "status": float64(200), "error_code": ""},
		{"method": "GET", "path": pp("/" + c.ID + "/state"), "status": float64(200), "error_code": ""},
		{"method": "GET", "path": pp(""), "status": float64(400), "error_code": CodeParameter},
		{"method": "GET", "path": pp(""), "status": float64(401), "error_code": CodeAuth},
		{"method": "DELETE", "path": pp("/nope"), "status": float64(400), "error_code": CodeParameter},
		{"method": "PUT", "path": pp(""), "status": float64(404), "error_code": CodeAPINotFound},
		{"method": "GET", "path": pp(""), "status": float64(429), "error_code": CodeThrottled},
	}
	if len(got) != len(want) {
		t.Fatalf("log %v", got)
	}
	for i := range want {
		for k, v := range want[i] {
			if got[i][k] != v {
				t.Fatalf("record %d: %s = %v, want %v (%v)", i, k, got[i][k], v, got[i])
			}
		}
		if len(got[i]) != 4 {
			t.Fatalf("record %d keys %v", i, got[i])
		}
	}
	if rs := h.s.Requests(); len(rs) != len(want) || rs[2] != (RequestRecord{"GET", pp(""), 400, CodeParameter}) {
		t.Fatalf("Requests() %v", rs)
	}

	jobs := decodeAs[[]map[string]any](t, h.do("GET", "/_emulator/jobs", ""))
	if len(jobs) != 1 || jobs[0]["id"] != c.ID || jobs[0]["state"] != "starting" {
		t.Fatalf("jobs %v", jobs)
	}
	f := decodeAs[faultsJSON](t, h.raw("POST", "/_emulator/faults", `{"fault_5xx":0.5}`, nil))
	if f.Fault5xx != 0.5 || f.Fault429 != 0 {
		t.Fatalf("faults %+v", f)
	}
	expectError(t, h.raw("POST", "/_emulator/faults", `{"fault_429":2}`, nil), 400, CodeParameter)
	h.s.SetFaults(0, 0, 0)

	if rec := h.raw("POST", "/_emulator/reset", "", nil); rec.Code != 200 {
		t.Fatalf("reset %d", rec.Code)
	}
	if rec := h.do("GET", "/_emulator/requests", ""); rec.Body.String() != "[]" || len(h.s.Jobs()) != 0 {
		t.Fatalf("after reset: %s, %d jobs", rec.Body.String(), len(h.s.Jobs()))
	}

	for _, c := range []struct {
		method, path, remote string
		status               int
	}{
		{"GET", "/_emulator/requests", "10.0.0.1:5000", 403},
		{"POST", "/_emulator/reset", "192.0.2.1:1234", 403},
		{"GET", "/_emulator/requests", "[::1]:5000", 200},
		{"GET", "/_emulator/requests", "127.0.0.2:5000", 200},
		{"GET", "/_emulator/reset", "127.0.0.1:5000", 405},
		{"POST", "/_emulator/requests", "127.0.0.1:5000", 405},
		{"GET", "/_emulator/other", "127.0.0.1:5000", 404},
		{"GET", "/_emulator", "127.0.0.1:5000", 404},
	} {
		t.Run(c.method+c.path+c.remote, func(t *testing.T) {
			r := httptest.NewRequest(c.method, c.path, nil)
			r.Host = "127.0.0.1:8787"
			r.RemoteAddr = c.remote
			rec := httptest.NewRecorder()
			h.s.ServeHTTP(rec, r)
			if rec.Code != c.status || !hex32.MatchString(rec.Header().Get("X-Request-Id")) {
				t.Fatalf("status %d, X-Request-Id %q", rec.Code, rec.Header().Get("X-Request-Id"))
			}
		})
	}
	if rs := h.s.Requests(); len(rs) != 0 {
		t.Fatalf("admin requests recorded: %v", rs)
	}
}
