package emulator

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// qp is a v1.0 queue path in the default project.
func qp(suffix string) string { return "/v1.0/" + DefaultProjectID + "/queues" + suffix }

// q3 is a v3 path in the default project.
func q3(suffix string) string { return "/v3/" + DefaultProjectID + suffix }

func (h *harness) ok(method, target, body string) map[string]any {
	h.t.Helper()
	rec := h.do(method, target, body)
	if rec.Code != http.StatusOK {
		h.t.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body.String())
	}
	return decodeAs[map[string]any](h.t, rec)
}

// as asserts the type of a decoded JSON value.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	x, ok := v.(T)
	if !ok {
		t.Fatalf("%v is a %T, not a %T", v, v, x)
	}
	return x
}

func listNames(t *testing.T, body map[string]any, key, nameKey string) []string {
	t.Helper()
	names := []string{}
	for _, it := range as[[]any](t, body[key]) {
		names = append(names, as[string](t, as[map[string]any](t, it)[nameKey]))
	}
	return names
}

func TestQueues_createDetailAndList(t *testing.T) {
	h := newHarness(t, Options{})
	created := h.ok("POST", qp(""), `{"queue_name":"ETL_Queue","cu_count":16,"description":"nightly","tags":[{"key":"team","value":"data"}]}`)
	if created["queue_name"] != "etl_queue" || created["is_success"] != true {
		t.Fatalf("create answer = %v, want the lower-cased name and is_success true", created)
	}
	h.ok("POST", qp(""), `{"queue_name":"spark_jobs","queue_type":"general","cu_count":64}`)

	d := h.ok("GET", qp("/ETL_QUEUE"), "")
	for key, want := range map[string]any{"queueName": "etl_queue", "queueType": "sql", "cuCount": 16.0, "chargingMode": 1.0, "description": "nightly"} {
		if d[key] != want {
			t.Errorf("detail %s = %v, want %v", key, d[key], want)
		}
	}
	for _, snake := range []string{"queue_name", "cu_count", "queue_type"} {
		if _, has := d[snake]; has {
			t.Errorf("detail has the list's key %s: %v", snake, d)
		}
	}

	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"etl_queue"}}, // the API lists SQL queues unless asked
		{"?queue_type=sql", []string{"etl_queue"}},
		{"?queue_type=general", []string{"default", "q2", "spark_jobs"}},
		{"?queue_type=all", []string{"default", "etl_queue", "q2", "spark_jobs"}},
		{"?queue_type=all&order=queue_name_desc", []string{"spark_jobs", "q2", "etl_queue", "default"}},
		{"?queue_type=all&page-size=3&current-page=2", []string{"spark_jobs"}},
		{"?queue_type=all&page-size=3&current-page=3", []string{}}, // empty past the end
		{"?queue_type=all&tags=team=data", []string{"etl_queue"}},
	}
	for _, tc := range cases {
		body := h.ok("GET", qp(tc.query), "")
		if got := listNames(t, body, "queues", "queue_name"); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("list%s = %v, want %v", tc.query, got, tc.want)
		}
	}
	item := as[map[string]any](t, as[[]any](t, h.ok("GET", qp("?queue_type=general"), "")["queues"])[0])
	if item["queue_type"] != "general" || item["cu_count"] != 16.0 || item["platform"] != "x86_64" {
		t.Errorf("seeded queue in the list = %v, want a general queue of 16 CUs", item)
	}
	expectError(t, h.do("GET", qp("?queue_type=flink"), ""), 400, CodeParameter)
}

func TestQueues_createValidation(t *testing.T) {
	h := newHarness(t, Options{})
	cases := map[string]string{
		"no name":           `{"cu_count":16}`,
		"leading _":         `{"queue_name":"_q","cu_count":16}`,
		"only digits":       `{"queue_name":"123","cu_count":16}`,
		"dash":              `{"queue_name":"a-b","cu_count":16}`,
		"too long":          `{"queue_name":"` + strings.Repeat("a", 129) + `","cu_count":16}`,
		"no cu":             `{"queue_name":"q"}`,
		"cu 32":             `{"queue_name":"q","cu_count":32}`,
		"cu as string":      `{"queue_name":"q","cu_count":"16"}`,
		"type":              `{"queue_name":"q","cu_count":16,"queue_type":"flink"}`,
		"engine on general": `{"queue_name":"q","cu_count":16,"queue_type":"general","engine":"spark"}`,
		"label":             `{"queue_name":"q","cu_count":16,"labels":["multi_az=3"]}`,
		"ai shared":         `{"queue_name":"q","cu_count":16,"feature":"ai"}`,
		"charging 2":        `{"queue_name":"q","cu_count":16,"charging_mode":2}`,
		"property":          `{"queue_name":"q","cu_count":16,"properties":{"nope":1}}`,
		"platform":          `{"queue_name":"q","cu_count":16,"platform":"arm"}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) { expectError(t, h.do("POST", qp(""), body), 400, CodeParameter) })
	}
	h.ok("POST", qp(""), `{"queue_name":"q","cu_count":16,"feature":"ai","resource_mode":1,"engine":"hetuEngine"}`)
	expectError(t, h.do("POST", qp(""), `{"queue_name":"Q","cu_count":16}`), 400, CodeParameter) // exists
}

func TestQueues_missingIsDLI0002(t *testing.T) {
	h := newHarness(t, Options{})
	for _, rq := range []struct{ method, path, body string }{
		{"GET", qp("/nope"), ""},
		{"DELETE", qp("/nope"), ""},
		{"PUT", qp("/nope/action"), `{"action":"scale_out","cu_count":16}`},
		{"GET", q3("/queues/nope/properties"), ""},
		{"PUT", q3("/queues/nope/properties"), `{"properties":{"job.maxConcurrent":2}}`},
	} {
		expectError(t, h.do(rq.method, rq.path, rq.body), 400, CodeNotExist)
	}
}

func TestQueues_scaleOnTheClock(t *testing.T) {
	h := newHarness(t, Options{JobStart: 30e9}) // background work takes 30s
	h.ok("POST", qp(""), `{"queue_name":"q","cu_count":16}`)
	cu := func() float64 { return as[float64](t, h.ok("GET", qp("/q"), "")["cuCount"]) }

	got := h.ok("PUT", qp("/q/action"), `{"action":"scale_out","cu_count":48}`)
	if got["queue_name"] != "q" || got["result"] != true {
		t.Fatalf("scale answer = %v, want {queue_name, result true}", got)
	}
	if cu() != 16 {
		t.Fatalf("cuCount right after the scale request = %v, want still 16", cu())
	}
	expectError(t, h.do("PUT", qp("/q/action"), `{"action":"scale_out","cu_count":16}`), 400, CodeNotSupported)
	h.clock.Advance(30e9)
	if cu() != 64 {
		t.Fatalf("cuCount after the scaling delay = %v, want 64", cu())
	}
	h.ok("PUT", qp("/q/action"), `{"action":"scale_in","cu_count":32}`)
	h.clock.Advance(30e9)
	if cu() != 32 {
		t.Fatalf("cuCount after scaling in = %v, want 32", cu())
	}
	for _, body := range []string{
		`{"action":"scale_in","cu_count":32}`,  // would leave 0
		`{"action":"scale_out","cu_count":10}`, // not a multiple of 16
		`{"action":"scale_out"}`,
		`{"action":"grow","cu_count":16}`,
	} {
		expectError(t, h.do("PUT", qp("/q/action"), body), 400, CodeParameter)
	}
	ok := h.ok("PUT", qp("/q/action"), `{"action":"restart"}`)
	if ok["is_success"] != true {
		t.Fatalf("restart = %v", ok)
	}
}

func TestQueues_deleteRefusedWhileJobsRun(t *testing.T) {
	h := newHarness(t, Options{JobRun: 60e9})
	job := h.create(`{"file":"obs://b/x.jar","queue":"default"}`)
	body := expectError(t, h.do("DELETE", qp("/default"), ""), 400, CodeNotSupported)
	if msg := as[string](t, body["error_msg"]); !strings.Contains(msg, "1 running jobs") {
		t.Fatalf("refusal %q does not count the running job", msg)
	}
	h.ok("DELETE", pp("/"+job.ID), "")
	h.clock.Advance(61e9)
	// The job ended: the seeded queue is still refused, for being seeded.
	body = expectError(t, h.do("DELETE", qp("/default"), ""), 400, CodeNotSupported)
	if msg := as[string](t, body["error_msg"]); !strings.Contains(msg, "queues option") {
		t.Fatalf("refusal %q does not say the queue is seeded", msg)
	}
	h.ok("POST", qp(""), `{"queue_name":"gone","cu_count":16}`)
	h.ok("DELETE", qp("/GONE"), "")
	expectError(t, h.do("GET", qp("/gone"), ""), 400, CodeNotExist)
}

func TestQueues_acceptsJobsOnceReady(t *testing.T) {
	h := newHarness(t, Options{JobStart: 10e9})
	h.ok("POST", qp(""), `{"queue_name":"fresh","queue_type":"general","cu_count":16}`)
	q := h.s.queues
	if r := q.acceptsJobs("fresh", "general"); r == nil || r.errorCode != CodeNotSupported {
		t.Fatalf("a queue still assigning accepts jobs: %+v", r)
	}
	h.clock.Advance(10e9)
	cases := []struct {
		name, typ, code string
	}{
		{"fresh", "general", ""},
		{"FRESH", "", ""},
		{"fresh", "sql", CodeNotSupported},
		{"default", "general", ""}, // seeded queues are ready general queues
		{"none", "general", CodeNotExist},
	}
	for _, tc := range cases {
		r := q.acceptsJobs(tc.name, tc.typ)
		if got := ""; r != nil {
			got = r.errorCode
			if got != tc.code {
				t.Errorf("acceptsJobs(%s, %s) = %s, want %q", tc.name, tc.typ, got, tc.code)
			}
		} else if tc.code != "" {
			t.Errorf("acceptsJobs(%s, %s) accepted, want %s", tc.name, tc.typ, tc.code)
		}
	}
}

func TestQueues_properties(t *testing.T) {
	h := newHarness(t, Options{})
	h.ok("POST", qp(""), `{"queue_name":"q","cu_count":16,"properties":{"computeEngine.maxInstance":"4"}}`)
	h.ok("PUT", q3("/queues/q/properties"), `{"properties":{"job.maxConcurrent":8,"computeEngine.maxPrefetchInstance":"1"}}`)
	props := func(query string) map[string]string {
		body := h.ok("GET", q3("/queues/q/properties"+query), "")
		out := map[string]string{}
		for _, it := range as[[]any](t, body["properties"]) {
			m := as[map[string]any](t, it)
			out[as[string](t, m["key"])] = as[string](t, m["value"])
		}
		return out
	}
	if got := props(""); len(got) != 3 || got["job.maxConcurrent"] != "8" || got["computeEngine.maxInstance"] != "4" {
		t.Fatalf("properties = %v", got)
	}
	if got := props("?offset=3&limit=10"); len(got) != 0 {
		t.Fatalf("page past the end = %v, want empty", got)
	}
	h.ok("DELETE", q3("/queues/q/properties"), `{"keys":["job.maxConcurrent"]}`)
	if got := props(""); len(got) != 2 || got["job.maxConcurrent"] != "" {
		t.Fatalf("after delete = %v", got)
	}
	expectError(t, h.do("PUT", q3("/queues/q/properties"), `{"properties":{"job.maxConcurrent":"many"}}`), 400, CodeParameter)
	expectError(t, h.do("DELETE", q3("/queues/q/properties"), `{"keys":["bogus"]}`), 400, CodeParameter)
}

func TestQueues_stateFileKeepsCreatedQueuesAndPools(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, Options{StateFile: file, JobStart: -1})
	h.ok("POST", qp(""), `{"queue_name":"kept","cu_count":64}`)
	h.ok("POST", q3("/elastic-resource-pools"), `{"elastic_resource_pool_name":"pool1","min_cu":64,"max_cu":128}`)
	if err := h.s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(h.s.queues.sorted())
	if err != nil || !strings.Contains(string(raw), "kept") {
		t.Fatalf("queues before reload: %s %v", raw, err)
	}
	h2 := newHarness(t, Options{StateFile: file, JobStart: -1})
	if d := h2.ok("GET", qp("/kept"), ""); d["cuCount"] != 64.0 {
		t.Fatalf("reloaded queue = %v", d)
	}
	if names := listNames(t, h2.ok("GET", qp("?queue_type=general"), ""), "queues", "queue_name"); strings.Join(names, ",") != "default,q2" {
		t.Fatalf("seeded queues after reload = %v", names)
	}
	if names := listNames(t, h2.ok("GET", q3("/elastic-resource-pools"), ""), "elastic_resource_pools", "elastic_resource_pool_name"); strings.Join(names, ",") != "pool1" {
		t.Fatalf("pools after reload = %v", names)
	}
	h2.ok("POST", "/_emulator/reset", "")
	if names := listNames(t, h2.ok("GET", qp("?queue_type=all"), ""), "queues", "queue_name"); strings.Join(names, ",") != "default,q2" {
		t.Fatalf("queues after reset = %v, want the seeded ones", names)
	}
}
