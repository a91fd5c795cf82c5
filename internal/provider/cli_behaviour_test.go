package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// Behaviour seen only through a real Terraform CLI: messages and warnings as printed, the
// state file after a failed apply, interrupts.

func cliJobConfig(tg *acctest.Target, name, extra string) string {
	return requiredDLI + fmt.Sprintf(`
resource "dli_batch_job" "job" {
  queue = %q
  file  = %q
  name  = %q
%s
}
`, tg.Queue, tg.File, name, extra)
}

// A wait that times out records the job as DLI last reported it (no "changed outside of
// Terraform" afterwards) and says how to keep the healthy job.
func TestAccBatchJob_failedWaitRecordsLastReport(t *testing.T) {
	t.Parallel()
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ws := cliWorkspace(t, tg, cliJobConfig(tg, acctest.NamePrefix+"timeout", `  wait_for = "success"
  conf     = { "emulator.run_duration" = "10m" }
  timeouts = { create = "3s" }`))
	out, code := runOutput(t, ws, applyCmd...)
	if code == 0 {
		t.Fatalf("apply succeeded; want the wait to time out:\n%s", out)
	}
	expectOutput(t, "apply output", out, "did not reach success within timeouts.create", "(3s); last state: running", "terraform untaint")
	attrs := showAttributes(t, ws, "dli_batch_job.job")
	job, ok := tg.Emulator.Job(fmt.Sprint(attrs["id"]))
	if !ok {
		t.Fatalf("job %v of the state is unknown to the emulator", attrs["id"])
	}
	if attrs["app_id"] == "" || attrs["app_id"] != job.AppID || attrs["state"] != "running" {
		t.Errorf("state holds app_id %q and state %v; DLI reports %q and %s", attrs["app_id"], attrs["state"], job.AppID, job.State)
	}
	if out, code := runOutput(t, ws, "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Errorf("refresh-only plan after the failed wait exits %d, want 0 (nothing changed outside of Terraform):\n%s", code, out)
	}
	ws.Run(t, destroyCmd...)
}

// Ctrl-C during the wait is reported as an interruption, not as a timeout.
func TestAccBatchJob_interruptedWaitSaysInterrupted(t *testing.T) {
	t.Parallel()
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ws := cliWorkspace(t, tg, cliJobConfig(tg, acctest.NamePrefix+"interrupted", `  wait_for = "success"
  conf     = { "emulator.run_duration" = "10m" }`))
	// Interrupt once the job runs: apply is then waiting for success.
	out := interruptApply(t, ws, "the job runs", func() bool {
		jobs := tg.Emulator.Jobs()
		return len(jobs) == 1 && jobs[0].State == "running"
	})
	expectInterruptedWait(t, out, "batch job", "timed out")
	ws.Run(t, destroyCmd...)
}

// The "finished job no longer in DLI" warning is given once, not on every plan; destroying a
// job with cancel_on_destroy = false names the job left running.
func TestAccBatchJob_warningsOnceAndNamed(t *testing.T) {
	t.Parallel()
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ws := cliWorkspace(t, tg, cliJobConfig(tg, acctest.NamePrefix+"purged", `  wait_for = "success"
  conf     = { "emulator.run_duration" = "50ms" }`)+`
resource "dli_batch_job" "left" {
  queue             = "default"
  file              = "obs://dli-demo/jobs/spark-examples.jar"
  name              = "left-running"
  cancel_on_destroy = false
  conf              = { "emulator.run_duration" = "10m" }
}
`)
	ws.Run(t, applyCmd...)
	id := fmt.Sprint(showAttributes(t, ws, "dli_batch_job.job")["id"])
	tg.Emulator.ForgetJob(id)

	const purged = "Finished batch job no longer in DLI"
	if out := ws.Run(t, applyCmd...); !strings.Contains(out, purged) {
		t.Errorf("the first refresh after the purge gives no warning:\n%s", out)
	}
	if out := ws.Run(t, planCmd...); strings.Contains(out, purged) {
		t.Errorf("the warning about the purged job is repeated:\n%s", out)
	}
	out := flat(ws.Run(t, destroyCmd...))
	var leftID string
	for _, j := range tg.Emulator.Jobs() {
		if j.Name == "left-running" {
			leftID = j.ID
		}
	}
	if want := fmt.Sprintf(`Batch job %s ("left-running") was removed from state without being cancelled`, leftID); leftID == "" || !strings.Contains(out, want) {
		t.Errorf("destroy output lacks %q:\n%s", want, out)
	}
}
