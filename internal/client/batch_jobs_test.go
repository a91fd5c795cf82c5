package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

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
