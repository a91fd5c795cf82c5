package provider_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

const examplesDir = "../../examples"

func readExample(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examplesDir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// importExamples reads the resource.tf and import-by-string-id.tf examples of a resource type,
// having checked that its import.sh imports the example resource name with exampleID and that
// the import block carries the same ID.
func importExamples(t *testing.T, typ, name, exampleID string) (resourceTF, importTF string) {
	t.Helper()
	dir := "resources/" + typ + "/"
	if sh := readExample(t, dir+"import.sh"); !strings.Contains(sh, "terraform import "+typ+"."+name+" "+exampleID) {
		t.Fatalf("import.sh does not show the import command: %s", sh)
	}
	importTF = readExample(t, dir+"import-by-string-id.tf")
	if !strings.Contains(importTF, exampleID) {
		t.Fatal("import-by-string-id.tf does not carry the example ID")
	}
	return readExample(t, dir+"resource.tf"), importTF
}

// letGoOfBatchExample are the steps that submit the batch resource example's job and then let
// it go without cancelling it: it is "outside Terraform" now, with its ID in *id.
func letGoOfBatchExample(tg *acctest.Target, resourceTF string, id *string) []resource.TestStep {
	return []resource.TestStep{
		{
			Config: tg.ProviderConfig() + strings.Replace(resourceTF, `wait_for = "running"`, "wait_for = \"running\"\n  cancel_on_destroy = false", 1),
			Check:  captureIDOf("dli_batch_job.etl", id),
		},
		{Config: tg.ProviderConfig()},
	}
}

// exampleRun is a set of examples applied together against the emulator, checked, optionally
// planned clean, and destroyed.
type exampleRun struct {
	opts      func(*emulator.Options)
	files     []string // under examples/, in order
	checks    []statecheck.StateCheck
	planClean bool
	more      func(t *testing.T, resources string) []resource.TestStep // after the checks and plan
	destroyed func(tg *acctest.Target) resource.TestCheckFunc
	after     func(t *testing.T, tg *acctest.Target)
}

func dataSourceExamples(names ...string) []string {
	var files []string
	for _, ds := range names {
		files = append(files, "data-sources/"+ds+"/data-source.tf")
	}
	return files
}

func exampleRuns() map[string]exampleRun {
	return map[string]exampleRun{
		// The batch resource example and every batch data source example; destroy cancels the
		// running job.
		"batch": {
			// Still running at the post-apply plan, so its outputs hold still.
			opts:  func(o *emulator.Options) { o.JobRun = time.Hour },
			files: append([]string{"resources/dli_batch_job/resource.tf"}, dataSourceExamples("dli_batch_job", "dli_batch_jobs", "dli_batch_job_log")...),
			checks: checks(
				stateIs("dli_batch_job.etl", "state", knownvalue.StringExact("running")),
				stateIs("data.dli_batch_job.etl", "name", knownvalue.StringExact("nightly-etl")),
				stateIs("data.dli_batch_jobs.failed", "ids", knownvalue.ListSizeExact(0)),
			),
			destroyed: func(tg *acctest.Target) resource.TestCheckFunc { return tg.CheckDestroyCancelled },
		},
		// The SQL resource example and every SQL data source example.
		"sql": {
			opts:  func(o *emulator.Options) { o.SQLRun = 200 * time.Millisecond },
			files: append([]string{"resources/dli_sql_job/resource.tf"}, dataSourceExamples("dli_sql_job", "dli_sql_jobs", "dli_sql_job_result")...),
			checks: checks(
				stateIs("dli_sql_job.create_table", "job_type", knownvalue.StringExact("DDL")),
				stateIs("dli_sql_job.load", "status", knownvalue.StringExact("FINISHED")),
				stateIs("data.dli_sql_job.load", "job_type", knownvalue.StringExact("INSERT")),
				stateIs("data.dli_sql_jobs.failed_loads", "ids", knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownOutputValue("answer_columns", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("n"), knownvalue.StringExact("s")})),
				statecheck.ExpectKnownOutputValue("answer_first_row", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("1"), knownvalue.StringExact("x")})),
			),
			destroyed: checkSQLDestroy,
		},
		// The queue and pool examples and their data source examples (pool, then queues in and
		// outside it); import is covered by the resource tests.
		"queues_and_pools": {
			files: append([]string{"resources/dli_elastic_resource_pool/resource.tf", "resources/dli_queue/resource.tf"},
				dataSourceExamples("dli_queue", "dli_queues", "dli_elastic_resource_pool", "dli_elastic_resource_pools")...),
			checks: checks(
				stateIs("dli_elastic_resource_pool.analytics", "status", knownvalue.StringExact("AVAILABLE")),
				stateIs("dli_queue.sql", "elastic_resource_pool", knownvalue.StringExact("analytics_pool")),
				stateIs("data.dli_queue.spark", "cu_count", knownvalue.Int64Exact(16)),
				stateIs("data.dli_queues.general", "names",
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("default"), knownvalue.StringExact("etl"), knownvalue.StringExact("spark_etl")})),
				stateIs("data.dli_elastic_resource_pools.available", "names",
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("analytics_pool")})),
			),
			planClean: true,
			destroyed: checkQueuesGone,
		},
		// The Flink examples, imported with the address of each import.sh; destroy stops the jobs
		// first, and no stop is refused.
		"flink": {
			files: append([]string{"resources/dli_flink_sql_job/resource.tf", "resources/dli_flink_jar_job/resource.tf"},
				dataSourceExamples("dli_flink_job", "dli_flink_jobs")...),
			checks: checks(
				stateIs("dli_flink_sql_job.orders", "status", knownvalue.StringExact("job_running")),
				stateIs("dli_flink_jar_job.clickstream", "status", knownvalue.StringExact("job_running")),
				stateIs("data.dli_flink_job.orders", "name", knownvalue.StringExact("orders-enrichment")),
				stateIs("data.dli_flink_jobs.running", "ids", knownvalue.ListSizeExact(2)),
			),
			planClean: true,
			more: func(t *testing.T, resources string) []resource.TestStep {
				var steps []resource.TestStep
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
				return steps
			},
			destroyed: func(tg *acctest.Target) resource.TestCheckFunc { return checkFlinkDestroyed(tg) },
			after: func(t *testing.T, tg *acctest.Target) {
				for _, r := range tg.Emulator.Requests() {
					if strings.HasSuffix(r.Path, "/streaming/jobs/stop") && r.Status != 200 {
						t.Errorf("a stop was refused: %+v", r)
					}
				}
			},
		},
	}
}

// Each set of resource and data source examples, applied together against the emulator.
func TestAccExamples_appliedTogether(t *testing.T) {
	t.Parallel()
	for name, run := range exampleRuns() {
		t.Run(name, func(t *testing.T) {
			opts := acctest.FastJobs()
			if run.opts != nil {
				run.opts(&opts)
			}
			tg := acctest.NewEmulator(t, opts)
			resources, config := tg.ProviderConfig(), ""
			for _, f := range run.files {
				if strings.HasPrefix(f, "resources/") {
					resources += readExample(t, f)
				} else {
					config += readExample(t, f)
				}
			}
			config = resources + config
			steps := []resource.TestStep{{Config: config, ConfigStateChecks: run.checks}}
			if run.planClean {
				steps = append(steps, resource.TestStep{Config: config, ConfigPlanChecks: emptyPlan()})
			}
			if run.more != nil {
				steps = append(steps, run.more(t, resources)...)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             run.destroyed(tg),
				Steps:                    steps,
			})
			if run.after != nil && !t.Failed() {
				run.after(t, tg)
			}
		})
	}
}

// The provider example is valid configuration; it plans with its variables set.
func TestAccExamples_provider(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	hcl := strings.Replace(readExample(t, "provider/provider.tf"), `region     = "cn-north-4"`,
		fmt.Sprintf(`endpoint   = %q`, tg.URL), 1)
	hcl += "\ndata \"dli_batch_jobs\" \"all\" {}\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: hcl,
			ConfigVariables: config.Variables{
				"project_id": config.StringVariable(tg.ProjectID),
				"access_key": config.StringVariable(tg.AccessKey),
				"secret_key": config.StringVariable(tg.SecretKey),
			},
		}},
	})
}

// import.sh and import-by-string-id.tf adopt a job submitted earlier; the configured triggers are
// adopted without a re-run.
func TestAccExamples_import(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resourceTF, importTF := importExamples(t, "dli_batch_job", "etl", exampleJobID)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps:                    letGoOfBatchExample(tg, resourceTF, &id),
	})
	// Step configurations are fixed before any step runs, so the import is a test case of its
	// own, written once the ID is known.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{
				// Only provider-side arguments (wait_for, timeouts, triggers) change; nothing is re-run.
				Config:           tg.ProviderConfig() + resourceTF + strings.Replace(importTF, exampleJobID, id, 1),
				ConfigPlanChecks: plannedUpdate("dli_batch_job.etl"),
				ConfigStateChecks: checks(
					stateIs("dli_batch_job.etl", "id", knownvalue.StringExact(id)),
					stateKeyIs("dli_batch_job.etl", "triggers", "partition", knownvalue.StringExact("2026-11-28")),
				),
			},
			{
				// After adoption, a triggers change re-runs the job as usual.
				Config:           tg.ProviderConfig() + strings.Replace(resourceTF, `"2026-11-28"`, `"2026-11-29"`, 1),
				ConfigPlanChecks: plannedReplace("dli_batch_job.etl"),
			},
			{
				// The import command of import.sh, with every attribute compared.
				ResourceName:            "dli_batch_job.etl",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "wait_for", "triggers", "state", "app_id", "updated_at"},
			},
		},
	})
	if n := tg.CountRequests("POST", "/batches"); n != 2 {
		t.Errorf("%d submissions, want 2 (the original job and the triggered re-run)", n)
	}
}

// The module's own `terraform test` suite, as our users run theirs. terraform test needs
// Terraform 1.6 or later: the PATH terraform (or DLI_TFTEST_TERRAFORM) is used when it is recent
// enough; otherwise the test says why it skips.
func TestModule_terraformTest(t *testing.T) {
	tg, dir, b := terraformTestIn(t, "modules", "spark_job")
	suite, err := os.ReadFile(filepath.Join(dir, "tests", "spark_job.tftest.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	runs := len(regexp.MustCompile(`(?m)^run "`).FindAll(suite, -1))
	if !regexp.MustCompile(fmt.Sprintf(`Success! %d passed, 0 failed`, runs)).Match(b) {
		t.Errorf("expected all %d runs to pass", runs)
	}
	// The run with new_queue created the module's own queue, and the suite's cleanup deleted it.
	if created, deleted := tg.CountRequests("POST", "/queues"), tg.CountRequests("DELETE", "/queues/tftest_queue"); created != 1 || deleted != 1 {
		t.Errorf("queue created %d and deleted %d times, want once each", created, deleted)
	}
	expectJobsEnded(t, tg)
}

// terraformTestIn runs `terraform test` in the examples folder at elems against a fresh
// emulator, failing unless it passes; it returns the emulator, the folder and the output.
func terraformTestIn(t *testing.T, elems ...string) (*acctest.Target, string, []byte) {
	t.Helper()
	tf := terraformTestCLI(t)
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ws := acctest.NewWorkspace(t, tg, tf, nil)
	ws.Dir, _ = filepath.Abs(filepath.Join(append([]string{examplesDir}, elems...)...))
	b, err := ws.Command(nil, "test", "-no-color").CombinedOutput()
	t.Logf("terraform test:\n%s", b)
	if err != nil {
		t.Fatalf("terraform test failed: %v", err)
	}
	return tg, ws.Dir, b
}

// expectJobsEnded reports every batch job of the emulator that `terraform test` left active.
func expectJobsEnded(t *testing.T, tg *acctest.Target) {
	t.Helper()
	for _, job := range tg.Emulator.Jobs() {
		if job.State != "dead" && job.State != "success" {
			t.Errorf("terraform test left job %s %s", job.ID, job.State)
		}
	}
}

// terraformTestCLI is a Terraform CLI that has `terraform test` (1.6 or later): the PATH
// terraform, or DLI_TFTEST_TERRAFORM. The test skips, saying why, when there is none.
func terraformTestCLI(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	tf := os.Getenv("DLI_TFTEST_TERRAFORM")
	if tf == "" {
		tf, _ = exec.LookPath("terraform")
	}
	if tf == "" {
		t.Skip("terraform test needs Terraform >= 1.6 and no terraform is on PATH (bin/terraform is 1.5.7)")
	}
	out, err := exec.Command(tf, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", tf, err)
	}
	if m := regexp.MustCompile(`Terraform v1\.(\d+)\.`).FindSubmatch(out); m == nil || len(m[1]) == 1 && m[1][0] < '6' {
		t.Skipf("terraform test needs Terraform >= 1.6; %s is %s", tf, strings.SplitN(string(out), "\n", 2)[0])
	}
	return tf
}

// The patterns of the testing guide (examples/guides/testing, embedded in the guide) pass as
// written: a failed job recorded with wait_for = "finished", and a postcondition caught by
// expect_failures.
func TestGuide_testingPatterns(t *testing.T) {
	tg, _, b := terraformTestIn(t, "guides", "testing")
	if !regexp.MustCompile(`Success! 4 passed, 0 failed`).Match(b) {
		t.Errorf("expected all 4 runs to pass")
	}
	expectJobsEnded(t, tg)
}

// import.sh and import-by-string-id.tf adopt a statement submitted earlier: the import plans
// no change but the adoption of the configured triggers.
func TestAccExamples_sqlImport(t *testing.T) {
	opts := acctest.FastJobs()
	opts.SQLRun = 100 * time.Millisecond
	tg := acctest.NewEmulator(t, opts)
	exampleID := "8ecb0777-9c70-4529-9935-29ea0946039c"
	resourceTF, importTF := importExamples(t, "dli_sql_job", "load", exampleID)
	// Run the statements, then forget them in Terraform (they are finished: nothing is cancelled).
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: tg.ProviderConfig() + resourceTF, Check: captureIDOf("dli_sql_job.load", &id)},
			{Config: tg.ProviderConfig()},
		},
	})
	keepTable := regexp.MustCompile(`(?s)resource "dli_sql_job" "create_table" \{.*?\n\}\n`)
	loadOnly := strings.ReplaceAll(keepTable.ReplaceAllString(resourceTF, ""), "depends_on = [dli_sql_job.create_table]", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				// Only provider-side arguments (timeouts, triggers) change; nothing is re-run.
				Config:           tg.ProviderConfig() + loadOnly + strings.Replace(importTF, exampleID, id, 1),
				ConfigPlanChecks: plannedUpdate("dli_sql_job.load"),
				ConfigStateChecks: checks(
					stateIs("dli_sql_job.load", "id", knownvalue.StringExact(id)),
				),
			},
			{
				ResourceName:            "dli_sql_job.load",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "triggers"},
			},
		},
	})
	if n := tg.CountRequests("POST", "/jobs/submit-job"); n != 2 {
		t.Errorf("%d submissions, want 2 (the example's two statements, none re-run)", n)
	}
}
