package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// The answers as a client modelled on Huawei's Go SDK decodes them: every
// is_success with a `,string` tag (which refuses a JSON boolean), integer
// IDs and millisecond times in int64, run/stop as top-level arrays. Sent
// over a real connection through the gateway.
func TestFlinkAnswersDecodeWithStringTaggedClient(t *testing.T) {
	type sdkCommon struct {
		IsSuccess bool   `json:"is_success,string"`
		Message   string `json:"message"`
	}
	type sdkCreate struct {
		IsSuccess bool `json:"is_success,string"`
		Job       struct {
			JobID      int64  `json:"job_id"`
			StatusName string `json:"status_name"`
			StatusDesc string `json:"status_desc"`
		} `json:"job"`
	}
	type sdkUpdate struct {
		IsSuccess bool `json:"is_success,string"`
		Job       struct {
			UpdateTime int64 `json:"update_time"`
		} `json:"job"`
	}
	type sdkConf struct {
		CheckpointEnabled bool     `json:"checkpoint_enabled"`
		CheckpointMode    string   `json:"checkpoint_mode"`
		ObsBucket         string   `json:"obs_bucket"`
		RootID            int      `json:"root_id"`
		EdgeGroupIDs      []string `json:"edge_group_ids"`
		CUNumber          int      `json:"cu_number"`
		TMSlotNum         int      `json:"tm_slot_num"`
		DependencyJars    []string `json:"dependency_jars"`
		RuntimeConfig     string   `json:"runtime_config"`
		ResourceConfig    struct {
			MaxSlot    int `json:"max_slot"`
			JobManager struct {
				CPU    float64 `json:"cpu"`
				Memory string  `json:"memory"`
			} `json:"jobmanager_resource_spec"`
		} `json:"resource_config"`
	}
	type sdkJob struct {
		JobID         int64   `json:"job_id"`
		Name          string  `json:"name"`
		JobType       string  `json:"job_type"`
		Status        string  `json:"status"`
		StatusDesc    string  `json:"status_desc"`
		CreateTime    int64   `json:"create_time"`
		StartTime     int64   `json:"start_time"`
		UpdateTime    int64   `json:"update_time"`
		SavepointPath string  `json:"savepoint_path"`
		MainClass     string  `json:"main_class"`
		JobConfig     sdkConf `json:"job_config"`
		Feature       string  `json:"feature"`
		Username      string  `json:"username"`
	}
	type sdkDetail struct {
		IsSuccess bool   `json:"is_success,string"`
		JobDetail sdkJob `json:"job_detail"`
	}
	type sdkList struct {
		IsSuccess bool `json:"is_success,string"`
		JobList   struct {
			TotalCount int      `json:"total_count"`
			Jobs       []sdkJob `json:"jobs"`
		} `json:"job_list"`
	}

	h := newHarness(t, Options{})
	ts := httptest.NewServer(h.s)
	defer ts.Close()
	send := func(method, path, body string, into any) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("X-Auth-Token", DefaultToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	var cr sdkCreate
	send("POST", fp("/sql-jobs"), flinkSQL("sdk", `,"checkpoint_enabled":true,"checkpoint_mode":2,"obs_bucket":"b","tags":null,`+
		`"runtime_config":`+runtimeConfig("k", "v")+`,"resource_config_version":"v2","resource_config":{"max_slot":2}`), &cr)
	if !cr.IsSuccess || cr.Job.JobID < flinkFirstID || cr.Job.StatusName != FlinkInit {
		t.Fatalf("create %+v", cr)
	}
	var jar sdkCreate
	send("POST", fp("/flink-jobs"), flinkJar("sdk-jar", `,"dependency_jars":["obs://b/dep.jar"]`), &jar)
	var up sdkUpdate
	h.clock.Advance(time.Second)
	send("PUT", fp(fmt.Sprintf("/sql-jobs/%d", cr.Job.JobID)), `{"desc":"updated"}`, &up)
	if !up.IsSuccess || up.Job.UpdateTime != t0.Add(time.Second).UnixMilli() {
		t.Fatalf("update %+v", up)
	}
	var run, stop []sdkCommon
	send("POST", fp("/jobs/run"), fmt.Sprintf(`{"job_ids":[%d],"resume_savepoint":false}`, cr.Job.JobID), &run)
	h.clock.Advance(time.Second)
	send("POST", fp("/jobs/stop"), fmt.Sprintf(`{"job_ids":[%d],"trigger_savepoint":true}`, cr.Job.JobID), &stop)
	if len(run) != 1 || !run[0].IsSuccess || len(stop) != 1 || !stop[0].IsSuccess || run[0].Message == "" {
		t.Fatalf("run %+v stop %+v", run, stop)
	}
	h.clock.Advance(time.Second)
	var d sdkDetail
	send("GET", fp(fmt.Sprintf("/jobs/%d", cr.Job.JobID)), "", &d)
	j := d.JobDetail
	if !d.IsSuccess || j.Status != FlinkCancelSuccess || j.JobType != "flink_opensource_sql_job" || j.StartTime != t0.Add(time.Second).UnixMilli() ||
		j.JobConfig.CheckpointMode != "at_least_once" || j.JobConfig.RootID != -1 || j.SavepointPath == "" ||
		j.JobConfig.RuntimeConfig != `[{"key":"k","value":"v"}]` || j.JobConfig.ResourceConfig.MaxSlot != 2 ||
		j.JobConfig.ResourceConfig.JobManager.Memory != "4GB" || j.CreateTime != t0.UnixMilli() {
		t.Fatalf("detail %+v", d)
	}
	var jd sdkDetail
	send("GET", fp(fmt.Sprintf("/jobs/%d", jar.Job.JobID)), "", &jd)
	if jd.JobDetail.MainClass != "org.example.Main" || jd.JobDetail.Feature != "basic" || jd.JobDetail.JobType != "flink_jar_job" ||
		!slices.Equal(jd.JobDetail.JobConfig.DependencyJars, []string{"obs://b/dep.jar"}) || jd.JobDetail.StartTime != 0 {
		t.Fatalf("jar detail %+v", jd)
	}
	for _, q := range []string{"", "?show_detail=true"} {
		var l sdkList
		send("GET", fp("/jobs"+q), "", &l)
		if !l.IsSuccess || l.JobList.TotalCount != 2 || len(l.JobList.Jobs) != 2 || l.JobList.Jobs[0].JobID != jar.Job.JobID ||
			l.JobList.Jobs[0].Username != OwnerForToken(DefaultToken) {
			t.Fatalf("list%s %+v", q, l)
		}
	}
	var del sdkCommon
	send("DELETE", fp(fmt.Sprintf("/jobs/%d", jar.Job.JobID)), "", &del)
	if !del.IsSuccess {
		t.Fatalf("delete %+v", del)
	}
	// The same client refuses a boolean is_success: the string is what it needs.
	var probe sdkCommon
	if err := json.Unmarshal([]byte(`{"is_success":true}`), &probe); err == nil {
		t.Fatal("a ,string-tagged client accepted a boolean is_success")
	}
}

// The exact create answer and the keys of the detail and list answers.
func TestFlinkAnswerShapes(t *testing.T) {
	h := newHarness(t, Options{})
	rec := h.do("POST", fp("/sql-jobs"), flinkSQL("shape", ""))
	want := fmt.Sprintf(`{"is_success":"true","message":"A DLI job is created successfully.","job":{"job_id":%d,"status_name":"job_init","status_desc":""}}`, flinkFirstID)
	if rec.Code != 200 || rec.Body.String() != want {
		t.Fatalf("create: %d %s\nwant %s", rec.Code, rec.Body.String(), want)
	}
	detail := decodeAs[map[string]any](t, h.do("GET", fp(fmt.Sprintf("/jobs/%d", flinkFirstID)), ""))
	jd, _ := detail["job_detail"].(map[string]any)
	wantKeys := []string{"create_time", "desc", "duration", "edge_group_ids", "entrypoint_args", "execution_graph", "feature",
		"flink_version", "graph_editor_enabled", "has_savepoint", "image", "job_config", "job_id", "job_type", "main_class", "name",
		"project_id", "queue_name", "restart_times", "root_id", "run_mode", "savepoint_path", "sql_body", "start_time", "status",
		"status_desc", "update_time", "user_id", "user_name"}
	if got := keysOf(jd); !slices.Equal(got, wantKeys) {
		t.Fatalf("detail keys %v\nwant %v", got, wantKeys)
	}
	if jd["start_time"] != nil || jd["savepoint_path"] != nil || jd["project_id"] != DefaultProjectID || !hex32.MatchString(str(jd["user_id"])) {
		t.Fatalf("detail %v", jd)
	}
	conf, _ := jd["job_config"].(map[string]any)
	if conf["checkpoint_mode"] != "exactly_once" || conf["idle_state_retention"] != float64(3600) || conf["tm_slot_num"] != float64(1) ||
		conf["obs_bucket"] != nil || conf["resource_config"] != nil || conf["dirty_data_strategy"] != "0" {
		t.Fatalf("job_config %v", conf)
	}
	list := decodeAs[map[string]any](t, h.do("GET", fp("/jobs"), ""))
	jl, _ := list["job_list"].(map[string]any)
	jobs, _ := jl["jobs"].([]any)
	if len(jobs) != 1 {
		t.Fatalf("list %v", list)
	}
	first, _ := jobs[0].(map[string]any)
	wantList := []string{"create_time", "desc", "duration", "graph_editor_enabled", "has_savepoint", "job_id", "job_type", "name",
		"queue_name", "root_id", "start_time", "status", "status_desc", "update_time", "user_name", "username"}
	if got := keysOf(first); !slices.Equal(got, wantList) {
		t.Fatalf("list keys %v\nwant %v", got, wantList)
	}
}

// Unknown jobs are 400 DLI.16001 on every route that names one; IDs that
// are not positive integers are 400 DLI.0001.
func TestFlinkUnknownAndInvalidIDs(t *testing.T) {
	h := newHarness(t, Options{})
	jar := h.flinkCreate("flink-jobs", flinkJar("j", ""))
	sql := h.flinkCreate("sql-jobs", flinkSQL("s", ""))
	cases := []struct {
		method, path, body, code string
	}{
		{"GET", "/jobs/4242", "", CodeFlinkNotExist},
		{"DELETE", "/jobs/4242", "", CodeFlinkNotExist},
		{"PUT", "/sql-jobs/4242", `{"desc":"x"}`, CodeFlinkNotExist},
		{"PUT", "/flink-jobs/4242", `{"desc":"x"}`, CodeFlinkNotExist},
		{"POST", "/jobs/run", `{"job_ids":[4242]}`, CodeFlinkNotExist},
		{"POST", "/jobs/stop", `{"job_ids":[4242]}`, CodeFlinkNotExist},
		{"POST", "/jobs/delete", `{"job_ids":[4242]}`, CodeFlinkNotExist},
		{"GET", "/jobs/abc", "", CodeParameter},
		{"GET", "/jobs/0", "", CodeParameter},
		{"DELETE", "/jobs/-3", "", CodeParameter},
		{"GET", "/jobs/99999999999999999999", "", CodeParameter},
		{"PUT", "/sql-jobs/x1", `{}`, CodeParameter},
		{"PUT", fmt.Sprintf("/sql-jobs/%d", jar), `{"desc":"x"}`, CodeParameter},
		{"PUT", fmt.Sprintf("/flink-jobs/%d", sql), `{"desc":"x"}`, CodeParameter},
		{"POST", "/jobs/run", `{"job_ids":["100"]}`, CodeParameter},
		{"POST", "/jobs/run", `{"job_ids":[1.5]}`, CodeParameter},
		{"POST", "/jobs/run", `{"job_ids":[]}`, CodeParameter},
		{"POST", "/jobs/run", `{}`, CodeParameter},
		{"POST", "/jobs/stop", `{"job_ids":[100],"trigger_savepoint":"yes"}`, CodeParameter},
		{"POST", "/jobs/delete", `[100]`, CodeParameter},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path+" "+tc.body, func(t *testing.T) {
			expectError(t, h.do(tc.method, fp(tc.path), tc.body), 400, tc.code)
		})
	}
	if len(h.s.FlinkJobs()) != 2 {
		t.Fatal("a refused request changed the store")
	}
}

// Every Flink route sits behind the gateway: authentication, the request
// log and the injected faults apply.
func TestFlinkRoutesGoThroughTheGateway(t *testing.T) {
	h := newHarness(t, Options{})
	expectError(t, h.raw("GET", fp("/jobs"), "", nil), 401, CodeAuth)
	expectError(t, h.do("GET", "/v1.0/other-project/streaming/jobs", ""), 401, CodeAuth)
	expectError(t, h.do("PATCH", fp("/jobs/100"), ""), 404, CodeAPINotFound)
	id := h.flinkCreate("sql-jobs", flinkSQL("gw", ""))
	h.s.SetFaults(0, 0, 1)
	rec := h.flinkBatch("run", fmt.Sprintf(`{"job_ids":[%d]}`, id))
	h.s.SetFaults(0, 0, 0)
	if rec.Code != http.StatusBadGateway {
		t.Fatalf("after-commit fault on run: %d %s", rec.Code, rec.Body.String())
	}
	if got := h.flinkStatus(id); got != FlinkSubmitting {
		t.Fatalf("the run was not committed: %s", got)
	}
	var got []string
	for _, r := range h.s.Requests() {
		got = append(got, fmt.Sprintf("%s %s %d %s", r.Method, strings.TrimPrefix(r.Path, "/v1.0/"+DefaultProjectID), r.Status, r.ErrorCode))
	}
	want := []string{
		"GET /streaming/jobs 401 APIGW.0301", "GET /v1.0/other-project/streaming/jobs 401 APIGW.0301",
		"PATCH /streaming/jobs/100 404 APIGW.0101", "POST /streaming/sql-jobs 200 ",
		"POST /streaming/jobs/run 502 APIG.0202", "GET /streaming/jobs/100 200 ",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("request log\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Error messages never quote the SQL body or runtime_config values.
func TestFlinkErrorsKeepSecretsOut(t *testing.T) {
	var log bytes.Buffer
	h := newHarness(t, Options{AccessLog: &log})
	const secret = "hunter2-SECRET"
	for _, body := range []string{
		`{"name":"a","sql_body":"INSERT ... password='` + secret + `'","parallel_number":99}`,
		`{"name":"a","runtime_config":"password=` + secret + `\nnot a pair"}`,
		`{"name":"a","runtime_config":"[{\"key\":\"password\",\"value\":{\"x\":\"` + secret + `\"}}]"}`,
		`{"name":"a","sql_body":"` + secret + `","cu_number":"2"}`,
	} {
		rec := h.do("POST", fp("/sql-jobs"), body)
		expectError(t, rec, 400, CodeParameter)
		if strings.Contains(rec.Body.String(), secret) {
			t.Fatalf("secret in %s", rec.Body.String())
		}
	}
	if strings.Contains(log.String(), secret) || !strings.Contains(log.String(), "POST "+fp("/sql-jobs")+" 400") {
		t.Fatalf("access log %s", log.String())
	}
}
