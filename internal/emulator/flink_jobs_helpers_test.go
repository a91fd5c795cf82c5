package emulator

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fp is a Flink API path in the default project.
func fp(suffix string) string { return "/v1.0/" + DefaultProjectID + "/streaming" + suffix }

// flinkSQL is a valid SQL job create body with extra members appended.
func flinkSQL(name, extra string) string {
	return `{"name":"` + name + `","queue_name":"default","sql_body":"CREATE TABLE s (a INT) WITH ('connector'='datagen'); INSERT INTO k SELECT * FROM s"` + extra + `}`
}

// flinkJar is a valid Jar job create body with extra members appended.
func flinkJar(name, extra string) string {
	return `{"name":"` + name + `","queue_name":"default","entrypoint":"obs://bucket/app.jar","main_class":"org.example.Main"` + extra + `}`
}

// mustOK fails unless rec is 200 with is_success "true".
func mustOK(t *testing.T, rec *httptest.ResponseRecorder, what string) {
	t.Helper()
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"is_success":"true"`) {
		t.Fatalf("%s: %d %s", what, rec.Code, rec.Body.String())
	}
}

// flinkCreate creates a job through route ("sql-jobs" or "flink-jobs").
func (h *harness) flinkCreate(route, body string) int64 {
	h.t.Helper()
	rec := h.do("POST", fp("/"+route), body)
	mustOK(h.t, rec, "create")
	return decodeAs[flinkCreateResponse](h.t, rec).Job.JobID
}

func (h *harness) flinkBatch(op string, body string) *httptest.ResponseRecorder {
	h.t.Helper()
	return h.do("POST", fp("/jobs/"+op), body)
}

func (h *harness) flinkRun(id int64, resume bool) {
	h.t.Helper()
	rec := h.flinkBatch("run", fmt.Sprintf(`{"job_ids":[%d],"resume_savepoint":%t}`, id, resume))
	if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), `[{"is_success":"true"`) {
		h.t.Fatalf("run %d: %d %s", id, rec.Code, rec.Body.String())
	}
}

func (h *harness) flinkStop(id int64, savepoint bool) {
	h.t.Helper()
	rec := h.flinkBatch("stop", fmt.Sprintf(`{"job_ids":[%d],"trigger_savepoint":%t}`, id, savepoint))
	if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), `[{"is_success":"true"`) {
		h.t.Fatalf("stop %d: %d %s", id, rec.Code, rec.Body.String())
	}
}

func (h *harness) flinkDetail(id int64) flinkDetail {
	h.t.Helper()
	rec := h.do("GET", fp(fmt.Sprintf("/jobs/%d", id)), "")
	mustOK(h.t, rec, "detail")
	return decodeAs[flinkDetailResponse](h.t, rec).JobDetail
}

func (h *harness) flinkStatus(id int64) string {
	h.t.Helper()
	return h.flinkDetail(id).Status
}

// flinkStates brings a fresh job to each reachable status (default
// durations: submit 1s, stop 250ms, run_duration as scripted).
var flinkStates = []struct {
	status string
	setup  func(h *harness) int64
}{
	{FlinkInit, func(h *harness) int64 { return h.flinkCreate("sql-jobs", flinkSQL("s", "")) }},
	{FlinkSubmitting, func(h *harness) int64 {
		id := h.flinkCreate("sql-jobs", flinkSQL("s", ""))
		h.flinkRun(id, false)
		return id
	}},
	{FlinkRunning, func(h *harness) int64 { return runningFlinkJob(h, `,"obs_bucket":"b"`) }},
	{FlinkCanceling, func(h *harness) int64 {
		id := runningFlinkJob(h, "")
		h.flinkStop(id, false)
		return id
	}},
	{FlinkCancelSuccess, func(h *harness) int64 {
		id := runningFlinkJob(h, "")
		h.flinkStop(id, false)
		h.clock.Advance(250 * time.Millisecond)
		return id
	}},
	{FlinkSubmitFail, func(h *harness) int64 {
		return scriptedFlinkJob(h, "failed", "0s", time.Second)
	}},
	{FlinkRunningException, func(h *harness) int64 {
		return scriptedFlinkJob(h, "failed", "3s", 4*time.Second)
	}},
	{FlinkFinish, func(h *harness) int64 {
		return scriptedFlinkJob(h, "finished", "2s", 3*time.Second)
	}},
}

func runningFlinkJob(h *harness, extra string) int64 {
	id := h.flinkCreate("sql-jobs", flinkSQL("s", extra))
	h.flinkRun(id, false)
	h.clock.Advance(time.Second)
	return id
}

// runtimeConfig renders runtime_config the way Terraform sends it: a
// JSON-encoded array of {key, value}, as a string.
func runtimeConfig(kv ...string) string {
	var entries []map[string]string
	for i := 0; i+1 < len(kv); i += 2 {
		entries = append(entries, map[string]string{"key": kv[i], "value": kv[i+1]})
	}
	b, _ := json.Marshal(entries)
	s, _ := json.Marshal(string(b))
	return string(s)
}

func scriptedFlinkJob(h *harness, outcome, runFor string, wait time.Duration) int64 {
	rc := runtimeConfig(FlinkConfOutcome, outcome, FlinkConfRunDuration, runFor)
	id := h.flinkCreate("sql-jobs", flinkSQL("s", `,"runtime_config":`+rc))
	h.flinkRun(id, false)
	h.clock.Advance(wait)
	return id
}
