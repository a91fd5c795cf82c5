package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestSQLJobStatus(t *testing.T) {
	tests := []struct {
		in                      string
		want                    SQLJobStatus
		terminal, active, known bool
	}{
		{"LAUNCHING", SQLStatusLaunching, false, true, true},
		{" running ", SQLStatusRunning, false, true, true},
		{"SCALING", SQLStatusScaling, false, true, true},
		{"finished", SQLStatusFinished, true, false, true},
		{"FINISH", SQLStatusFinished, true, false, true},
		{"FAILED", SQLStatusFailed, true, false, true},
		{"Canceled", SQLStatusCancelled, true, false, true},
		{"SUSPENDED", "SUSPENDED", false, false, false},
	}
	for _, tt := range tests {
		s := ParseSQLJobStatus(tt.in)
		if s != tt.want || s.IsTerminal() != tt.terminal || s.IsActive() != tt.active || s.IsKnown() != tt.known {
			t.Errorf("%q: got %q terminal=%v active=%v known=%v", tt.in, s, s.IsTerminal(), s.IsActive(), s.IsKnown())
		}
	}
}

func TestSQLCreateRequestWireBody(t *testing.T) {
	req := &CreateSQLJobRequest{
		SQL: "INSERT INTO t SELECT 1", Database: "db1", Queue: "q1", Catalog: "dli", Engine: "spark",
		Conf: map[string]string{"spark.sql.shuffle.partitions": "8", "dli.sql.job.timeout": "60"},
		Tags: map[string]string{"team": "data", "env": "prod"},
	}
	body, err := req.wireBody("m-1")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"sql":"INSERT INTO t SELECT 1","currentdb":"db1","queue_name":"q1",` +
		`"conf":["dli.sql.job.timeout=60","spark.sql.shuffle.partitions=8"],` +
		`"tags":[{"key":"env","value":"prod"},{"key":"team","value":"data"},{"key":"terraform.submission_id","value":"m-1"}],` +
		`"engine_type":"spark","current_catalog":"dli"}`
	if string(body) != want {
		t.Fatalf("body\n got %s\nwant %s", body, want)
	}
	if len(req.Tags) != 2 {
		t.Fatal("the request's tags were modified")
	}
	minimal, _ := (&CreateSQLJobRequest{SQL: "SELECT 1"}).wireBody("m")
	if string(minimal) != `{"sql":"SELECT 1","tags":[{"key":"terraform.submission_id","value":"m"}]}` {
		t.Fatalf("minimal body %s", minimal)
	}
}

func TestSQLJobDecoding(t *testing.T) {
	full := `{"is_success":true,"message":"","job_id":"` + someID + `","job_type":"query","job_mode":"ASYNC",
	"queue_name":"q1","owner":"alice","start_time":1764581400000,"duration":2500,"status":"FINISHED",
	"input_row_count":10,"bad_row_count":1,"input_size":"2048","result_count":3,"database_name":"db1",
	"table_name":"t","statement":"SELECT 1","result_format":"csv","result_path":"obs://b/jobs/result/x",
	"detail":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"integer\"},{\"name\":\"s\",\"type\":\"string\"}]}",
	"user_conf":"[\"spark.sql.shuffle.partitions = 8\",\"dli.sql.job.timeout=60\"]",
	"tags":[{"key":"team","value":"data"},{"key":"terraform.submission_id","value":"m-9"}]}`
	var j SQLJob
	if err := json.Unmarshal([]byte(full), &j); err != nil {
		t.Fatal(err)
	}
	start := time.UnixMilli(1764581400000).UTC()
	want := SQLJob{ID: someID, JobType: "QUERY", JobMode: "async", Status: SQLStatusFinished, Queue: "q1", Owner: "alice",
		Statement: "SELECT 1", Database: "db1", Table: "t", StartTime: start, EndTime: start.Add(2500 * time.Millisecond),
		Duration: 2500 * time.Millisecond, InputRowCount: 10, BadRowCount: 1, InputSize: 2048, ResultCount: 3,
		ResultFormat: "csv", ResultPath: "obs://b/jobs/result/x",
		ResultSchema: []SQLColumn{{"id", "integer"}, {"s", "string"}},
		Conf:         map[string]string{"spark.sql.shuffle.partitions": "8", "dli.sql.job.timeout": "60"},
		Tags:         map[string]string{"team": "data"}, SubmissionID: "m-9", tagsReported: true}
	if !reflect.DeepEqual(j, want) {
		t.Fatalf("decoded\n %+v\nwant\n %+v", j, want)
	}

	var running SQLJob
	_ = json.Unmarshal([]byte(`{"job_id":"x","status":"RUNNING","start_time":1764581400000,"duration":10,"tags":null}`), &running)
	if !running.EndTime.IsZero() || running.tagsReported || running.Tags != nil {
		t.Fatalf("a running job: %+v", running)
	}
	var listed SQLJob
	_ = json.Unmarshal([]byte(`{"job_id":"x","status":"FINISHED","start_time":1764581400000,"end_time":1764581409000,"engine_type":"hetuEngine"}`), &listed)
	if !listed.EndTime.Equal(time.UnixMilli(1764581409000)) || listed.Engine != "hetuEngine" {
		t.Fatalf("a listed job: %+v", listed)
	}
}

func TestParseUserConf(t *testing.T) {
	want := map[string]string{"a": "1", "b.c": "x=y"}
	tests := []struct {
		name string
		raw  string
		want map[string]string
	}{
		{"array", `["a=1","b.c=x=y"]`, want},
		{"array in a string", `"[\"a = 1\", \"b.c=x=y\"]"`, want},
		{"object", `{"a":1,"b.c":"x=y"}`, want},
		{"object in a string", `"{\"a\":\"1\",\"b.c\":\"x=y\"}"`, want},
		{"plain lines", `"a=1\nb.c=x=y"`, want},
		{"plain commas", `"a=1,b.c=x=y"`, want},
		{"empty", `""`, nil},
		{"null", `null`, nil},
		{"empty array", `[]`, nil},
		{"not key=value", `"just text"`, nil},
		{"number", `12`, nil},
	}
	for _, tt := range tests {
		if got := parseUserConf(json.RawMessage(tt.raw)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParseColumns(t *testing.T) {
	two := []SQLColumn{{"c1", "int"}, {"c2", "string"}}
	tests := []struct {
		name string
		raw  string
		want []SQLColumn
	}{
		{"one-member objects, order kept", `[{"c1":"int"},{"c2":"string"}]`, two},
		{"name/type objects", `[{"name":"c1","type":"int"},{"name":"c2","type":"string"}]`, two},
		{"spark struct", `{"type":"struct","fields":[{"name":"c1","type":"int"},{"name":"c2","type":"string"}]}`, two},
		{"spark struct in a string", `"{\"type\":\"struct\",\"fields\":[{\"name\":\"c1\",\"type\":\"int\"},{\"name\":\"c2\",\"type\":\"string\"}]}"`, two},
		{"nested type", `{"fields":[{"name":"m","type":{"type":"map","keyType":"string"}}]}`, []SQLColumn{{"m", `{"type":"map","keyType":"string"}`}}},
		{"ddl schema", `[{"col_name":"string"},{"data_type":"string"},{"comment":"string"}]`, []SQLColumn{{"col_name", "string"}, {"data_type", "string"}, {"comment", "string"}}},
		{"empty string", `""`, nil},
		{"garbage", `"not json"`, nil},
		{"null", `null`, nil},
	}
	for _, tt := range tests {
		if got := parseColumns(json.RawMessage(tt.raw)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestGetSQLJob(t *testing.T) {
	f := newFakeSQL(t)
	j := f.addJob(&fakeSQLJob{Statement: "SELECT 1", Queue: "q1", Status: SQLStatusRunning, Tags: []sqlTag{{"k", "v"}}})
	c := newTestClient(t, f.URL())
	got, err := c.GetSQLJob(context.Background(), j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != j.ID || got.Status != SQLStatusRunning || got.Statement != "SELECT 1" || got.Tags["k"] != "v" {
		t.Fatalf("job %+v", got)
	}
	if calls := f.calls(); len(calls) != 1 || calls[0] != "GET jobs/"+j.ID+"/status" {
		t.Fatalf("calls %v", calls)
	}

	// Answers that would re-point state, or say nothing, are errors.
	f.hook = func(f *fakeSQL, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
		if strings.Contains(r.URL.Path, someID) {
			writeJSON(w, 200, map[string]interface{}{"is_success": true, "job_id": j.ID, "status": "RUNNING"})
		} else {
			writeJSON(w, 200, map[string]interface{}{"is_success": true})
		}
		return true
	}
	if _, err := c.GetSQLJob(context.Background(), someID); err == nil || !strings.Contains(err.Error(), "not the one asked for") {
		t.Fatalf("another job's answer: %v", err)
	}
	if _, err := c.GetSQLJob(context.Background(), j.ID); err == nil || !strings.Contains(err.Error(), "neither a job_id nor a status") {
		t.Fatalf("empty answer: %v", err)
	}
	before := len(f.calls())
	for _, bad := range []string{"", "../queues", "123", someID + "/x"} {
		if _, err := c.GetSQLJob(context.Background(), bad); !errors.Is(err, ErrInvalidSQLJobID) || !errors.Is(err, ErrInvalidID) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if len(f.calls()) != before {
		t.Fatal("an invalid ID reached the server")
	}
}

// Not found only when DLI says so with a DLI code; a 404 page or a gateway error is not "gone".
func TestSQLNotFoundRule(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   bool
	}{
		{400, `{"error_code":"DLI.0002","error_msg":"There is no job named x"}`, true},
		{404, `{"error_code":"DLI.0002","error_msg":"The object does not exist"}`, true},
		{400, `{"error_code":"DLI.0001","error_msg":"The job 0a32 does not exist."}`, true},
		{400, `{"error_code":"DLI.0001","error_msg":"Job not found"}`, true},
		{400, `{"error_code":"DLI.0001","error_msg":"Invalid parameter: job_id"}`, false},
		{400, `{"error_code":"DLI.0001","error_msg":"Table t does not exist"}`, false},
		{404, `<html>Not Found</html>`, false},
		{404, `{"error_code":"APIGW.0101","error_msg":"The API does not exist or has not been published"}`, false},
		{500, `{"error_code":"DLI.0002","error_msg":"does not exist"}`, false},
		{403, `{"error_code":"DLI.0002","error_msg":"does not exist"}`, false},
	}
	for _, tt := range tests {
		e := newAPIError("get SQL job", someID, tt.status, nil, []byte(tt.body))
		classifySQL(e)
		if got := IsNotFound(e); got != tt.want {
			t.Errorf("%d %s: not found = %v, want %v", tt.status, tt.body, got, tt.want)
		}
	}
}

func TestListSQLJobsPaging(t *testing.T) {
	f := newFakeSQL(t)
	for i := 0; i < 5; i++ {
		f.addJob(&fakeSQLJob{Statement: "SELECT 1", Queue: "q1", Status: SQLStatusFinished})
	}
	f.addJob(&fakeSQLJob{Statement: "SELECT 2", Queue: "other"})
	c := newTestClient(t, f.URL())
	jobs, err := c.ListSQLJobs(context.Background(), SQLListOptions{Queue: "q1", PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 5 {
		t.Fatalf("%d jobs, want 5", len(jobs))
	}
	var pages []string
	for _, r := range f.requests() {
		q, _ := url.ParseQuery(r.Query)
		pages = append(pages, q.Get("current-page")+"/"+q.Get("page-size"))
	}
	// Pages 1..3: the third is short (1 job) and ends the listing without an empty page.
	if !reflect.DeepEqual(pages, []string{"1/2", "2/2", "3/2"}) {
		t.Fatalf("pages %v", pages)
	}

	// Every filter reaches the query.
	start, end := time.UnixMilli(1764581400000), time.UnixMilli(1764581500000)
	_, err = c.ListSQLJobs(context.Background(), SQLListOptions{Queue: "q1", Status: "finished", JobType: "query",
		SQLPattern: "select%", Owner: "alice", Tags: map[string]string{"b": "2", "a": "1"}, JobID: someID,
		Order: "duration_desc", StartAfter: start, StartBefore: end, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	q, _ := url.ParseQuery(reqs[len(reqs)-1].Query)
	want := map[string]string{"queue_name": "q1", "job-status": "FINISHED", "job-type": "QUERY", "sql_pattern": "select%",
		"owner": "alice", "tags": "a=1,b=2", "job-id": someID, "order": "duration_desc", "start": "1764581400000",
		"end": "1764581500000", "page-size": "100", "current-page": "1"}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("query %s = %q, want %q", k, q.Get(k), v)
		}
	}
}

func TestListSQLJobsStopsOnEmptyPageAndCount(t *testing.T) {
	f := newFakeSQL(t)
	pages := 0
	f.hook = func(f *fakeSQL, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
		pages++
		// A server that never reports a short page: full pages, then an empty one.
		jobs := []map[string]interface{}{}
		if pages <= 2 {
			for i := 0; i < 2; i++ {
				jobs = append(jobs, (&fakeSQLJob{ID: uuid.NewString(), Status: SQLStatusRunning}).wire(true))
			}
		}
		writeJSON(w, 200, map[string]interface{}{"is_success": true, "jobs": jobs})
		return true
	}
	c := newTestClient(t, f.URL())
	jobs, err := c.ListSQLJobs(context.Background(), SQLListOptions{PageSize: 2})
	if err != nil || len(jobs) != 4 || pages != 3 {
		t.Fatalf("jobs=%d pages=%d err=%v", len(jobs), pages, err)
	}
}

func TestPreviewSQLJobResult(t *testing.T) {
	f := newFakeSQL(t)
	j := f.addJob(&fakeSQLJob{Statement: "SELECT 1 AS n, 'x' AS s", Status: SQLStatusFinished})
	c := newTestClient(t, f.URL())
	res, err := c.PreviewSQLJobResult(context.Background(), j.ID, "q1", 5000)
	if err != nil {
		t.Fatal(err)
	}
	x, one, two := "x", "1", "2.5"
	want := &SQLJobResult{JobID: j.ID, JobType: "QUERY", RowCount: 2, Columns: []SQLColumn{{"n", "int"}, {"s", "string"}},
		Rows: [][]*string{{&one, &x}, {&two, nil}}}
	if !reflect.DeepEqual(res, want) {
		t.Fatalf("result %+v", res)
	}
	reqs := f.requests()
	q, _ := url.ParseQuery(reqs[0].Query)
	if q.Get("page-size") != "1000" || q.Get("queue-name") != "q1" || !strings.HasSuffix(reqs[0].Path, "/jobs/"+j.ID+"/preview") {
		t.Fatalf("request %s ? %s", reqs[0].Path, reqs[0].Query)
	}
	// More rows than the API may return are cut to the limit.
	f.hook = func(f *fakeSQL, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
		rows := make([][]int, SQLPreviewMaxRows+5)
		for i := range rows {
			rows[i] = []int{i}
		}
		writeJSON(w, 200, map[string]interface{}{"is_success": true, "job_id": j.ID, "schema": []map[string]string{{"n": "int"}}, "rows": rows})
		return true
	}
	res, err = c.PreviewSQLJobResult(context.Background(), j.ID, "", 0)
	if err != nil || len(res.Rows) != SQLPreviewMaxRows {
		t.Fatalf("rows=%d err=%v", len(res.Rows), err)
	}
	if q, _ := url.ParseQuery(f.requests()[1].Query); q.Has("page-size") || q.Has("queue-name") {
		t.Fatalf("defaults sent: %v", q)
	}
}
