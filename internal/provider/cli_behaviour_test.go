package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// Behaviour seen only through a real Terraform CLI: messages and warnings as printed, the
// state file after a failed apply, interrupts.

func cliJobConfig(tg *acctest.Target, name, extra string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    dli = {
      source = "dli-tf/dli"
    }
  }
}

resource "dli_batch_job" "job" {
  queue = %q
  file  = %q
  name  = %q
%s
}
`, tg.Queue, tg.File, name, extra)
}

func cliWorkspace(t *testing.T, tg *acctest.Target, config string) *acctest.Workspace {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	return acctest.NewWorkspace(t, tg, acctest.TerraformBinary(t), map[string]string{"main.tf": config})
}

// runOutput runs terraform and returns its output and exit code (no failure on a non-zero one).
func runOutput(t *testing.T, ws *acctest.Workspace, args ...string) (string, int) {
	t.Helper()
	out, err := ws.Command(nil, args...).CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return string(out), exit.ExitCode()
	}
	if err != nil {
		t.Fatalf("terraform %v: %v", args, err)
	}
	return string(out), 0
}

// stateAttributes reads the attributes of dli_batch_job.job from terraform show -json.
func stateAttributes(t *testing.T, ws *acctest.Workspace) map[string]any {
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
		if r.Address == "dli_batch_job.job" {
			return r.Values
		}
	}
	t.Fatal("dli_batch_job.job is not in state")
	return nil
}

// A wait that times out records the job as DLI last reported it (no "changed outside of
// Terraform" afterwards) and says how to keep the healthy job.
func TestAccBatchJob_failedWaitRecordsLastReport(t *testing.T) {
	t.Parallel()
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ws := cliWorkspace(t, tg, cliJobConfig(tg, acctest.NamePrefix+"timeout", `  wait_for = "success"
  conf     = { "emulator.run_duration" = "10m" }
  timeouts = { create = "3s" }`))
	out, code := runOutput(t, ws, "apply", "-auto-approve", "-no-color", "-input=false")
	if code == 0 {
		t.Fatalf("apply succeeded; want the wait to time out:\n%s", out)
	}
	for _, want := range []string{"did not reach success within timeouts.create", "(3s); last state: running", "terraform untaint"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("apply output lacks %q:\n%s", want, out)
		}
	}
	attrs := stateAttributes(t, ws)
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
	ws.Run(t, "destroy", "-auto-approve", "-no-color", "-input=false")
}

// Ctrl-C during the wait is reported as an interruption, not as a timeout.
func TestAccBatchJob_interruptedWaitSaysInterrupted(t *testing.T) {
	t.Parallel()
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ws := cliWorkspace(t, tg, cliJobConfig(tg, acctest.NamePrefix+"interrupted", `  wait_for = "success"
  conf     = { "emulator.run_duration" = "10m" }`))
	cmd := ws.Command(nil, "apply", "-auto-approve", "-no-color", "-input=false")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the job runs: apply is then waiting for success.
	eventually(t, "the job runs", func() bool {
		jobs := tg.Emulator.Jobs()
		return len(jobs) == 1 && jobs[0].State == "running"
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
	text := strings.Join(strings.Fields(out.String()), " ")
	if !strings.Contains(text, "Interrupted while waiting for batch job") || !strings.Contains(text, "terraform untaint") {
		t.Errorf("the interrupted apply does not say it was interrupted and how to keep the job:\n%s", out.String())
	}
	if strings.Contains(text, "timed out") {
		t.Errorf("the interrupted apply speaks of a timeout:\n%s", out.String())
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color", "-input=false")
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
	ws.Run(t, "apply", "-auto-approve", "-no-color", "-input=false")
	id := fmt.Sprint(stateAttributes(t, ws)["id"])
	tg.Emulator.ForgetJob(id)

	const purged = "Finished batch job no longer in DLI"
	if out := ws.Run(t, "apply", "-auto-approve", "-no-color", "-input=false"); !strings.Contains(out, purged) {
		t.Errorf("the first refresh after the purge gives no warning:\n%s", out)
	}
	if out := ws.Run(t, "plan", "-no-color", "-input=false"); strings.Contains(out, purged) {
		t.Errorf("the warning about the purged job is repeated:\n%s", out)
	}
	out := strings.Join(strings.Fields(ws.Run(t, "destroy", "-auto-approve", "-no-color", "-input=false")), " ")
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
