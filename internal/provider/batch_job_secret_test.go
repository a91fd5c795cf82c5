package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

const secretKey = "spark.hadoop.jdbc.password"

func secretArgs(value string, version int) string {
	return fmt.Sprintf(`  conf = { "spark.sql.shuffle.partitions" = "8", "emulator.run_duration" = "10m" }
  secret_conf = { %q = %q }
  secret_conf_version = %d
`, secretKey, value, version)
}

// noSecretInState fails if any attribute of the state holds one of the values.
func noSecretInState(values ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, m := range s.Modules {
			for addr, r := range m.Resources {
				for k, v := range r.Primary.Attributes {
					for _, secret := range values {
						if strings.Contains(v, secret) {
							return fmt.Errorf("%s.%s holds a secret_conf value", addr, k)
						}
					}
				}
			}
		}
		return nil
	}
}

// emulatorConf checks that DLI received the secret and the list of secret key names.
func emulatorConf(tg *acctest.Target, id *string, value string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		job, ok := tg.Emulator.Job(*id)
		if !ok {
			return fmt.Errorf("job %s not in the emulator", *id)
		}
		if job.Conf[secretKey] != value {
			return fmt.Errorf("DLI got %s = %v, not the configured secret", secretKey, job.Conf[secretKey] != nil)
		}
		if got := job.Conf["spark.terraform.secretConfKeys"]; got != `["`+secretKey+`"]` {
			return fmt.Errorf("secret key list %v", got)
		}
		return nil
	}
}

// secret_conf reaches DLI merged into conf, and never the state; refreshing plans clean; a new
// value alone changes nothing; a new version re-submits with the new value.
func TestAccBatchJob_secretConf(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := acctest.JobName(t)
	first, second := "pw-one-"+randomHex(t), "pw-two-"+randomHex(t)
	var id, id2 string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{
				Config: jobConfig(tg, name, secretArgs(first, 1)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(jobAddress, tfjsonpath.New("secret_conf"), knownvalue.Null()),
					statecheck.ExpectKnownValue(jobAddress, tfjsonpath.New("secret_conf_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(jobAddress, tfjsonpath.New("conf"), knownvalue.MapExact(map[string]knownvalue.Check{
						"spark.sql.shuffle.partitions": knownvalue.StringExact("8"),
						"emulator.run_duration":        knownvalue.StringExact("10m"),
					})),
				},
				Check: resource.ComposeTestCheckFunc(captureID(&id), noSecretInState(first), emulatorConf(tg, &id, first)),
			},
			{
				// Only the secret changes: Terraform cannot see it, nothing happens.
				Config:           jobConfig(tg, name, secretArgs(second, 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: jobConfig(tg, name, secretArgs(second, 2)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(jobAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeTestCheckFunc(captureID(&id2), noSecretInState(first, second), emulatorConf(tg, &id2, second)),
			},
			{
				// The command-line import reads the job back without the secret key.
				ResourceName:            jobAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "wait_for", "updated_at", "app_id", "state", "secret_conf_version"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					for _, s := range states {
						for k, v := range s.Attributes {
							if strings.Contains(v, second) || strings.Contains(k, "secretConfKeys") {
								return fmt.Errorf("imported %s = %q", k, v)
							}
						}
					}
					return nil
				},
			},
		},
	})
	if n := tg.CountRequests("POST", "/batches"); n != 2 {
		t.Errorf("%d submissions, want 2 (version 1, then version 2)", n)
	}
}

// A job submitted with secret_conf, imported with the same configuration: the version is
// adopted in place (no re-run), and conf plans clean, since the secret keys are known from DLI.
func TestAccBatchJob_secretConfImportAdoptsVersion(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	value := "pw-" + randomHex(t)
	id := submitOutsideTerraform(t, tg, secretArgs(value, 3), tfversion.SkipBelow(tfversion.Version1_11_0))
	cfg := jobConfig(tg, "by-hand", secretArgs(value, 3))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{
				Config: cfg + fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", jobAddress, id),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(jobAddress, plancheck.ResourceActionUpdate),
				}},
				Check: noSecretInState(value),
			},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
	if n := tg.CountRequests("POST", "/batches"); n != 1 {
		t.Errorf("%d submissions, want 1: the import must not re-run the job", n)
	}
}

// Terraform before 1.11 cannot send write-only values: the framework refuses the argument at
// validation, before anything is submitted.
func TestAccBatchJob_secretConfRefusedBefore1_11(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{
			tfversion.SkipBetween(tfversion.Version1_11_0, version.Must(version.NewVersion("99.0.0"))),
		},
		Steps: []resource.TestStep{{
			Config:      jobConfig(tg, "refused", secretArgs("pw-"+randomHex(t), 1)),
			ExpectError: wrapped(`WriteOnly Attribute Not Allowed`),
		}},
	})
	if n := tg.CountRequests("POST", "/batches"); n != 0 {
		t.Errorf("%d submissions, want none", n)
	}
}

// Plan-time checks: a key in both maps, a reserved key, and a secret without a version (warning).
func TestAccBatchJob_secretConfValidation(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	steps := []resource.TestStep{}
	for _, tc := range []struct{ args, want string }{
		{`  conf = { "a.b" = "1" }
  secret_conf = { "a.b" = "x" }
  secret_conf_version = 1`, `The Spark properties "a.b" are set in conf and in secret_conf`},
		{`  secret_conf = { "spark.terraform.secretConfKeys" = "x" }
  secret_conf_version = 1`, `sets the key "spark.terraform.secretConfKeys", which is reserved`},
		{`  conf = { "spark.terraform.secretConfKeys" = "[]" }`, `sets the key "spark.terraform.secretConfKeys", which is reserved`},
		{`  secret_conf = { "spark.terraform.submissionId" = "x" }
  secret_conf_version = 1`, `sets the key "spark.terraform.submissionId", which is reserved`},
	} {
		steps = append(steps, resource.TestStep{Config: jobConfig(tg, "invalid", tc.args), PlanOnly: true, ExpectError: wrapped(regexp.QuoteMeta(tc.want))})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps:                    steps,
	})
}

// A real CLI (1.11 or later) with TF_LOG=TRACE: a job submitted with secret_conf (from an
// ephemeral variable) that fails
// while apply waits for success. Neither the log, nor the output (the error with the job's log
// tail), nor the state or plan file carries the secret; the warning about a missing version shows.
func TestAccBatchJob_secretConfNeverShown(t *testing.T) {
	cliAtLeast(t, "1.11.0", true)
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	value := "pw-Shown-" + randomHex(t)
	// As a secret is passed in practice: an ephemeral variable, which Terraform keeps out of plan
	// files (a literal in a .tf file would be in the plan's copy of the configuration).
	cfg := cliJobConfig(tg, "secret-shown", fmt.Sprintf(`  wait_for = "success"
  conf = { "emulator.outcome" = "dead" }
  secret_conf = { %q = var.password }
`, secretKey)) + `
variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}
`
	ws := cliWorkspace(t, tg, cfg)
	ws.Env = append(ws.Env, "TF_VAR_password="+value)
	planLog, planOut, ok := tracedRun(t, ws, "plan", "plan", "-no-color", "-input=false", "-out=tfplan")
	if !ok {
		t.Fatalf("plan failed:\n%s", planOut)
	}
	if !strings.Contains(planOut, "secret_conf without secret_conf_version") || !strings.Contains(planOut, "(write-only attribute)") {
		t.Errorf("plan output lacks the warning or the write-only marker:\n%s", planOut)
	}
	planJSON, err := ws.Command(nil, "show", "-json", "tfplan").CombinedOutput()
	if err != nil {
		t.Fatalf("show: %v\n%s", err, planJSON)
	}
	applyLog, applyOut, ok := tracedRun(t, ws, "apply", "apply", "-auto-approve", "-no-color", "-input=false")
	if ok || !wrapped(`ended dead while apply waited for success`).MatchString(applyOut) {
		t.Fatalf("apply should fail on the dead job:\n%s", applyOut)
	}
	state, err := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{"secret_conf value": value}
	for where, text := range map[string]string{"TF_LOG of plan": planLog, "plan output": planOut, "plan file": string(planJSON),
		"TF_LOG of apply": applyLog, "apply output": applyOut, "state": string(state)} {
		checkNoSecrets(t, where, text, secrets, nil)
	}
	var jobs int
	for _, j := range tg.Emulator.Jobs() {
		jobs++
		if j.Conf[secretKey] != value {
			t.Errorf("job %s did not get the secret", j.ID)
		}
	}
	if jobs != 1 {
		t.Errorf("%d jobs, want 1", jobs)
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color")
}

// cliAtLeast returns the acceptance tests' CLI when it is minVersion or later (and, unless
// tofu, Terraform rather than OpenTofu); otherwise the test skips, saying why.
func cliAtLeast(t *testing.T, minVersion string, tofu bool) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	tf := acctest.TerraformBinary(t)
	out, err := exec.Command(tf, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", tf, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	if text, _ := exec.Command(tf, "version").Output(); !tofu && strings.HasPrefix(string(text), "OpenTofu") {
		t.Skipf("runs on Terraform only; %s is OpenTofu", tf)
	}
	if version.Must(version.NewVersion(v.Version)).LessThan(version.Must(version.NewVersion(minVersion))) {
		t.Skipf("needs Terraform >= %s; %s is %s", minVersion, tf, v.Version)
	}
	return tf
}
