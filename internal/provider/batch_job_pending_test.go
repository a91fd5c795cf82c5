package provider_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// A submission whose outcome the client cannot decide (*client.OutcomeUnknownError) keeps its
// marker in state, so that the next refresh (or destroy) finds the job instead of losing it or
// submitting another (issue 16 item 5).

// undecidable makes a submission ambiguous and its lookup fail: the POST reaches the emulator
// (the job is created) only when forward is set, its answer is a 502, and listing is refused.
func undecidable(f *front, forward bool) func(http.ResponseWriter, *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !listPath.MatchString(r.URL.Path) {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.Method {
		case http.MethodPost:
			if forward {
				f.next.ServeHTTP(httptest.NewRecorder(), r)
			}
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, `{"error_code":"APIG.1009","error_msg":"upstream connection reset"}`)
		case http.MethodGet:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error_code":"DLI.0999","error_msg":"listing is unavailable"}`)
		default:
			return false
		}
		return true
	}
}

// pendingWorkspace runs a first apply whose submission cannot be decided, and checks what it
// leaves: an error naming the marker, the resource in state, tainted, without an ID.
func pendingWorkspace(t *testing.T, name string, created bool) (*acctest.Target, *acctest.Workspace) {
	t.Helper()
	tg, f := frontedTarget(t)
	ws := cliWorkspace(t, tg, cliJobConfig(tg, acctest.NamePrefix+name, `  conf = { "emulator.run_duration" = "10m" }`))
	f.set(undecidable(f, created))
	out, code := runOutput(t, ws, "apply", "-auto-approve", "-no-color", "-input=false")
	f.set(nil)
	text := strings.Join(strings.Fields(out), " ")
	if code == 0 || !strings.Contains(text, "Batch job submission outcome unknown") || !strings.Contains(text, "spark.terraform.submissionId=") ||
		!strings.Contains(text, "terraform untaint") {
		t.Fatalf("apply over an undecidable submission exits %d:\n%s", code, out)
	}
	if attrs := showAttributes(t, ws, "dli_batch_job.job"); attrs["id"] != nil || attrs["queue"] != tg.Queue {
		t.Fatalf("state after the undecided submission holds %v", attrs)
	}
	if show := ws.Run(t, "show", "-no-color"); !strings.Contains(show, "(tainted)") {
		t.Errorf("the resource is not tainted:\n%s", show)
	}
	if n, want := len(tg.Emulator.Jobs()), map[bool]int{true: 1, false: 0}[created]; n != want {
		t.Fatalf("%d jobs after the first apply, want %d", n, want)
	}
	return tg, ws
}

// Untainted, the resource adopts the job that carries its marker: no second job, no change.
func TestAccBatchJob_outcomeUnknownAdoptedAfterUntaint(t *testing.T) {
	t.Parallel()
	tg, ws := pendingWorkspace(t, "adopt", true)
	ws.Run(t, "untaint", "dli_batch_job.job")
	out := strings.Join(strings.Fields(ws.Run(t, "apply", "-auto-approve", "-no-color", "-input=false")), " ")
	if !strings.Contains(out, "Submitted batch job found") || !strings.Contains(out, "0 added, 0 changed, 0 destroyed") {
		t.Errorf("the apply after untaint does not adopt the job quietly:\n%s", out)
	}
	jobs := tg.Emulator.Jobs()
	if id := showAttributes(t, ws, "dli_batch_job.job")["id"]; len(jobs) != 1 || id != jobs[0].ID || tg.CountRequests(http.MethodPost, "/batches") != 1 {
		t.Fatalf("state id %v; emulator jobs %+v after %d submissions; want the one job adopted", id, jobs, tg.CountRequests(http.MethodPost, "/batches"))
	}
	if out, code := runOutput(t, ws, "plan", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Errorf("plan after the adoption exits %d:\n%s", code, out)
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color", "-input=false")
	if j, _ := tg.Emulator.Job(jobs[0].ID); !j.CancelRequested {
		t.Error("destroy did not cancel the adopted job")
	}
}

// Left tainted, the next apply finds the job and replaces it: the found job is cancelled, one
// new job runs, none is left untracked.
func TestAccBatchJob_outcomeUnknownReplacedWhenTainted(t *testing.T) {
	t.Parallel()
	tg, ws := pendingWorkspace(t, "replace", true)
	first := tg.Emulator.Jobs()[0].ID
	out := strings.Join(strings.Fields(ws.Run(t, "apply", "-auto-approve", "-no-color", "-input=false")), " ")
	if !strings.Contains(out, "Submitted batch job found") || !strings.Contains(out, "1 added, 0 changed, 1 destroyed") {
		t.Errorf("the apply does not find and replace the job:\n%s", out)
	}
	id := showAttributes(t, ws, "dli_batch_job.job")["id"]
	for _, j := range tg.Emulator.Jobs() {
		if j.ID != id && !j.CancelRequested {
			t.Errorf("job %s (%s) is neither in state nor cancelled", j.ID, j.State)
		}
	}
	if j, _ := tg.Emulator.Job(first); !j.CancelRequested || id == first || len(tg.Emulator.Jobs()) != 2 {
		t.Errorf("first job %+v, state id %v, %d jobs", j, id, len(tg.Emulator.Jobs()))
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color", "-input=false")
}

// Destroy without a refresh finds the job by its marker and cancels it.
func TestAccBatchJob_outcomeUnknownDestroyedWithoutRefresh(t *testing.T) {
	t.Parallel()
	tg, ws := pendingWorkspace(t, "destroy", true)
	ws.Run(t, "destroy", "-auto-approve", "-refresh=false", "-no-color", "-input=false")
	if j := tg.Emulator.Jobs()[0]; !j.CancelRequested {
		t.Errorf("destroy left the submitted job %s running", j.ID)
	}
	if list := ws.Run(t, "state", "list"); strings.TrimSpace(list) != "" {
		t.Errorf("state after destroy: %s", list)
	}
}

// When no job carries the marker, the submission created none: the resource is dropped with a
// warning and the next apply submits the job once.
func TestAccBatchJob_outcomeUnknownNothingCreated(t *testing.T) {
	t.Parallel()
	tg, ws := pendingWorkspace(t, "absent", false)
	out := strings.Join(strings.Fields(ws.Run(t, "apply", "-auto-approve", "-no-color", "-input=false")), " ")
	if !strings.Contains(out, "Submitted batch job not found") || !strings.Contains(out, "1 added, 0 changed, 0 destroyed") {
		t.Errorf("the apply does not submit the job once:\n%s", out)
	}
	if jobs := tg.Emulator.Jobs(); len(jobs) != 1 || showAttributes(t, ws, "dli_batch_job.job")["id"] != jobs[0].ID {
		t.Errorf("emulator jobs %+v", jobs)
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color", "-input=false")
}
