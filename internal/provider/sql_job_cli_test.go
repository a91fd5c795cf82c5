package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// dli_sql_job behaviour seen through a real Terraform CLI: messages and warnings as printed,
// the state after a failed apply, interrupts.

func sqlCLIConfig(resources string) string {
	return `terraform {
  required_providers {
    dli = {
      source = "dli-tf/dli"
    }
  }
}
` + resources
}

func oneSQLJob(body string) string {
	return sqlCLIConfig("resource \"dli_sql_job\" \"job\" {\n" + body + "\n}\n")
}

// sqlStateAttributes reads the attributes of one resource from terraform show -json.
func sqlStateAttributes(t *testing.T, ws *acctest.Workspace, address string) map[string]any {
	t.Helper()
	var show struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(ws.Run(t, "show", "-json")), &show); err != nil {
		t.Fatal(err)
	}
	for _, r := range show.Values.RootModule.Resources {
		if r.Address == address {
			return r.Values
		}
	}
	t.Fatalf("%s is not in state", address)
	return nil
}

func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// A wait that times out records the job as DLI last reported it and says how to keep it.
func TestAccSQLJob_timedOutWaitRecordsLastReport(t *testing.T) {
	t.Parallel()
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ws := cliWorkspace(t, tg, oneSQLJob(`  sql      = "INSERT INTO t SELECT 1"
  conf     = { "emulator.run_duration" = "10m" }
  timeouts = { create = "3s" }`))
	out, code := runOutput(t, ws, "apply", "-auto-approve", "-no-color", "-input=false")
	if code == 0 {
		t.Fatalf("apply succeeded; want the wait to time out:\n%s", out)
	}
	for _, want := range []string{"was not finished within timeouts.create (3s); last status: RUNNING", "terraform untaint"} {
		if !strings.Contains(flat(out), want) {
			t.Errorf("apply output lacks %q:\n%s", want, out)
		}
	}
	attrs := sqlStateAttributes(t, ws, "dli_sql_job.job")
	job := sqlJobNow(t, tg, fmt.Sprint(attrs["id"]))
	if attrs["status"] != string(job.Status) || attrs["owner"] != job.Owner || attrs["start_time"] == "" {
		t.Errorf("state holds status %v, owner %v, start %v; DLI reports %s, %s", attrs["status"], attrs["owner"], attrs["start_time"], job.Status, job.Owner)
	}
	if out, code := runOutput(t, ws, "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Errorf("refresh-only plan after the failed wait exits %d, want 0:\n%s", code, out)
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color", "-input=false")
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
	cmd := ws.Command(nil, "apply", "-auto-approve", "-no-color", "-input=false")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the statement runs", func() bool {
		jobs := allSQLJobs(t, tg)
		return len(jobs) == 1 && jobs[0].Status == client.SQLStatusRunning
	})
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("the interrupted apply succeeded:\n%s", out.String())
		}
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("terraform did not exit after the interrupt:\n%s", out.String())
	}
	text := flat(out.String())
	if !strings.Contains(text, "Interrupted while waiting for SQL job") || !strings.Contains(text, "terraform untaint") || strings.Contains(text, "timed out") {
		t.Errorf("the interrupted apply does not say it was interrupted and how to keep the job:\n%s", out.String())
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color", "-input=false")
}

// A purged finished job is kept with one warning; a job DLI no longer knows is forgotten by
// destroy with a warning; cancel_on_destroy = false names the job left running.
func TestAccSQLJob_warningsOnceAndNamed(t *testing.T) {
	t.Parallel()
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ws := cliWorkspace(t, tg, oneSQLJob(`  sql  = "SELECT 1 AS n"
  conf = { "emulator.run_duration" = "50ms" }`))
	ws.Run(t, "apply", "-auto-approve", "-no-color", "-input=false")
	tg.Emulator.Reset() // DLI's history is purged
	const purged = "Finished SQL job no longer in DLI"
	if out := ws.Run(t, "apply", "-auto-approve", "-no-color", "-input=false"); !strings.Contains(out, purged) {
		t.Errorf("the first refresh after the purge gives no warning:\n%s", out)
	}
	if out := ws.Run(t, "plan", "-detailed-exitcode", "-no-color", "-input=false"); strings.Contains(out, purged) {
		t.Errorf("the warning about the purged job is repeated:\n%s", out)
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color", "-input=false")

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
	running.Run(t, "apply", "-auto-approve", "-no-color", "-input=false")
	gone := fmt.Sprint(sqlStateAttributes(t, running, "dli_sql_job.job")["id"])
	left := fmt.Sprint(sqlStateAttributes(t, running, "dli_sql_job.left")["id"])
	tg.Emulator.Reset()
	// Without a refresh, destroy meets the unknown job itself.
	out := flat(running.Run(t, "destroy", "-refresh=false", "-auto-approve", "-no-color", "-input=false"))
	for _, want := range []string{
		fmt.Sprintf("SQL job %s (last status: RUNNING) is not known to DLI any more", gone),
		fmt.Sprintf("SQL job %s was removed from state without being cancelled (cancel_on_destroy = false)", left),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("destroy output lacks %q:\n%s", want, out)
		}
	}
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
	ws.Run(t, "apply", "-auto-approve", "-no-color", "-input=false")
	out, code := runOutput(t, ws, "destroy", "-auto-approve", "-no-color", "-input=false")
	if code == 0 {
		t.Fatalf("destroy succeeded; want the delete timeout:\n%s", out)
	}
	for _, want := range []string{"Cancelled SQL job did not end in time", "DLI accepted the cancel of SQL job",
		"timeouts.delete (2s); its status is now RUNNING", "first apply a larger value"} {
		if !strings.Contains(flat(out), want) {
			t.Errorf("destroy output lacks %q:\n%s", want, out)
		}
	}
}
