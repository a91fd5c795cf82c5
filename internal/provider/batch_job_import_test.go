package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// Adopting jobs: import by command, import block and generated configuration.

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

// Import by `import` block: a finished job with every kind of argument plans empty afterwards.
func TestAccBatchJob_importBlockRoundTrip(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	config := jobConfig(tg, acctest.JobName(t), everyArgument+`  wait_for = "success"`)
	// wait_for only matters when submitting; an imported job records the default, so the import
	// configuration leaves it out to plan a no-op.
	importConfig := strings.Replace(config, `wait_for = "success"`, "", 1)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  captureID(&id),
				ConfigStateChecks: checks(
					stateIs(jobAddress, "state", knownvalue.StringExact("success")),
					stateIs(jobAddress, "sc_type", knownvalue.StringExact("CUSTOMIZED")),
				),
			},
			{
				Config:          importConfig,
				ResourceName:    jobAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// The classic command as well, with every attribute compared.
				Config:                  importConfig,
				ResourceName:            jobAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "wait_for"},
			},
		},
	})
}

func TestAccBatchJob_importRejectsBadID(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        jobConfig(tg, "imported", ""),
				ResourceName:  jobAddress,
				ImportState:   true,
				ImportStateId: "../queues",
				ExpectError:   wrapped(`Import needs the ID of a DLI batch job, a UUID`),
			},
		},
	})
	if n := len(tg.Requests("")); n != 0 {
		t.Errorf("a malformed ID reached the API (%d requests)", n)
	}
}

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
	config := tg.ProviderConfig() + importByID(jobAddress, ids[0]) + fmt.Sprintf(`
resource "dli_batch_job" "test" {
  queue           = %[1]q
  file            = %[2]q
  name            = "adopted"
  auto_recovery   = false
  max_retry_times = 20
  args            = []
  jars            = []
  conf            = {}
  resources       = []
}
`, tg.Queue, tg.File)
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
