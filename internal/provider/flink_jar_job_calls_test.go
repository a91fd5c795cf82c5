package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// The Jar kind runs the same update code through its own routes: requests per step, exactly, as
// TestAccFlinkSQLJob_updateCalls checks them for the SQL kind.
func TestAccFlinkJarJob_updateCalls(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	w := &callWindow{tg: tg}
	var id string
	jar := "obs://dli-demo/jobs/stream-1.0.jar"
	cfg := func(entrypoint, extra string) string { return flinkJarConfig(tg, name, entrypoint, extra) }
	poll := "GET streaming/jobs/{id}"
	step := func(what, config string, plan, apply []string) resource.TestStep {
		return resource.TestStep{
			PreConfig:        w.markStart,
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{w}},
			ConfigStateChecks: checks(
				stateIs(flinkJarAddress, "status", knownvalue.StringExact("job_running"))),
			Check: func(s *terraform.State) error {
				w.markDone()
				if id == "" {
					id, _ = acctest.JobID(s, flinkJarAddress)
				}
				return w.expect(what, id, plan, apply)
			},
		}
	}
	refresh := []string{poll}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			step("create", cfg(jar, ""), nil, []string{"POST streaming/flink-jobs", "POST streaming/jobs/run", poll}),
			step("update in place", cfg(jar, `  smn_topic = "alarms"`), refresh, []string{"PUT streaming/flink-jobs/{id}"}),
			step("new JAR: restart", cfg("obs://dli-demo/jobs/stream-1.1.jar", `  smn_topic = "alarms"`), refresh,
				[]string{"POST streaming/jobs/stop", poll, "PUT streaming/flink-jobs/{id}", "POST streaming/jobs/run", poll}),
		},
	})
}
