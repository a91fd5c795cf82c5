package provider_test

import (
	"fmt"
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

const poolAddress = "dli_elastic_resource_pool.test"

func poolConfig(tg *acctest.Target, name string, minCU, maxCU int, extra string) string {
	return tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_elastic_resource_pool" "test" {
  name   = %q
  min_cu = %d
  max_cu = %d
%s
}
`, name, minCU, maxCU, extra)
}

// One apply builds a pool and a queue in it with scaling policies (the pool is CREATING for a
// while: create waits for AVAILABLE, then the queue joins); min/max CUs and the policies change
// in place; data sources read both; import round-trips; destroy removes the queue, then the pool.
func TestAccElasticResourcePool_withQueue(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	pool, queue := queueName("tf_acc_pool"), queueName("tf_acc_pq")
	config := func(minCU, maxCU, peak int) string {
		return poolConfig(tg, pool, minCU, maxCU, `  description = "shared"`) + fmt.Sprintf(`
resource "dli_queue" "test" {
  name                  = %q
  cu_count              = 16
  elastic_resource_pool = dli_elastic_resource_pool.test.name
  scaling_policies = [
    { priority = 1, impact_start_time = "00:00", impact_stop_time = "24:00", min_cu = 16, max_cu = 64 },
    { priority = 50, impact_start_time = "08:00", impact_stop_time = "18:00", min_cu = 16, max_cu = %d },
  ]
}
data "dli_elastic_resource_pool" "test" { name = dli_queue.test.elastic_resource_pool }
data "dli_elastic_resource_pools" "all" { name = dli_queue.test.elastic_resource_pool }
data "dli_queue" "test" { name = dli_queue.test.name }
data "dli_queues" "sql" {
  type       = "sql"
  depends_on = [dli_queue.test]
}
`, queue, peak)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{
			{
				Config: config(64, 128, 128),
				ConfigStateChecks: checks(
					stateIs(poolAddress, "status", knownvalue.StringExact("AVAILABLE")),
					stateIs(poolAddress, "actual_cu", knownvalue.Int64Exact(64)),
					stateIs(poolAddress, "cidr_in_vpc", knownvalue.StringExact("172.16.0.0/12")),
					stateIs(queueAddress, "scaling_policies", knownvalue.ListSizeExact(2)),
					stateIs("data.dli_elastic_resource_pool.test", "queues",
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(queue)})),
					stateIs("data.dli_elastic_resource_pools.all", "names",
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(pool)})),
					stateIs("data.dli_queue.test", "elastic_resource_pool", knownvalue.StringExact(pool)),
					stateIs("data.dli_queue.test", "platform", knownvalue.StringExact("x86_64")),
					stateIs("data.dli_queues.sql", "names",
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(queue)})),
				),
			},
			{
				Config:           config(128, 256, 192),
				ConfigPlanChecks: plannedEach(plancheck.ResourceActionUpdate, poolAddress, queueAddress),
				ConfigStateChecks: checks(
					stateIs(poolAddress, "min_cu", knownvalue.Int64Exact(128)),
					stateIs(poolAddress, "actual_cu", knownvalue.Int64Exact(128)),
					statecheck.ExpectKnownValue(queueAddress, tfjsonpath.New("scaling_policies").AtSliceIndex(1).AtMapKey("max_cu"), knownvalue.Int64Exact(192)),
				),
			},
			{
				Config:           config(128, 256, 192),
				ConfigPlanChecks: emptyPlan(),
			},
			{ResourceName: poolAddress, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{ResourceName: queueAddress, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{
				// A queue still in the pool: cu_count is not how it is sized.
				Config:      regexp.MustCompile(`cu_count\s+= 16`).ReplaceAllString(config(128, 256, 192), "cu_count = 32"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`change scaling_policies instead`),
			},
		},
	})
}

// A pool DLI fails to create is an error with DLI's reason; it stays tainted and is deleted by
// destroy.
func TestAccElasticResourcePool_failed(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{{
			Config:      poolConfig(tg, queueName("tf_acc_bad"), 64, 64, `  tags = { "emulator.outcome" = "failed" }`),
			ExpectError: regexp.MustCompile(`(?s)DLI could not create elastic resource pool.*not enough resources`),
		}},
	})
}

func TestAccElasticResourcePool_validation(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	cases := []struct {
		name         string
		minCU, maxCU int
		extra, want  string
	}{
		{"Pool", 64, 64, "", `name must be 1 to 128 lower-case letters`},
		{"p", 128, 64, "", `min_cu \(128\) must not be more than max_cu \(64\)`},
		{"p", 16, 64, "", `min_cu must be between 64 and 32000 for the standard edition, got 16`},
		{"p", 16, 128, `  label = { spec = "basic" }`, `max_cu must be between 16 and 64 for the basic edition`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{Config: poolConfig(tg, tc.name, tc.minCU, tc.maxCU, tc.extra),
			PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)` + strings.ReplaceAll(tc.want, " ", `\s+`))})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
}
