package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func sqlReq() *CreateSQLJobRequest {
	return &CreateSQLJobRequest{SQL: "INSERT INTO t SELECT * FROM s WHERE pwd = 'hunter22'", Queue: "q1",
		Conf: map[string]string{"spark.sql.shuffle.partitions": "8", "spark.jdbc.password": "confsecret"},
		Tags: map[string]string{"team": "data"}}
}

// sqlMarkerOf returns the marker tag of a submit body.
func sqlMarkerOf(t *testing.T, body string) string {
	t.Helper()
	var w createSQLJobWire
	if err := json.Unmarshal([]byte(body), &w); err != nil {
		t.Fatal(err)
	}
	for _, tag := range w.Tags {
		if tag.Key == SQLSubmissionMarkerTagKey {
			return tag.Value
		}
	}
	t.Fatalf("no marker tag in %s", body)
	return ""
}

func (f *fakeSQL) submitMarkers(t *testing.T) []string {
	var out []string
	for _, r := range f.requests() {
		if r.Method == http.MethodPost {
			out = append(out, sqlMarkerOf(t, r.Body))
		}
	}
	return out
}

func TestCreateSQLJob(t *testing.T) {
	f := newFakeSQL(t)
	c := newTestClient(t, f.URL())
	sub, err := c.CreateSQLJob(context.Background(), sqlReq())
	if err != nil {
		t.Fatal(err)
	}
	if !ValidSQLJobID(sub.ID) || sub.JobType != "QUERY" || sub.JobMode != "async" || sub.Sync() || sub.Adopted != nil {
		t.Fatalf("submission %+v", sub)
	}
	if calls := f.calls(); len(calls) != 1 || calls[0] != "POST jobs/submit-job" {
		t.Fatalf("calls %v", calls)
	}
	if m := f.submitMarkers(t); len(m) != 1 || m[0] != sub.SubmissionID || !ValidSQLJobID(m[0]) {
		t.Fatalf("markers %v, submission id %q", m, sub.SubmissionID)
	}
	// Read back, the marker is not one of the job's tags.
	job, err := c.GetSQLJob(context.Background(), sub.ID)
	if err != nil || job.SubmissionID != sub.SubmissionID || len(job.Tags) != 1 || job.Tags["team"] != "data" {
		t.Fatalf("job %+v, %v", job, err)
	}

	ddl, err := c.CreateSQLJob(context.Background(), &CreateSQLJobRequest{SQL: "CREATE DATABASE d"})
	if err != nil || !ddl.Sync() || ddl.JobType != "DDL" {
		t.Fatalf("sync DDL %+v %v", ddl, err)
	}
	if _, err := c.CreateSQLJob(context.Background(), &CreateSQLJobRequest{SQL: " \n"}); err == nil {
		t.Fatal("an empty statement was submitted")
	}
}

// The exactly-once rule: after each kind of ambiguous outcome the job is found by its marker
// (or found absent) and never submitted twice.
func TestCreateSQLJobExactlyOnce(t *testing.T) {
	type fault func(f *fakeSQL, w http.ResponseWriter, r *http.Request, body []byte)
	commitThen := func(status int) fault {
		return func(f *fakeSQL, w http.ResponseWriter, r *http.Request, body []byte) {
			f.mu.Lock()
			f.submit(body)
			f.mu.Unlock()
			writeJSON(w, status, map[string]string{"error_code": "APIG.0201", "error_msg": "backend timeout"})
		}
	}
	tests := []struct {
		name            string
		fault           fault
		listWithoutTags bool
		ignoreTagFilter bool
		otherJobs       int
		wantPosts       int
		wantAdopted     bool
	}{
		{name: "502 after commit: adopted", fault: commitThen(502), wantPosts: 1, wantAdopted: true},
		{name: "504 after commit, list ignores the tag filter", fault: commitThen(504), ignoreTagFilter: true, otherJobs: 3, wantPosts: 1, wantAdopted: true},
		{name: "500 after commit, list omits tags: read one by one", fault: commitThen(500), listWithoutTags: true, otherJobs: 2, wantPosts: 1, wantAdopted: true},
		{name: "dropped after commit", fault: func(f *fakeSQL, w http.ResponseWriter, r *http.Request, body []byte) {
			f.mu.Lock()
			f.submit(body)
			f.mu.Unlock()
			hijackClose(t, w)
		}, wantPosts: 1, wantAdopted: true},
		{name: "503 before commit: submitted again with the same marker", fault: func(f *fakeSQL, w http.ResponseWriter, r *http.Request, body []byte) {
			writeJSON(w, 503, map[string]string{"error_code": "DLI.0999", "error_msg": "busy"})
		}, wantPosts: 2},
		{name: "2xx without a job id: looked for, not resubmitted", fault: func(f *fakeSQL, w http.ResponseWriter, r *http.Request, body []byte) {
			writeJSON(w, 200, map[string]interface{}{"is_success": true, "message": ""})
		}, wantPosts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSQL(t)
			f.listWithoutTags, f.ignoreTagFilter = tt.listWithoutTags, tt.ignoreTagFilter
			for i := 0; i < tt.otherJobs; i++ {
				f.addJob(&fakeSQLJob{Queue: "q1", Statement: "SELECT 1", Tags: []sqlTag{{SQLSubmissionMarkerTagKey, "someone-else"}}})
			}
			faulted := false
			f.hook = func(f *fakeSQL, w http.ResponseWriter, r *http.Request, body []byte, _ int) bool {
				if r.Method == http.MethodPost && !faulted {
					faulted = true
					tt.fault(f, w, r, body)
					return true
				}
				return false
			}
			c := newTestClient(t, f.URL())
			sub, err := c.CreateSQLJob(context.Background(), sqlReq())
			markers := f.submitMarkers(t)
			if len(markers) != tt.wantPosts {
				t.Fatalf("%d submissions, want %d (%v)", len(markers), tt.wantPosts, f.calls())
			}
			for _, m := range markers {
				if m != markers[0] {
					t.Fatalf("markers differ: %v", markers)
				}
			}
			if tt.name == "2xx without a job id: looked for, not resubmitted" {
				if err == nil || !strings.Contains(err.Error(), "not resubmitted") {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.jobCount() - tt.otherJobs; got != 1 {
				t.Fatalf("%d jobs of ours exist, want 1", got)
			}
			if (sub.Adopted != nil) != tt.wantAdopted || sub.SubmissionID != markers[0] {
				t.Fatalf("submission %+v", sub)
			}
			if tt.wantAdopted && sub.Adopted.SubmissionID != markers[0] {
				t.Fatalf("adopted another job: %+v", sub.Adopted)
			}
			if tt.listWithoutTags && f.count("GET jobs/"+sub.ID+"/status") != 1 {
				t.Fatalf("listed jobs without tags were not read: %v", f.calls())
			}
			// The lookup asked for our marker, from well before the submission.
			for _, r := range f.requests() {
				if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/jobs") {
					q, _ := url.ParseQuery(r.Query)
					start, _ := strconv.ParseInt(q.Get("start"), 10, 64)
					if q.Get("tags") != SQLSubmissionMarkerTagKey+"="+markers[0] || q.Get("queue_name") != "q1" ||
						time.Since(time.UnixMilli(start)) < 29*time.Minute {
						t.Fatalf("lookup query %s", r.Query)
					}
				}
			}
		})
	}
}

func TestCreateSQLJobDefinitiveAnswers(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   map[string]interface{}
		want   string
	}{
		{"400", 400, map[string]interface{}{"error_code": "DLI.0005", "error_msg": "SQL syntax error"}, "DLI.0005"},
		{"200 is_success false", 200, map[string]interface{}{"is_success": false, "message": "There is no queue named q1"}, "no queue named"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSQL(t)
			f.hook = func(f *fakeSQL, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
				writeJSON(w, tt.status, tt.body)
				return true
			}
			c := newTestClient(t, f.URL())
			_, err := c.CreateSQLJob(context.Background(), sqlReq())
			var apiErr *APIError
			if !errors.As(err, &apiErr) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v", err)
			}
			if calls := f.calls(); len(calls) != 1 {
				t.Fatalf("a definitive answer led to %v", calls)
			}
		})
	}
}

// When the lookup cannot decide, nothing is resubmitted and the marker is reported.
func TestCreateSQLJobOutcomeUnknown(t *testing.T) {
	f := newFakeSQL(t)
	f.hook = func(f *fakeSQL, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
		writeJSON(w, 503, map[string]string{"error_code": "DLI.0999", "error_msg": "busy"})
		return true
	}
	c := newTestClient(t, f.URL(), func(cfg *Config) { cfg.MaxRetries = 0 })
	_, err := c.CreateSQLJob(context.Background(), sqlReq())
	var unknown *OutcomeUnknownError
	if !errors.As(err, &unknown) || unknown.Submissions != 1 || !ValidSQLJobID(unknown.Marker) ||
		!strings.Contains(err.Error(), SQLSubmissionMarkerTagKey) {
		t.Fatalf("err %v", err)
	}
	if m := f.submitMarkers(t); len(m) != 1 {
		t.Fatalf("%d submissions", len(m))
	}
}

// The statement, conf values and tag values never reach a log or an error text.
func TestSQLJobLogRedaction(t *testing.T) {
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	f := newFakeSQL(t)
	echoed := false
	f.hook = func(f *fakeSQL, w http.ResponseWriter, r *http.Request, body []byte, _ int) bool {
		if strings.HasSuffix(r.URL.Path, "/preview") && !echoed {
			echoed = true
			writeJSON(w, 400, map[string]string{"error_code": "DLI.0001", "error_msg": "cannot preview " + sqlReq().SQL + " confsecret"})
			return true
		}
		return false
	}
	c := newTestClient(t, f.URL())
	sub, err := c.CreateSQLJob(ctx, sqlReq())
	if err != nil {
		t.Fatal(err)
	}
	ctx = WithSecrets(ctx, SQLJobSecrets(sqlReq())...)
	if _, err := c.GetSQLJob(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListSQLJobs(ctx, SQLListOptions{Queue: "q1"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PreviewSQLJobResult(ctx, sub.ID, "", 0)
	if err == nil {
		t.Fatal("want the scripted error")
	}
	out := buf.String() + err.Error()
	for _, s := range []string{"hunter22", "INSERT INTO", "confsecret", "shuffle.partitions=8", `"data"`, "TestSecretKeyValue"} {
		if strings.Contains(out, s) {
			t.Fatalf("log or error contains %q:\n%s", s, out)
		}
	}
	if !strings.Contains(buf.String(), "DLI API request body") || !strings.Contains(buf.String(), `\"queue_name\":\"q1\"`) {
		t.Fatalf("trace bodies missing or over-masked:\n%s", buf.String())
	}
}
