package client

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestJobState(t *testing.T) {
	tests := []struct {
		in               string
		want             JobState
		terminal, active bool
	}{
		{"starting", StateStarting, false, true},
		{"Running", StateRunning, false, true},
		{" RECOVERING ", StateRecovering, false, true},
		{"Success", StateSuccess, true, false},
		{"dead", StateDead, true, false},
		{"killed", JobState("killed"), false, false},
		{"", JobState(""), false, false},
	}
	for _, tt := range tests {
		s := ParseJobState(tt.in)
		if s != tt.want || s.IsTerminal() != tt.terminal || s.IsActive() != tt.active || s.String() != string(tt.want) {
			t.Errorf("ParseJobState(%q) = %q terminal=%v active=%v", tt.in, s, s.IsTerminal(), s.IsActive())
		}
	}
}

func TestCreateRequestWireBody(t *testing.T) {
	req := &CreateBatchJobRequest{
		File: "obs://b/app.py", ClassName: "", Queue: "q", Name: "n",
		Args: []string{"a"}, Jars: []string{"j.jar"}, PyFiles: []string{"p.py"}, Files: []string{"f.txt"},
		Modules:   []string{"sys.datasource.rds"},
		Resources: []JobResource{{Name: "r.jar", Type: "jar"}},
		Groups:    []JobResourceGroup{{Name: "g", Resources: []JobResource{{Name: "x.jar", Type: "jar"}}}},
		Conf:      map[string]string{"spark.a": "1"},
		ScType:    "A", DriverMemory: "2G", ExecutorMemory: "4G",
		DriverCores: intp(1), ExecutorCores: intp(2), NumExecutors: intp(3), MaxRetryTimes: intp(20),
		AutoRecovery: boolp(true),
		ObsBucket:    "bkt", Feature: "basic", SparkVersion: "3.3.1", Image: "img", CatalogName: "dli", ExecutionAgencyURN: "agency",
	}
	b, err := req.wireBody("m-1")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]interface{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]interface{}{
		"file": "obs://b/app.py", "className": "", "queue": "q", "name": "n",
		"args": []interface{}{"a"}, "jars": []interface{}{"j.jar"}, "pyFiles": []interface{}{"p.py"},
		"files": []interface{}{"f.txt"}, "modules": []interface{}{"sys.datasource.rds"},
		"resources": []interface{}{map[string]interface{}{"name": "r.jar", "type": "jar"}},
		"groups": []interface{}{map[string]interface{}{"name": "g", "resources": []interface{}{
			map[string]interface{}{"name": "x.jar", "type": "jar"}}}},
		"conf":    map[string]interface{}{"spark.a": "1", SubmissionMarkerConfKey: "m-1"},
		"sc_type": "A", "driverMemory": "2G", "executorMemory": "4G",
		"driverCores": 1.0, "executorCores": 2.0, "numExecutors": 3.0, "max_retry_times": 20.0,
		"auto_recovery": true, "obs_bucket": "bkt", "feature": "basic", "spark_version": "3.3.1",
		"image": "img", "catalog_name": "dli", "execution_agency_urn": "agency",
	}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("wire body\n got %v\nwant %v", m, want)
	}
	if _, ok := req.Conf[SubmissionMarkerConfKey]; ok {
		t.Fatal("caller's conf modified")
	}
	// Minimal request: only file, className and the marker.
	b, _ = (&CreateBatchJobRequest{File: "f"}).wireBody("m")
	if string(b) != `{"file":"f","className":"","conf":{"`+SubmissionMarkerConfKey+`":"m"}}` {
		t.Fatalf("minimal body %s", b)
	}
	b, _ = (&CreateBatchJobRequest{File: "f"}).wireBody("")
	if string(b) != `{"file":"f","className":""}` {
		t.Fatalf("body without marker %s", b)
	}
}

func TestBatchJobDecoding(t *testing.T) {
	tests := []struct {
		name  string
		json  string
		check func(t *testing.T, j BatchJob)
	}{
		{
			name: "documented create answer",
			json: `{"id":"07a3e4e6-9a28-4e92-8d3f-9c538621a166","appId":"","name":"","owner":"test1","proxyUser":"","state":"starting","kind":"","log":[],"sc_type":"CUSTOMIZED","cluster_name":"aaa","queue":"aaa","create_time":1607589874156,"update_time":1607589874156}`,
			check: func(t *testing.T, j BatchJob) {
				if j.ID != "07a3e4e6-9a28-4e92-8d3f-9c538621a166" || j.State != StateStarting || j.Owner != "test1" ||
					j.ScType != "CUSTOMIZED" || j.Queue != "aaa" || j.ClusterName != "aaa" || j.Log != nil || j.Request != nil {
					t.Fatalf("%+v", j)
				}
				if !j.CreatedAt.Equal(time.UnixMilli(1607589874156)) || j.CreatedAt.Location() != time.UTC || !j.UpdatedAt.Equal(j.CreatedAt) {
					t.Fatalf("times %v %v", j.CreatedAt, j.UpdatedAt)
				}
			},
		},
		{
			name: "golangsdk fixture: no log, no appId, queue only in cluster_name",
			json: `{"cluster_name":"driver_behavior","create_time":1634285547245,"id":"6145a791-81a4-4edb-b2d2-ea599caf6550","name":"terraform_spark_job","owner":"terraform","sc_type":"CUSTOMIZED","state":"starting","update_time":1634285547245}`,
			check: func(t *testing.T, j BatchJob) {
				if j.Queue != "driver_behavior" || j.AppID != "" || j.Log != nil {
					t.Fatalf("%+v", j)
				}
			},
		},
		{
			name: "appId null, state capitalised, log lines",
			json: `{"id":"x","state":"Success","appId":null,"log":["stdout: ","stderr: "],"duration":2500}`,
			check: func(t *testing.T, j BatchJob) {
				if j.State != StateSuccess || j.AppID != "" || len(j.Log) != 2 || j.Duration != 2500*time.Millisecond || !j.CreatedAt.IsZero() {
					t.Fatalf("%+v", j)
				}
			},
		},
		{
			name: "appId array with one element",
			json: `{"id":"x","appId":["application_1"]}`,
			check: func(t *testing.T, j BatchJob) {
				if j.AppID != "application_1" {
					t.Fatalf("%q", j.AppID)
				}
			},
		},
		{
			name: "appId array with several elements",
			json: `{"id":"x","appId":["a1","","a2"]}`,
			check: func(t *testing.T, j BatchJob) {
				if j.AppID != "a1,a2" {
					t.Fatalf("%q", j.AppID)
				}
			},
		},
		{
			name: "appId number, times as strings, log as a single string",
			json: `{"id":"x","appId":12,"create_time":"1607589874156","update_time":1.607589874156e12,"log":"one line"}`,
			check: func(t *testing.T, j BatchJob) {
				if j.AppID != "12" || j.CreatedAt.UnixMilli() != 1607589874156 || j.UpdatedAt.UnixMilli() != 1607589874156 ||
					!reflect.DeepEqual(j.Log, []string{"one line"}) {
					t.Fatalf("%+v", j)
				}
			},
		},
		{
			name: "garbage times are zero",
			json: `{"id":"x","create_time":"soon","update_time":{"a":1},"log":null,"appId":{"k":"v"}}`,
			check: func(t *testing.T, j BatchJob) {
				if !j.CreatedAt.IsZero() || !j.UpdatedAt.IsZero() || j.Log != nil || j.AppID != `{"k":"v"}` {
					t.Fatalf("%+v", j)
				}
			},
		},
		{
			name: "documented req_body echo (camelCase, server defaults)",
			json: `{"id":"x","req_body":"{\"jars\":[],\"pyFiles\":[],\"files\":[],\"modelFiles\":[],\"resources\":[],\"modules\":[],\"groups\":[],\"archives\":[],\"queue\":\"gen0218\",\"name\":\"\",\"conf\":{},\"execution_agency_urn\":\"agency\",\"file\":\"obs://dli-wzy/package/job/spark/longrunning.py\",\"args\":[],\"className\":\"\",\"autoRecovery\":false,\"minRecoveryDelayTime\":10000,\"maxRetryTimes\":20,\"obs_bucket\":\"rain3\",\"image\":\"img:1\",\"feature\":\"custom\",\"spark_version\":\"3.3.1\"}"}`,
			check: func(t *testing.T, j BatchJob) {
				want := &CreateBatchJobRequest{
					File: "obs://dli-wzy/package/job/spark/longrunning.py", Queue: "gen0218",
					ExecutionAgencyURN: "agency", AutoRecovery: boolp(false), MaxRetryTimes: intp(20),
					ObsBucket: "rain3", Image: "img:1", Feature: "custom", SparkVersion: "3.3.1",
				}
				if !reflect.DeepEqual(j.Request, want) {
					t.Fatalf("Request\n got %+v\nwant %+v", j.Request, want)
				}
			},
		},
		{
			name: "legacy snake_case req_body, camelCase wins when both",
			json: `{"id":"x","req_body":"{\"file\":\"f\",\"class_name\":\"Old\",\"className\":\"New\",\"cluster_name\":\"q\",\"python_files\":[\"p.py\"],\"driver_memory\":\"1G\",\"driverMemory\":\"2G\",\"driver_cores\":1,\"executor_memory\":\"3G\",\"executor_cores\":\"4\",\"num_executors\":5,\"auto_recovery\":\"true\",\"max_retry_times\":7,\"resources\":[{\"name\":\"r\",\"type\":\"jar\"}],\"groups\":[{\"name\":\"g\",\"resources\":[]}],\"conf\":{\"a\":1,\"b\":true,\"c\":\"s\",\"d\":null,\"e\":{\"x\":1},\"` + SubmissionMarkerConfKey + `\":\"mk\"}}"}`,
			check: func(t *testing.T, j BatchJob) {
				want := &CreateBatchJobRequest{
					File: "f", ClassName: "New", Queue: "q", PyFiles: []string{"p.py"},
					DriverMemory: "2G", DriverCores: intp(1), ExecutorMemory: "3G", ExecutorCores: intp(4), NumExecutors: intp(5),
					AutoRecovery: boolp(true), MaxRetryTimes: intp(7),
					Resources: []JobResource{{Name: "r", Type: "jar"}},
					Groups:    []JobResourceGroup{{Name: "g"}},
					Conf:      map[string]string{"a": "1", "b": "true", "c": "s", "d": "", "e": `{"x":1}`},
				}
				if !reflect.DeepEqual(j.Request, want) {
					t.Fatalf("Request\n got %+v\nwant %+v", j.Request, want)
				}
				if j.SubmissionID != "mk" {
					t.Fatalf("SubmissionID %q", j.SubmissionID)
				}
			},
		},
		{
			name: "req_body as an object; marker-only conf becomes nil",
			json: `{"id":"x","req_body":{"file":"f","conf":{"` + SubmissionMarkerConfKey + `":"mk"}}}`,
			check: func(t *testing.T, j BatchJob) {
				if j.Request == nil || j.Request.File != "f" || j.Request.Conf != nil || j.SubmissionID != "mk" {
					t.Fatalf("%+v %+v", j, j.Request)
				}
			},
		},
		{
			name: "unparseable req_body",
			json: `{"id":"x","req_body":"{not json"}`,
			check: func(t *testing.T, j BatchJob) {
				if j.Request != nil || j.SubmissionID != "" {
					t.Fatalf("%+v", j)
				}
			},
		},
		{
			name: "empty req_body string",
			json: `{"id":"x","req_body":"  "}`,
			check: func(t *testing.T, j BatchJob) {
				if j.Request != nil {
					t.Fatalf("%+v", j)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var j BatchJob
			if err := json.Unmarshal([]byte(tt.json), &j); err != nil {
				t.Fatal(err)
			}
			tt.check(t, j)
		})
	}
	var j BatchJob
	if err := json.Unmarshal([]byte(`[1]`), &j); err == nil {
		t.Fatal("an array decoded as a job")
	}
}
