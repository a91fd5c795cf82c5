package provider_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// The list resource examples of the SQL, Flink, queue and pool resources each find what they
// describe, and only that: objects of other teams, kinds, types or names are left out.
func TestAccExamples_listResources(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	objects := tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_sql_job" "analytics" {
  count = 2
  sql   = "INSERT INTO t SELECT ${count.index}"
  queue = %[1]q
  conf  = { "emulator.run_duration" = "50ms" }
  tags  = { team = "analytics" }
}
resource "dli_sql_job" "query" {
  sql   = "SELECT 1"
  queue = %[1]q
  conf  = { "emulator.run_duration" = "50ms" }
  tags  = { team = "analytics" }
}
resource "dli_sql_job" "other" {
  sql   = "INSERT INTO t SELECT 9"
  queue = %[1]q
  conf  = { "emulator.run_duration" = "50ms" }
  tags  = { team = "other" }
}
resource "dli_flink_sql_job" "streaming" {
  name           = "%[2]s-s"
  queue          = %[1]q
  sql            = %[3]q
  run_mode       = "exclusive_cluster"
  runtime_config = { "emulator.outcome" = "running" }
  tags           = { team = "streaming" }
}
resource "dli_flink_jar_job" "jar" {
  name            = "%[2]s-j"
  queue           = %[1]q
  entrypoint      = "obs://dli-demo/jobs/stream-1.0.jar"
  checkpoint_path = "obs://dli-checkpoints/jobs/stream"
  runtime_config  = { "emulator.outcome" = "running" }
  tags            = { team = "streaming" }
}
resource "dli_queue" "etl" {
  name     = %[4]q
  type     = "general"
  cu_count = 16
  tags     = { team = "etl" }
}
resource "dli_queue" "other" {
  name     = "%[4]s_x"
  type     = "general"
  cu_count = 16
}
resource "dli_elastic_resource_pool" "shared" {
  name   = "shared_%[4]s"
  min_cu = 64
  max_cu = 128
}
resource "dli_elastic_resource_pool" "other" {
  name   = "other_%[4]s"
  min_cu = 64
  max_cu = 128
}
`, tg.Queue, name, flinkSQL, queueName("tf_acc_ex"))
	var queries []string
	for _, typ := range []string{"dli_sql_job", "dli_flink_sql_job", "dli_flink_jar_job", "dli_queue", "dli_elastic_resource_pool"} {
		queries = append(queries, readExample(t, "list-resources/"+typ+"/list-resource.tfquery.hcl"))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{
			{Config: objects},
			{
				Query:  true,
				Config: strings.Join(queries, "\n"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("dli_sql_job.analytics", 2),
					querycheck.ExpectLength("dli_flink_sql_job.streaming", 1),
					querycheck.ExpectLength("dli_flink_jar_job.running", 1),
					querycheck.ExpectLength("dli_queue.etl", 1),
					querycheck.ExpectLength("dli_elastic_resource_pool.shared", 1),
				},
			},
		},
	})
}

// The action examples applied as written (the cancel one given the ID of a running job and a
// trigger, since plugin-testing cannot -invoke): the smoke test succeeds, the stuck job is cancelled.
func TestAccExamples_actions(t *testing.T) {
	opts := acctest.FastJobs()
	opts.JobRun = time.Hour
	tg := acctest.NewEmulator(t, opts)
	stuck := submitByHand(t, tg, "default", "stuck", 1, nil)[0]
	cancel := strings.Replace(readExample(t, "actions/dli_batch_job_cancel/action.tf"), exampleJobID, stuck, 1) + `
resource "terraform_data" "cancel" {
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.dli_batch_job_cancel.stuck]
    }
  }
}
`
	run := strings.Replace(readExample(t, "actions/dli_batch_job_run/action.tf"), `"spark.sql.shuffle.partitions" = "8"`,
		`"spark.sql.shuffle.partitions" = "8", "emulator.run_duration" = "300ms"`, 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   actionsSupported,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + cancel + run,
			Check: resource.ComposeTestCheckFunc(
				emulatorJobNamed(tg, "etl-smoke-test", func(state string, _ bool) error {
					if state != "success" {
						return fmt.Errorf("smoke test %s, want success", state)
					}
					return nil
				}),
				emulatorJobNamed(tg, "stuck-000", func(state string, cancelled bool) error {
					if state != "dead" || !cancelled {
						return fmt.Errorf("stuck job %s (cancel requested %v), want cancelled", state, cancelled)
					}
					return nil
				}),
			),
		}},
	})
}

const exampleJobID = "0a324461-d9d9-45da-a52a-3b3c7a3d809e"

// The list resource example finds the running etl- jobs of queue etl, and only those.
func TestAccExamples_listResource(t *testing.T) {
	opts := acctest.FastJobs()
	opts.JobRun = time.Hour
	tg := acctest.NewEmulator(t, opts)
	submitByHand(t, tg, "etl", "etl-daily", 2, nil)
	submitByHand(t, tg, "etl", "adhoc", 1, nil)
	submitByHand(t, tg, "default", "etl-elsewhere", 1, nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{Config: tg.ProviderConfig()},
			{
				Query:             true,
				Config:            readExample(t, "list-resources/dli_batch_job/list-resource.tfquery.hcl"),
				QueryResultChecks: []querycheck.QueryResultCheck{querycheck.ExpectLength("dli_batch_job.etl", 2)},
			},
		},
	})
}

// import-by-identity.tf adopts a job submitted earlier with resource.tf: only provider-side
// arguments change, nothing is re-run.
func TestAccExamples_importByIdentity(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resourceTF := readExample(t, "resources/dli_batch_job/resource.tf")
	importTF := readExample(t, "resources/dli_batch_job/import-by-identity.tf")
	if !strings.Contains(importTF, exampleJobID) {
		t.Fatal("import-by-identity.tf does not carry the example ID")
	}
	identity := []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   identity,
		Steps:                    letGoOfBatchExample(tg, resourceTF, &id),
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   identity,
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{{
			Config:           tg.ProviderConfig() + resourceTF + strings.Replace(importTF, exampleJobID, id, 1),
			ConfigPlanChecks: plannedUpdate("dli_batch_job.etl"),
			ConfigStateChecks: checks(
				statecheck.ExpectIdentityValue("dli_batch_job.etl", tfjsonpath.New("id"), knownvalue.StringExact(id)),
			),
		}},
	})
	if n := tg.CountRequests("POST", "/batches"); n != 1 {
		t.Errorf("%d submissions, want 1", n)
	}
}
