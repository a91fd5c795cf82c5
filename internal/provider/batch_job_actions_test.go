package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

var actionsSupported = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// triggered is an action block plus a terraform_data that invokes it when created or changed: the
// way plugin-testing runs an action.
func triggered(actionType, body string) string {
	return fmt.Sprintf(`
action %[1]q "a" {
  config {
%[2]s
  }
}

resource "terraform_data" "trigger" {
  input = "v1"
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.%[1]s.a]
    }
  }
}
`, actionType, body)
}

func runBody(tg *acctest.Target, name, conf string) string {
	return fmt.Sprintf("    queue = %q\n    file  = %q\n    name  = %q\n    class_name = \"org.apache.spark.examples.SparkPi\"\n    conf  = %s\n",
		tg.Queue, tg.File, name, conf)
}

// emulatorJobNamed checks the emulator's only job called name.
func emulatorJobNamed(tg *acctest.Target, name string, check func(state string, cancelled bool) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var found []string
		for _, j := range tg.Emulator.Jobs() {
			if j.Name == name {
				found = append(found, j.ID)
				if err := check(j.State, j.CancelRequested); err != nil {
					return fmt.Errorf("job %s: %w", j.ID, err)
				}
			}
		}
		if len(found) != 1 {
			return fmt.Errorf("%d jobs named %s, want exactly 1", len(found), name)
		}
		return nil
	}
}

// dli_batch_job_run submits one job and returns once it succeeded; a job that ends dead fails
// the apply with its name, state and log tail.
func TestAccBatchJobRunAction(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   actionsSupported,
		Steps: []resource.TestStep{
			{
				Config: tg.ProviderConfig() + triggered("dli_batch_job_run", runBody(tg, "smoke", `{ "emulator.run_duration" = "300ms" }`)),
				Check: emulatorJobNamed(tg, "smoke", func(state string, _ bool) error {
					if state != "success" {
						return fmt.Errorf("state %s when the action returned, want success", state)
					}
					return nil
				}),
			},
			{
				Config:      tg.ProviderConfig() + strings.Replace(triggered("dli_batch_job_run", runBody(tg, "smoke-dead", `{ "emulator.outcome" = "dead" }`)), "v1", "v2", 1),
				ExpectError: regexp.MustCompile(`(?s)Batch job failed.*Batch job [0-9a-f-]{36}\s+\("smoke-dead"\)\s+ended\s+dead.*Last lines of the job's log:.*emulated failure`),
			},
			{
				// Out of time: the job, which nothing else tracks, is cancelled.
				Config: tg.ProviderConfig() + strings.Replace(triggered("dli_batch_job_run",
					runBody(tg, "smoke-slow", `{ "emulator.run_duration" = "10m" }`)+`    timeout = "1s"`), "v1", "v3", 1),
				ExpectError: wrapped(`did not succeed within the action's timeout \(1s\) while batch job [0-9a-f-]+ \("smoke-slow"\) was running. It was cancelled`),
			},
		},
	})
	if n := tg.CountRequests("POST", "/batches"); n != 3 {
		t.Errorf("%d submissions, want 3 (one per invocation)", n)
	}
	if err := emulatorJobNamed(tg, "smoke-slow", func(_ string, cancelled bool) error {
		if !cancelled {
			return fmt.Errorf("not cancelled after the run timed out")
		}
		return nil
	})(nil); err != nil {
		t.Error(err)
	}
}

// dli_batch_job_cancel cancels a job started by hand and returns once it ended; a job DLI does not
// know fails with its ID and DLI's message.
func TestAccBatchJobCancelAction(t *testing.T) {
	opts := acctest.FastJobs()
	opts.JobRun = time.Hour
	tg := acctest.NewEmulator(t, opts)
	ids := submitByHand(t, tg, "default", "to-cancel", 1, nil)
	missing := "0a324461-d9d9-45da-a52a-3b3c7a3d809e"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   actionsSupported,
		Steps: []resource.TestStep{
			{
				// Refused at plan time (first: the post-test destroy needs a valid configuration).
				Config:      tg.ProviderConfig() + triggered("dli_batch_job_cancel", `    job_id = "not-a-uuid"`),
				PlanOnly:    true,
				ExpectError: wrapped(`must be a DLI batch job ID`),
			},
			{
				Config: tg.ProviderConfig() + triggered("dli_batch_job_cancel", fmt.Sprintf("    job_id = %q", ids[0])),
				Check: emulatorJobNamed(tg, "to-cancel-000", func(state string, cancelled bool) error {
					if state != "dead" || !cancelled {
						return fmt.Errorf("state %s (cancel requested: %v) when the action returned, want a cancelled job, dead", state, cancelled)
					}
					return nil
				}),
			},
			{
				Config: tg.ProviderConfig() + strings.Replace(triggered("dli_batch_job_cancel", fmt.Sprintf("    job_id = %q", missing)), "v1", "v2", 1),
				// The ID, and DLI's own message.
				ExpectError: regexp.MustCompile(`(?s)` + wrapped(fmt.Sprintf(`Batch job %s is not known to DLI in project %s:`, missing, tg.ProjectID)).String() +
					`.*` + wrapped(`DLI.0002: The batch job `+missing+` does not exist`).String()),
			},
		},
	})
}

// Before Terraform 1.14, and on OpenTofu, the CLI itself refuses action blocks: its own "unsupported
// block" error, never a provider failure.
func TestAccBatchJobActions_refusedByOlderCLIs(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{
			tfversion.SkipBetween(tfversion.Version1_14_0, version.Must(version.NewVersion("99.0.0"))),
		},
		Steps: []resource.TestStep{{
			Config:      tg.ProviderConfig() + triggered("dli_batch_job_cancel", `    job_id = "0a324461-d9d9-45da-a52a-3b3c7a3d809e"`),
			ExpectError: regexp.MustCompile(`Unsupported block type|Blocks of type "action" are not expected here`),
		}, {
			// The provider itself works on: a plain configuration (also the post-test destroy's) applies.
			Config: tg.ProviderConfig() + "\ndata \"dli_batch_jobs\" \"all\" {}\n",
		}},
	})
	if n := tg.CountRequests("DELETE", ""); n != 0 {
		t.Errorf("%d cancels reached DLI, want none", n)
	}
}

// Through the provider binary as Terraform 1.14 runs it (served by pluginserver, whose wrapper
// must forward the action RPCs and keep the stream's context): `terraform apply -invoke` runs each
// action, and its progress messages (each state change) are printed as it goes.
func TestAccBatchJobActions_invokeThroughServedBinary(t *testing.T) {
	tf := cliAtLeast(t, "1.14.0", false)
	opts := acctest.FastJobs()
	opts.JobRun = time.Hour
	tg := acctest.NewEmulator(t, opts)
	ids := submitByHand(t, tg, "default", "invoke-cancel", 1, nil)
	ws := acctest.NewWorkspace(t, tg, tf, map[string]string{"main.tf": fmt.Sprintf(`terraform {
  required_providers {
    dli = { source = "dli-tf/dli" }
  }
}

action "dli_batch_job_cancel" "c" {
  config {
    job_id = %q
  }
}

action "dli_batch_job_run" "ok" {
  config {
    queue = "default"
    file  = %q
    name  = "invoked"
    conf  = { "emulator.run_duration" = "200ms" }
  }
}

action "dli_batch_job_run" "dead" {
  config {
    queue = "default"
    file  = %q
    name  = "invoked-dead"
    conf  = { "emulator.outcome" = "dead", "emulator.run_duration" = "200ms" }
  }
}
`, ids[0], tg.File, tg.File)})

	out := ws.Run(t, "apply", "-auto-approve", "-no-color", "-invoke=action.dli_batch_job_cancel.c")
	for _, want := range []string{
		"Cancelling batch job " + ids[0] + " (state running)",
		"Batch job " + ids[0] + " is dead",
		"Batch job " + ids[0] + " ended dead",
		"Actions: 1 invoked.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("cancel output lacks %q:\n%s", want, out)
		}
	}
	if job, _ := tg.Emulator.Job(ids[0]); job.State != "dead" || !job.CancelRequested {
		t.Errorf("job %s is %s (cancel requested: %v) after the action", ids[0], job.State, job.CancelRequested)
	}
	out = ws.Run(t, "apply", "-auto-approve", "-no-color", "-invoke=action.dli_batch_job_cancel.c")
	if !wrapped(`Batch job already finished`).MatchString(out) {
		t.Errorf("cancelling a finished job should warn:\n%s", out)
	}

	out = ws.Run(t, "apply", "-auto-approve", "-no-color", "-invoke=action.dli_batch_job_run.ok")
	for _, want := range []string{`Submitted batch job`, `("invoked") to queue default; waiting for success`, ` is running`, ` is success`} {
		if !strings.Contains(out, want) {
			t.Errorf("run output lacks %q:\n%s", want, out)
		}
	}
	out, code := runOutput(t, ws, "apply", "-auto-approve", "-no-color", "-invoke=action.dli_batch_job_run.dead")
	if code == 0 || !wrapped(`ended dead`).MatchString(out) || !strings.Contains(out, "emulated failure") {
		t.Errorf("a failed run should fail with the log tail (exit %d):\n%s", code, out)
	}
	if state, err := os.Stat(filepath.Join(ws.Dir, "terraform.tfstate")); err == nil && state.Size() > 0 {
		if b, _ := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate")); strings.Contains(string(b), "dli_batch_job") {
			t.Errorf("actions left something in state:\n%s", b)
		}
	}
	if n := tg.CountRequests("POST", "/batches"); n != 3 {
		t.Errorf("%d submissions, want 3 (the job by hand and one per run)", n)
	}
}
