package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

func flinkJarConfig(tg *acctest.Target, name, entrypoint, extra string) string {
	return tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_flink_jar_job" "test" {
  name            = %[1]q
  queue           = %[2]q
  entrypoint      = %[3]q
  main_class      = "com.example.Stream"
  entrypoint_args = ["--topic", "orders"]
  checkpoint_path = "obs://dli-checkpoints/jobs/stream"
%[4]s
}
`, name, tg.Queue, entrypoint, extra)
}

// A Jar job: the same life cycle; a new JAR is an update (savepoint, stop, PUT, resume), not a
// replacement; import round-trips.
func TestAccFlinkJarJob_basic(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	var id string
	var mark int
	extra := "  dependency_jars = [\"obs://dli-demo/lib/kafka.jar\"]\n  runtime_config = { \"emulator.outcome\" = \"running\" }\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: flinkJarConfig(tg, name, "obs://dli-demo/jobs/stream-1.0.jar", extra),
				ConfigStateChecks: checks(
					stateIs(flinkJarAddress, "status", knownvalue.StringExact("job_running")),
					stateIs(flinkJarAddress, "entrypoint_args",
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("--topic"), knownvalue.StringExact("orders")})),
				),
				Check: captureIDOf(flinkJarAddress, &id),
			},
			{
				Config:           flinkJarConfig(tg, name, "obs://dli-demo/jobs/stream-1.0.jar", extra),
				ConfigPlanChecks: emptyPlan(),
			},
			{
				PreConfig:        func() { mark = len(tg.Emulator.Requests()) },
				Config:           flinkJarConfig(tg, name, "obs://dli-demo/jobs/stream-1.1.jar", extra),
				ConfigPlanChecks: plannedUpdate(flinkJarAddress),
				Check: func(*terraform.State) error {
					seq := nonGET(flinkRequests(tg, mark))
					if want := []string{"POST jobs/stop", "PUT flink-jobs/" + id, "POST jobs/run"}; fmt.Sprint(seq) != fmt.Sprint(want) {
						return fmt.Errorf("a new JAR sent %v, want %v", seq, want)
					}
					if j := flinkJobOf(t, tg, id); len(j.Runs) != 2 || j.Runs[1].ResumedFrom == "" {
						return fmt.Errorf("runs = %+v: want the second resumed from a savepoint", j.Runs)
					}
					return nil
				},
			},
			{
				// An import block plans a no-op import: the imported job plans clean.
				Config:          flinkJarConfig(tg, name, "obs://dli-demo/jobs/stream-1.1.jar", extra),
				ResourceName:    flinkJarAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				ResourceName:            flinkJarAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// Importing a job into the resource of the other kind is refused, naming the right one.
func TestAccFlinkJarJob_importWrongKind(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			{Config: flinkSQLConfig(tg, name, flinkSQL, "") + `
resource "dli_flink_jar_job" "other" {
  name       = "other"
  entrypoint = "obs://b/a.jar"
}
`},
			{
				ResourceName: "dli_flink_jar_job.other",
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return acctest.JobID(s, flinkSQLAddress)
				},
				ExpectError: regexp.MustCompile(`(?s)is a flink_opensource_sql_job, not a Flink Jar job`),
			},
		},
	})
}

// The data sources read a job by ID (either kind) and list jobs with DLI's filters.
func TestAccFlinkJobDataSources(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	config := flinkSQLConfig(tg, name, flinkSQL, `  desired_state = "stopped"`) +
		flinkJarConfig(tg, name+"-j", "obs://dli-demo/jobs/stream-1.0.jar", "")[len(tg.ProviderConfig()):] + fmt.Sprintf(`
data "dli_flink_job" "sql" {
  id = dli_flink_sql_job.test.id
}
data "dli_flink_job" "jar" {
  id = dli_flink_jar_job.test.id
}
data "dli_flink_jobs" "by_name" {
  name       = %[1]q
  job_type   = "flink_jar_job"
  depends_on = [dli_flink_sql_job.test, dli_flink_jar_job.test]
}
data "dli_flink_jobs" "running" {
  status     = "job_running"
  depends_on = [dli_flink_sql_job.test, dli_flink_jar_job.test]
}
`, name+"-j")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: checks(
				stateIs("data.dli_flink_job.sql", "sql", knownvalue.StringExact(flinkSQL)),
				stateIs("data.dli_flink_job.sql", "status", knownvalue.StringExact("job_init")),
				stateIs("data.dli_flink_job.sql", "entrypoint", knownvalue.Null()),
				stateIs("data.dli_flink_job.jar", "job_type", knownvalue.StringExact("flink_jar_job")),
				stateIs("data.dli_flink_job.jar", "main_class", knownvalue.StringExact("com.example.Stream")),
				stateIs("data.dli_flink_job.jar", "sql", knownvalue.Null()),
				stateIs("data.dli_flink_jobs.by_name", "jobs", knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.dli_flink_jobs.by_name", tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("name"),
					knownvalue.StringExact(name+"-j")),
				stateIs("data.dli_flink_jobs.running", "ids", knownvalue.ListSizeExact(1)),
			),
		}},
	})
}

// The validators refuse at plan time, naming the attribute, what DLI would refuse after the create.
func TestAccFlinkJob_validation(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	sqlCases := []struct{ extra, want string }{
		{`  parallelism = 5`, `parallelism \(5\) may be at most 4 x \(cu_count - manager_cu_count\) = 4`},
		{"  cu_count = 4\n  manager_cu_count = 2\n  parallelism = 9", `at most 4 x .* = 8`},
		{`  manager_cu_count = 2`, `manager_cu_count \(2\) must be less than cu_count \(2\)`},
		{`  checkpoint_enabled = true`, `checkpoint_enabled = true needs obs_bucket`},
		{`  log_enabled = true`, `log_enabled = true needs obs_bucket`},
		{`  savepoint_on_destroy = true`, `savepoint_on_destroy = true needs obs_bucket`},
		{`  checkpoint_mode = "once"`, `checkpoint_mode.*value must be one of`},
		{`  desired_state = "paused"`, `desired_state.*value must be one of`},
		{`  wait_for = "finished"`, `wait_for.*value must be one of`},
		{`  job_type = "flink_jar_job"`, `job_type.*value must be one of`},
		{`  dirty_data_strategy = "3"`, `dirty_data_strategy.*must be 0, 1 or 2:<OBS path>`},
		{`  runtime_config = { "terraform.submission.id" = "x" }`, `(?s)runtime_config.*"terraform.submission.id",\s+which is reserved`},
		{`  cu_count = 401`, `cu_count.*between 2 and 400`},
	}
	for _, tc := range sqlCases {
		expectPlanError(t, flinkSQLConfig(tg, "v", flinkSQL, tc.extra), tc.want)
	}
	expectPlanError(t, flinkSQLConfig(tg, "a-name-that-is-longer-than-fifty-seven-characters-is-refused", flinkSQL, ""),
		`name.*string length must be between 1 and 57`)
	expectPlanError(t, tg.ProviderConfig()+`
resource "dli_flink_sql_job" "test" {
  name     = "v"
  sql      = "INSERT INTO a SELECT 1"
  run_mode = "shared_cluster"
}
`, `run_mode = "shared_cluster" runs only jobs of job_type = "flink_sql_job"`)
	jarCases := []struct{ extra, want string }{
		{`  feature = "custom"`, `feature = "custom" runs your own image`},
		{`  image = "org/flink:1.15"`, `image is only used with feature = "custom"`},
		{`  dependency_files = ["a", ""]`, `dependency_files\[1\].*string length must be at least 1`},
	}
	for _, tc := range jarCases {
		expectPlanError(t, flinkJarConfig(tg, "v", "obs://b/a.jar", tc.extra), tc.want)
	}
	expectPlanError(t, tg.ProviderConfig()+`
resource "dli_flink_jar_job" "test" {
  name            = "v"
  entrypoint      = "obs://b/a.jar"
  entrypoint_args = ["two words"]
  checkpoint_enabled = true
}
`, `(?s)entrypoint_args\[0\].*must not contain white space.*checkpoint_enabled = true needs checkpoint_path or obs_bucket`)
	if n := len(tg.Emulator.Requests()); n != 0 {
		t.Errorf("validation sent %d requests", n)
	}
}

func expectPlanError(t *testing.T, config, want string) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, PlanOnly: true, ExpectError: regexp.MustCompile(want)}},
	})
}

// Adoption by generated config (Terraform 1.11 and later): the configuration Terraform writes for
// an imported Flink job plans as a no-op, SQL and Jar alike.
func TestAccFlinkJob_generatedConfigPlansClean(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	for address, config := range map[string]string{
		flinkSQLAddress: flinkSQLConfig(tg, name, flinkSQL, "  obs_bucket = \"dli-checkpoints\"\n  checkpoint_enabled = true\n"+
			"  runtime_config = { \"table.exec.state.ttl\" = \"1h\" }\n  smn_topic = \"alarms\"\n  tm_slot_count = 2\n"),
		flinkJarAddress: flinkJarConfig(tg, name+"-j", "obs://dli-demo/jobs/stream-1.0.jar", "  dependency_files = [\"obs://b/f.txt\"]\n"),
	} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
			CheckDestroy:             checkFlinkDestroyed(tg),
			Steps: []resource.TestStep{
				{Config: config},
				{Config: config, ResourceName: address, ImportState: true, ImportStateKind: resource.ImportBlockWithID, GenerateConfig: true},
			},
		})
	}
}
