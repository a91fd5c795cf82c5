package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func strp(s string) *string { return &s }
func i64p(i int64) *int64   { return &i }

func sqlRequest(name string) *FlinkJobRequest {
	return &FlinkJobRequest{
		Kind: FlinkSQL, Name: strp(name), Queue: strp("flinkq"), SQLBody: strp("INSERT INTO sink SELECT * FROM src"),
		CUNumber: i64p(4), ParallelNumber: i64p(2), CheckpointEnabled: boolp(true), CheckpointMode: strp("at_least_once"),
		ObsBucket: strp("bucket"), RuntimeConfig: map[string]string{"table.exec.state.ttl": "1h", "password": "hunter2hunter2"},
		Tags: map[string]string{"team": "data"},
	}
}

func TestValidFlinkJobID(t *testing.T) {
	for id, want := range map[string]bool{
		"1": true, "148": true, "9223372036854775807": true,
		"": false, "0": false, "012": false, "-5": false, "+5": false, " 5": false, "5a": false,
		"9223372036854775808": false, "12345678901234567890": false, "1.0": false,
	} {
		if got := ValidFlinkJobID(id); got != want {
			t.Errorf("ValidFlinkJobID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestFlinkCreate_wireBodyAndRoutes(t *testing.T) {
	f, c := newFlinkTest(t)
	ctx := context.Background()

	job, err := c.CreateFlinkJob(ctx, sqlRequest("orders"))
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != FlinkInit || !ValidFlinkJobID(job.ID) || job.SubmissionID == "" {
		t.Fatalf("created job = %+v", job)
	}
	body := f.lastPost("/sql-jobs")
	if body["checkpoint_mode"] != float64(2) || body["cu_number"] != float64(4) || body["sql_body"] == nil {
		t.Errorf("SQL body = %v", body)
	}
	var rc []keyValue
	rcText, _ := body["runtime_config"].(string)
	if err := json.Unmarshal([]byte(rcText), &rc); err != nil {
		t.Fatalf("runtime_config is not a JSON array string: %v", body["runtime_config"])
	}
	want := []keyValue{{"password", "hunter2hunter2"}, {"table.exec.state.ttl", "1h"}, {FlinkSubmissionMarkerKey, job.SubmissionID}}
	if !reflect.DeepEqual(rc, want) {
		t.Errorf("runtime_config = %v, want %v", rc, want)
	}
	if tags, _ := body["tags"].([]interface{}); len(tags) != 1 {
		t.Errorf("tags = %v", body["tags"])
	}
	for _, k := range []string{"entrypoint", "main_class", "description", "smn_topic"} {
		if _, ok := body[k]; ok {
			t.Errorf("SQL body has %s", k)
		}
	}

	jar := &FlinkJobRequest{Kind: FlinkJar, Name: strp("jar"), Entrypoint: strp("obs://b/app.jar"), MainClass: strp("a.Main"),
		EntrypointArgs: []string{"--in", "x"}, DependencyJars: []string{}, SQLBody: strp("ignored")}
	if _, err := c.CreateFlinkJob(ctx, jar); err != nil {
		t.Fatal(err)
	}
	jb := f.lastPost("/flink-jobs")
	if jb["entrypoint_args"] != "--in x" || jb["sql_body"] != nil || jb["dependency_jars"] == nil {
		t.Errorf("Jar body = %v", jb)
	}

	got, err := c.GetFlinkJob(ctx, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Config.CheckpointMode != "at_least_once" || got.SubmissionID != job.SubmissionID ||
		got.Config.RuntimeConfig["password"] != "hunter2hunter2" || len(got.Config.RuntimeConfig) != 2 {
		t.Errorf("detail = %+v (config %+v)", got, got.Config)
	}
}

func TestFlinkCreate_isSuccessFalse(t *testing.T) {
	f := newFakeFlink(t)
	f.hook = func(_ *fakeFlink, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
		writeJSON(w, http.StatusOK, map[string]string{"is_success": "false", "message": "queue flinkq does not exist"})
		return true
	}
	c := newTestClient(t, f.srv.URL)
	_, err := c.CreateFlinkJob(context.Background(), sqlRequest("x"))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !strings.Contains(err.Error(), "queue flinkq does not exist") {
		t.Fatalf("err = %v", err)
	}
	if n := f.count("POST", "sql-jobs"); n != 1 {
		t.Errorf("%d creates, want 1", n)
	}
}

func TestFlinkCreate_ambiguousOutcome(t *testing.T) {
	cases := []struct {
		name        string
		answer      func(f *fakeFlink, w http.ResponseWriter, body []byte) // first create only
		listFails   bool
		wantCreates int
		wantJobs    int
		wantUnknown bool
	}{
		{name: "created then 502: adopted", wantCreates: 1, wantJobs: 1, answer: func(f *fakeFlink, w http.ResponseWriter, body []byte) {
			f.mu.Lock()
			f.create("sql-jobs", body)
			f.mu.Unlock()
			writeJSON(w, http.StatusBadGateway, map[string]string{"error_msg": "bad gateway"})
		}},
		{name: "created then connection dropped: adopted", wantCreates: 1, wantJobs: 1, answer: func(f *fakeFlink, w http.ResponseWriter, body []byte) {
			f.mu.Lock()
			f.create("sql-jobs", body)
			f.mu.Unlock()
			hijackClose(f.t, w)
		}},
		{name: "not created, 503: sent again once", wantCreates: 2, wantJobs: 1, answer: func(_ *fakeFlink, w http.ResponseWriter, _ []byte) {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error_msg": "busy"})
		}},
		{name: "lookup fails: outcome unknown, not sent again", wantCreates: 1, wantJobs: 1, listFails: true, wantUnknown: true,
			answer: func(f *fakeFlink, w http.ResponseWriter, body []byte) {
				f.mu.Lock()
				f.create("sql-jobs", body)
				f.mu.Unlock()
				writeJSON(w, http.StatusInternalServerError, map[string]string{"error_msg": "oops"})
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeFlink(t)
			// Another job of the same name, without the marker, must not be adopted.
			f.add(&fakeFlinkJob{Route: "sql-jobs", Body: map[string]interface{}{"name": "orders", "runtime_config": "[]"}})
			creates := 0
			f.hook = func(f *fakeFlink, w http.ResponseWriter, r *http.Request, body []byte, _ int) bool {
				switch {
				case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/sql-jobs"):
					if creates++; creates == 1 {
						tc.answer(f, w, body)
						return true
					}
				case tc.listFails && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/streaming/jobs"):
					writeJSON(w, http.StatusBadRequest, map[string]string{"error_code": "DLI.0001", "error_msg": "list refused"})
					return true
				}
				return false
			}
			c := newTestClient(t, f.srv.URL)
			job, err := c.CreateFlinkJob(context.Background(), sqlRequest("orders"))
			var unknown *OutcomeUnknownError
			if tc.wantUnknown != errors.As(err, &unknown) {
				t.Fatalf("err = %v, want outcome unknown: %v", err, tc.wantUnknown)
			}
			if !tc.wantUnknown && (err != nil || job == nil || job.ID == "101") {
				t.Fatalf("job = %+v, err = %v", job, err)
			}
			if got := f.count("POST", "sql-jobs"); got != tc.wantCreates {
				t.Errorf("%d creates, want %d (calls %v)", got, tc.wantCreates, f.calls())
			}
			f.mu.Lock()
			jobs := len(f.jobs) - 1
			f.mu.Unlock()
			if jobs != tc.wantJobs {
				t.Errorf("%d jobs created, want %d", jobs, tc.wantJobs)
			}
		})
	}
}

func TestFlinkCreate_lookupReadsJobsWithoutDetails(t *testing.T) {
	f := newFakeFlink(t)
	f.noDetailInList = true
	f.hook = func(f *fakeFlink, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
		if n == 0 {
			f.mu.Lock()
			f.create("sql-jobs", body)
			f.mu.Unlock()
			writeJSON(w, http.StatusGatewayTimeout, map[string]string{"error_msg": "timeout"})
			return true
		}
		return false
	}
	c := newTestClient(t, f.srv.URL)
	job, err := c.CreateFlinkJob(context.Background(), sqlRequest("orders"))
	if err != nil || job.ID != "101" {
		t.Fatalf("job = %+v, err = %v", job, err)
	}
	if f.count("GET", "jobs/101") == 0 {
		t.Errorf("the listed job without details was not read: %v", f.calls())
	}
}

func TestFlinkNotFoundIsDLI16001Only(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   bool
	}{
		{400, `{"error_code":"DLI.16001","error_msg":"The job does not exist."}`, true},
		{400, `{"error_code":"dli.16001","error_msg":"x"}`, true},
		{404, `{"error_code":"DLI.16001","error_msg":"x"}`, false},
		{404, `<html>not found</html>`, false},
		{400, `{"error_code":"DLI.0002","error_msg":"There is no job"}`, false},
		{400, `{"error_code":"DLI.0001","error_msg":"job 5 does not exist"}`, false},
	}
	for _, tc := range cases {
		f := newFakeFlink(t)
		f.hook = func(_ *fakeFlink, w http.ResponseWriter, _ *http.Request, _ []byte, _ int) bool {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
			return true
		}
		c := newTestClient(t, f.srv.URL, func(cfg *Config) { cfg.MaxRetries = 0 })
		_, err := c.GetFlinkJob(context.Background(), "5")
		if got := IsNotFound(err); got != tc.want || err == nil {
			t.Errorf("HTTP %d %s: IsNotFound = %v (err %v), want %v", tc.status, tc.body, got, err, tc.want)
		}
		if derr := c.DeleteFlinkJob(context.Background(), "5"); (derr == nil) != tc.want {
			t.Errorf("HTTP %d %s: delete err = %v", tc.status, tc.body, derr)
		}
	}
}

func TestFlinkInvalidIDSendsNothing(t *testing.T) {
	f, c := newFlinkTest(t)
	ctx := context.Background()
	for _, id := range []string{"", "abc", "../jobs", "0", "-1"} {
		_, gerr := c.GetFlinkJob(ctx, id)
		_, rerr := c.RunFlinkJob(ctx, id, false)
		for _, err := range []error{gerr, rerr, c.DeleteFlinkJob(ctx, id), c.UpdateFlinkJob(ctx, id, &FlinkJobRequest{})} {
			if !errors.Is(err, ErrInvalidFlinkJobID) || !errors.Is(err, ErrInvalidID) {
				t.Errorf("id %q: err = %v", id, err)
			}
		}
	}
	if n := len(f.calls()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestFlinkRunStopAndWait(t *testing.T) {
	f, c := newFlinkTest(t)
	ctx := context.Background()
	job, err := c.CreateFlinkJob(ctx, sqlRequest("orders"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RunFlinkJob(ctx, job.ID, false); err != nil {
		t.Fatal(err)
	}
	if b := f.lastPost("jobs/run"); b["resume_savepoint"] != false || !reflect.DeepEqual(b["job_ids"], []interface{}{float64(101)}) {
		t.Errorf("run body = %v", b)
	}
	running, err := c.WaitForFlinkJobRunning(ctx, job.ID)
	if err != nil || running.Status != FlinkRunning {
		t.Fatalf("wait running: %+v, %v", running, err)
	}
	// Running it again is refused in the answer's array; the job runs, so that is success.
	if st, err := c.RunFlinkJob(ctx, job.ID, false); err != nil || st != FlinkRunning {
		t.Errorf("second run: %v, %v", st, err)
	}
	stopped, err := c.StopFlinkJobAndWait(ctx, job.ID, true, FlinkRunning)
	if err != nil || stopped.Status != FlinkCancelSuccess || !strings.HasPrefix(stopped.SavepointPath, "obs://") {
		t.Fatalf("stop: %+v, %v", stopped, err)
	}
	if b := f.lastPost("jobs/stop"); b["trigger_savepoint"] != true {
		t.Errorf("stop body = %v", b)
	}
	// A stopped job costs one read and no stop.
	before := f.count("POST", "jobs/stop")
	if _, err := c.StopFlinkJobAndWait(ctx, job.ID, true, ""); err != nil || f.count("POST", "jobs/stop") != before {
		t.Errorf("stopping a stopped job: %v, %d stops", err, f.count("POST", "jobs/stop"))
	}
	if err := c.StopAndDeleteFlinkJob(ctx, job.ID, true, FlinkCancelSuccess); err != nil {
		t.Fatal(err)
	}
	if err := c.StopAndDeleteFlinkJob(ctx, job.ID, true, FlinkRunning); err != nil {
		t.Errorf("deleting a deleted job: %v", err)
	}
}

func TestFlinkRun_refusedWhileStoppedIsAnError(t *testing.T) {
	f := newFakeFlink(t)
	f.hook = func(_ *fakeFlink, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
		if strings.HasSuffix(r.URL.Path, "/jobs/run") {
			writeJSON(w, http.StatusOK, []map[string]string{{"is_success": "false", "message": "queue is busy"}})
			return true
		}
		return false
	}
	f.add(&fakeFlinkJob{Route: "sql-jobs"})
	c := newTestClient(t, f.srv.URL)
	st, err := c.RunFlinkJob(context.Background(), "101", false)
	if err == nil || !strings.Contains(err.Error(), "queue is busy") || st != FlinkInit {
		t.Errorf("run = %v, %v", st, err)
	}
	if n := f.count("POST", "jobs/run"); n != 1 {
		t.Errorf("%d runs after a refusal, want 1", n)
	}
}

func TestFlinkRun_ambiguousIsRetriedOnlyWhileStopped(t *testing.T) {
	for _, applied := range []bool{false, true} {
		f := newFakeFlink(t)
		runs := 0
		f.hook = func(f *fakeFlink, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
			if strings.HasSuffix(r.URL.Path, "/jobs/run") {
				if runs++; runs == 1 {
					if applied {
						f.mu.Lock()
						f.jobs[101].Status = "job_submitting"
						f.mu.Unlock()
					}
					writeJSON(w, http.StatusBadGateway, map[string]string{"error_msg": "bad gateway"})
					return true
				}
			}
			return false
		}
		f.add(&fakeFlinkJob{Route: "sql-jobs"})
		c := newTestClient(t, f.srv.URL)
		if _, err := c.RunFlinkJob(context.Background(), "101", true); err != nil {
			t.Fatalf("applied=%v: %v", applied, err)
		}
		want := 2
		if applied {
			want = 1
		}
		if runs != want {
			t.Errorf("applied=%v: %d runs, want %d", applied, runs, want)
		}
	}
}

func TestFlinkWaitRunning_failures(t *testing.T) {
	cases := []struct {
		next    []string
		desc    string
		want    FlinkJobStatus
		unknown bool
	}{
		{next: []string{"job_submitting", "job_submit_fail"}, desc: "queue has no resources", want: FlinkSubmitFail},
		{next: []string{"job_running", "job_running_exception"}, want: FlinkRunning},
		{next: []string{"job_submitting", "job_running_exception"}, desc: "NullPointerException", want: FlinkRunningException},
		{next: []string{"job_init", "job_finish"}, want: FlinkFinish},
		{next: []string{"job_submitting", "job_exploded"}, unknown: true},
	}
	for _, tc := range cases {
		f := newFakeFlink(t)
		f.add(&fakeFlinkJob{Route: "sql-jobs", Next: tc.next, Desc: tc.desc})
		c := newTestClient(t, f.srv.URL)
		job, err := c.WaitForFlinkJobRunning(context.Background(), "101")
		var failed *FlinkJobFailedError
		var unexpected *UnexpectedStateError
		switch {
		case tc.unknown:
			if !errors.As(err, &unexpected) {
				t.Errorf("%v: err = %v, want unexpected state", tc.next, err)
			}
		case tc.want.IsFailed():
			if !errors.As(err, &failed) || failed.Status != tc.want || !strings.Contains(err.Error(), tc.desc) {
				t.Errorf("%v: err = %v", tc.next, err)
			}
		default:
			if err != nil || job.Status != tc.want {
				t.Errorf("%v: %v, %v", tc.next, job, err)
			}
		}
	}
}

func TestFlinkWait_interruptedNamesLastStatus(t *testing.T) {
	f := newFakeFlink(t)
	f.add(&fakeFlinkJob{Route: "sql-jobs", Status: "job_submitting"})
	c := newTestClient(t, f.srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for f.count("GET", "jobs/101") < 2 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := c.WaitForFlinkJobRunning(ctx, "101")
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") || !strings.Contains(err.Error(), "job_submitting") {
		t.Errorf("err = %v", err)
	}
}

func TestFlinkList_pagesUntilEmptyAndFilters(t *testing.T) {
	f := newFakeFlink(t)
	for i := 0; i < 230; i++ {
		name := "other"
		if i%2 == 0 {
			name = "mine"
		}
		f.add(&fakeFlinkJob{Route: "sql-jobs", Body: map[string]interface{}{"name": name}})
	}
	c := newTestClient(t, f.srv.URL)
	all, err := c.ListFlinkJobs(context.Background(), FlinkListOptions{PageSize: 50})
	if err != nil || len(all) != 230 {
		t.Fatalf("%d jobs, %v", len(all), err)
	}
	if n := f.count("GET", " jobs"); n != 6 { // 5 pages and the empty one
		t.Errorf("%d list requests, want 6", n)
	}
	mine, err := c.ListFlinkJobs(context.Background(), FlinkListOptions{Name: "mine", Queue: "q", Status: "JOB_RUNNING",
		JobType: FlinkJobTypeJar, Tags: map[string]string{"b": "2", "a": "1"}})
	if err != nil || len(mine) != 0 {
		t.Fatalf("%d jobs, %v", len(mine), err)
	}
	f.mu.Lock()
	q := f.reqs[len(f.reqs)-1].Query
	f.mu.Unlock()
	for _, want := range []string{"name=mine", "queue_name=q", "status=job_running", "job_type=flink_jar_job", "tags=a%3D1%2Cb%3D2", "show_detail=true", "offset=0", "limit=100"} {
		if !strings.Contains(q, want) {
			t.Errorf("query %q lacks %s", q, want)
		}
	}
}
