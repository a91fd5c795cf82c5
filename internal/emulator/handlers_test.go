package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

func keysOf(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestCreateResponseShape(t *testing.T) {
	h := newHarness(t, Options{})
	body := `{"file":"obs://bucket/app.jar","className":"org.example.Main","queue":"default","name":"demo"}`
	rec := h.do("POST", pp(""), body)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	if id := rec.Header().Get("X-Request-Id"); !hex32.MatchString(id) {
		t.Fatalf("X-Request-Id = %q", id)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"appId", "cluster_name", "create_time", "duration", "id", "image", "kind", "log", "name",
		"owner", "proxyUser", "queue", "sc_type", "state", "update_time"}
	if got := keysOf(m); !slices.Equal(got, wantKeys) {
		t.Fatalf("keys = %v, want %v", got, wantKeys)
	}
	checks := map[string]any{
		"appId": "", "name": "demo", "owner": OwnerForToken(DefaultToken), "proxyUser": "", "state": "starting",
		"kind": "spark", "sc_type": "A", "cluster_name": "default", "queue": "default", "image": "",
		"create_time": float64(t0.UnixMilli()), "update_time": float64(t0.UnixMilli()), "duration": float64(0),
	}
	for k, want := range checks {
		if m[k] != want {
			t.Errorf("%s = %#v, want %#v", k, m[k], want)
		}
	}
	if log, ok := m["log"].([]any); !ok || len(log) != 0 {
		t.Errorf("log = %#v, want []", m["log"])
	}
	if !batchIDRE.MatchString(str(m["id"])) {
		t.Errorf("id %v is not a UUID", m["id"])
	}
}

func TestCreateScType(t *testing.T) {
	cases := []struct {
		extra, want string
	}{
		{``, "A"},
		{`,"sc_type":"B"`, "B"},
		{`,"sc_type":"C"`, "C"},
		{`,"sc_type":""`, "A"},
		{`,"sc_type":"B","driverMemory":"2G"`, "CUSTOMIZED"},
		{`,"executorMemory":"2048m"`, "CUSTOMIZED"},
		{`,"driverCores":1`, "CUSTOMIZED"},
		{`,"executorCores":0`, "CUSTOMIZED"},
		{`,"numExecutors":3`, "CUSTOMIZED"},
		{`,"num_executors":3`, "CUSTOMIZED"},
		{`,"driver_memory":"4G"`, "CUSTOMIZED"},
		{`,"driverMemory":""`, "A"},
	}
	h := newHarness(t, Options{})
	for _, c := range cases {
		t.Run(c.extra, func(t *testing.T) {
			got := h.create(`{"file":"a.jar","queue":"default"` + c.extra + `}`)
			if got.ScType != c.want {
				t.Fatalf("sc_type = %q, want %q", got.ScType, c.want)
			}
			if d := h.detail(got.ID); d.ScType != c.want {
				t.Fatalf("detail sc_type = %q, want %q", d.ScType, c.want)
			}
		})
	}
}

func TestCreateValidation(t *testing.T) {
	long := strings.Repeat("n", 129)
	cases := []struct {
		name, body string
		status     int
		code, msg  string
	}{
		{"empty body", ``, 400, CodeParameter, "format of message"},
		{"malformed JSON", `{"file":`, 400, CodeParameter, "format of message"},
		{"not an object", `["file"]`, 400, CodeParameter, "format of message"},
		{"null", `null`, 400, CodeParameter, "format of message"},
		{"trailing data", `{"file":"a.jar","queue":"default"} {}`, 400, CodeParameter, "format of message"},
		{"missing file", `{"queue":"default"}`, 400, CodeParameter, "file"},
		{"empty file", `{"file":" ","queue":"default"}`, 400, CodeParameter, "file"},
		{"file not a string", `{"file":1,"queue":"default"}`, 400, CodeParameter, "file"},
		{"no queue", `{"file":"a.jar"}`, 400, CodeParameter, "queue"},
		{"unknown queue", `{"file":"a.jar","queue":"nope"}`, 400, CodeNotExist, "There is no queue named nope"},
		{"unknown cluster_name", `{"file":"a.jar","cluster_name":"gone"}`, 400, CodeNotExist, "There is no queue named gone"},
		{"queue wins over cluster_name", `{"file":"a.jar","queue":"nope","cluster_name":"default"}`, 400, CodeNotExist, "There is no queue named nope"},
		{"bad sc_type", `{"file":"a.jar","queue":"default","sc_type":"D"}`, 400, CodeParameter, "sc_type"},
		{"lower-case sc_type", `{"file":"a.jar","queue":"default","sc_type":"a"}`, 400, CodeParameter, "sc_type"},
		{"memory without unit", `{"file":"a.jar","queue":"default","driverMemory":"2"}`, 400, CodeParameter, "driverMemory"},
		{"memory bad unit", `{"file":"a.jar","queue":"default","executorMemory":"2GB"}`, 400, CodeParameter, "executorMemory"},
		{"snake memory without unit", `{"file":"a.jar","queue":"default","executor_memory":"512"}`, 400, CodeParameter, "executorMemory"},
		{"camelCase wins (invalid)", `{"file":"a.jar","queue":"default","driverMemory":"2","driver_memory":"2G"}`, 400, CodeParameter, "driverMemory"},
		{"negative cores", `{"file":"a.jar","queue":"default","driverCores":-1}`, 400, CodeParameter, "driverCores"},
		{"negative executors", `{"file":"a.jar","queue":"default","num_executors":-2}`, 400, CodeParameter, "numExecutors"},
		{"fractional cores", `{"file":"a.jar","queue":"default","executorCores":1.5}`, 400, CodeParameter, "executorCores"},
		{"cores as string", `{"file":"a.jar","queue":"default","executorCores":"2"}`, 400, CodeParameter, "executorCores"},
		{"max_retry_times 101", `{"file":"a.jar","queue":"default","max_retry_times":101}`, 400, CodeParameter, "max_retry_times"},
		{"max_retry_times negative", `{"file":"a.jar","queue":"default","max_retry_times":-1}`, 400, CodeParameter, "max_retry_times"},
		{"name too long", `{"file":"a.jar","queue":"default","name":"` + long + `"}`, 400, CodeParameter, "name"},
		{"bad feature", `{"file":"a.jar","queue":"default","feature":"gpu"}`, 400, CodeParameter, "feature"},
		{"custom without image", `{"file":"a.jar","queue":"default","feature":"custom"}`, 400, CodeParameter, "image"},
		{"image without custom", `{"file":"a.jar","queue":"default","image":"org/img:1"}`, 400, CodeParameter, "image"},
		{"image with basic", `{"file":"a.jar","queue":"default","feature":"basic","image":"org/img:1"}`, 400, CodeParameter, "image"},
		{"auto_recovery not bool", `{"file":"a.jar","queue":"default","auto_recovery":"yes"}`, 400, CodeParameter, "auto_recovery"},
		{"args not strings", `{"file":"a.jar","queue":"default","args":[1]}`, 400, CodeParameter, "args"},
		{"jars not array", `{"file":"a.jar","queue":"default","jars":"x.jar"}`, 400, CodeParameter, "jars"},
		{"conf not object", `{"file":"a.jar","queue":"default","conf":[]}`, 400, CodeParameter, "conf"},
		{"resources bad", `{"file":"a.jar","queue":"default","resources":[{"name":1}]}`, 400, CodeParameter, "resources"},
		{"groups bad", `{"file":"a.jar","queue":"default","groups":{}}`, 400, CodeParameter, "groups"},
		{"bad outcome", `{"file":"a.jar","queue":"default","conf":{"emulator.outcome":"maybe"}}`, 400, CodeParameter, ConfOutcome},
		{"bad run_duration", `{"file":"a.jar","queue":"default","conf":{"emulator.run_duration":"soon"}}`, 400, CodeParameter, ConfRunDuration},
		{"negative run_duration", `{"file":"a.jar","queue":"default","conf":{"emulator.run_duration":"-1s"}}`, 400, CodeParameter, ConfRunDuration},
		{"numeric run_duration", `{"file":"a.jar","queue":"default","conf":{"emulator.run_duration":5}}`, 400, CodeParameter, ConfRunDuration},
	}
	h := newHarness(t, Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := h.do("POST", pp(""), c.body)
			body := expectError(t, rec, c.status, c.code)
			if msg := str(body["error_msg"]); !strings.Contains(msg, c.msg) {
				t.Fatalf("error_msg %q does not mention %q", msg, c.msg)
			}
			if _, ok := body["request_id"]; ok {
				t.Fatalf("DLI error body has request_id: %s", rec.Body.String())
			}
		})
	}
	if n := len(h.s.Jobs()); n != 0 {
		t.Fatalf("%d jobs created by invalid requests", n)
	}
}

func TestCreateAccepted(t *testing.T) {
	name128 := strings.Repeat("é", 128)
	cases := []struct {
		name, body string
		check      func(t *testing.T, j JobSnapshot)
	}{
		{"full camelCase body", `{"file":"obs://b/app.jar","className":"a.B","queue":"q2","args":["x"],"sc_type":"B",
			"jars":["j.jar"],"pyFiles":["p.py"],"files":["f.txt"],"modules":["sys.datasource.rds"],
			"resources":[{"name":"g/r.jar","type":"jar"}],"groups":[{"name":"g","resources":[{"name":"r.jar","type":"jar"}]}],
			"conf":{"spark.dli.metaAccess.enable":"true"},"name":"full","driverMemory":"7G","driverCores":2,
			"executorMemory":"4g","executorCores":1,"numExecutors":6,"obs_bucket":"b","auto_recovery":true,
			"max_retry_times":100,"feature":"ai","spark_version":"3.3.1","catalog_name":"dli","execution_agency_urn":"agency",
			"unknownKey":{"ignored":true}}`,
			func(t *testing.T, j JobSnapshot) {
				if j.Queue != "q2" || j.ClassName != "a.B" || j.ScType != "CUSTOMIZED" || j.Feature != "ai" ||
					j.SparkVersion != "3.3.1" || !j.AutoRecovery || j.MaxRetryTimes != 100 || j.Conf["spark.dli.metaAccess.enable"] != "true" {
					t.Fatalf("snapshot %+v", j)
				}
			}},
		{"legacy snake_case keys", `{"file":"a.jar","class_name":"legacy.Main","cluster_name":"q2","driver_memory":"2G",
			"driver_cores":1,"executor_memory":"2G","executor_cores":1,"num_executors":1,"python_files":["a.py"]}`,
			func(t *testing.T, j JobSnapshot) {
				if j.ClassName != "legacy.Main" || j.Queue != "q2" || j.ScType != "CUSTOMIZED" {
					t.Fatalf("snapshot %+v", j)
				}
			}},
		{"camelCase wins over snake_case", `{"file":"a.jar","className":"camel.Main","class_name":"snake.Main","queue":"default",
			"driverMemory":"2G","driver_memory":"2"}`,
			func(t *testing.T, j JobSnapshot) {
				if j.ClassName != "camel.Main" {
					t.Fatalf("className %q", j.ClassName)
				}
			}},
		{"queue wins over cluster_name", `{"file":"a.jar","queue":"q2","cluster_name":"default"}`,
			func(t *testing.T, j JobSnapshot) {
				if j.Queue != "q2" {
					t.Fatalf("queue %q", j.Queue)
				}
			}},
		{"nulls are absent", `{"file":"a.jar","queue":"default","className":null,"sc_type":null,"conf":null,"image":null}`,
			func(t *testing.T, j JobSnapshot) {
				if j.ScType != "A" || j.Feature != "basic" || j.SparkVersion != "2.3.2" {
					t.Fatalf("snapshot %+v", j)
				}
			}},
		{"custom image", `{"file":"a.jar","queue":"default","feature":"custom","image":"org/img:1"}`,
			func(t *testing.T, j JobSnapshot) {
				if j.Image != "org/img:1" || j.Feature != "custom" {
					t.Fatalf("snapshot %+v", j)
				}
			}},
		{"name of 128 characters", `{"file":"a.jar","queue":"default","name":"` + name128 + `"}`,
			func(t *testing.T, j JobSnapshot) {
				if j.Name != name128 {
					t.Fatalf("name %q", j.Name)
				}
			}},
		{"empty class name (python)", `{"file":"a.py","className":"","queue":"default","max_retry_times":0}`,
			func(t *testing.T, j JobSnapshot) {
				if j.ClassName != "" || j.MaxRetryTimes != 0 {
					t.Fatalf("snapshot %+v", j)
				}
			}},
	}
	h := newHarness(t, Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := h.create(c.body)
			j, ok := h.s.Job(resp.ID)
			if !ok {
				t.Fatalf("job %s not stored", resp.ID)
			}
			c.check(t, j)
		})
	}
}

func TestDetailAndState(t *testing.T) {
	h := newHarness(t, Options{})
	body := "{\"file\": \"obs://b/app.jar\",\n \"queue\": \"default\", \"name\": \"d\", \"conf\": {\"k\": \"v\"}}\n"
	c := h.create(body)
	rec := h.do("GET", pp("/"+c.ID), "")
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"appId", "cluster_name", "create_time", "feature", "id", "image", "kind", "log", "name", "owner",
		"proxyUser", "queue", "req_body", "sc_type", "spark_version", "state", "update_time"}
	if got := keysOf(m); !slices.Equal(got, wantKeys) {
		t.Fatalf("keys = %v, want %v", got, wantKeys)
	}
	d := h.detail(c.ID)
	if d.ReqBody != `{"file":"obs://b/app.jar","queue":"default","name":"d","conf":{"k":"v"}}` {
		t.Fatalf("req_body = %q", d.ReqBody)
	}
	if d.Feature != "basic" || d.SparkVersion != "2.3.2" || d.State != "starting" || d.AppID != "" ||
		d.Kind != "spark" || d.Queue != "default" || d.ClusterName != "default" || d.CreateTime != c.CreateTime {
		t.Fatalf("detail %+v", d)
	}
	if len(d.Log) == 0 || len(d.Log) > 10 {
		t.Fatalf("log %q", d.Log)
	}
	st := decodeAs[map[string]any](t, h.do("GET", pp("/"+c.ID+"/state"), ""))
	if len(st) != 2 || st["id"] != c.ID || st["state"] != "starting" {
		t.Fatalf("state body %v", st)
	}
	// Upper-case IDs find the same job.
	if got := h.state(strings.ToUpper(c.ID)); got != "starting" {
		t.Fatalf("state by upper-case id = %q", got)
	}
}

func TestBatchIDErrors(t *testing.T) {
	h := newHarness(t, Options{})
	unknown := "0a324461-d9d9-45da-a52a-3b3c7a3d809e"
	ops := []struct{ method, suffix string }{
		{"GET", ""}, {"GET", "/state"}, {"GET", "/log"}, {"DELETE", ""},
	}
	ids := []struct {
		id, code, msg string
	}{
		{"not-a-uuid", CodeParameter, "not-a-uuid"},
		{"0a324461d9d945daa52a3b3c7a3d809e", CodeParameter, "UUID"},
		{unknown, CodeNotExist, "The batch job " + unknown + " does not exist"},
	}
	for _, op := range ops {
		for _, id := range ids {
			t.Run(op.method+op.suffix+"/"+id.id, func(t *testing.T) {
				body := expectError(t, h.do(op.method, pp("/"+id.id+op.suffix), ""), 400, id.code)
				if !strings.Contains(str(body["error_msg"]), id.msg) {
					t.Fatalf("error_msg %v", body["error_msg"])
				}
			})
		}
	}
	// A forgotten job is unknown afterwards.
	c := h.create(`{"file":"a.jar","queue":"default"}`)
	if !h.s.ForgetJob(c.ID) || h.s.ForgetJob(c.ID) {
		t.Fatal("ForgetJob result")
	}
	expectError(t, h.do("GET", pp("/"+c.ID+"/state"), ""), 400, CodeNotExist)
}

func TestUnknownRoutes(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.create(`{"file":"a.jar","queue":"default"}`).ID
	cases := []struct{ method, path string }{
		{"GET", "/"},
		{"GET", "/v2.0"},
		{"GET", "/v2.0/" + DefaultProjectID},
		{"GET", "/v1.0/" + DefaultProjectID + "/batches"},
		{"GET", "/v2.0/" + DefaultProjectID + "/jobs"},
		{"GET", "/v2.0//batches"},
		{"PUT", pp("")},
		{"DELETE", pp("")},
		{"PATCH", pp("/" + id)},
		{"POST", pp("/" + id)},
		{"GET", pp("/")},
		{"POST", pp("/" + id + "/state")},
		{"GET", pp("/" + id + "/other")},
		{"GET", pp("/" + id + "/log/x")},
		{"GET", "/_emulatorx"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			rec := h.do(c.method, c.path, "")
			body := expectError(t, rec, 404, CodeAPINotFound)
			if body["request_id"] != rec.Header().Get("X-Request-Id") || !hex32.MatchString(rec.Header().Get("X-Request-Id")) {
				t.Fatalf("request_id %v vs header %q", body["request_id"], rec.Header().Get("X-Request-Id"))
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	h := newHarness(t, Options{MaxBodyBytes: 200})
	big := `{"file":"a.jar","queue":"default","name":"` + strings.Repeat("x", 300) + `"}`
	body := expectError(t, h.do("POST", pp(""), big), 413, CodeRequestError)
	if body["error_msg"] != "Request entity too large" || body["request_id"] == nil {
		t.Fatalf("body %v", body)
	}
	// Exactly at the limit is fine.
	ok := `{"file":"a.jar","queue":"default","className":"` + strings.Repeat("x", 200-len(`{"file":"a.jar","queue":"default","className":""}`)) + `"}`
	if len(ok) != 200 {
		t.Fatalf("len %d", len(ok))
	}
	h.create(ok)
}

func TestCancel(t *testing.T) {
	h := newHarness(t, Options{})
	a := h.create(`{"file":"a.jar","queue":"default"}`)
	b := h.create(`{"file":"a.jar","queue":"default"}`)
	steps := []struct {
		advance time.Duration
		method  string
		id      string
		status  int
		code    string
		wantA   string
	}{
		{0, "DELETE", a.ID, 200, "", "starting"},
		{0, "DELETE", a.ID, 200, "", "starting"}, // repeated while pending: still accepted
		{DefaultCancelDelay, "GET", a.ID, 200, "", "dead"},
		{0, "DELETE", a.ID, 400, CodeNotSupported, "dead"},
		{time.Hour, "DELETE", b.ID, 400, CodeNotSupported, "dead"}, // b finished with success
	}
	for i, st := range steps {
		h.clock.Advance(st.advance)
		rec := h.do(st.method, pp("/"+st.id), "")
		if st.code != "" {
			body := expectError(t, rec, st.status, st.code)
			if msg := str(body["error_msg"]); !strings.Contains(msg, "already finished") {
				t.Fatalf("step %d: msg %q", i, msg)
			}
		} else if rec.Code != st.status {
			t.Fatalf("step %d: %d %s", i, rec.Code, rec.Body.String())
		} else if st.method == "DELETE" && rec.Body.String() != `{"msg":"deleted"}` {
			t.Fatalf("step %d: body %s", i, rec.Body.String())
		}
		if got := h.state(a.ID); got != st.wantA {
			t.Fatalf("step %d: state of a = %q, want %q", i, got, st.wantA)
		}
	}
	if got := h.state(b.ID); got != "success" {
		t.Fatalf("b state %q", got)
	}
	body := expectError(t, h.do("DELETE", pp("/"+b.ID), ""), 400, CodeNotSupported)
	if !strings.Contains(str(body["error_msg"]), "success") {
		t.Fatalf("msg %v", body["error_msg"])
	}
}

// listIDs lists with the given query and returns the IDs and total.
func (h *harness) list(query string) ([]string, listResponse, int) {
	h.t.Helper()
	rec := h.do("GET", pp("")+query, "")
	if rec.Code != 200 {
		return nil, listResponse{}, rec.Code
	}
	lr := decodeAs[listResponse](h.t, rec)
	var ids []string
	for _, s := range lr.Sessions {
		ids = append(ids, s.ID)
	}
	return ids, lr, rec.Code
}

func TestListFilters(t *testing.T) {
	h := newHarness(t, Options{})
	tokOwner := OwnerForToken(DefaultToken)
	// j0: default, "alpha", runs 10s; j1: q2 "beta"; j2: default "alpha" dead; j3 by AK owner; j4 cancelled.
	j0 := h.create(`{"file":"a.jar","queue":"default","name":"alpha","conf":{"emulator.run_duration":"10s"}}`)
	h.clock.Advance(time.Second)
	j1 := h.create(`{"file":"a.jar","cluster_name":"q2","name":"beta"}`)
	h.clock.Advance(time.Second)
	j2 := h.create(`{"file":"a.jar","queue":"default","name":"alpha","conf":{"emulator.outcome":"dead","emulator.run_duration":"1s"}}`)
	h.clock.Advance(time.Second)
	body := `{"file":"a.jar","queue":"q2","name":"gamma"}`
	rec := h.raw("POST", pp(""), body, signedHeader("POST", "http://dli.emulator.test"+pp(""), "dli.emulator.test",
		[]byte(body), h.clock.Now(), []string{"content-type", "host", "x-sdk-date"}, http.Header{"Content-Type": {"application/json"}}))
	if rec.Code != 200 {
		t.Fatalf("signed create: %d %s", rec.Code, rec.Body.String())
	}
	j3 := decodeAs[createResponse](t, rec)
	h.clock.Advance(time.Second)
	j4 := h.create(`{"file":"a.jar","queue":"default","name":"delta"}`)
	if rec := h.do("DELETE", pp("/"+j4.ID), ""); rec.Code != 200 {
		t.Fatal(rec.Body.String())
	}
	h.clock.Advance(2 * time.Second) // now t0+6s
	// States now: j0 running (started t0+1s), j1 running, j2 dead (t0+2+1+1=4s), j3 running, j4 dead.
	ms := func(d time.Duration) string { return fmt.Sprint(t0.Add(d).UnixMilli()) }
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{j4.ID, j3.ID, j2.ID, j1.ID, j0.ID}},
		{"?queue_name=default", []string{j4.ID, j2.ID, j0.ID}},
		{"?cluster_name=q2", []string{j3.ID, j1.ID}},
		{"?queue_name=q2&cluster_name=default", []string{j3.ID, j1.ID}},
		{"?queue_name=nope", nil},
		{"?job_name=alpha", []string{j2.ID, j0.ID}},
		{"?job-name=beta", []string{j1.ID}},
		{"?job_name=alph", nil},
		{"?job-id=" + j1.ID, []string{j1.ID}},
		{"?job_id=" + j2.ID, []string{j2.ID}},
		{"?job-id=" + strings.ToUpper(j2.ID), []string{j2.ID}},
		{"?state=dead", []string{j4.ID, j2.ID}},
		{"?state=running", []string{j3.ID, j1.ID, j0.ID}},
		{"?state=success", nil},
		{"?owner=" + tokOwner, []string{j4.ID, j2.ID, j1.ID, j0.ID}},
		{"?owner=" + OwnerForAccessKey(DefaultAccessKey), []string{j3.ID}},
		{"?start=" + ms(time.Second), []string{j4.ID, j3.ID, j2.ID, j1.ID}},
		{"?end=" + ms(time.Second), []string{j1.ID, j0.ID}},
		{"?start=" + ms(time.Second) + "&end=" + ms(3*time.Second), []string{j3.ID, j2.ID, j1.ID}},
		{"?queue_name=default&job_name=alpha&state=running", []string{j0.ID}},
		{"?queue_name=&job_name=", []string{j4.ID, j3.ID, j2.ID, j1.ID, j0.ID}},
		{"?order=CREATE_TIME_ASC", []string{j0.ID, j1.ID, j2.ID, j3.ID, j4.ID}},
		// Durations at t0+6s: j0 5s, j1 4s, j2 1s, j3 3s, j4 0 (cancelled while starting).
		{"?order=DURATION_DESC", []string{j0.ID, j1.ID, j3.ID, j2.ID, j4.ID}},
		{"?order=DURATION_ASC", []string{j4.ID, j2.ID, j3.ID, j1.ID, j0.ID}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			ids, lr, code := h.list(c.query)
			if code != 200 {
				t.Fatalf("status %d", code)
			}
			if !slices.Equal(ids, c.want) || lr.Total != len(c.want) || lr.From != 0 {
				t.Fatalf("got %v (total %d), want %v", ids, lr.Total, c.want)
			}
		})
	}
	// Session objects carry req_body and duration; the raw JSON has sessions: [] when empty.
	_, lr, _ := h.list("?job-id=" + j0.ID)
	s := lr.Sessions[0]
	if s.ReqBody != `{"file":"a.jar","queue":"default","name":"alpha","conf":{"emulator.run_duration":"10s"}}` ||
		s.Duration != 5000 || s.State != "running" || s.AppID == "" || s.Owner != tokOwner || s.Kind != "spark" {
		t.Fatalf("session %+v", s)
	}
	if rec := h.do("GET", pp("?queue_name=nope"), ""); rec.Body.String() != `{"from":0,"total":0,"sessions":[]}` {
		t.Fatalf("empty list body %s", rec.Body.String())
	}
}

func TestListPaging(t *testing.T) {
	h := newHarness(t, Options{})
	var all []string
	for i := 0; i < 250; i++ {
		all = append(all, h.create(`{"file":"a.jar","queue":"default"}`).ID) // same millisecond: submission order
	}
	slices.Reverse(all)
	cases := []struct {
		query      string
		from, n    int
		wantStatus int
	}{
		{"", 0, 100, 200},
		{"?size=100&from=100", 100, 100, 200},
		{"?size=100&from=200", 200, 50, 200},
		{"?size=100&from=250", 250, 0, 200},
		{"?size=100&from=999", 999, 0, 200},
		{"?size=1000", 0, 250, 200},
		{"?size=7&from=3", 3, 7, 200},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			ids, lr, code := h.list(c.query)
			if code != c.wantStatus {
				t.Fatalf("status %d", code)
			}
			if lr.Total != 250 || lr.From != c.from || len(ids) != c.n {
				t.Fatalf("from %d total %d n %d", lr.From, lr.Total, len(ids))
			}
			if c.n > 0 && !slices.Equal(ids, all[c.from:c.from+c.n]) {
				t.Fatalf("page content out of order")
			}
		})
	}
	// Terraform-style pagination visits every job once.
	var seen []string
	for from := 0; ; from += 100 {
		ids, _, _ := h.list(fmt.Sprintf("?size=100&from=%d", from))
		seen = append(seen, ids...)
		if len(ids) < 100 {
			break
		}
	}
	if !slices.Equal(seen, all) {
		t.Fatalf("paginated %d jobs", len(seen))
	}
}

func TestListBadParams(t *testing.T) {
	h := newHarness(t, Options{})
	for _, q := range []string{
		"?size=abc", "?size=0", "?size=-1", "?from=-1", "?from=1.5", "?start=yesterday", "?end=1e3",
		"?order=NAME_ASC", "?order=create_time_desc", "?state=Success", "?state=killed", "?from=%zz",
	} {
		t.Run(q, func(t *testing.T) {
			expectError(t, h.do("GET", pp("")+q, ""), 400, CodeParameter)
		})
	}
}

func TestLogEndpoint(t *testing.T) {
	h := newHarness(t, Options{JobStart: time.Second, JobRun: time.Second})
	dead := h.create(`{"file":"a.jar","className":"org.example.Main","queue":"default","auto_recovery":true,"conf":{"emulator.outcome":"dead"}}`)
	h.clock.Advance(time.Hour)
	full := decodeAs[logResponse](t, h.do("GET", pp("/"+dead.ID+"/log?size=-1"), ""))
	total := full.Total
	if total != len(full.Log) || total < 12 {
		t.Fatalf("log of %d lines: %q", total, full.Log)
	}
	cases := []struct {
		query     string
		from, len int
		first     int // index into full.Log of the first returned line (-1: none)
	}{
		{"", max(0, total-100), total, 0},
		{"?size=5", total - 5, 5, total - 5},
		{"?from=2&size=3", 2, 3, 2},
		{"?from=2", 2, total - 2, 2},
		{"?from=" + fmt.Sprint(total+5), total, 0, -1},
		{"?size=0", total, 0, -1},
		{"?from=-1&size=2", total - 2, 2, total - 2},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			lr := decodeAs[logResponse](t, h.do("GET", pp("/"+dead.ID+"/log"+c.query), ""))
			if lr.ID != dead.ID || lr.From != c.from || len(lr.Log) != c.len || lr.Total != total {
				t.Fatalf("got from %d len %d total %d", lr.From, len(lr.Log), lr.Total)
			}
			if c.first >= 0 && lr.Log[0] != full.Log[c.first] {
				t.Fatalf("first line %q, want %q", lr.Log[0], full.Log[c.first])
			}
		})
	}
	// Per attempt driver logs (auto_recovery: two attempts).
	a0 := decodeAs[logResponse](t, h.do("GET", pp("/"+dead.ID+"/log?type=driver"), ""))
	a1 := decodeAs[logResponse](t, h.do("GET", pp("/"+dead.ID+"/log?type=driver&index=1"), ""))
	a1b := decodeAs[logResponse](t, h.do("GET", pp("/"+dead.ID+"/log?index=1"), ""))
	a9 := decodeAs[logResponse](t, h.do("GET", pp("/"+dead.ID+"/log?type=driver&index=9"), ""))
	if a0.Total == 0 || a1.Total == 0 || a0.Total+a1.Total != total || !slices.Equal(a1.Log, a1b.Log) || a9.Total != 0 {
		t.Fatalf("attempt logs: %d + %d vs %d, index 9 %d", a0.Total, a1.Total, total, a9.Total)
	}
	for _, q := range []string{"?type=executor", "?index=-1", "?index=x", "?size=x", "?from=x"} {
		t.Run(q, func(t *testing.T) {
			expectError(t, h.do("GET", pp("/"+dead.ID+"/log"+q), ""), 400, CodeParameter)
		})
	}
	// The job object's log is the last 10 lines.
	if d := h.detail(dead.ID); !slices.Equal(d.Log, full.Log[total-10:]) {
		t.Fatalf("detail log %q", d.Log)
	}
}

func TestServerAuth(t *testing.T) {
	const host = "dli.emulator.test"
	target := "http://" + host + pp("")
	body := `{"file":"a.jar","queue":"default"}`
	ct := http.Header{"Content-Type": {"application/json"}}
	with := func(h http.Header, kv ...string) http.Header {
		out := http.Header{}
		for k, v := range h {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	type tc struct {
		name   string
		opts   Options
		method string
		path   string
		body   string
		hdr    func(now time.Time) http.Header
		status int
		sub    string
	}
	goSDK := func(b string, extra ...string) func(time.Time) http.Header {
		return func(now time.Time) http.Header {
			return signedHeader("POST", target, host, []byte(b), now, []string{"user-agent", "x-project-id", "x-sdk-date"},
				with(ct, append([]string{"User-Agent", "huaweicloud-usdk-go/3.0", "X-Project-Id", DefaultProjectID}, extra...)...))
		}
	}
	cases := []tc{
		{"token", Options{}, "POST", pp(""), body, func(time.Time) http.Header { return with(ct, "X-Auth-Token", DefaultToken) }, 200, ""},
		{"custom token", Options{Tokens: []string{"t1", "t2"}}, "POST", pp(""), body,
			func(time.Time) http.Header { return with(ct, "X-Auth-Token", "t2") }, 200, ""},
		{"unknown token", Options{}, "POST", pp(""), body, func(time.Time) http.Header { return with(ct, "X-Auth-Token", "nope") }, 401, subBadToken},
		{"tokens disabled", Options{Tokens: []string{}}, "POST", pp(""), body,
			func(time.Time) http.Header { return with(ct, "X-Auth-Token", DefaultToken) }, 401, subBadToken},
		{"no credentials", Options{}, "POST", pp(""), body, func(time.Time) http.Header { return ct }, 401, subNoCredentials},
		{"Go SDK v3 style (body with newline)", Options{}, "POST", pp(""), body + "\n", goSDK(body + "\n"), 200, ""},
		{"golangsdk style", Options{}, "POST", pp(""), body, func(now time.Time) http.Header {
			h := signedHeader("POST", target, host, []byte(body), now, []string{"accept", "content-type", "user-agent", "x-sdk-date"},
				with(ct, "Accept", "application/json", "User-Agent", "golangsdk/2.0.0"))
			return with(h, "X-Project-Id", DefaultProjectID) // set after signing, unsigned
		}, 200, ""},
		{"APIG style", Options{}, "POST", pp(""), body, func(now time.Time) http.Header {
			return signedHeader("POST", target, host, []byte(body), now, []string{"content-type", "host", "x-sdk-date"}, ct)
		}, 200, ""},
		{"unsigned payload", Options{}, "POST", pp(""), body, func(now time.Time) http.Header {
			u, _ := url.Parse(target)
			h := with(ct, "X-Sdk-Content-Sha256", unsignedPayload, "X-Sdk-Date", now.UTC().Format(sdkDateLayout))
			h.Set("Authorization", testAuthorization("POST", u, host, h, signOpts{ak: DefaultAccessKey, sk: DefaultSecretKey,
				headers: []string{"content-type", "x-sdk-content-sha256", "x-sdk-date"}, hash: unsignedPayload}))
			return h
		}, 200, ""},
		{"signed GET with query", Options{}, "GET", pp("?size=10&from=0&queue_name=default"), "", func(now time.Time) http.Header {
			return signedHeader("GET", target+"?queue_name=default&from=0&size=10", host, nil, now, []string{"content-type", "host", "x-sdk-date"}, ct)
		}, 200, ""},
		{"stale signature", Options{}, "POST", pp(""), body, func(now time.Time) http.Header {
			return signedHeader("POST", target, host, []byte(body), now.Add(-20*time.Minute), []string{"content-type", "x-sdk-date"}, ct)
		}, 401, subDateSkew},
		{"wrong secret", Options{SecretKey: "another-secret"}, "POST", pp(""), body, goSDK(body), 401, subSignature},
		{"wrong access key", Options{AccessKey: "OTHERAK"}, "POST", pp(""), body, goSDK(body), 401, subUnknownAK},
		{"foreign project in path", Options{}, "POST", "/v2.0/ffffffffffffffffffffffffffffffff/batches", body, func(now time.Time) http.Header {
			return signedHeader("POST", "http://"+host+"/v2.0/ffffffffffffffffffffffffffffffff/batches", host, []byte(body), now,
				[]string{"content-type", "x-sdk-date"}, ct)
		}, 401, subProjectMismatch},
		{"foreign project with token", Options{}, "GET", "/v2.0/ffffffffffffffffffffffffffffffff/batches", "",
			func(time.Time) http.Header { return with(ct, "X-Auth-Token", DefaultToken) }, 401, subProjectMismatch},
		{"foreign X-Project-Id", Options{}, "POST", pp(""), body, func(now time.Time) http.Header {
			return with(signedHeader("POST", target, host, []byte(body), now, []string{"content-type", "x-sdk-date"}, ct),
				"X-Project-Id", "ffffffffffffffffffffffffffffffff")
		}, 401, subProjectMismatch},
		{"configured project", Options{ProjectID: "p1"}, "GET", "/v2.0/p1/batches", "",
			func(time.Time) http.Header { return with(ct, "X-Auth-Token", DefaultToken) }, 200, ""},
		{"temporary AK without token", Options{SecurityToken: "sts"}, "POST", pp(""), body, goSDK(body), 401, subNoSecToken},
		{"temporary AK, signed token", Options{SecurityToken: "sts"}, "POST", pp(""), body, func(now time.Time) http.Header {
			return signedHeader("POST", target, host, []byte(body), now, []string{"content-type", "x-sdk-date", "x-security-token"},
				with(ct, "X-Security-Token", "sts"))
		}, 200, ""},
		{"temporary AK, token added after signing", Options{SecurityToken: "sts"}, "POST", pp(""), body, func(now time.Time) http.Header {
			return with(signedHeader("POST", target, host, []byte(body), now, []string{"content-type", "x-sdk-date"}, ct),
				"X-Security-Token", "sts")
		}, 200, ""},
		{"temporary AK, wrong token", Options{SecurityToken: "sts"}, "POST", pp(""), body, func(now time.Time) http.Header {
			return with(signedHeader("POST", target, host, []byte(body), now, []string{"content-type", "x-sdk-date"}, ct),
				"X-Security-Token", "other")
		}, 401, subBadSecToken},
		{"temporary AK, signed token altered", Options{SecurityToken: "sts"}, "POST", pp(""), body, func(now time.Time) http.Header {
			return with(signedHeader("POST", target, host, []byte(body), now, []string{"content-type", "x-sdk-date", "x-security-token"},
				with(ct, "X-Security-Token", "other")), "X-Security-Token", "sts")
		}, 401, subSignature},
		{"tampered body through the server", Options{}, "POST", pp(""), `{"file":"b.jar","queue":"default"}`, goSDK(body), 401, subSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.opts)
			rec := h.raw(c.method, c.path, c.body, c.hdr(h.clock.Now()))
			if c.status == 200 {
				if rec.Code != 200 {
					t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
				}
				return
			}
			b := expectError(t, rec, c.status, CodeAuth)
			if b["error_msg"] != authPrefix+c.sub || b["request_id"] != rec.Header().Get("X-Request-Id") {
				t.Fatalf("body %v", b)
			}
			if len(h.s.Jobs()) != 0 {
				t.Fatal("a refused request created a job")
			}
		})
	}
}
