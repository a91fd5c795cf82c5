package client

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// A later lookup by marker finds the job a submission created, says "absent" only when every
// candidate was checked, and fails when it cannot decide.
func TestFindBatchJobBySubmission(t *testing.T) {
	const marker = "5b7f3c2e-2a47-4c1b-9d0e-6a8f1e2d3c4b"
	withMarker := `{"file":"obs://b/app.jar","queue":"default","conf":{"` + SubmissionMarkerConfKey + `":"` + marker + `"}}`
	other := `{"file":"obs://b/app.jar","queue":"default","conf":{"` + SubmissionMarkerConfKey + `":"another"}}`
	refuseDetails := func(f *fakeDLI, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
		if r.Method == http.MethodGet && len(r.URL.Path) > len("/v2.0/"+testProject+"/batches") {
			writeJSON(w, 403, map[string]string{"error_code": "DLI.0003", "error_msg": "no permission"})
			return true
		}
		return false
	}
	tests := []struct {
		name         string
		jobs         []fakeJob
		noReqBody    bool
		hook         func(*fakeDLI, http.ResponseWriter, *http.Request, []byte, int) bool
		wantFound    int // index in jobs, -1 = none
		wantUndecide bool
	}{
		{name: "found in the list", jobs: []fakeJob{{Queue: "default", ReqBody: other}, {Queue: "default", ReqBody: withMarker}}, wantFound: 1},
		{name: "found through the details", jobs: []fakeJob{{Queue: "default", ReqBody: withMarker}, {Queue: "default", ReqBody: other}},
			noReqBody: true, wantFound: 0},
		{name: "absent", jobs: []fakeJob{{Queue: "default", ReqBody: other}}, wantFound: -1},
		{name: "candidates that cannot be checked", jobs: []fakeJob{{Queue: "default", ReqBody: withMarker}}, noReqBody: true,
			hook: refuseDetails, wantFound: -1, wantUndecide: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeDLI(t)
			var ids []string
			for i := range tt.jobs {
				ids = append(ids, f.addJob(&tt.jobs[i]).ID)
			}
			f.listWithoutReqBody, f.hook = tt.noReqBody, tt.hook
			c := newTestClient(t, f.URL(), func(c *Config) { c.RetryWaitMin, c.RetryWaitMax = time.Millisecond, 5*time.Millisecond })
			job, err := c.FindBatchJobBySubmission(context.Background(), "default", "", marker, time.Now().Add(-time.Minute))
			switch {
			case tt.wantUndecide:
				if err == nil || job != nil {
					t.Fatalf("got %v, %v; want an error and no job", job, err)
				}
			case err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.wantFound < 0 && job != nil:
				t.Fatalf("found %s; want none", job.ID)
			case tt.wantFound >= 0 && (job == nil || job.ID != ids[tt.wantFound] || job.SubmissionID != marker):
				t.Fatalf("found %+v; want %s with its marker", job, ids[tt.wantFound])
			}
			if f.count(http.MethodPost) != 0 {
				t.Fatal("the lookup submitted a job")
			}
		})
	}
	c := newTestClient(t, newFakeDLI(t).URL())
	if _, err := c.FindBatchJobBySubmission(context.Background(), "default", "", "", time.Now()); err == nil || errors.Is(err, context.Canceled) {
		t.Errorf("a lookup without a marker gives %v, want an error", err)
	}
}
