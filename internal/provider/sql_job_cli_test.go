package provider_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// dli_sql_job behaviour seen through a real Terraform CLI: messages and warnings as printed,
// the state after a failed apply, interrupts.

func oneSQLJob(body string) string {
	return requiredDLI + "resource \"dli_sql_job\" \"job\" {\n" + body + "\n}\n"
}

// A wait that times out records the job as DLI last reported it and says how to keep it.
func TestAccSQLJob_timedOutWaitRecordsLastReport(t *testing.T) {
	t.Parallel()
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ws := cliWorkspace(t, tg, oneSQLJob(`  sql      = "INSERT INTO t SELECT 1"
  conf     = { "emulator.run_duration" = "10m" }
  timeouts = { create = "3s" }`))
	out, code := runOutput(t, ws, applyCmd...)
	if code == 0 {
		t.Fatalf("apply succeeded; want the wait to time out:\n%s", out)
	}
	expectOutput(t, "apply output", out, "was not finished within timeouts.create (3s); last status: RUNNING", "terraform untaint")
	attrs := showAttributes(t, ws, "dli_sql_job.job")
	job := sqlJobNow(t, tg, fmt.Sprint(attrs["id"]))
	if attrs["status"] != string(job.Status) || attrs["owner"] != job.Owner || attrs["start_time"] == "" {
		t.Errorf("state holds status %v, owner %v, start %v; DLI reports %s, %s", attrs["status"], attrs["owner"], attrs["start_time"], job.Status, job.Owner)
	}
	if out, code := runOutput(t, ws, "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Errorf("refresh-only plan after the failed wait exits %d, want 0:\n%s", code, out)
	}
	ws.Run(t, destroyCmd...)
	if s := sqlJobNow(t, tg, job.ID).Status; s != client.SQLStatusCancelled {
		t.Errorf("destroyed job is %s, want CANCELLED", s)
	}
}

// Ctrl-C during the wait is reported as an interruption, not as a timeout.
func TestAccSQLJob_interruptedWaitSaysInterrupted(t *testing.T) {
	t.Parallel()
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ws := cliWorkspace(t, tg, oneSQLJob(`  sql  = "INSERT INTO t SELECT 1"
  conf = { "emulator.run_duration" = "10m" }`))
	out := interruptApply(t, ws, "the statement runs", func() bool {
		jobs := allSQLJobs(t, tg)
		return len(jobs) == 1 && jobs[0].Status == client.SQLStatusRunning
	})
	expectInterruptedWait(t, out, "SQL job", "timed out")
	ws.Run(t, destroyCmd...)
}

// A purged finished job is kept with one warning; a job DLI no longer knows is forgotten by
// destroy with a warning; cancel_on_destroy = false names the job left running.
func TestAccSQLJob_warningsOnceAndNamed(t *testing.T) {
	t.Parallel()
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ws := cliWorkspace(t, tg, oneSQLJob(`  sql  = "SELECT 1 AS n"
  conf = { "emulator.run_duration" = "50ms" }`))
	ws.Run(t, applyCmd...)
	tg.Emulator.Reset() // DLI's history is purged
	const purged = "Finished SQL job no longer in DLI"
	if out := ws.Run(t, applyCmd...); !strings.Contains(out, purged) {
		t.Errorf("the first refresh after the purge gives no warning:\n%s", out)
	}
	if out := ws.Run(t, "plan", "-detailed-exitcode", "-no-color", "-input=false"); strings.Contains(out, purged) {
		t.Errorf("the warning about the purged job is repeated:\n%s", out)
	}
	ws.Run(t, destroyCmd...)

	running := cliWorkspace(t, tg, oneSQLJob(`  sql      = "INSERT INTO t SELECT 1"
  wait_for = "running"
  conf     = { "emulator.run_duration" = "10m" }`)+`
resource "dli_sql_job" "left" {
  sql               = "INSERT INTO t SELECT 2"
  wait_for          = "submitted"
  cancel_on_destroy = false
  conf              = { "emulator.run_duration" = "10m" }
}
`)
	running.Run(t, applyCmd...)
	gone := fmt.Sprint(showAttributes(t, running, "dli_sql_job.job")["id"])
	left := fmt.Sprint(showAttributes(t, running, "dli_sql_job.left")["id"])
	tg.Emulator.Reset()
	// Without a refresh, destroy meets the unknown job itself.
	out := flat(running.Run(t, "destroy", "-refresh=false", "-auto-approve", "-no-color", "-input=false"))
	expectOutput(t, "destroy output", out,
		fmt.Sprintf("SQL job %s (last status: RUNNING) is not known to DLI any more", gone),
		fmt.Sprintf("SQL job %s was removed from state without being cancelled (cancel_on_destroy = false)", left))
}

// A delete timeout after an accepted cancel says so, and how to wait longer.
func TestAccSQLJob_deleteTimeoutMessage(t *testing.T) {
	t.Parallel()
	opts := acctest.FastJobs()
	opts.CancelDelay = time.Hour // the cancelled statement keeps running
	tg := acctest.NewEmulator(t, opts)
	ws := cliWorkspace(t, tg, oneSQLJob(`  sql      = "INSERT INTO t SELECT 1"
  wait_for = "running"
  conf     = { "emulator.run_duration" = "10m" }
  timeouts = { delete = "2s" }`))
	ws.Run(t, applyCmd...)
	out, code := runOutput(t, ws, destroyCmd...)
	if code == 0 {
		t.Fatalf("destroy succeeded; want the delete timeout:\n%s", out)
	}
	expectOutput(t, "destroy output", out, "Cancelled SQL job did not end in time", "DLI accepted the cancel of SQL job",
		"timeouts.delete (2s); its status is now RUNNING", "first apply a larger value")
}
