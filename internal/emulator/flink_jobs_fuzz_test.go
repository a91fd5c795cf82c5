package emulator

import (
	"encoding/json"
	"fmt"
	"testing"
)

// Fuzz Flink create bodies, then an update with the same body and a run
// and stop of the job: every answer is a 200 in the documented shape or a
// 400 DLI error, never a 5xx or a panic.
func FuzzFlinkBody(f *testing.F) {
	f.Add(false, []byte(flinkSQL("a", `,"checkpoint_enabled":true,"obs_bucket":"b","checkpoint_mode":"at_least_once"`)))
	f.Add(true, []byte(flinkJar("a", `,"feature":"custom","image":"o/i:1","dependency_jars":["x"]`)))
	f.Add(false, []byte(`{"name":"a","runtime_config":"emulator.outcome=failed\nemulator.run_duration=0s"}`))
	f.Add(false, []byte(`{"name":"a","runtime_config":[{"key":"k","value":1}],"tags":[{"key":"k"}]}`))
	f.Add(true, []byte(`{"name":"a","resource_config_version":"v2","resource_config":{"taskmanager_resource_spec":{"memory":"2.5 g"}}}`))
	f.Add(false, []byte(`{"name":"a","cu_number":1e3,"parallel_number":-1,"checkpoint_mode":null}`))
	f.Add(false, []byte(`{"job_ids":[1]}`))
	f.Fuzz(func(t *testing.T, jar bool, body []byte) {
		h := newHarness(t, Options{})
		route := map[bool]string{false: "/sql-jobs", true: "/flink-jobs"}[jar]
		rec := fuzzRequest(h, "POST", fp(route), "", body, nil)
		if rec.Code != 200 {
			checkErrorAnswer(t, rec, 400)
			return
		}
		var cr flinkCreateResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &cr); err != nil || cr.IsSuccess != "true" || cr.Job.JobID < flinkFirstID {
			t.Fatalf("create answer %s: %v", rec.Body, err)
		}
		id := cr.Job.JobID
		if rec := fuzzRequest(h, "PUT", fp(fmt.Sprintf("%s/%d", route, id)), "", body, nil); rec.Code != 200 {
			t.Fatalf("the body that created the job does not update it: %d %s", rec.Code, rec.Body)
		}
		for _, op := range []string{"run", "stop"} {
			rec := fuzzRequest(h, "POST", fp("/jobs/"+op), "", []byte(fmt.Sprintf(`{"job_ids":[%d],"trigger_savepoint":true}`, id)), nil)
			if rec.Code != 200 {
				checkErrorAnswer(t, rec, 400)
			}
		}
		for _, q := range []string{"", "show_detail=true"} {
			if rec := fuzzRequest(h, "GET", fp("/jobs"), q, nil, nil); rec.Code != 200 {
				t.Fatalf("list: %d %s", rec.Code, rec.Body)
			}
		}
		h.flinkDetail(id)
	})
}
