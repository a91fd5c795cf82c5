package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// submitSQLByHand submits a SQL job that runs for 10 minutes, outside Terraform.
func submitSQLByHand(t *testing.T, tg *acctest.Target, sql string) string {
	t.Helper()
	sub, err := apiClient(t, tg).CreateSQLJob(context.Background(), &client.CreateSQLJobRequest{SQL: sql, Queue: tg.Queue,
		Conf: map[string]string{"emulator.run_duration": "10m"}})
	if err != nil {
		t.Fatal(err)
	}
	return sub.ID
}

// dli_sql_job_cancel cancels a job started by hand and returns once it ended CANCELLED; a job
// that already finished is a warning; one DLI does not know fails with its ID and DLI's message.
func TestAccSQLJobCancelAction(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	id := submitSQLByHand(t, tg, "INSERT INTO t SELECT 1")
	missing := "8ecb0777-9c70-4529-9935-29ea0946039c"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   actionsSupported,
		Steps: []resource.TestStep{
			{
				Config:      tg.ProviderConfig() + triggered("dli_sql_job_cancel", `    job_id = "not-a-uuid"`),
				PlanOnly:    true,
				ExpectError: wrapped(`job_id`),
			},
			{
				Config: tg.ProviderConfig() + triggered("dli_sql_job_cancel", fmt.Sprintf("    job_id = %q", id)),
				Check: func(*terraform.State) error {
					if s := sqlJobNow(t, tg, id).Status; s != client.SQLStatusCancelled {
						return fmt.Errorf("SQL job %s is %s when the action returned, want CANCELLED", id, s)
					}
					return nil
				},
			},
			{
				// Cancelled already: a warning, no second DELETE.
				Config: tg.ProviderConfig() + strings.Replace(triggered("dli_sql_job_cancel", fmt.Sprintf("    job_id = %q", id)), "v1", "v2", 1),
			},
			{
				Config: tg.ProviderConfig() + strings.Replace(triggered("dli_sql_job_cancel", fmt.Sprintf("    job_id = %q", missing)), "v1", "v3", 1),
				ExpectError: regexp.MustCompile(`(?s)` + wrapped(fmt.Sprintf(`SQL job %s is not known to DLI in project %s:`, missing, tg.ProjectID)).String() +
					`.*DLI\.0002`),
			},
		},
	})
	if n := tg.CountRequests("DELETE", "/jobs/"+id); n != 1 {
		t.Errorf("%d cancels of %s, want 1", n, id)
	}
}

// dli_flink_job_stop stops a running Jar job with a savepoint and returns once it is stopped; the
// resource tracking it then plans to run it again. A job DLI does not know fails with its ID.
func TestAccFlinkJobStopAction(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	var id string
	job := flinkJarConfig(tg, flinkName(t), "obs://dli-demo/jobs/stream-1.0.jar", `  runtime_config = { "emulator.outcome" = "running" }`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   actionsSupported,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			{Config: job, Check: captureIDOf(flinkJarAddress, &id)},
			{
				Config: job + triggered("dli_flink_job_stop", "    job_id = dli_flink_jar_job.test.id\n    savepoint = true"),
				Check: func(*terraform.State) error {
					j := flinkJobOf(t, tg, id)
					if j.Status != "job_cancel_success" || len(j.Runs) != 1 || !j.Runs[0].TriggerSavepoint || j.SavepointPath == "" {
						return fmt.Errorf("job %s is %s, runs %+v, savepoint %q: want stopped with a savepoint", id, j.Status, j.Runs, j.SavepointPath)
					}
					return nil
				},
				// The job is stopped while desired_state says running: the next plan runs it.
				ExpectNonEmptyPlan: true,
			},
			{
				Config:      job + strings.Replace(triggered("dli_flink_job_stop", `    job_id = "999999"`), "v1", "v2", 1),
				ExpectError: wrapped(fmt.Sprintf(`Flink job 999999 is not known to DLI in project %s:`, tg.ProjectID)),
			},
		},
	})
}

// The action examples, invoked through the provider binary as Terraform 1.14 runs it (served by
// pluginserver) with `terraform apply -invoke`: each acts on a job made by hand and prints the
// states it goes through as they happen.
func TestAccExamples_jobActionsInvoked(t *testing.T) {
	tf := cliAtLeast(t, "1.14.0", false)
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	sqlID := submitSQLByHand(t, tg, "INSERT INTO t SELECT 2")
	made := acctest.NewWorkspace(t, tg, tf, map[string]string{"main.tf": requiredDLI +
		flinkJarConfig(tg, flinkName(t), "obs://dli-demo/jobs/stream-1.0.jar", `  runtime_config = { "emulator.outcome" = "running" }`)})
	made.Run(t, "apply", "-auto-approve", "-no-color")
	made.Run(t, "state", "rm", flinkJarAddress)
	var flinkID string
	for _, j := range tg.Emulator.FlinkJobs() {
		flinkID = fmt.Sprint(j.ID)
	}
	actions := strings.Replace(readExample(t, "actions/dli_sql_job_cancel/action.tf"), "8ecb0777-9c70-4529-9935-29ea0946039c", sqlID, 1) +
		strings.Replace(readExample(t, "actions/dli_flink_job_stop/action.tf"), `"148"`, fmt.Sprintf("%q", flinkID), 1)
	ws := acctest.NewWorkspace(t, tg, tf, map[string]string{"main.tf": requiredDLI + actions})

	out := ws.Run(t, "apply", "-auto-approve", "-no-color", "-invoke=action.dli_sql_job_cancel.runaway")
	for _, want := range []string{"Cancelling SQL job " + sqlID + " (status RUNNING)", "SQL job " + sqlID + " is CANCELLED",
		"SQL job " + sqlID + " ended CANCELLED", "Actions: 1 invoked."} {
		if !strings.Contains(out, want) {
			t.Errorf("cancel output lacks %q:\n%s", want, out)
		}
	}
	out = ws.Run(t, "apply", "-auto-approve", "-no-color", "-invoke=action.dli_sql_job_cancel.runaway")
	if !wrapped(`SQL job already finished`).MatchString(out) {
		t.Errorf("cancelling a finished job should warn:\n%s", out)
	}
	out = ws.Run(t, "apply", "-auto-approve", "-no-color", "-invoke=action.dli_flink_job_stop.maintenance")
	for _, want := range []string{"Stopping Flink job " + flinkID, "with a savepoint", "is job_cancel_success", "ended job_cancel_success; savepoint ",
		"Actions: 1 invoked."} {
		if !strings.Contains(out, want) {
			t.Errorf("stop output lacks %q:\n%s", want, out)
		}
	}
	out = ws.Run(t, "apply", "-auto-approve", "-no-color", "-invoke=action.dli_flink_job_stop.maintenance")
	if !wrapped(`Flink job not running`).MatchString(out) {
		t.Errorf("stopping a stopped job should warn:\n%s", out)
	}
}
