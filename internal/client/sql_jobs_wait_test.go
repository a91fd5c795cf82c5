package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestWaitForSQLJob(t *testing.T) {
	tests := []struct {
		name       string
		statuses   []SQLJobStatus
		message    string
		targets    []SQLJobStatus
		transient  int // 503 answers before the first status
		want       SQLJobStatus
		wantErr    string
		wantFailed bool
	}{
		{name: "finished", statuses: []SQLJobStatus{"LAUNCHING", "RUNNING", "RUNNING", "FINISHED"}, want: SQLStatusFinished},
		{name: "running target", statuses: []SQLJobStatus{"LAUNCHING", "RUNNING"}, targets: []SQLJobStatus{SQLStatusRunning, SQLStatusFinished}, want: SQLStatusRunning},
		{name: "scaling is active", statuses: []SQLJobStatus{"SCALING", "FINISHED"}, want: SQLStatusFinished},
		{name: "failed with DLI's message", statuses: []SQLJobStatus{"RUNNING", "FAILED"}, message: "Table or view not found: t1",
			want: SQLStatusFailed, wantErr: "ended FAILED: Table or view not found: t1", wantFailed: true},
		{name: "cancelled", statuses: []SQLJobStatus{"CANCELLED"}, want: SQLStatusCancelled, wantErr: "ended CANCELLED", wantFailed: true},
		{name: "unknown status", statuses: []SQLJobStatus{"RUNNING", "ZOMBIE"}, want: "ZOMBIE", wantErr: `unexpected state "ZOMBIE"`},
		{name: "transient errors tolerated", statuses: []SQLJobStatus{"FINISHED"}, transient: 3, want: SQLStatusFinished},
		{name: "too many transient errors", statuses: []SQLJobStatus{"FINISHED"}, transient: 4 * 4, wantErr: "DLI.0999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSQL(t)
			j := f.addJob(&fakeSQLJob{Statuses: tt.statuses, Message: tt.message})
			failures := 0
			f.hook = func(f *fakeSQL, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
				if failures < tt.transient {
					failures++
					writeJSON(w, 503, map[string]string{"error_code": "DLI.0999", "error_msg": "busy"})
					return true
				}
				return false
			}
			c := newTestClient(t, f.URL())
			job, err := c.WaitForSQLJob(context.Background(), j.ID, tt.targets...)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err %v, want %q", err, tt.wantErr)
			}
			var failed *SQLJobFailedError
			if errors.As(err, &failed) != tt.wantFailed {
				t.Fatalf("failed error %v: %v", tt.wantFailed, err)
			}
			if tt.want != "" && (job == nil || job.Status != tt.want) {
				t.Fatalf("job %+v, want status %s", job, tt.want)
			}
		})
	}
}

func TestWaitForSQLJobContextEnd(t *testing.T) {
	f := newFakeSQL(t)
	j := f.addJob(&fakeSQLJob{Status: SQLStatusRunning})
	c := newTestClient(t, f.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	job, err := c.WaitForSQLJob(ctx, j.ID)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out") || !strings.Contains(err.Error(), "RUNNING") {
		t.Fatalf("err %v", err)
	}
	if job == nil || job.Status != SQLStatusRunning {
		t.Fatalf("last job %+v", job)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := c.WaitForSQLJob(ctx, j.ID); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("err %v", err)
	}
}

func TestCancelSQLJobAndWait(t *testing.T) {
	finishedAnswers := map[string]func(w http.ResponseWriter){
		"400 DLI.0001 has finished": nil, // the fake's default
		"400 DLI.0007": func(w http.ResponseWriter) {
			writeJSON(w, 400, map[string]string{"error_code": "DLI.0007", "error_msg": "The operation is not supported."})
		},
		"200 is_success false": func(w http.ResponseWriter) {
			writeJSON(w, 200, map[string]interface{}{"is_success": false, "message": "Job status is FINISHED"})
		},
		"400 DLI.0999 unphrased": func(w http.ResponseWriter) {
			writeJSON(w, 400, map[string]string{"error_code": "DLI.0999", "error_msg": "Operation failed."})
		},
	}
	tests := []struct {
		name      string
		known     SQLJobStatus
		job       *fakeSQLJob // nil: the job does not exist
		answer    string
		wantCalls []string // with ID for the job's ID
		want      SQLJobStatus
		wantErr   string
	}{
		{name: "known finished: no request", known: SQLStatusFinished, job: &fakeSQLJob{Status: SQLStatusFinished}, want: SQLStatusFinished},
		{name: "known running: cancel and poll", known: SQLStatusRunning, job: &fakeSQLJob{Status: SQLStatusRunning},
			wantCalls: []string{"DELETE jobs/ID", "GET jobs/ID/status"}, want: SQLStatusCancelled},
		{name: "unknown, finished: one read", job: &fakeSQLJob{Status: SQLStatusFailed}, wantCalls: []string{"GET jobs/ID/status"}, want: SQLStatusFailed},
		{name: "unknown, gone", wantCalls: []string{"GET jobs/ID/status"}},
		{name: "known running, gone", known: SQLStatusRunning, wantCalls: []string{"DELETE jobs/ID"}},
	}
	for name := range finishedAnswers {
		tests = append(tests, struct {
			name      string
			known     SQLJobStatus
			job       *fakeSQLJob
			answer    string
			wantCalls []string
			want      SQLJobStatus
			wantErr   string
		}{name: "stale running, finished meanwhile: " + name, known: SQLStatusRunning, job: &fakeSQLJob{Status: SQLStatusFinished},
			answer: name, wantCalls: []string{"DELETE jobs/ID", "GET jobs/ID/status"}, want: SQLStatusFinished})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSQL(t)
			f.cancelFinished = finishedAnswers[tt.answer]
			id := someID
			if tt.job != nil {
				id = f.addJob(tt.job).ID
			}
			c := newTestClient(t, f.URL())
			got, err := c.CancelSQLJobAndWait(context.Background(), id, tt.known)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err %v, want %q", err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("final %q, want %q", got, tt.want)
			}
			calls := strings.Join(f.calls(), ", ")
			if want := strings.ReplaceAll(strings.Join(tt.wantCalls, ", "), "ID", id); calls != want {
				t.Fatalf("calls %q, want %q", calls, want)
			}
		})
	}
}

// A refusal that is not about a finished job, for a job still running, is an error; an
// authentication failure is never read as "finished".
func TestCancelSQLJobRefused(t *testing.T) {
	for name, answer := range map[string]func(w http.ResponseWriter){
		"DLI.0001 still running": func(w http.ResponseWriter) {
			writeJSON(w, 400, map[string]string{"error_code": "DLI.0001", "error_msg": "Invalid parameter."})
		},
		"403": func(w http.ResponseWriter) {
			writeJSON(w, 403, map[string]string{"error_code": "DLI.0013", "error_msg": "Forbidden"})
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeSQL(t)
			j := f.addJob(&fakeSQLJob{Status: SQLStatusRunning})
			f.hook = func(f *fakeSQL, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
				if r.Method == http.MethodDelete {
					answer(w)
					return true
				}
				return false
			}
			c := newTestClient(t, f.URL())
			if _, err := c.CancelSQLJobAndWait(context.Background(), j.ID, SQLStatusRunning); err == nil {
				t.Fatal("a refused cancel passed")
			}
		})
	}
}

// After an accepted cancel, a deadline gives a *SQLCancelWaitError naming the job.
func TestCancelSQLJobAndWaitTimeout(t *testing.T) {
	f := newFakeSQL(t)
	j := f.addJob(&fakeSQLJob{Status: SQLStatusRunning})
	f.hook = func(f *fakeSQL, w http.ResponseWriter, r *http.Request, _ []byte, _ int) bool {
		if r.Method == http.MethodDelete {
			writeJSON(w, 200, map[string]interface{}{"is_success": true, "message": ""})
			return true // accepted, but the job keeps running
		}
		return false
	}
	c := newTestClient(t, f.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	got, err := c.CancelSQLJobAndWait(ctx, j.ID, SQLStatusRunning)
	var waitErr *SQLCancelWaitError
	if !errors.As(err, &waitErr) || !errors.Is(err, context.DeadlineExceeded) || got != SQLStatusRunning {
		t.Fatalf("got %q err %v", got, err)
	}
}
