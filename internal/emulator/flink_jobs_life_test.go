package emulator

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Every scripted outcome walks its documented path on the emulator clock.
func TestFlinkLifeCycleByOutcome(t *testing.T) {
	type step struct {
		advance time.Duration
		status  string
	}
	cases := []struct {
		name, runtime string
		steps         []step
		desc          bool // the final status carries a description
	}{
		{"streaming jobs run until stopped", "", []step{
			{0, FlinkSubmitting}, {999 * time.Millisecond, FlinkSubmitting}, {time.Millisecond, FlinkRunning}, {24 * time.Hour, FlinkRunning},
		}, false},
		{"run_duration does not end a running outcome", runtimeConfig(FlinkConfOutcome, "running", FlinkConfRunDuration, "1s"), []step{
			{time.Second, FlinkRunning}, {time.Hour, FlinkRunning},
		}, false},
		{"failed after running", runtimeConfig(FlinkConfOutcome, "failed", FlinkConfRunDuration, "3s"), []step{
			{time.Second, FlinkRunning}, {2999 * time.Millisecond, FlinkRunning}, {time.Millisecond, FlinkRunningException},
		}, true},
		{"failed at submission", runtimeConfig(FlinkConfOutcome, "failed", FlinkConfRunDuration, "0s"), []step{
			{999 * time.Millisecond, FlinkSubmitting}, {time.Millisecond, FlinkSubmitFail}, {time.Hour, FlinkSubmitFail},
		}, true},
		{"failed after the default run time", runtimeConfig(FlinkConfOutcome, "failed"), []step{
			{5 * time.Second, FlinkRunning}, {time.Second, FlinkRunningException},
		}, true},
		{"bounded job finishes", runtimeConfig(FlinkConfOutcome, "finished", FlinkConfRunDuration, "2s"), []step{
			{time.Second, FlinkRunning}, {2 * time.Second, FlinkFinish},
		}, false},
		{"runtime_config as key=value lines", `"emulator.outcome = finished\nemulator.run_duration=1s\nother=x"`, []step{
			{2 * time.Second, FlinkFinish},
		}, false},
		{"runtime_config as a JSON object", `{"emulator.outcome":"failed","emulator.run_duration":"0s"}`, []step{
			{time.Second, FlinkSubmitFail},
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			extra := ""
			if tc.runtime != "" {
				extra = `,"runtime_config":` + tc.runtime
			}
			id := h.flinkCreate("sql-jobs", flinkSQL("job", extra))
			if got := h.flinkStatus(id); got != FlinkInit {
				t.Fatalf("after create: %s", got)
			}
			h.clock.Advance(time.Hour) // a draft stays a draft
			if got := h.flinkStatus(id); got != FlinkInit {
				t.Fatalf("draft after an hour: %s", got)
			}
			h.flinkRun(id, false)
			for _, st := range tc.steps {
				h.clock.Advance(st.advance)
				if got := h.flinkStatus(id); got != st.status {
					t.Fatalf("after +%v: %s, want %s", st.advance, got, st.status)
				}
			}
			if d := h.flinkDetail(id); (d.StatusDesc != "") != tc.desc {
				t.Fatalf("status_desc %q", d.StatusDesc)
			}
		})
	}
}

// Stop with a savepoint records it when the stop completes; a run that
// resumes restores it; a later stop without one keeps the last path.
func TestFlinkSavepointOnStopAndResume(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.flinkCreate("sql-jobs", flinkSQL("sp", `,"checkpoint_enabled":true,"obs_bucket":"ckpt"`))
	h.flinkRun(id, false)
	h.clock.Advance(time.Second)
	start := h.flinkDetail(id)
	if start.Status != FlinkRunning || start.StartTime == nil || *start.StartTime != t0.UnixMilli() {
		t.Fatalf("running: %+v", start)
	}
	h.clock.Advance(9 * time.Second)
	h.flinkStop(id, true)
	d := h.flinkDetail(id)
	if d.Status != FlinkCanceling || d.SavepointPath != nil || d.HasSavepoint || d.Duration != 9000 {
		t.Fatalf("canceling: status %s savepoint %v duration %d", d.Status, d.SavepointPath, d.Duration)
	}
	h.clock.Advance(250 * time.Millisecond)
	d = h.flinkDetail(id)
	want := fmt.Sprintf("obs://ckpt/jobs/savepoint/%d/2024-01-01_00-00-10/", id)
	if d.Status != FlinkCancelSuccess || d.SavepointPath == nil || *d.SavepointPath != want || !d.HasSavepoint {
		t.Fatalf("stopped: status %s savepoint %v, want %s", d.Status, d.SavepointPath, want)
	}
	h.flinkRun(id, true)
	h.clock.Advance(time.Second)
	h.flinkStop(id, false)
	h.clock.Advance(time.Second)
	h.flinkRun(id, false)
	s, _ := h.s.FlinkJob(id)
	if len(s.Runs) != 3 || s.Runs[1].ResumedFrom != want || !s.Runs[1].ResumeSavepoint || s.Runs[2].ResumedFrom != "" {
		t.Fatalf("runs %+v", s.Runs)
	}
	if s.SavepointPath != want || s.Runs[0].Savepoint != want || s.Runs[1].Savepoint != "" {
		t.Fatalf("savepoints: job %q runs %+v", s.SavepointPath, s.Runs)
	}
	admin := decodeAs[[]adminFlinkJob](t, h.admin("GET", "/_emulator/jobs/flink", ""))
	if len(admin) != 1 || len(admin[0].Runs) != 3 || admin[0].Runs[1].ResumedFrom != want || admin[0].Runs[2].StopTime != nil {
		t.Fatalf("admin %+v", admin)
	}
}

// A Jar job writes savepoints to the bucket of its checkpoint_path; a job
// stopped while still submitting has nothing to save.
func TestFlinkSavepointTargets(t *testing.T) {
	h := newHarness(t, Options{})
	jar := h.flinkCreate("flink-jobs", flinkJar("j", `,"checkpoint_enabled":true,"checkpoint_path":"obs://jarbkt/ckpt/j1"`))
	h.flinkRun(jar, false)
	h.clock.Advance(time.Second)
	h.flinkStop(jar, true)
	early := h.flinkCreate("sql-jobs", flinkSQL("e", `,"obs_bucket":"b"`))
	h.flinkRun(early, false)
	h.flinkStop(early, true)
	h.clock.Advance(time.Second)
	if p := h.flinkDetail(jar).SavepointPath; p == nil || !strings.HasPrefix(*p, fmt.Sprintf("obs://jarbkt/jobs/savepoint/%d/", jar)) {
		t.Fatalf("jar savepoint %v", p)
	}
	if d := h.flinkDetail(early); d.Status != FlinkCancelSuccess || d.SavepointPath != nil {
		t.Fatalf("stopped while submitting: %s %v", d.Status, d.SavepointPath)
	}
}

// What each operation does in each status: run only when stopped, stop
// only when submitting or running (again while stopping), updates of
// fields other than the running-safe ones only when stopped, delete always.
func TestFlinkOperationsByStatus(t *testing.T) {
	type want struct{ run, stop, updateSQL, updateSafe int }
	ok, no := 200, 400
	expect := map[string]want{
		FlinkInit:             {ok, no, ok, ok},
		FlinkSubmitting:       {no, ok, no, ok},
		FlinkRunning:          {no, ok, no, ok},
		FlinkCanceling:        {no, ok, no, ok},
		FlinkCancelSuccess:    {ok, no, ok, ok},
		FlinkSubmitFail:       {ok, no, ok, ok},
		FlinkRunningException: {ok, no, ok, ok},
		FlinkFinish:           {ok, no, ok, ok},
	}
	ops := []struct {
		name string
		pick func(want) int
		send func(h *harness, id int64) (int, string)
	}{
		{"run", func(w want) int { return w.run }, func(h *harness, id int64) (int, string) {
			rec := h.flinkBatch("run", fmt.Sprintf(`{"job_ids":[%d]}`, id))
			return rec.Code, rec.Body.String()
		}},
		{"stop", func(w want) int { return w.stop }, func(h *harness, id int64) (int, string) {
			rec := h.flinkBatch("stop", fmt.Sprintf(`{"job_ids":[%d]}`, id))
			return rec.Code, rec.Body.String()
		}},
		{"update sql_body", func(w want) int { return w.updateSQL }, func(h *harness, id int64) (int, string) {
			rec := h.do("PUT", fp(fmt.Sprintf("/sql-jobs/%d", id)), `{"sql_body":"INSERT INTO k2 SELECT * FROM s","smn_topic":"t"}`)
			return rec.Code, rec.Body.String()
		}},
		{"update running-safe fields", func(w want) int { return w.updateSafe }, func(h *harness, id int64) (int, string) {
			rec := h.do("PUT", fp(fmt.Sprintf("/sql-jobs/%d", id)),
				`{"smn_topic":"alarm","restart_when_exception":true,"resume_checkpoint":true,"resume_max_num":3,"obs_bucket":"b","name":"s","queue_name":"default"}`)
			return rec.Code, rec.Body.String()
		}},
		{"delete", func(want) int { return ok }, func(h *harness, id int64) (int, string) {
			rec := h.do("DELETE", fp(fmt.Sprintf("/jobs/%d", id)), "")
			return rec.Code, rec.Body.String()
		}},
	}
	for _, st := range flinkStates {
		for _, op := range ops {
			t.Run(st.status+"/"+op.name, func(t *testing.T) {
				h := newHarness(t, Options{})
				id := st.setup(h)
				if got := h.flinkStatus(id); got != st.status {
					t.Fatalf("setup reached %s, want %s", got, st.status)
				}
				code, body := op.send(h, id)
				if want := op.pick(expect[st.status]); code != want {
					t.Fatalf("%s in %s: %d %s, want %d", op.name, st.status, code, body, want)
				}
				if code == 400 && (!strings.Contains(body, `"error_code":"DLI.0007"`) || !strings.Contains(body, st.status)) {
					t.Fatalf("refusal %s", body)
				}
				if op.name == "update sql_body" && code == 400 && !strings.Contains(body, "stop it first to change sql_body") {
					t.Fatalf("refusal does not name the key: %s", body)
				}
				if op.name == "delete" {
					expectError(t, h.do("GET", fp(fmt.Sprintf("/jobs/%d", id)), ""), 400, CodeFlinkNotExist)
					expectError(t, h.do("DELETE", fp(fmt.Sprintf("/jobs/%d", id)), ""), 400, CodeFlinkNotExist)
				}
			})
		}
	}
}

// An accepted update while running changes the job at once and does not
// disturb the run; a refused one changes nothing.
func TestFlinkUpdateWhileRunning(t *testing.T) {
	h := newHarness(t, Options{})
	id := runningFlinkJob(h, "")
	before := h.flinkDetail(id)
	h.clock.Advance(time.Minute)
	mustOK(t, h.do("PUT", fp(fmt.Sprintf("/sql-jobs/%d", id)), `{"smn_topic":"alarms","resume_max_num":5}`), "safe update")
	expectError(t, h.do("PUT", fp(fmt.Sprintf("/sql-jobs/%d", id)), `{"cu_number":4,"smn_topic":"other"}`), 400, CodeNotSupported)
	d := h.flinkDetail(id)
	if d.Status != FlinkRunning || d.JobConfig.SMNTopic == nil || *d.JobConfig.SMNTopic != "alarms" ||
		d.JobConfig.ResumeMaxNum != 5 || d.JobConfig.CUNumber != 2 || d.UpdateTime != t0.Add(time.Minute+time.Second).UnixMilli() ||
		*d.StartTime != *before.StartTime {
		t.Fatalf("after updates: %+v", d)
	}
}

// All-or-nothing batches: one unknown ID or one job in the wrong status
// and nothing changes; duplicates answer once per entry.
func TestFlinkBatchesAreAtomic(t *testing.T) {
	h := newHarness(t, Options{})
	a := h.flinkCreate("sql-jobs", flinkSQL("a", ""))
	b := h.flinkCreate("sql-jobs", flinkSQL("b", ""))
	expectError(t, h.flinkBatch("run", fmt.Sprintf(`{"job_ids":[%d,99999]}`, a)), 400, CodeFlinkNotExist)
	h.flinkRun(b, false)
	expectError(t, h.flinkBatch("run", fmt.Sprintf(`{"job_ids":[%d,%d]}`, a, b)), 400, CodeNotSupported)
	if got := h.flinkStatus(a); got != FlinkInit {
		t.Fatalf("a after refused batches: %s", got)
	}
	rec := h.flinkBatch("stop", fmt.Sprintf(`{"job_ids":[%d,%d]}`, b, b))
	if rec.Code != 200 || strings.Count(rec.Body.String(), `"is_success":"true"`) != 2 {
		t.Fatalf("stop with a duplicate: %s", rec.Body.String())
	}
	expectError(t, h.flinkBatch("stop", fmt.Sprintf(`{"job_ids":[%d]}`, a)), 400, CodeNotSupported)
	rec = h.flinkBatch("delete", fmt.Sprintf(`{"job_ids":[%d,%d]}`, a, b))
	if rec.Code != 200 || rec.Body.String() != `[{"is_success":"true","message":"The job is successfully deleted."},{"is_success":"true","message":"The job is successfully deleted."}]` {
		t.Fatalf("batch delete: %s", rec.Body.String())
	}
	expectError(t, h.flinkBatch("delete", fmt.Sprintf(`{"job_ids":[%d]}`, a)), 400, CodeFlinkNotExist)
	if len(h.s.FlinkJobs()) != 0 {
		t.Fatalf("jobs left: %+v", h.s.FlinkJobs())
	}
}

// trigger_savepoint needs somewhere to write the savepoint.
func TestFlinkSavepointNeedsStorage(t *testing.T) {
	h := newHarness(t, Options{})
	id := runningFlinkJob(h, "")
	body := expectError(t, h.flinkBatch("stop", fmt.Sprintf(`{"job_ids":[%d],"trigger_savepoint":true}`, id)), 400, CodeParameter)
	if !strings.Contains(str(body["error_msg"]), "obs_bucket") {
		t.Fatalf("message %v", body)
	}
	if got := h.flinkStatus(id); got != FlinkRunning {
		t.Fatalf("after a refused stop: %s", got)
	}
}
