package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
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

func TestCreateSendsBodyAndDecodesAnswer(t *testing.T) {
	f := newFakeDLI(t)
	c := newTestClient(t, f.URL())
	job, err := c.CreateBatchJob(context.Background(), createReq())
	if err != nil {
		t.Fatal(err)
	}
	if job.State != StateStarting || job.Queue != "q1" || job.Name != "demo" || job.AppID != "" || job.CreatedAt.IsZero() {
		t.Fatalf("job %+v", job)
	}
	// Reading it back strips the marker.
	got, err := c.GetBatchJob(context.Background(), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SubmissionID != job.SubmissionID || got.SubmissionID == "" {
		t.Fatalf("SubmissionID %q vs %q", got.SubmissionID, job.SubmissionID)
	}
	wantReq := createReq()
	if !reflect.DeepEqual(got.Request, wantReq) {
		t.Fatalf("Request\n got %+v\nwant %+v", got.Request, wantReq)
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

func TestListBatchJobsPagination(t *testing.T) {
	tests := []struct {
		name      string
		jobs      int
		opts      ListOptions
		omitTotal bool
		ignore    bool
		wantJobs  int
		wantCalls int
	}{
		{name: "250 jobs in pages of 100", jobs: 250, wantJobs: 250, wantCalls: 3},
		{name: "200 jobs, total stops", jobs: 200, wantJobs: 200, wantCalls: 2},
		{name: "200 jobs without total: empty page stops", jobs: 200, omitTotal: true, wantJobs: 200, wantCalls: 3},
		{name: "250 jobs without total: short page stops", jobs: 250, omitTotal: true, wantJobs: 250, wantCalls: 3},
		{name: "page size 30", jobs: 250, opts: ListOptions{PageSize: 30}, wantJobs: 250, wantCalls: 9},
		{name: "limit 120", jobs: 250, opts: ListOptions{Limit: 120}, wantJobs: 120, wantCalls: 2},
		{name: "no jobs", jobs: 0, wantJobs: 0, wantCalls: 1},
		{name: "server ignoring from", jobs: 250, ignore: true, wantJobs: 100, wantCalls: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeDLI(t)
			f.omitTotal = tt.omitTotal
			f.ignoreFrom = tt.ignore
			for i := 0; i < tt.jobs; i++ {
				f.addJob(&fakeJob{Queue: "q", Name: fmt.Sprintf("job-%03d", i)})
			}
			c := newTestClient(t, f.URL())
			jobs, err := c.ListBatchJobs(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(jobs) != tt.wantJobs {
				t.Fatalf("%d jobs, want %d", len(jobs), tt.wantJobs)
			}
			seen := map[string]bool{}
			for _, j := range jobs {
				if seen[j.ID] {
					t.Fatalf("duplicate %s", j.ID)
				}
				seen[j.ID] = true
			}
			reqs := f.requests()
			if len(reqs) != tt.wantCalls {
				t.Fatalf("%d requests, want %d", len(reqs), tt.wantCalls)
			}
			size := tt.opts.PageSize
			if size == 0 {
				size = DefaultPageSize
			}
			for i, r := range reqs {
				q, _ := url.ParseQuery(r.Query)
				wantFrom := i * size
				if tt.ignore {
					wantFrom = i * 100
				}
				if q.Get("from") != fmt.Sprint(wantFrom) || q.Get("size") != fmt.Sprint(size) {
					t.Fatalf("request %d query %q", i, r.Query)
				}
			}
		})
	}
}

func TestListBatchJobsQuery(t *testing.T) {
	rt := &captureRT{}
	c := newTestClient(t, "https://"+dliHost, func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} })
	after := time.UnixMilli(1700000000000)
	before := time.UnixMilli(1700000999000)
	_, err := c.ListBatchJobs(context.Background(), ListOptions{
		Queue: "q 1", JobName: "n&x", JobID: someID, State: "RUNNING", Owner: "me", Order: "CREATE_TIME_ASC",
		CreatedAfter: after, CreatedBefore: before, PageSize: 7,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "end=1700000999000&from=0&job-id=" + someID + "&job_name=n%26x&order=CREATE_TIME_ASC&owner=me&queue_name=q%201&size=7&start=1700000000000&state=running"
	if got := rt.reqs[0].URL.RawQuery; got != want {
		t.Fatalf("query\n got %s\nwant %s", got, want)
	}
	if rt.reqs[0].Method != http.MethodGet || rt.reqs[0].URL.Path != "/v2.0/"+testProject+"/batches" {
		t.Fatalf("request %s %s", rt.reqs[0].Method, rt.reqs[0].URL.Path)
	}
}

func TestListBatchJobsErrors(t *testing.T) {
	f := newFakeDLI(t)
	f.hook = statusHook([]int{400}, nil, `{"error_code":"DLI.0001","error_msg":"bad order"}`)
	c := newTestClient(t, f.URL())
	if _, err := c.ListBatchJobs(context.Background(), ListOptions{Order: "x"}); err == nil || !strings.Contains(err.Error(), "list batch jobs") {
		t.Fatalf("error %v", err)
	}
	f2 := newFakeDLI(t)
	f2.hook = statusHook([]int{200}, nil, `not json`)
	c2 := newTestClient(t, f2.URL())
	if _, err := c2.ListBatchJobs(context.Background(), ListOptions{}); err == nil || !strings.Contains(err.Error(), "decoding") {
		t.Fatalf("error %v", err)
	}
	f3 := newFakeDLI(t)
	f3.hook = statusHook([]int{200}, nil, ``)
	c3 := newTestClient(t, f3.URL())
	if _, err := c3.ListBatchJobs(context.Background(), ListOptions{}); err == nil || !strings.Contains(err.Error(), "empty response") {
		t.Fatalf("error %v", err)
	}
}

func TestGetBatchJobAndState(t *testing.T) {
	f := newFakeDLI(t)
	j := f.addJob(&fakeJob{Queue: "q", State: StateRunning, AppID: []string{"app-1"}, Log: []string{"l1"}})
	c := newTestClient(t, f.URL())
	got, err := c.GetBatchJob(context.Background(), j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != j.ID || got.State != StateRunning || got.AppID != "app-1" || !reflect.DeepEqual(got.Log, []string{"l1"}) {
		t.Fatalf("%+v", got)
	}
	st, err := c.GetBatchJobState(context.Background(), j.ID)
	if err != nil || st != StateRunning {
		t.Fatalf("%v %v", st, err)
	}
	if _, err := c.GetBatchJob(context.Background(), someID); !IsNotFound(err) {
		t.Fatalf("error %v", err)
	}
	if _, err := c.GetBatchJobState(context.Background(), someID); !IsNotFound(err) {
		t.Fatalf("error %v", err)
	}
	// A state answer without a state is an error; a job answer without an id
	// keeps the requested id.
	f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
		if strings.HasSuffix(r.URL.Path, "/state") {
			writeJSON(w, 200, map[string]string{"id": j.ID})
		} else {
			writeJSON(w, 200, map[string]string{"state": "Dead"})
		}
		return true
	}
	if _, err := c.GetBatchJobState(context.Background(), j.ID); err == nil {
		t.Fatal("missing state accepted")
	}
	got, err = c.GetBatchJob(context.Background(), j.ID)
	if err != nil || got.ID != j.ID || got.State != StateDead {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestGetBatchJobLog(t *testing.T) {
	rt := &captureRT{respond: func(r *http.Request, n int) (*http.Response, error) {
		if n == 0 {
			return textResponse(r, 200, `{"id":"`+someID+`","from":"5","total":12,"log":["a","b"]}`), nil
		}
		return textResponse(r, 200, `{"from":0,"total":"0","log":null}`), nil
	}}
	c := newTestClient(t, "https://"+dliHost, func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} })
	l, err := c.GetBatchJobLog(context.Background(), someID, LogOptions{From: intp(5), Size: intp(2), Index: intp(1), Type: "driver"})
	if err != nil {
		t.Fatal(err)
	}
	if l.ID != someID || l.From != 5 || l.Total != 12 || !reflect.DeepEqual(l.Lines, []string{"a", "b"}) {
		t.Fatalf("%+v", l)
	}
	if q := rt.reqs[0].URL.RawQuery; q != "from=5&index=1&size=2&type=driver" {
		t.Fatalf("query %q", q)
	}
	if p := rt.reqs[0].URL.Path; p != "/v2.0/"+testProject+"/batches/"+someID+"/log" {
		t.Fatalf("path %q", p)
	}
	l, err = c.GetBatchJobLog(context.Background(), someID, LogOptions{})
	if err != nil || l.ID != someID || l.Lines != nil || l.Total != 0 {
		t.Fatalf("%+v %v", l, err)
	}
	if q := rt.reqs[1].URL.RawQuery; q != "" {
		t.Fatalf("query %q", q)
	}
	f := newFakeDLI(t)
	c2 := newTestClient(t, f.URL())
	if _, err := c2.GetBatchJobLog(context.Background(), someID, LogOptions{}); !IsNotFound(err) {
		t.Fatalf("error %v", err)
	}
}

func TestCancelBatchJobAnswers(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		wantErr bool
	}{
		{"deleted", 200, `{"msg":"deleted"}`, false},
		{"Deleted with spaces", 200, `{"msg":"  Deleted "}`, false},
		{"empty 200", 200, ``, false},
		{"empty 204", 204, ``, false},
		{"empty object", 200, `{}`, false},
		{"is_success envelope", 200, `{"is_success":true,"message":""}`, false},
		{"unexpected msg", 200, `{"msg":"queued"}`, true},
		{"is_success false", 200, `{"is_success":false,"message":"no"}`, true},
		{"not JSON", 200, `ok`, true},
		{"already finished", 400, `{"error_code":"DLI.0007","error_msg":"finished"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := &captureRT{respond: func(r *http.Request, n int) (*http.Response, error) {
				resp := textResponse(r, tt.status, tt.body)
				resp.Body = io.NopCloser(strings.NewReader(tt.body))
				return resp, nil
			}}
			c := newTestClient(t, "https://"+dliHost, func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} })
			err := c.CancelBatchJob(context.Background(), someID)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v", err)
			}
			if err != nil && !strings.Contains(err.Error(), "cancel batch job "+someID) {
				t.Fatalf("error text %q", err)
			}
			if len(rt.reqs) != 1 || rt.reqs[0].Method != http.MethodDelete {
				t.Fatalf("requests %d", len(rt.reqs))
			}
		})
	}
}
