package provider_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// The Flink resource and data source examples, applied together against the emulator, planned
// clean, imported with the address of each import.sh, and destroyed (which stops the jobs first).
func TestAccExamples_flink(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resources := tg.ProviderConfig() + readExample(t, "resources/dli_flink_sql_job/resource.tf") +
		readExample(t, "resources/dli_flink_jar_job/resource.tf")
	config := resources + readExample(t, "data-sources/dli_flink_job/data-source.tf") +
		readExample(t, "data-sources/dli_flink_jobs/data-source.tf")
	steps := []resource.TestStep{
		{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("dli_flink_sql_job.orders", tfjsonpath.New("status"), knownvalue.StringExact("job_running")),
				statecheck.ExpectKnownValue("dli_flink_jar_job.clickstream", tfjsonpath.New("status"), knownvalue.StringExact("job_running")),
				statecheck.ExpectKnownValue("data.dli_flink_job.orders", tfjsonpath.New("name"), knownvalue.StringExact("orders-enrichment")),
				statecheck.ExpectKnownValue("data.dli_flink_jobs.running", tfjsonpath.New("ids"), knownvalue.ListSizeExact(2)),
			},
		},
		{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
	}
	importLine := regexp.MustCompile(`(?m)^terraform import (\S+) [0-9]+$`)
	for _, f := range []string{"resources/dli_flink_sql_job/import.sh", "resources/dli_flink_jar_job/import.sh"} {
		m := importLine.FindStringSubmatch(readExample(t, f))
		if m == nil {
			t.Fatalf("%s has no `terraform import ADDRESS ID` line", f)
		}
		steps = append(steps, resource.TestStep{
			// Without the outputs, which the testing framework cannot read back after an import.
			Config: resources, ResourceName: m[1], ImportState: true, ImportStateVerify: true,
			ImportStateVerifyIgnore: []string{"timeouts", "savepoint_on_destroy"},
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps:                    steps,
	})
	if t.Failed() {
		return
	}
	for _, r := range tg.Emulator.Requests() {
		if strings.HasSuffix(r.Path, "/streaming/jobs/stop") && r.Status != 200 {
			t.Errorf("a stop was refused: %+v", r)
		}
	}
}
