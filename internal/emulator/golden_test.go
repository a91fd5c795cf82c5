package emulator

import (
	"bytes"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// The golden transcripts record the exact answers (status, headers, body)
// of the batch and admin routes for a scripted sequence, so that a change of
// structure cannot change a byte of what clients see. `go test -run Golden
// -update` rewrites them; review the diff before committing one.

var updateGolden = flag.Bool("update", false, "rewrite the golden transcripts in testdata/golden")

var (
	uuidRE    = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	requestRE = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// transcript sends requests to a server in-process and writes each exchange
// with job IDs and request IDs replaced by stable placeholders.
type transcript struct {
	t     *testing.T
	s     *Server
	out   bytes.Buffer
	ids   map[string]string
	admin string // Host of admin requests
}

func newTranscript(t *testing.T, s *Server) *transcript {
	return &transcript{t: t, s: s, ids: map[string]string{}, admin: "127.0.0.1:8787"}
}

// norm replaces UUIDs by <id-N> in order of first appearance.
func (tr *transcript) norm(s string) string {
	return uuidRE.ReplaceAllStringFunc(s, func(u string) string {
		p, ok := tr.ids[u]
		if !ok {
			p = fmt.Sprintf("<id-%d>", len(tr.ids)+1)
			tr.ids[u] = p
		}
		return p
	})
}

// id returns the real job ID behind a placeholder.
func (tr *transcript) id(placeholder string) string {
	for u, p := range tr.ids {
		if p == placeholder {
			return u
		}
	}
	tr.t.Fatalf("no job ID behind %s", placeholder)
	return ""
}

// send serves one request: host "" means the API host, remote "" loopback.
func (tr *transcript) send(label, method, target, body string, hdr http.Header) {
	tr.sendFrom(label, method, "", "", target, body, hdr)
}

func (tr *transcript) sendFrom(label, method, host, remote, target, body string, hdr http.Header) {
	tr.t.Helper()
	if host == "" {
		host = "dli.emulator.test"
	}
	if remote == "" {
		remote = "127.0.0.1:40000"
	}
	r := newTestRequest(method, host, remote, target, body, hdr)
	rec := httptest.NewRecorder()
	tr.s.ServeHTTP(rec, r)
	tr.write(label, method, target, rec)
}

func (tr *transcript) write(label, method, target string, rec *httptest.ResponseRecorder) {
	tr.t.Helper()
	fmt.Fprintf(&tr.out, "### %s\n> %s %s\n< %d\n", tr.norm(label), method, tr.norm(target), rec.Code)
	reqID := rec.Header().Get("X-Request-Id")
	if !requestRE.MatchString(reqID) {
		tr.t.Fatalf("%s: X-Request-Id %q", label, reqID)
	}
	keys := make([]string, 0, len(rec.Header()))
	for k := range rec.Header() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range rec.Header()[k] {
			if k == "X-Request-Id" {
				v = "<request-id>"
			}
			fmt.Fprintf(&tr.out, "< %s: %s\n", k, v)
		}
	}
	body := strings.ReplaceAll(rec.Body.String(), reqID, "<request-id>")
	fmt.Fprintf(&tr.out, "%s\n\n", tr.norm(body))
}

// note writes a line that is not an exchange (clock moves, Go API calls).
func (tr *transcript) note(text string) {
	fmt.Fprintf(&tr.out, "--- %s\n\n", text)
}

// check compares the transcript with testdata/golden/<name>, or rewrites it.
func (tr *transcript) check(name string) {
	tr.t.Helper()
	path := filepath.Join("testdata", "golden", name)
	got := tr.out.Bytes()
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tr.t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tr.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tr.t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				tr.t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s", path, i+1, g, w)
			}
		}
	}
}

func tokenHeader() http.Header {
	return http.Header{"X-Auth-Token": {DefaultToken}, "Content-Type": {"application/json"}}
}

func TestGoldenBatchRoutes(t *testing.T) {
	clock := NewManualClock(t0)
	var access bytes.Buffer
	s, err := New(Options{Clock: clock, Queues: []string{"default", "q2"}, Seed: 7, MaxBodyBytes: 4096, AccessLog: &access})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tr := newTranscript(t, s)
	tok := tokenHeader()
	api := func(label, method, suffix, body string) { tr.send(label, method, pp(suffix), body, tok) }

	// Create: accepted shapes.
	api("create minimal", "POST", "", `{"file":"obs://b/app.jar","queue":"default","name":"one"}`)
	api("create customized, legacy keys, dead with recovery", "POST", "",
		`{"file":"obs://b/app.py","cluster_name":"default","driver_memory":"2G","numExecutors":2,"auto_recovery":true,`+
			`"maxRetryTimes":3,"conf":{"emulator.outcome":"dead","emulator.run_duration":"2s","spark.x":1},"args":["a"]}`)
	api("create on q2, 30s", "POST", "",
		`{"file":"obs://b/etl.jar","className":"org.example.Etl","queue":"q2","name":"etl","sc_type":"B",`+
			`"feature":"custom","image":"swr/img:1","spark_version":"3.1.1","conf":{"emulator.run_duration":"30s"}}`)
	// Create: refused bodies.
	for _, c := range []struct{ label, body string }{
		{"not json", `not json`},
		{"array", `[]`},
		{"null", `null`},
		{"trailing data", `{"file":"a.jar","queue":"default"} x`},
		{"missing file", `{"queue":"default"}`},
		{"blank file", `{"file":"  ","queue":"default"}`},
		{"missing queue", `{"file":"a.jar"}`},
		{"unknown queue", `{"file":"a.jar","queue":"nope"}`},
		{"bad sc_type", `{"file":"a.jar","queue":"default","sc_type":"D"}`},
		{"memory without unit", `{"file":"a.jar","queue":"default","driverMemory":"2"}`},
		{"negative cores", `{"file":"a.jar","queue":"default","executorCores":-1}`},
		{"max retry above 100", `{"file":"a.jar","queue":"default","maxRetryTimes":101}`},
		{"long name", `{"file":"a.jar","queue":"default","name":"` + strings.Repeat("n", 129) + `"}`},
		{"custom without image", `{"file":"a.jar","queue":"default","feature":"custom"}`},
		{"image without custom", `{"file":"a.jar","queue":"default","image":"i"}`},
		{"bad feature", `{"file":"a.jar","queue":"default","feature":"x"}`},
		{"bad outcome", `{"file":"a.jar","queue":"default","conf":{"emulator.outcome":"maybe"}}`},
		{"bad run duration", `{"file":"a.jar","queue":"default","conf":{"emulator.run_duration":"soon"}}`},
		{"file not a string", `{"file":1,"queue":"default"}`},
		{"args not strings", `{"file":"a.jar","queue":"default","args":[1]}`},
		{"conf not an object", `{"file":"a.jar","queue":"default","conf":[]}`},
		{"cores not integer", `{"file":"a.jar","queue":"default","driverCores":"1"}`},
	} {
		api("create refused: "+c.label, "POST", "", c.body)
	}

	one, two, three := tr.id("<id-1>"), tr.id("<id-2>"), tr.id("<id-3>")
	api("state starting", "GET", "/"+one+"/state", "")
	api("detail starting", "GET", "/"+one, "")
	api("log starting", "GET", "/"+one+"/log", "")
	clock.Advance(1500 * time.Millisecond)
	tr.note("clock +1.5s")
	api("state running", "GET", "/"+one+"/state", "")
	api("detail upper-case id", "GET", "/"+strings.ToUpper(one), "")
	clock.Advance(2 * time.Second)
	tr.note("clock +2s")
	api("detail recovering", "GET", "/"+two, "")

	// List.
	for _, q := range []string{"", "?queue_name=q2", "?cluster_name=default", "?queue_name=q2&cluster_name=default",
		"?job_name=one", "?job-name=etl", "?job-id=" + strings.ToUpper(three), "?job_id=" + two,
		"?owner=" + OwnerForToken(DefaultToken), "?owner=someone", "?state=running", "?state=recovering",
		"?start=" + fmt.Sprint(t0.UnixMilli()) + "&end=" + fmt.Sprint(t0.UnixMilli()), "?start=" + fmt.Sprint(t0.UnixMilli()+1),
		"?order=CREATE_TIME_ASC", "?order=DURATION_DESC", "?order=DURATION_ASC", "?from=1&size=1", "?from=3",
		"?from=99&size=5", "?size=0", "?from=-1", "?from=abc", "?order=NAME", "?state=finished", "?size=%zz",
		"?queue_name=&job_name="} {
		api("list "+q, "GET", q, "")
	}

	// Log.
	for _, q := range []string{"", "?from=0&size=3", "?size=2", "?size=-1", "?from=100", "?type=driver",
		"?index=1", "?type=driver&index=1", "?type=executor", "?index=-1", "?from=x"} {
		api("log "+q, "GET", "/"+two+"/log"+q, "")
	}

	// Cancel.
	api("cancel running", "DELETE", "/"+three, "")
	api("cancel again while dying", "DELETE", "/"+three, "")
	api("state cancelling", "GET", "/"+three+"/state", "")
	clock.Advance(time.Second)
	tr.note("clock +1s")
	api("detail cancelled", "GET", "/"+three, "")
	api("log cancelled", "GET", "/"+three+"/log", "")
	api("cancel dead", "DELETE", "/"+three, "")
	clock.Advance(time.Minute)
	tr.note("clock +1m")
	api("cancel success", "DELETE", "/"+one, "")
	api("detail dead after recovery", "GET", "/"+two, "")

	// Unknown and malformed IDs.
	unknown := "0a324461-d9d9-45da-a52a-3b3c7a3d809e"
	for _, op := range []struct{ method, suffix string }{{"GET", ""}, {"GET", "/state"}, {"GET", "/log"}, {"DELETE", ""}} {
		for _, id := range []string{"not-a-uuid", "0a324461d9d945daa52a3b3c7a3d809e", unknown} {
			api(op.method+" id "+id+op.suffix, op.method, "/"+id+op.suffix, "")
		}
	}
	s.ForgetJob(two)
	tr.note("ForgetJob <id-2>")
	api("state forgotten", "GET", "/"+two+"/state", "")

	// Unknown routes and methods.
	for _, c := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/v2.0"}, {"GET", "/v2.0/" + DefaultProjectID}, {"GET", "/v1.0/" + DefaultProjectID + "/batches"},
		{"GET", "/v2.0/" + DefaultProjectID + "/jobs"}, {"GET", "/v2.0//batches"}, {"PUT", pp("")}, {"DELETE", pp("")},
		{"PATCH", pp("/" + one)}, {"POST", pp("/" + one)}, {"GET", pp("/")}, {"POST", pp("/" + one + "/state")},
		{"GET", pp("/" + one + "/other")}, {"GET", pp("/" + one + "/log/x")}, {"GET", "/_emulatorx"},
		{"HEAD", pp("")}, {"HEAD", pp("/" + one)}, {"OPTIONS", pp("")}, {"GET", pp("//state")},
		{"GET", pp("/" + one + "/state/")}, {"GET", pp("/./state")}, {"GET", pp("/../state")},
		{"GET", "/v2.0/" + DefaultProjectID + "/./batches"}, {"GET", "/v2.0/" + DefaultProjectID + "/batche%73"},
		{"GET", pp("/a%2Fb/state")}, {"GET", pp("/" + one + "%2Fstate")}, {"GET", "/v2.0/other-project/batches"},
	} {
		tr.send("route "+c.method+" "+c.path, c.method, c.path, "", tok)
	}

	authFailures(tr)
	bodyLimits(tr)
	faultSequence(tr)
	adminSequence(tr)
	log := regexp.MustCompile(`"request_id":"[0-9a-f]{32}"`).ReplaceAllString(access.String(), `"request_id":"<request-id>"`)
	fmt.Fprintf(&tr.out, "### access log\n%s", tr.norm(log))
	tr.check("batch_routes.txt")
}

func authFailures(tr *transcript) {
	now := tr.s.clock.Now()
	send := func(label string, hdr http.Header) { tr.send("auth: "+label, "GET", pp(""), "", hdr) }
	send("no credentials", nil)
	send("bad token", http.Header{"X-Auth-Token": {"wrong"}})
	send("token, foreign project header", http.Header{"X-Auth-Token": {DefaultToken}, "X-Project-Id": {"other"}})
	tr.send("auth: token, foreign project path", "GET", "/v2.0/other/batches", "", tokenHeader())
	names := []string{"host", "x-sdk-date"}
	send("signed", signedHeader("GET", "http://dli.emulator.test"+pp(""), "dli.emulator.test", nil, now, names, nil))
	h := signedHeader("GET", "http://dli.emulator.test"+pp(""), "dli.emulator.test", nil, now, names, nil)
	a := h.Get("Authorization")
	last := "0"
	if strings.HasSuffix(a, "0") {
		last = "1"
	}
	h.Set("Authorization", a[:len(a)-1]+last)
	send("signed, wrong signature", h)
	h = signedHeader("GET", "http://dli.emulator.test"+pp(""), "dli.emulator.test", nil, now, names, nil)
	h.Set("Authorization", strings.Replace(h.Get("Authorization"), "Access="+DefaultAccessKey, "Access=OTHER", 1))
	send("signed, unknown AK", h)
	send("signed, stale date", signedHeader("GET", "http://dli.emulator.test"+pp(""), "dli.emulator.test", nil,
		now.Add(-time.Hour), names, nil))
	send("signed, date not signed", signedHeader("GET", "http://dli.emulator.test"+pp(""), "dli.emulator.test", nil,
		now, []string{"host"}, nil))
	h = signedHeader("GET", "http://dli.emulator.test"+pp(""), "dli.emulator.test", nil, now, names, nil)
	h.Del("X-Sdk-Date")
	send("signed, no date", h)
	send("malformed Authorization", http.Header{"Authorization": {"Basic abc"}})
	body := `{"file":"a.jar","queue":"default"}`
	h = signedHeader("POST", "http://dli.emulator.test"+pp(""), "dli.emulator.test", []byte(body), now, names, nil)
	h.Set("X-Sdk-Content-Sha256", strings.Repeat("0", 64))
	tr.send("auth: content hash mismatch", "POST", pp(""), body, h)
}

func bodyLimits(tr *transcript) {
	big := `{"file":"a.jar","queue":"default","name":"` + strings.Repeat("x", 5000) + `"}`
	tr.send("body too large", "POST", pp(""), big, tokenHeader())
	// Without a Content-Length (chunked), the limit applies while reading.
	r := httptest.NewRequest("POST", "http://dli.emulator.test"+pp(""), strings.NewReader(big))
	r.ContentLength = -1
	r.RemoteAddr = "127.0.0.1:40000"
	r.Header = tokenHeader()
	rec := httptest.NewRecorder()
	tr.s.ServeHTTP(rec, r)
	tr.write("body too large, chunked", "POST", pp(""), rec)
	tr.send("body too large, no credentials", "POST", pp(""), big, nil)
}

func faultSequence(tr *transcript) {
	tr.s.SetFaults(0.3, 0.3, 0)
	tr.note("SetFaults(0.3, 0.3, 0)")
	for i := 0; i < 8; i++ {
		tr.send(fmt.Sprintf("fault draw %d", i), "GET", pp("?size=1"), "", tokenHeader())
	}
	tr.send("fault, unknown route (no draw)", "GET", pp("/x/y/z"), "", tokenHeader())
	tr.send("fault, auth failure (no draw)", "GET", pp(""), "", nil)
	tr.s.SetFaults(0, 0, 1)
	tr.note("SetFaults(0, 0, 1)")
	for i := 0; i < 4; i++ {
		tr.send(fmt.Sprintf("after commit %d", i), "POST", pp(""), `{"file":"a.jar","queue":"default","name":"f"}`, tokenHeader())
	}
	tr.send("after commit, refused create (no fault)", "POST", pp(""), `{"queue":"default"}`, tokenHeader())
	tr.send("after commit, read (no fault)", "GET", pp("?size=1"), "", tokenHeader())
	tr.s.SetFaults(0, 0, 0)
	tr.note("SetFaults(0, 0, 0)")
}

func adminSequence(tr *transcript) {
	json := http.Header{"Content-Type": {"application/json"}}
	admin := func(label, method, path, body string, hdr http.Header) {
		tr.sendFrom("admin: "+label, method, tr.admin, "", path, body, hdr)
	}
	admin("requests", "GET", "/_emulator/requests", "", nil)
	admin("jobs", "GET", "/_emulator/jobs", "", nil)
	admin("faults", "GET", "/_emulator/faults", "", nil)
	admin("set faults", "POST", "/_emulator/faults", `{"fault_5xx":0.5,"fault_after_commit":0.25}`, json)
	admin("set faults, out of range", "POST", "/_emulator/faults", `{"fault_429":2}`, json)
	admin("set faults, not json", "POST", "/_emulator/faults", `{`, json)
	admin("set faults, empty object", "POST", "/_emulator/faults", `{}`, json)
	tr.s.SetFaults(0, 0, 0)
	admin("faults, wrong method", "DELETE", "/_emulator/faults", "", nil)
	admin("reset, wrong method", "GET", "/_emulator/reset", "", nil)
	admin("requests, wrong method", "POST", "/_emulator/requests", "", json)
	admin("jobs, wrong method", "PUT", "/_emulator/jobs", "", json)
	admin("unknown", "GET", "/_emulator/other", "", nil)
	admin("bare prefix", "GET", "/_emulator", "", nil)
	tr.sendFrom("admin: foreign client", "GET", tr.admin, "10.0.0.1:5000", "/_emulator/requests", "", nil)
	tr.sendFrom("admin: foreign client reset", "POST", tr.admin, "192.0.2.1:1234", "/_emulator/reset", "", json)
	admin("reset", "POST", "/_emulator/reset", "", json)
	admin("requests after reset", "GET", "/_emulator/requests", "", nil)
	admin("jobs after reset", "GET", "/_emulator/jobs", "", nil)
}
