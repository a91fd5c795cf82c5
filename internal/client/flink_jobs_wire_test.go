package client

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestFlinkJob_tolerantDecoding(t *testing.T) {
	raw := `{"job_id":"148","name":"n","status":"JOB_RUNNING","create_time":"1711647009620","start_time":null,
	"entrypoint_args":"a  b","has_savepoint":"true","restart_times":3,"feature":null,
	"job_config":{"checkpoint_mode":"exactly_once","cu_number":"4","checkpoint_enabled":"true","dependency_jars":null,
	"runtime_config":"[{\"key\":\"k\",\"value\":\"v\"},{\"key\":\"terraform.submission.id\",\"value\":\"m\"}]","flink_version":"1.15"}}`
	var j FlinkJob
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		t.Fatal(err)
	}
	if j.ID != "148" || j.Status != FlinkRunning || j.CreatedAt.UnixMilli() != 1711647009620 || !j.StartedAt.IsZero() ||
		!reflect.DeepEqual(j.EntrypointArgs, []string{"a", "b"}) || !j.HasSavepoint || j.RestartTimes != 3 ||
		*j.Config.CUNumber != 4 || !*j.Config.CheckpointEnabled || j.SubmissionID != "m" || j.FlinkVersion != "1.15" ||
		!reflect.DeepEqual(j.Config.RuntimeConfig, map[string]string{"k": "v"}) || j.Config.DependencyJars != nil {
		t.Errorf("decoded %+v, config %+v", j, j.Config)
	}
	for in, want := range map[string]map[string]string{
		`{"a":"1"}`: {"a": "1"}, `"{\"a\":1}"`: {"a": "1"}, `""`: {}, `null`: nil, `"garbage"`: nil, `[{"key":"a","value":2}]`: {"a": "2"},
	} {
		if got := decodeKeyValues(json.RawMessage(in)); !reflect.DeepEqual(got, want) {
			t.Errorf("decodeKeyValues(%s) = %v, want %v", in, got, want)
		}
	}
}

func TestFlinkRedaction_masksSQLAndRuntimeConfig(t *testing.T) {
	c := newTestClient(t, "https://dli.example.com")
	body, err := sqlRequest("orders").wireBody("marker")
	if err != nil {
		t.Fatal(err)
	}
	out := c.redactBody(context.Background(), body, flinkRedaction)
	for _, secret := range []string{"INSERT INTO", "hunter2hunter2", "table.exec.state.ttl", "1h\""} {
		if strings.Contains(out, secret) {
			t.Errorf("logged body shows %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, `"name":"orders"`) || !strings.Contains(out, `"queue_name":"flinkq"`) {
		t.Errorf("logged body hides names: %s", out)
	}
}

func TestFlinkResourceConfig_wireAndBack(t *testing.T) {
	req := &FlinkJobRequest{Kind: FlinkSQL, Name: strp("n"), ResourceConfig: &FlinkResourceConfig{MaxSlot: 2, ParallelNumber: 4,
		JobManagerCPU: 0.5, JobManagerMemory: "2G", TaskManagerCPU: 2, TaskManagerMemory: "8192M"}}
	body, err := req.wireBody("")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	_ = json.Unmarshal(body, &m)
	if string(m["resource_config_version"]) != `"v2"` ||
		string(m["resource_config"]) != `{"max_slot":2,"parallel_number":4,"jobmanager_resource_spec":{"cpu":0.5,"memory":"2G"},"taskmanager_resource_spec":{"cpu":2,"memory":"8192M"}}` {
		t.Errorf("body = %s", body)
	}
	if body, _ := (&FlinkJobRequest{Name: strp("n")}).wireBody(""); strings.Contains(string(body), "resource_config") {
		t.Errorf("v1 body mentions resource_config: %s", body)
	}
	var j FlinkJob
	raw := `{"job_id":1,"job_config":{"resource_config_version":"v2","resource_config":{"max_slot":"2","parallel_number":4,` +
		`"jobmanager_resource_spec":{"cpu":"0.5","memory":"2G"},"taskmanager_resource_spec":{"cpu":2,"memory":"8192M"}}}}`
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		t.Fatal(err)
	}
	if j.Config.ResourceConfigVersion != "v2" || !reflect.DeepEqual(j.Config.ResourceConfig, req.ResourceConfig) {
		t.Errorf("decoded %+v", j.Config.ResourceConfig)
	}
}

func TestFlinkJobTags_v3(t *testing.T) {
	f := newFakeFlink(t)
	f.hook = func(_ *fakeFlink, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
		switch r.URL.Path {
		case "/v3/" + testProject + "/dli_flink_job/101/tags":
			writeJSON(w, http.StatusOK, map[string]interface{}{"tags": []map[string]string{{"key": "team", "value": "data"}}, "count": 1})
		case "/v3/" + testProject + "/dli_flink_job/102/tags":
			writeJSON(w, http.StatusOK, map[string]interface{}{"tags": []map[string]string{}, "count": 0})
		default:
			writeJSON(w, http.StatusBadRequest, flinkGone())
		}
		return true
	}
	c := newTestClient(t, f.srv.URL)
	ctx := context.Background()
	if tags, err := c.GetFlinkJobTags(ctx, "101"); err != nil || !reflect.DeepEqual(tags, map[string]string{"team": "data"}) {
		t.Errorf("tags = %v, %v", tags, err)
	}
	if tags, err := c.GetFlinkJobTags(ctx, "102"); err != nil || tags == nil || len(tags) != 0 {
		t.Errorf("no tags = %#v, %v", tags, err)
	}
	if _, err := c.GetFlinkJobTags(ctx, "103"); !IsNotFound(err) {
		t.Errorf("unknown job: %v", err)
	}
}
