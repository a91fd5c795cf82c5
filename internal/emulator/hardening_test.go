package emulator

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Issue 16 item 17: the emulator as a hostile page, a slow client or a
// hand-edited state file would meet it.

func TestAdminRefusesForeignHosts(t *testing.T) {
	h := newHarness(t, Options{})
	for _, c := range []struct {
		host   string
		status int
	}{
		{"127.0.0.1:8787", 200}, {"127.0.0.1", 200}, {"localhost:8787", 200}, {"LocalHost", 200},
		{"[::1]:9", 200}, {"[::1]", 200}, {"127.0.0.2:80", 200},
		{"evil.example", 403}, {"evil.example:8787", 403}, {"127.0.0.1.nip.io:8787", 403},
		{"localhost.evil.example", 403}, {"10.0.0.1:8787", 403}, {"", 403},
	} {
		t.Run(c.host, func(t *testing.T) {
			for _, path := range []string{"/_emulator/requests", "/_emulator/jobs", "/_emulator/faults"} {
				r := h.request("GET", path, "")
				r.Host = c.host
				rec := h.serve(r)
				if c.status == 200 {
					if rec.Code != 200 {
						t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
					}
					continue
				}
				body := expectError(t, rec, 403, CodeAdminForbidden)
				if !strings.Contains(str(body["error_msg"]), "loopback Host") {
					t.Fatalf("%s: %v", path, body)
				}
			}
		})
	}
}

func TestAdminPostsNeedJSON(t *testing.T) {
	h := newHarness(t, Options{})
	h.create(`{"file":"a.jar","queue":"default"}`)
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"} {
		t.Run("reset "+ct, func(t *testing.T) {
			r := h.request("POST", "/_emulator/reset", "")
			r.Header.Del("Content-Type")
			if ct != "" {
				r.Header.Set("Content-Type", ct)
			}
			expectError(t, h.serve(r), 415, CodeRequestError)
			if len(h.s.Jobs()) != 1 {
				t.Fatal("a refused reset forgot the jobs")
			}
		})
		t.Run("faults "+ct, func(t *testing.T) {
			r := h.request("POST", "/_emulator/faults", `{"fault_5xx":1}`)
			r.Header.Del("Content-Type")
			if ct != "" {
				r.Header.Set("Content-Type", ct)
			}
			expectError(t, h.serve(r), 415, CodeRequestError)
			if f5, _, _ := h.s.Faults(); f5 != 0 {
				t.Fatal("a refused POST changed the faults")
			}
		})
	}
	r := h.request("POST", "/_emulator/reset", "")
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	if rec := h.serve(r); rec.Code != 200 || len(h.s.Jobs()) != 0 {
		t.Fatalf("JSON reset: %d %s", rec.Code, rec.Body)
	}
}

// A client that sends headers and half a body is answered 400 APIGW.0201
// after BodyReadTimeout, on API and admin routes alike.
func TestHalfSentBodyIsDropped(t *testing.T) {
	const bound = 300 * time.Millisecond
	h := newHarness(t, Options{Clock: realClock{}, BodyReadTimeout: bound})
	u, err := h.s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(u, "http://")
	for _, path := range []string{pp(""), "/_emulator/faults"} {
		t.Run(path, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			_, err = conn.Write([]byte("POST " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nX-Auth-Token: " + DefaultToken +
				"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"file\":"))
			if err != nil {
				t.Fatal(err)
			}
			// The failure bound, far above the timeout: before the fix the
			// server waited for the rest of the body forever.
			_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer to a half-sent body: %v", err)
			}
			defer resp.Body.Close()
			var body dliErrorBody
			_ = json.NewDecoder(resp.Body).Decode(&body)
			if took := time.Since(start); resp.StatusCode != 400 || took < bound {
				t.Fatalf("answer %d %+v after %v", resp.StatusCode, body, took)
			}
		})
	}
	if rs := h.s.Requests(); len(rs) != 1 || rs[0].Status != 400 || rs[0].ErrorCode != CodeRequestError {
		t.Fatalf("request log %v", rs)
	}
}

// A body sent in parts (chunked) within the bound is served as before.
func TestChunkedBodyWithinTheBound(t *testing.T) {
	h := newHarness(t, Options{Clock: realClock{}, BodyReadTimeout: 10 * time.Second})
	u, err := h.s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := net.Pipe()
	defer pr.Close()
	go func() {
		for _, part := range []string{`{"file":"a.jar",`, `"queue":"default"}`} {
			_, _ = pw.Write([]byte(part))
		}
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", u+pp(""), pr)
	req.Header.Set("X-Auth-Token", DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestStateFileUpperCaseIDs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	h := newHarness(t, Options{StateFile: path})
	c := h.create(`{"file":"a.jar","queue":"default","name":"upper"}`)
	if err := h.s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	upper := strings.ToUpper(c.ID)
	edited := strings.ReplaceAll(string(b), c.ID, upper)
	if edited == string(b) {
		t.Fatal("job ID not in the state file")
	}
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t, Options{StateFile: path, Clock: h.clock})
	if js := h2.s.Jobs(); len(js) != 1 || js[0].ID != c.ID {
		t.Fatalf("listed %+v, want ID %s", js, c.ID)
	}
	for _, id := range []string{c.ID, upper} {
		if st := h2.state(id); st != StateStarting {
			t.Fatalf("state %s: %s", id, st)
		}
		if d := h2.detail(id); d.ID != c.ID {
			t.Fatalf("detail %s: id %s", id, d.ID)
		}
	}
	if ids, _, _ := h2.list("?job-id=" + c.ID); len(ids) != 1 || ids[0] != c.ID {
		t.Fatalf("list by id: %v", ids)
	}
	if rec := h2.do("DELETE", pp("/"+c.ID), ""); rec.Code != 200 {
		t.Fatalf("cancel: %d %s", rec.Code, rec.Body)
	}
	// The same job twice (once per spelling) is not a state we can serve.
	twice := strings.Replace(edited, `"jobs": [`, `"jobs": [`+jobJSON(t, edited, c.ID)+",", 1)
	if err := os.WriteFile(path, []byte(twice), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{StateFile: path}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("duplicate job accepted: %v", err)
	}
}

// jobJSON is the state-file object of one job, with its ID in lower case.
func jobJSON(t *testing.T, state, id string) string {
	t.Helper()
	var sf struct{ Jobs []map[string]any }
	if err := json.Unmarshal([]byte(state), &sf); err != nil || len(sf.Jobs) != 1 {
		t.Fatalf("state %s: %v", state, err)
	}
	sf.Jobs[0]["id"] = id
	b, _ := json.Marshal(sf.Jobs[0])
	return string(b)
}

func TestStateFileInAMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "missing", "state.json"), filepath.Join(file, "state.json")} {
		_, err := New(Options{StateFile: p})
		if err == nil || !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), filepath.Dir(p)) {
			t.Fatalf("%s: %v", p, err)
		}
	}
	if _, err := New(Options{StateFile: filepath.Join(dir, "new.json")}); err != nil {
		t.Fatalf("a new file in an existing directory: %v", err)
	}
}

func TestDuplicateKeysRefused(t *testing.T) {
	h := newHarness(t, Options{})
	for _, c := range []struct{ name, body, key string }{
		{"top level", `{"file":"a.jar","queue":"default","file":"b.jar"}`, "file"},
		{"spelled the same after decoding", `{"file":"a.jar","queue":"default","\u0066ile":"b.jar"}`, "file"},
		{"in conf", `{"file":"a.jar","queue":"default","conf":{"spark.a":"1","spark.a":"2"}}`, "spark.a"},
		{"in an array of objects", `{"file":"a.jar","queue":"default","groups":[{"name":"g","name":"h"}]}`, "name"},
		{"reserved conf key twice", `{"file":"a.jar","queue":"default","conf":{"emulator.outcome":"dead","emulator.outcome":"success"}}`, "emulator.outcome"},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := expectError(t, h.do("POST", pp(""), c.body), 400, CodeParameter)
			if msg := str(body["error_msg"]); !strings.HasPrefix(msg, "The format of message is error") || !strings.Contains(msg, `"`+c.key+`"`) {
				t.Fatalf("error_msg %q", msg)
			}
		})
	}
	if n := len(h.s.Jobs()); n != 0 {
		t.Fatalf("%d jobs created from refused bodies", n)
	}
	// One key per object is fine, however often it recurs in other objects.
	h.create(`{"file":"a.jar","queue":"default","name":"x","groups":[{"name":"a","resources":[{"name":"r","type":"jar"}]},{"name":"b"}],"conf":{"name":"c"}}`)
	expectError(t, h.admin("POST", "/_emulator/faults", `{"fault_5xx":0.5,"fault_5xx":0}`), 400, CodeParameter)
	if f5, _, _ := h.s.Faults(); f5 != 0 {
		t.Fatal("a refused faults body changed the faults")
	}
}
