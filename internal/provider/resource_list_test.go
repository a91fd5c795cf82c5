package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

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
				return poolConfig(tg, queueName("tf_acc_adopt"), 64, 128, `  description = "adopted"
  tags        = { team = "adopt" }`)
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
	c := apiClient(t, tg)
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

// terraform query finds jobs with each filter of dli_batch_jobs, across pages (DLI returns at
// most 100 per request), with their identity; include_resource adds the job as an import reads
// it, secret_conf keys left out.
func TestAccBatchJobList_query(t *testing.T) {
	opts := acctest.FastJobs()
	opts.JobRun = time.Hour // the jobs keep running: their display names hold still
	tg := acctest.NewEmulator(t, opts)
	bulk := submitByHand(t, tg, "default", "bulk", 105, nil)
	secret := "pw-List-" + randomHex(t)
	cfg := tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_batch_job" "secret" {
  queue               = "etl"
  file                = %q
  name                = "etl-secret"
  conf                = { "spark.a" = "1", "emulator.run_duration" = "10m" }
  secret_conf         = { %q = %q }
  secret_conf_version = 1
}
`, tg.File, secretKey, secret)
	// The configuration of the step before (its provider block) stays in place.
	query := `
list "dli_batch_job" "bulk" {
  provider = dli
  limit    = 1000
  config {
    queue       = "default"
    name_prefix = "bulk-"
  }
}

list "dli_batch_job" "regex" {
  provider = dli
  config {
    name_regex = "^bulk-00[0-4]$"
    order      = "CREATE_TIME_ASC"
  }
}

list "dli_batch_job" "limited" {
  provider = dli
  limit    = 3
  config {
    queue = "default"
  }
}

list "dli_batch_job" "etl" {
  provider         = dli
  include_resource = true
  config {
    queue = "etl"
    state = "running"
  }
}
`
	etl := queryfilter.ByDisplayName(knownvalue.StringExact("etl-secret (running)"))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// Display names and the state filter see what DLI reports: query once every job
				// has started, whatever the machine's speed.
				PreConfig: func() {
					eventually(t, "every job runs", func() bool {
						for _, j := range tg.Emulator.Jobs() {
							if j.State != "running" {
								return false
							}
						}
						return true
					})
				},
				Query:  true,
				Config: query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("dli_batch_job.bulk", 105),
					querycheck.ExpectLength("dli_batch_job.regex", 5),
					querycheck.ExpectLength("dli_batch_job.limited", 3),
					querycheck.ExpectLength("dli_batch_job.etl", 1),
					querycheck.ExpectIdentity("dli_batch_job.regex", map[string]knownvalue.Check{
						"id": knownvalue.StringExact(bulk[0]), "project_id": knownvalue.StringExact(tg.ProjectID), "region": knownvalue.Null(),
					}),
					querycheck.ExpectResourceDisplayName("dli_batch_job.regex", queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
						"id": knownvalue.StringExact(bulk[4]), "project_id": knownvalue.StringExact(tg.ProjectID), "region": knownvalue.Null(),
					}), knownvalue.StringExact("bulk-004 (running)")),
					querycheck.ExpectResourceKnownValues("dli_batch_job.etl", etl, []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("conf"), KnownValue: knownvalue.MapExact(map[string]knownvalue.Check{
							"spark.a": knownvalue.StringExact("1"), "emulator.run_duration": knownvalue.StringExact("10m"),
						})},
						{Path: tfjsonpath.New("secret_conf"), KnownValue: knownvalue.Null()},
						{Path: tfjsonpath.New("queue"), KnownValue: knownvalue.StringExact("etl")},
						{Path: tfjsonpath.New("wait_for"), KnownValue: knownvalue.StringExact("submitted")},
						{Path: tfjsonpath.New("state"), KnownValue: knownvalue.StringExact("running")},
					}),
				},
			},
		},
	})
}

// The whole adoption loop through the provider binary as Terraform 1.14 runs it (served by
// pluginserver): terraform query finds jobs started by hand, -generate-config-out writes resource
// and import blocks, and those plan and apply as imports only, with no change and no submission;
// the next plan is empty. The generated file holds no secret_conf value.
func TestAccBatchJobList_generateConfigAdopts(t *testing.T) {
	tf := cliAtLeast(t, "1.14.0", false)
	opts := acctest.FastJobs()
	opts.JobRun = time.Hour
	tg := acctest.NewEmulator(t, opts)
	secret := "pw-Gen-" + randomHex(t)
	// One as dli_batch_job submits with secret_conf: the value merged in, its key listed.
	submitByHand(t, tg, "etl", "adopt-secret", 1, map[string]string{
		"spark.a": "1", secretKey: secret, "spark.terraform.secretConfKeys": `["` + secretKey + `"]`,
	})
	submitByHand(t, tg, "etl", "adopt", 2, map[string]string{"spark.sql.shuffle.partitions": "4"})
	submitByHand(t, tg, "default", "other", 1, nil)
	submissions := tg.CountRequests("POST", "/batches")

	ws := acctest.NewWorkspace(t, tg, tf, map[string]string{
		"main.tf": "terraform {\n  required_providers {\n    dli = { source = \"dli-tf/dli\" }\n  }\n}\n",
		"adopt.tfquery.hcl": `
list "dli_batch_job" "etl" {
  provider = dli
  config {
    queue       = "etl"
    name_prefix = "adopt"
  }
}
`,
	})
	// The display names carry the state: query once every job submitted by hand has started (a
	// fast machine would otherwise list them as starting).
	eventually(t, "every job submitted by hand runs", func() bool {
		for _, j := range tg.Emulator.Jobs() {
			if j.State != "running" {
				return false
			}
		}
		return true
	})
	out := ws.Run(t, "query", "-no-color")
	for _, name := range []string{"adopt-secret-000 (running)", "adopt-000 (running)", "adopt-001 (running)"} {
		if !strings.Contains(out, name) {
			t.Errorf("query output lacks %q:\n%s", name, out)
		}
	}
	if strings.Contains(out, "other-000") {
		t.Errorf("query output lists a job of another queue:\n%s", out)
	}
	ws.Run(t, "query", "-no-color", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(ws.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	gen := string(generated)
	t.Logf("generated.tf:\n%s", gen)
	if n := strings.Count(gen, "resource \"dli_batch_job\""); n != 3 {
		t.Errorf("%d resource blocks, want 3", n)
	}
	if n := strings.Count(gen, "identity = {"); n != 3 {
		t.Errorf("%d import blocks with identity, want 3", n)
	}
	for _, leak := range []string{secret, "secretConfKeys", secretKey} {
		if strings.Contains(gen, leak) {
			t.Errorf("generated.tf contains %q", leak)
		}
	}

	plan, code := runOutput(t, ws, "plan", "-no-color", "-detailed-exitcode")
	if !wrapped(`Plan: 3 to import, 0 to add, 0 to change, 0 to destroy.`).MatchString(plan) {
		t.Fatalf("plan of the generated configuration (exit %d):\n%s", code, plan)
	}
	apply := ws.Run(t, "apply", "-auto-approve", "-no-color")
	if !strings.Contains(apply, "Resources: 3 imported, 0 added, 0 changed, 0 destroyed.") {
		t.Fatalf("apply:\n%s", apply)
	}
	if again, code := runOutput(t, ws, "plan", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after the adoption (exit %d):\n%s", code, again)
	}
	state, err := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(state), secret) {
		t.Error("the state holds the secret_conf value")
	}
	if n := tg.CountRequests("POST", "/batches"); n != submissions {
		t.Errorf("%d submissions after the adoption, want %d: nothing may be submitted", n, submissions)
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color")
}
