package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// wait_for = "finished" records a dead job without an error, so a test can assert the failure.
func TestAccBatchJob_waitForFinishedRecordsDead(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	tg.RequireEmulator(t, "scripts the job to fail")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckNoDelete,
		Steps: []resource.TestStep{{
			Config: jobConfig(tg, acctest.JobName(t), `  wait_for = "finished"
  conf     = { "emulator.outcome" = "dead", "emulator.run_duration" = "100ms" }`),
			ConfigStateChecks: checks(
				stateIs(jobAddress, "state", knownvalue.StringExact("dead")),
				stateKeyIs(jobAddress, "conf", "emulator.outcome", knownvalue.StringExact("dead")),
			),
		}},
	})
}

// everyArgument is a job with every kind of argument, conf included.
const everyArgument = `
  class_name      = "com.example.Etl"
  args            = ["--date", "2026-11-28"]
  jars            = ["obs://dli-demo/lib/dep.jar"]
  python_files    = ["obs://dli-demo/lib/util.py"]
  files           = ["obs://dli-demo/conf/app.conf"]
  modules         = ["sys.datasource.rds"]
  resources       = [{ name = "groupTest/testJar.jar", type = "jar" }]
  groups          = [{ name = "batchTest", resources = [{ name = "luxor.jar", type = "jar" }] }]
  conf            = { "spark.dli.metaAccess.enable" = "true", "emulator.run_duration" = "50ms" }
  driver_memory   = "2G"
  driver_cores    = 2
  executor_memory = "4096M"
  executor_cores  = 2
  num_executors   = 3
  obs_bucket      = "dli-demo-logs"
  auto_recovery   = true
  max_retry_times = 5
  feature         = "basic"
  spark_version   = "3.3.1"
  catalog_name    = "dli"
  execution_agency_urn = "dli_agency"
`

// Adoption by generated config: terraform plan -generate-config-out with an import block writes
// every argument, conf included (it is not sensitive), and the import plans as a no-op.
func TestAccBatchJob_generatedConfigPlansClean(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	config := jobConfig(tg, acctest.JobName(t), everyArgument+`  wait_for = "success"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config:          config,
				ResourceName:    jobAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				GenerateConfig:  true,
			},
		},
	})
}

// Import with the default values spelled out in the configuration (which DLI's copy of the
// submission leaves out) adopts them in place: no replacement, no second submission.
func TestAccBatchJob_importWithExplicitDefaults(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ids := submitJobs(t, tg, 1, tg.Queue, "adopted", nil)
	waitForEmulatorState(t, tg, &ids[0], "success")()
	config := tg.ProviderConfig() + fmt.Sprintf(`
import {
  to = dli_batch_job.test
  id = %[1]q
}

resource "dli_batch_job" "test" {
  queue           = %[2]q
  file            = %[3]q
  name            = "adopted"
  auto_recovery   = false
  max_retry_times = 20
  args            = []
  jars            = []
  conf            = {}
  resources       = []
}
`, ids[0], tg.Queue, tg.File)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				Config:           config,
				ConfigPlanChecks: plannedUpdate(jobAddress),
				ConfigStateChecks: checks(
					stateIs(jobAddress, "max_retry_times", knownvalue.Int64Exact(20)),
					stateIs(jobAddress, "auto_recovery", knownvalue.Bool(false)),
					stateIs(jobAddress, "args", knownvalue.ListSizeExact(0)),
				),
			},
			{
				// Adopted for good: refreshes keep the spelled-out defaults.
				Config:           config,
				ConfigPlanChecks: emptyPlan(),
			},
		},
	})
	if n := tg.CountRequests("POST", "/batches"); n != 1 {
		t.Errorf("%d submissions, want only the original one", n)
	}
}

// Pointing the provider at another endpoint does not forget an active job the new location
// does not know (nor submit it again there); pointing it back finds it.
func TestAccBatchJob_locationChangeKeepsActiveJob(t *testing.T) {
	home := acctest.NewEmulator(t, acctest.FastJobs())
	elsewhere := acctest.NewEmulator(t, acctest.FastJobs())
	name := acctest.JobName(t)
	body := `  conf = { "emulator.run_duration" = "10m" }
  wait_for = "running"`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             home.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{Config: jobConfig(home, name, body)},
			{
				Config:      jobConfig(elsewhere, name, body),
				ExpectError: wrapped(`(?s)Batch job not found at the provider's new location.*lives in project \S+ at ` + home.URL + `;.*terraform state rm`),
			},
			{
				Config:           jobConfig(home, name, body),
				ConfigPlanChecks: emptyPlan(),
			},
		},
	})
	if n := elsewhere.CountRequests("POST", "/batches"); n != 0 {
		t.Errorf("the job was submitted again at the new location (%d submissions)", n)
	}
}

func TestAccBatchJobsDataSource_namePrefixAndRegex(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	for _, name := range []string{"etl-daily", "etl-hourly", "report-daily"} {
		submitJobs(t, tg, 1, tg.Queue, name, nil)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      tg.ProviderConfig() + "data \"dli_batch_jobs\" \"bad\" {\n  name_regex = \"(\"\n}\n",
				PlanOnly:    true,
				ExpectError: wrapped(`name_regex must be a valid regular expression`),
			},
			{
				Config: tg.ProviderConfig() + `
data "dli_batch_jobs" "etl" {
  name_prefix = "etl-"
}
data "dli_batch_jobs" "daily" {
  name_regex = "-daily$"
}
data "dli_batch_jobs" "etl_daily" {
  name_prefix = "etl-"
  name_regex  = "daily"
}
`,
				ConfigStateChecks: checks(
					stateIs("data.dli_batch_jobs.etl", "ids", knownvalue.ListSizeExact(2)),
					stateIs("data.dli_batch_jobs.daily", "ids", knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.dli_batch_jobs.etl_daily", tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("etl-daily")),
					stateIs("data.dli_batch_jobs.etl_daily", "ids", knownvalue.ListSizeExact(1)),
				),
			},
		},
	})
}
