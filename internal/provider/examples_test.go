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
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
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

// The resource example and every data source example, applied together against the emulator
// and destroyed (which cancels the running job).
func TestAccExamples_resourceAndDataSources(t *testing.T) {
	opts := acctest.FastJobs()
	opts.JobRun = time.Hour // still running at the post-apply plan, so its outputs hold still
	tg := acctest.NewEmulator(t, opts)
	config := tg.ProviderConfig() + readExample(t, "resources/dli_batch_job/resource.tf")
	for _, ds := range []string{"dli_batch_job", "dli_batch_jobs", "dli_batch_job_log"} {
		config += readExample(t, "data-sources/"+ds+"/data-source.tf")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("dli_batch_job.etl", tfjsonpath.New("state"), knownvalue.StringExact("running")),
				statecheck.ExpectKnownValue("data.dli_batch_job.etl", tfjsonpath.New("name"), knownvalue.StringExact("nightly-etl")),
				statecheck.ExpectKnownValue("data.dli_batch_jobs.failed", tfjsonpath.New("ids"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
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
	resourceTF := readExample(t, "resources/dli_batch_job/resource.tf")
	exampleID := "0a324461-d9d9-45da-a52a-3b3c7a3d809e"
	if sh := readExample(t, "resources/dli_batch_job/import.sh"); !strings.Contains(sh, "terraform import dli_batch_job.etl "+exampleID) {
		t.Fatalf("import.sh does not show the import command: %s", sh)
	}
	importTF := readExample(t, "resources/dli_batch_job/import-by-string-id.tf")
	if !strings.Contains(importTF, exampleID) {
		t.Fatal("import-by-string-id.tf does not carry the example ID")
	}
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				// Submit the job, then let it go without cancelling it: it is "outside Terraform" now.
				Config: tg.ProviderConfig() + strings.Replace(resourceTF, `wait_for = "running"`, "wait_for = \"running\"\n  cancel_on_destroy = false", 1),
				Check:  captureIDOf("dli_batch_job.etl", &id),
			},
			{Config: tg.ProviderConfig()},
		},
	})
	// Step configurations are fixed before any step runs, so the import is a test case of its
	// own, written once the ID is known.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{
				Config: tg.ProviderConfig() + resourceTF + strings.Replace(importTF, exampleID, id, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// Only provider-side arguments (wait_for, timeouts, triggers) change; nothing is re-run.
					plancheck.ExpectResourceAction("dli_batch_job.etl", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("dli_batch_job.etl", tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue("dli_batch_job.etl", tfjsonpath.New("triggers").AtMapKey("partition"), knownvalue.StringExact("2026-11-28")),
				},
			},
			{
				// After adoption, a triggers change re-runs the job as usual.
				Config: tg.ProviderConfig() + strings.Replace(resourceTF, `"2026-11-28"`, `"2026-11-29"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("dli_batch_job.etl", plancheck.ResourceActionDestroyBeforeCreate),
				}},
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
	tf := terraformTestCLI(t)
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ws := acctest.NewWorkspace(t, tg, tf, nil)
	ws.Dir, _ = filepath.Abs(filepath.Join(examplesDir, "modules", "spark_job"))
	cmd := ws.Command(nil, "test", "-no-color")
	b, err := cmd.CombinedOutput()
	t.Logf("terraform test:\n%s", b)
	if err != nil {
		t.Fatalf("terraform test failed: %v", err)
	}
	suite, err := os.ReadFile(filepath.Join(ws.Dir, "tests", "spark_job.tftest.hcl"))
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
	tf := terraformTestCLI(t)
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ws := acctest.NewWorkspace(t, tg, tf, nil)
	ws.Dir, _ = filepath.Abs(filepath.Join(examplesDir, "guides", "testing"))
	b, err := ws.Command(nil, "test", "-no-color").CombinedOutput()
	t.Logf("terraform test:\n%s", b)
	if err != nil {
		t.Fatalf("terraform test failed: %v", err)
	}
	if !regexp.MustCompile(`Success! 4 passed, 0 failed`).Match(b) {
		t.Errorf("expected all 4 runs to pass")
	}
	for _, job := range tg.Emulator.Jobs() {
		if job.State != "dead" && job.State != "success" {
			t.Errorf("terraform test left job %s %s", job.ID, job.State)
		}
	}
}
