package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
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
