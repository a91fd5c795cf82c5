package emulator

import (
	"fmt"
	"strings"
	"testing"
)

// Create bodies: what is refused (400 with the documented body shape and
// a message naming the parameter) and what is accepted.
func TestFlinkCreateValidation(t *testing.T) {
	long := strings.Repeat("n", 58)
	cases := []struct {
		name, route, body string
		status            int
		code, msg         string
	}{
		{"minimal SQL job", "sql-jobs", `{"name":"a"}`, 200, "", ""},
		{"null and unknown keys", "sql-jobs", `{"name":"a","tags":null,"desc":null,"whatever":1}`, 200, "", ""},
		{"checkpoint_mode by name", "sql-jobs", flinkSQL("a", `,"checkpoint_mode":"at_least_once"`), 200, "", ""},
		{"57-character name", "sql-jobs", `{"name":"` + long[:57] + `"}`, 200, "", ""},
		{"v2 resources", "sql-jobs", flinkSQL("a", `,"resource_config_version":"v2","resource_config":{"max_slot":4,"parallel_number":4,"jobmanager_resource_spec":{"cpu":0.5,"memory":"2048MB"},"taskmanager_resource_spec":{"cpu":2,"memory":"8GB"}}`), 200, "", ""},
		{"v2 ignores CU counts", "sql-jobs", flinkSQL("a", `,"resource_config_version":"v2","cu_number":1,"parallel_number":50`), 200, "", ""},
		{"jar with checkpoint_path", "flink-jobs", flinkJar("a", `,"checkpoint_enabled":true,"checkpoint_path":"obs://b/ck"`), 200, "", ""},
		{"custom image", "flink-jobs", flinkJar("a", `,"feature":"custom","image":"org/img:1"`), 200, "", ""},
		{"tags", "sql-jobs", flinkSQL("a", `,"tags":[{"key":"team","value":"data"},{"key":"env"}]`), 200, "", ""},

		{"no name", "sql-jobs", `{"sql_body":"x"}`, 400, CodeParameter, "name is mandatory"},
		{"blank name", "flink-jobs", `{"name":"  "}`, 400, CodeParameter, "name is mandatory"},
		{"name too long", "sql-jobs", `{"name":"` + long + `"}`, 400, CodeParameter, "name is invalid: 58 characters"},
		{"unknown queue", "sql-jobs", `{"name":"a","queue_name":"nope"}`, 400, CodeNotExist, "There is no queue named nope"},
		{"parallelism over 4 x workers", "sql-jobs", flinkSQL("a", `,"cu_number":3,"manager_cu_number":1,"parallel_number":9`), 400, CodeParameter, "parallel_number is invalid: 9"},
		{"manager takes every CU", "sql-jobs", flinkSQL("a", `,"cu_number":2,"manager_cu_number":2`), 400, CodeParameter, "manager_cu_number"},
		{"cu_number out of range", "flink-jobs", flinkJar("a", `,"cu_number":401`), 400, CodeParameter, "cu_number"},
		{"checkpointing without storage", "sql-jobs", flinkSQL("a", `,"checkpoint_enabled":true`), 400, CodeParameter, "obs_bucket is mandatory when checkpoint_enabled"},
		{"jar checkpointing without storage", "flink-jobs", flinkJar("a", `,"checkpoint_enabled":true`), 400, CodeParameter, "checkpoint_path or obs_bucket"},
		{"logs without storage", "sql-jobs", flinkSQL("a", `,"log_enabled":true`), 400, CodeParameter, "obs_bucket is mandatory when log_enabled"},
		{"checkpoint_mode 3", "sql-jobs", flinkSQL("a", `,"checkpoint_mode":3`), 400, CodeParameter, "checkpoint_mode"},
		{"checkpoint_mode unknown name", "sql-jobs", flinkSQL("a", `,"checkpoint_mode":"twice"`), 400, CodeParameter, "checkpoint_mode"},
		{"checkpoint_interval 0", "sql-jobs", flinkSQL("a", `,"checkpoint_interval":0`), 400, CodeParameter, "checkpoint_interval"},
		{"jar job type on the SQL route", "sql-jobs", flinkSQL("a", `,"job_type":"flink_jar_job"`), 400, CodeParameter, "job_type"},
		{"SQL job type on the jar route", "flink-jobs", flinkJar("a", `,"job_type":"flink_sql_job"`), 400, CodeParameter, "job_type"},
		{"run_mode", "sql-jobs", flinkSQL("a", `,"run_mode":"anywhere"`), 400, CodeParameter, "run_mode"},
		{"dirty_data_strategy", "sql-jobs", flinkSQL("a", `,"dirty_data_strategy":"2:"`), 400, CodeParameter, "dirty_data_strategy"},
		{"resume_max_num 0", "sql-jobs", flinkSQL("a", `,"resume_max_num":0`), 400, CodeParameter, "resume_max_num"},
		{"negative idle_state_retention", "sql-jobs", flinkSQL("a", `,"idle_state_retention":-1`), 400, CodeParameter, "idle_state_retention"},
		{"system tag", "sql-jobs", flinkSQL("a", `,"tags":[{"key":"_sys_x","value":"v"}]`), 400, CodeParameter, "_sys_"},
		{"repeated tag", "sql-jobs", flinkSQL("a", `,"tags":[{"key":"k","value":"1"},{"key":"k","value":"2"}]`), 400, CodeParameter, "repeated"},
		{"tag without key", "sql-jobs", flinkSQL("a", `,"tags":[{"value":"v"}]`), 400, CodeParameter, "needs a key"},
		{"tags as an object", "sql-jobs", flinkSQL("a", `,"tags":{"k":"v"}`), 400, CodeParameter, "tags must be an array"},
		{"bad emulator.outcome", "sql-jobs", flinkSQL("a", `,"runtime_config":`+runtimeConfig(FlinkConfOutcome, "crash")), 400, CodeParameter, "emulator.outcome"},
		{"bad emulator.run_duration", "sql-jobs", flinkSQL("a", `,"runtime_config":`+runtimeConfig(FlinkConfRunDuration, "soon")), 400, CodeParameter, "emulator.run_duration"},
		{"runtime_config a number", "sql-jobs", flinkSQL("a", `,"runtime_config":5`), 400, CodeParameter, "runtime_config must be a string"},
		{"resource_config with v1", "sql-jobs", flinkSQL("a", `,"resource_config":{"max_slot":1}`), 400, CodeParameter, "resource_config_version v2"},
		{"resource_config_version v3", "sql-jobs", flinkSQL("a", `,"resource_config_version":"v3"`), 400, CodeParameter, "resource_config_version"},
		{"too little memory", "sql-jobs", flinkSQL("a", `,"resource_config_version":"v2","resource_config":{"taskmanager_resource_spec":{"memory":"1GB"}}`), 400, CodeParameter, "taskmanager_resource_spec.memory"},
		{"too little cpu", "sql-jobs", flinkSQL("a", `,"resource_config_version":"v2","resource_config":{"jobmanager_resource_spec":{"cpu":0.25}}`), 400, CodeParameter, "jobmanager_resource_spec.cpu"},
		{"resource_config a list", "sql-jobs", flinkSQL("a", `,"resource_config_version":"v2","resource_config":[]`), 400, CodeParameter, "resource_config must be an object"},
		{"image without custom", "flink-jobs", flinkJar("a", `,"image":"org/img:1"`), 400, CodeParameter, "only allowed when feature is custom"},
		{"custom without image", "flink-jobs", flinkJar("a", `,"feature":"custom"`), 400, CodeParameter, "image is mandatory"},
		{"feature", "flink-jobs", flinkJar("a", `,"feature":"ai"`), 400, CodeParameter, "feature"},
		{"cu_number a string", "sql-jobs", flinkSQL("a", `,"cu_number":"2"`), 400, CodeParameter, "format of message is error: the parameter cu_number must be an integer"},
		{"dependency_jars a string", "flink-jobs", flinkJar("a", `,"dependency_jars":"x.jar"`), 400, CodeParameter, "dependency_jars must be an array of strings"},
		{"malformed JSON", "sql-jobs", `{"name":`, 400, CodeParameter, "format of message is error"},
		{"not an object", "flink-jobs", `[]`, 400, CodeParameter, "format of message is error"},
		{"two objects", "sql-jobs", `{"name":"a"}{}`, 400, CodeParameter, "unexpected data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			rec := h.do("POST", fp("/"+tc.route), tc.body)
			if tc.status == 200 {
				mustOK(t, rec, "create")
				return
			}
			body := expectError(t, rec, tc.status, tc.code)
			if msg := str(body["error_msg"]); !strings.Contains(msg, tc.msg) {
				t.Fatalf("message %q does not contain %q", msg, tc.msg)
			}
			if len(body) != 2 {
				t.Fatalf("error body %v: want exactly error_code and error_msg", body)
			}
			if len(h.s.FlinkJobs()) != 0 {
				t.Fatal("a refused create stored a job")
			}
		})
	}
}

// Create defaults, read back from the detail.
func TestFlinkCreateDefaults(t *testing.T) {
	h := newHarness(t, Options{Queues: []string{"first", "second"}})
	sql := h.flinkDetail(h.flinkCreate("sql-jobs", `{"name":"d"}`))
	jar := h.flinkDetail(h.flinkCreate("flink-jobs", `{"name":"j","queue_name":"second","cu_number":5,"parallel_number":8,"tm_cus":2}`))
	c := sql.JobConfig
	if sql.QueueName != "first" || sql.JobType != "flink_opensource_sql_job" || sql.RunMode != "shared_cluster" ||
		c.CUNumber != 2 || c.ManagerCUNumber != 1 || c.ParallelNumber != 1 || c.TMCUs != 1 || c.TMSlotNum != 1 ||
		c.CheckpointInterval != 10 || c.CheckpointMode != "exactly_once" || c.ResumeMaxNum != -1 || c.IdleStateRetention != 3600 ||
		*c.DirtyDataStrategy != "0" || c.ResourceConfigVersion != "v1" || *sql.FlinkVersion != "1.15" || sql.Feature != nil {
		t.Fatalf("SQL defaults %+v / %+v", sql, c)
	}
	c = jar.JobConfig
	if jar.QueueName != "second" || jar.JobType != "flink_jar_job" || jar.RunMode != "exclusive_cluster" || *jar.Feature != "basic" ||
		c.TMSlotNum != 4 || c.IdleStateRetention != 0 || c.DirtyDataStrategy != nil {
		t.Fatalf("Jar defaults %+v / %+v", jar, c)
	}
}

// Updates apply over the job's configuration, are validated whole, and
// refuse a queue that does not exist.
func TestFlinkUpdateValidation(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.flinkCreate("sql-jobs", flinkSQL("u", `,"cu_number":4,"parallel_number":8`))
	put := func(body string) string {
		rec := h.do("PUT", fp(fmt.Sprintf("/sql-jobs/%d", id)), body)
		if rec.Code == 200 {
			return ""
		}
		if rec.Code != 400 {
			t.Fatalf("PUT %s: %d %s", body, rec.Code, rec.Body.String())
		}
		return str(decodeAs[map[string]any](t, rec)["error_code"])
	}
	for _, tc := range []struct{ body, code string }{
		{`{"cu_number":2}`, CodeParameter},      // parallel_number 8 is now too high
		{`{"queue_name":"nope"}`, CodeNotExist}, // the queue must exist
		{`{"name":""}`, CodeParameter},
		{`{"checkpoint_enabled":true}`, CodeParameter},
		{`{"cu_number":2,"parallel_number":4}`, ""},
		{`{"queue_name":"q2","checkpoint_enabled":true,"obs_bucket":"b"}`, ""},
		{`{"queue_name":""}`, ""}, // keeps q2
	} {
		if got := put(tc.body); got != tc.code {
			t.Fatalf("PUT %s: %q, want %q", tc.body, got, tc.code)
		}
	}
	d := h.flinkDetail(id)
	if d.QueueName != "q2" || d.JobConfig.CUNumber != 2 || d.JobConfig.ParallelNumber != 4 || !d.JobConfig.CheckpointEnabled ||
		d.SQLBody == "" || d.Name != "u" {
		t.Fatalf("after updates %+v", d)
	}
}
