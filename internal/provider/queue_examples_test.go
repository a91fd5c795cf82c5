package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// The queue and pool examples and their data source examples, applied together against the
// emulator (pool, then queues in and outside it), planned clean and destroyed (import is covered by the resource tests).
func TestAccExamples_queuesAndPools(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	config := tg.ProviderConfig() + readExample(t, "resources/dli_elastic_resource_pool/resource.tf") +
		readExample(t, "resources/dli_queue/resource.tf")
	for _, ds := range []string{"dli_queue", "dli_queues", "dli_elastic_resource_pool", "dli_elastic_resource_pools"} {
		config += readExample(t, "data-sources/"+ds+"/data-source.tf")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("dli_elastic_resource_pool.analytics", tfjsonpath.New("status"), knownvalue.StringExact("AVAILABLE")),
					statecheck.ExpectKnownValue("dli_queue.sql", tfjsonpath.New("elastic_resource_pool"), knownvalue.StringExact("analytics_pool")),
					statecheck.ExpectKnownValue("data.dli_queue.spark", tfjsonpath.New("cu_count"), knownvalue.Int64Exact(16)),
					statecheck.ExpectKnownValue("data.dli_queues.general", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("default"), knownvalue.StringExact("etl"), knownvalue.StringExact("spark_etl")})),
					statecheck.ExpectKnownValue("data.dli_elastic_resource_pools.available", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("analytics_pool")})),
				},
			},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}
