package client

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// A small fake of the DLI batch API for the client's tests (see fakeServer).

const testProject = "48cc2c48765f481480c7db940d6409d1"

type fakeJob struct {
	ID      string
	State   JobState
	Queue   string
	Name    string
	ReqBody string
	Created int64
	Log     []string
	// States are returned one by one by GET state (the last one sticks).
	States []JobState
	// AppID is encoded as is (string, array, nil).
	AppID interface{}
	// AfterCancel, when set, replaces States on a successful DELETE (the
	// default is an immediate dead).
	AfterCancel []JobState
}

type fakeDLI struct {
	fakeServer[*fakeDLI]

	jobs []*fakeJob
	// listWithoutReqBody omits req_body from list entries.
	listWithoutReqBody bool
	// ignoreFrom makes list always return the first page.
	ignoreFrom bool
	// omitTotal leaves "total" out of list answers.
	omitTotal bool
	clockMS   int64
}

func newFakeDLI(t *testing.T) *fakeDLI {
	t.Helper()
	f := &fakeDLI{clockMS: time.Now().Add(-time.Minute).UnixMilli()}
	f.start(t, f, fakeChecks{jsonBody: true, credentials: true}, f.serve)
	return f
}

// calls returns "METHOD suffix" for every request, where suffix is the path
// below /v2.0/{project}/.
func (f *fakeDLI) calls() []string { return f.callsBelow("/v2.0/" + testProject + "/") }

// count counts requests of method on the collection path (".../batches").
func (f *fakeDLI) count(method string) int {
	return countCalls(f.calls(), func(c string) bool { return c == method+" batches" })
}

func (f *fakeDLI) jobCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.jobs)
}

// addJob registers a job directly (not through the API).
func (f *fakeDLI) addJob(j *fakeJob) *fakeJob {
	f.mu.Lock()
	defer f.mu.Unlock()
	if j.ID == "" {
		j.ID = uuid.NewString()
	}
	if j.Created == 0 {
		f.clockMS += 1000
		j.Created = f.clockMS
	}
	if j.State == "" {
		j.State = StateStarting
	}
	f.jobs = append(f.jobs, j)
	return j
}

// withJob adds a copy of j unless noJob, and returns the ID to ask about (someID for none).
func (f *fakeDLI) withJob(noJob bool, j fakeJob) string {
	if noJob {
		return someID
	}
	return f.addJob(&j).ID
}

func (f *fakeDLI) find(id string) *fakeJob {
	return findByID(f.jobs, id, func(j *fakeJob) string { return j.ID })
}

// create stores a job from a create body (as the service would).
func (f *fakeDLI) create(body []byte) *fakeJob {
	var m map[string]interface{}
	_ = json.Unmarshal(body, &m)
	q, _ := m["queue"].(string)
	name, _ := m["name"].(string)
	return f.addJob(&fakeJob{Queue: q, Name: name, ReqBody: string(body), AppID: ""})
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req-"+strconv.Itoa(status))
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func notFoundBody(id string) map[string]string {
	return map[string]string{"error_code": "DLI.0002", "error_msg": "The batch job " + id + " does not exist"}
}

func (j *fakeJob) wire(withReqBody bool) map[string]interface{} {
	m := map[string]interface{}{
		"id":           j.ID,
		"state":        string(j.State),
		"appId":        j.AppID,
		"name":         j.Name,
		"owner":        "tester",
		"proxyUser":    "",
		"kind":         "",
		"sc_type":      "A",
		"cluster_name": j.Queue,
		"queue":        j.Queue,
		"create_time":  j.Created,
		"update_time":  j.Created,
		"duration":     1500,
	}
	if j.Log != nil {
		m["log"] = j.Log
	}
	if withReqBody && j.ReqBody != "" {
		m["req_body"] = j.ReqBody
	}
	return m
}

func (f *fakeDLI) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	prefix := "/v2.0/" + testProject + "/batches"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		writeJSON(w, 404, map[string]string{"error_code": "APIGW.0101", "error_msg": "The API does not exist or has not been published in the environment", "request_id": "gw1"})
		return
	}
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, prefix), "/")
	parts := []string{}
	if rest != "" {
		parts = strings.Split(rest, "/")
	}

	if len(parts) == 0 && r.Method == http.MethodPost {
		j := f.create(body)
		f.mu.Lock()
		defer f.mu.Unlock()
		writeJSON(w, 200, j.wire(false))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case len(parts) == 0 && r.Method == http.MethodGet:
		f.list(w, r)
	case len(parts) >= 1:
		j := f.find(parts[0])
		if j == nil {
			writeJSON(w, 400, notFoundBody(parts[0]))
			return
		}
		switch {
		case len(parts) == 1 && r.Method == http.MethodGet:
			writeJSON(w, 200, j.wire(true))
		case len(parts) == 2 && parts[1] == "state" && r.Method == http.MethodGet:
			takeNext(&j.State, &j.States)
			writeJSON(w, 200, map[string]string{"id": j.ID, "state": string(j.State)})
		case len(parts) == 2 && parts[1] == "log" && r.Method == http.MethodGet:
			writeJSON(w, 200, map[string]interface{}{"id": j.ID, "from": 0, "total": len(j.Log), "log": j.Log})
		case len(parts) == 1 && r.Method == http.MethodDelete:
			if !j.State.IsActive() {
				writeJSON(w, 400, map[string]string{"error_code": "DLI.0007", "error_msg": "The job has finished and cannot be cancelled"})
				return
			}
			if len(j.AfterCancel) > 0 {
				j.States = j.AfterCancel
			} else {
				j.State = StateDead
				j.States = nil
			}
			writeJSON(w, 200, map[string]string{"msg": "deleted"})
		default:
			noRoute(w, "no route")
		}
	default:
		noRoute(w, "no route")
	}
}

func (f *fakeDLI) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	less := func(a, b *fakeJob) bool { return a.Created > b.Created } // newest first, the default
	if q.Get("order") == "CREATE_TIME_ASC" {
		less = func(a, b *fakeJob) bool { return a.Created < b.Created }
	}
	sel := selected(f.jobs, q, map[string]func(*fakeJob, string) bool{
		"queue_name": func(j *fakeJob, v string) bool { return j.Queue == v },
		"state":      func(j *fakeJob, v string) bool { return string(j.State) == v },
		"job_name":   func(j *fakeJob, v string) bool { return j.Name == v },
		"job-id":     func(j *fakeJob, v string) bool { return j.ID == v },
		"start":      func(j *fakeJob, v string) bool { return j.Created >= millis(v) },
		"end":        func(j *fakeJob, v string) bool { return j.Created <= millis(v) },
	}, less)
	from, _ := strconv.Atoi(q.Get("from"))
	size := 100
	if s := q.Get("size"); s != "" {
		size, _ = strconv.Atoi(s)
	}
	if f.ignoreFrom {
		from = 0
	}
	total := len(sel)
	from, end := pageBounds(from, size, len(sel))
	sessions := []map[string]interface{}{}
	for _, j := range sel[from:end] {
		sessions = append(sessions, j.wire(!f.listWithoutReqBody))
	}
	out := map[string]interface{}{"from": from, "sessions": sessions}
	if !f.omitTotal {
		out["total"] = total
	}
	writeJSON(w, 200, out)
}

// hijackClose drops the connection without answering.
func hijackClose(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Errorf("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// testConfig returns a fast AK/SK configuration for endpoint.
func testConfig(endpoint string) Config {
	return Config{
		Endpoint:        endpoint,
		ProjectID:       testProject,
		Region:          "cn-north-4",
		AccessKey:       "TESTAK",
		SecretKey:       "TestSecretKeyValue",
		MaxRetries:      3,
		UserAgent:       "terraform-provider-dli/test Terraform/test",
		RetryWaitMin:    time.Millisecond,
		RetryWaitMax:    5 * time.Millisecond,
		PollInterval:    time.Millisecond,
		PollIntervalMax: 4 * time.Millisecond,
	}
}

func newTestClient(t *testing.T, endpoint string, mods ...func(*Config)) *Client {
	t.Helper()
	cfg := testConfig(endpoint)
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func intp(i int) *int    { return &i }
func boolp(b bool) *bool { return &b }

func mustJSON(t *testing.T, v interface{}) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
