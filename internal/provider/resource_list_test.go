package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// adoptCase is one list resource whose adoption loop is run: made applies objects that are then
// forgotten (as objects made by hand), query finds them.
type adoptCase struct {
	address, typ string
	made         func(tg *acctest.Target) string
	query        string
}

func adoptCases(t *testing.T) map[string]adoptCase {
	return map[string]adoptCase{
		"sql_job": {address: sqlAddress, typ: "dli_sql_job",
			made: func(tg *acctest.Target) string {
				return sqlConfig(tg, fmt.Sprintf(`  sql   = "INSERT INTO t SELECT 1"
  queue = %q
  conf  = { "spark.sql.shuffle.partitions" = "8", "emulator.run_duration" = "50ms" }
  tags  = { team = "adopt" }`, tg.Queue))
			},
			query: `config {
    tags = { team = "adopt" }
  }`},
		"flink_sql_job": {address: flinkSQLAddress, typ: "dli_flink_sql_job",
			made: func(tg *acctest.Target) string {
				return flinkSQLConfig(tg, flinkName(t), flinkSQL, `  runtime_config = { "emulator.outcome" = "running" }
  tags = { team = "adopt" }`)
			},
			query: `config {
    status = "job_running"
  }`},
		"flink_jar_job": {address: flinkJarAddress, typ: "dli_flink_jar_job",
			made: func(tg *acctest.Target) string {
				return flinkJarConfig(tg, flinkName(t), "obs://dli-demo/jobs/stream-1.0.jar", `  runtime_config = { "emulator.outcome" = "running" }`)
			},
			query: ""},
		"queue": {address: queueAddress, typ: "dli_queue",
			made: func(tg *acctest.Target) string {
				return queueConfig(tg, queueName("tf_acc_adopt"), 16, `  description = "adopted"
  tags        = { team = "adopt" }
  properties  = { "job.maxConcurrent" = "4" }`)
			},
			query: `config {
    type = "general"
    tags = { team = "adopt" }
  }`},
		"elastic_resource_pool": {address: poolAddress, typ: "dli_elastic_resource_pool",
			made: func(tg *acctest.Target) string {
				return poolConfig(tg, queueName("tf_acc_adopt"), 64, 128, `  description = "adopted"`)
			},
			query: ""},
	}
}

var importPlanRE = regexp.MustCompile(`Plan: (\d+) to import, 0 to add, 0 to change, 0 to destroy\.`)

// The adoption loop of each list resource through the provider binary as Terraform 1.14 runs it
// (served by pluginserver): objects made outside this configuration are found by terraform query,
// -generate-config-out writes resource and import blocks (with identity) for them, and those plan
// and apply as imports only; the next plan is empty.
func TestAccListResources_generateConfigAdopts(t *testing.T) {
	tf := cliAtLeast(t, "1.14.0", false)
	for name, tc := range adoptCases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tg := acctest.NewEmulator(t, acctest.FastJobs())
			ws := acctest.NewWorkspace(t, tg, tf, map[string]string{"main.tf": requiredDLI + tc.made(tg)})
			ws.Run(t, "apply", "-auto-approve", "-no-color")
			ws.Run(t, "state", "rm", tc.address) // made by hand, as far as Terraform knows
			if err := os.WriteFile(filepath.Join(ws.Dir, "main.tf"), []byte(requiredDLI+tg.ProviderConfig()), 0o600); err != nil {
				t.Fatal(err)
			}
			query := fmt.Sprintf("list %q \"found\" {\n  provider = dli\n  %s\n}\n", tc.typ, tc.query)
			if err := os.WriteFile(filepath.Join(ws.Dir, "adopt.tfquery.hcl"), []byte(query), 0o600); err != nil {
				t.Fatal(err)
			}
			out := ws.Run(t, "query", "-no-color")
			if !strings.Contains(out, "list."+tc.typ+".found") {
				t.Fatalf("query found nothing:\n%s", out)
			}
			ws.Run(t, "query", "-no-color", "-generate-config-out=generated.tf")
			generated, err := os.ReadFile(filepath.Join(ws.Dir, "generated.tf"))
			if err != nil {
				t.Fatal(err)
			}
			gen := string(generated)
			blocks := strings.Count(gen, "resource \""+tc.typ+"\"")
			if blocks == 0 || strings.Count(gen, "identity = {") != blocks {
				t.Fatalf("%d resource blocks, %d import blocks with identity:\n%s", blocks, strings.Count(gen, "identity = {"), gen)
			}
			plan, code := runOutput(t, ws, "plan", "-no-color", "-detailed-exitcode")
			if m := importPlanRE.FindStringSubmatch(plan); m == nil || m[1] != fmt.Sprint(blocks) {
				t.Fatalf("plan of the generated configuration (exit %d), want %d imports only:\n%s\ngenerated.tf:\n%s", code, blocks, plan, gen)
			}
			ws.Run(t, "apply", "-auto-approve", "-no-color")
			if again, code := runOutput(t, ws, "plan", "-no-color", "-detailed-exitcode"); code != 0 {
				t.Fatalf("plan after the adoption (exit %d):\n%s\ngenerated.tf:\n%s", code, again, gen)
			}
			ws.Run(t, "destroy", "-auto-approve", "-no-color")
		})
	}
}

// terraform query finds SQL jobs across pages (DLI returns at most 100 per request) with the
// filters of dli_sql_jobs, each with its identity; limit stops early; include_resource gives the
// job as an import reads it.
func TestAccSQLJobList_query(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	c, err := tg.Client()
	if err != nil {
		t.Fatal(err)
	}
	var first string
	for i := 0; i < 103; i++ {
		sub, err := c.CreateSQLJob(context.Background(), &client.CreateSQLJobRequest{SQL: fmt.Sprintf("SELECT %d", i), Queue: tg.Queue,
			Tags: map[string]string{"batch": "bulk"}})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = sub.ID
		}
	}
	query := `
list "dli_sql_job" "bulk" {
  provider = dli
  limit    = 1000
  config {
    tags = { batch = "bulk" }
  }
}

list "dli_sql_job" "limited" {
  provider = dli
  limit    = 3
}

list "dli_sql_job" "one" {
  provider         = dli
  include_resource = true
  config {
    sql_pattern = "SELECT 0"
    order       = "start_time_asc"
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{Config: tg.ProviderConfig()},
			{
				Query:  true,
				Config: query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("dli_sql_job.bulk", 103),
					querycheck.ExpectLength("dli_sql_job.limited", 3),
					querycheck.ExpectLengthAtLeast("dli_sql_job.one", 1),
					querycheck.ExpectIdentity("dli_sql_job.one", map[string]knownvalue.Check{
						"id": knownvalue.StringExact(first), "project_id": knownvalue.StringExact(tg.ProjectID), "region": knownvalue.Null(),
					}),
					querycheck.ExpectResourceKnownValues("dli_sql_job.one", queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
						"id": knownvalue.StringExact(first), "project_id": knownvalue.StringExact(tg.ProjectID), "region": knownvalue.Null(),
					}), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("sql"), KnownValue: knownvalue.StringExact("SELECT 0")},
						{Path: tfjsonpath.New("queue"), KnownValue: knownvalue.StringExact(tg.Queue)},
						{Path: tfjsonpath.New("wait_for"), KnownValue: knownvalue.StringExact("finished")},
						{Path: tfjsonpath.New("tags"), KnownValue: knownvalue.MapExact(map[string]knownvalue.Check{"batch": knownvalue.StringExact("bulk")})},
					}),
				},
			},
		},
	})
}
