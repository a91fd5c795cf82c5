package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

const sqlSecretKey = "spark.jdbc.password"

func sqlSecretBody(tg *acctest.Target, value string, version int) string {
	return fmt.Sprintf(`  sql   = "INSERT INTO sales_daily SELECT day, SUM(amount) FROM sales GROUP BY day"
  queue = %q
  conf  = { "spark.sql.shuffle.partitions" = "8" }
  secret_conf = { %q = %q }
  secret_conf_version = %d`, tg.Queue, sqlSecretKey, value, version)
}

// sqlEmulatorConf checks that DLI received the secret and the list of secret key names.
func sqlEmulatorConf(t *testing.T, tg *acctest.Target, id *string, value string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		conf := sqlJobNow(t, tg, *id).Conf
		if conf[sqlSecretKey] != value {
			return fmt.Errorf("DLI got no %s, or not the configured secret", sqlSecretKey)
		}
		if got := conf["spark.terraform.secretConfKeys"]; got != sqlSecretKey {
			return fmt.Errorf("secret key list %q", got)
		}
		return nil
	}
}

// secret_conf reaches DLI merged into conf, and never the state; refreshing plans clean; a new
// value alone changes nothing; a new version runs the statement again with the new value;
// import and the data source read conf back without the secret.
func TestAccSQLJob_secretConf(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	first, second := "pw-one-"+randomHex(t), "pw-two-"+randomHex(t)
	var id, id2 string
	wantConf := knownvalue.MapExact(map[string]knownvalue.Check{"spark.sql.shuffle.partitions": knownvalue.StringExact("8")})
	dataSource := `
data "dli_sql_job" "read" {
  id = dli_sql_job.test.id
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             checkSQLDestroy(tg),
		Steps: []resource.TestStep{
			{
				Config: sqlConfig(tg, sqlSecretBody(tg, first, 1)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sqlAddress, tfjsonpath.New("secret_conf"), knownvalue.Null()),
					statecheck.ExpectKnownValue(sqlAddress, tfjsonpath.New("secret_conf_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(sqlAddress, tfjsonpath.New("conf"), wantConf),
				},
				Check: resource.ComposeTestCheckFunc(captureSQLID(&id), noSecretInState(first), sqlEmulatorConf(t, tg, &id, first)),
			},
			{
				// Only the secret changes: Terraform cannot see it, nothing happens.
				Config:           sqlConfig(tg, sqlSecretBody(tg, second, 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: sqlConfig(tg, sqlSecretBody(tg, second, 2)) + dataSource,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(sqlAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.dli_sql_job.read", tfjsonpath.New("conf"), wantConf),
				},
				Check: resource.ComposeTestCheckFunc(captureSQLID(&id2), noSecretInState(first, second), sqlEmulatorConf(t, tg, &id2, second)),
			},
			{
				// The command-line import reads the job back without the secret key.
				ResourceName:            sqlAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "secret_conf_version"},
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
	if n := tg.CountRequests("POST", "/jobs/submit-job"); n != 2 {
		t.Errorf("%d submissions, want 2 (version 1, then version 2)", n)
	}
}

// A job submitted with secret settings outside Terraform (as the provider submits them),
// imported with an import block and the same configuration: the version is adopted in place (no
// re-run), and conf plans clean, since the secret keys are known from DLI.
func TestAccSQLJob_secretConfImportAdoptsVersion(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	value := "pw-" + randomHex(t)
	body := sqlSecretBody(tg, value, 3)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sub, err := sqlClient(t, tg).CreateSQLJob(ctx, &client.CreateSQLJobRequest{
		SQL: "INSERT INTO sales_daily SELECT day, SUM(amount) FROM sales GROUP BY day", Queue: tg.Queue,
		Conf: map[string]string{"spark.sql.shuffle.partitions": "8", sqlSecretKey: value, "spark.terraform.secretConfKeys": sqlSecretKey}})
	if err != nil {
		t.Fatalf("submitting outside Terraform: %v", err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             checkSQLDestroy(tg),
		Steps: []resource.TestStep{
			{
				Config: sqlConfig(tg, body) + fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", sqlAddress, sub.ID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(sqlAddress, plancheck.ResourceActionUpdate),
				}},
				Check: noSecretInState(value),
			},
			{Config: sqlConfig(tg, body), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
	if n := tg.CountRequests("POST", "/jobs/submit-job"); n != 1 {
		t.Errorf("%d submissions, want 1: the import must not re-run the statement", n)
	}
}

func captureSQLID(id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[sqlAddress]
		if !ok {
			return fmt.Errorf("%s not in state", sqlAddress)
		}
		*id = rs.Primary.ID
		return nil
	}
}

// Terraform before 1.11 cannot send write-only values: the framework refuses the argument at
// validation, before anything is submitted.
func TestAccSQLJob_secretConfRefusedBefore1_11(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{
			tfversion.SkipBetween(tfversion.Version1_11_0, version.Must(version.NewVersion("99.0.0"))),
		},
		Steps: []resource.TestStep{{
			Config:      sqlConfig(tg, sqlSecretBody(tg, "pw-"+randomHex(t), 1)),
			ExpectError: wrapped(`WriteOnly Attribute Not Allowed`),
		}},
	})
	if n := tg.CountRequests("POST", "/jobs/submit-job"); n != 0 {
		t.Errorf("%d submissions, want none", n)
	}
}

// Plan-time checks: a key in both maps, the reserved key list, a value the API cannot carry.
func TestAccSQLJob_secretConfValidation(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	steps := []resource.TestStep{}
	for _, tc := range []struct{ args, want string }{
		{`  conf = { "a.b" = "1" }
  secret_conf = { "a.b" = "x" }
  secret_conf_version = 1`, `"a.b" are set in conf and in secret_conf`},
		{`  secret_conf = { "spark.terraform.secretConfKeys" = "x" }
  secret_conf_version = 1`, `sets the key "spark.terraform.secretConfKeys", which is reserved`},
		{`  conf = { "spark.terraform.secretConfKeys" = "x" }`, `sets the key "spark.terraform.secretConfKeys", which is reserved`},
		{`  secret_conf = { "a=b" = "x" }
  secret_conf_version = 1`, `must be a Spark SQL property name`},
		{`  secret_conf = { "a.b" = "line\nbreak" }
  secret_conf_version = 1`, `must not contain control characters`},
	} {
		steps = append(steps, resource.TestStep{Config: sqlConfig(tg, `  sql = "SELECT 1"`+"\n"+tc.args),
			PlanOnly: true, ExpectError: wrapped(regexp.QuoteMeta(tc.want))})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps:                    steps,
	})
}

// A real CLI (1.11 or later) with TF_LOG=TRACE: a statement submitted with secret_conf (from an
// ephemeral variable) that fails while apply waits. Neither the logs, nor the output (DLI's
// error), nor the plan file or state carries the secret; the warning about a missing version shows.
func TestAccSQLJob_secretConfNeverShown(t *testing.T) {
	cliAtLeast(t, "1.11.0", true)
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	value := "pw-Shown-" + randomHex(t)
	cfg := fmt.Sprintf(`terraform {
  required_providers {
    dli = {
      source = "dli-tf/dli"
    }
  }
}

resource "dli_sql_job" "secret" {
  sql         = "INSERT INTO accounts SELECT * FROM staging"
  queue       = %q
  conf        = { "emulator.outcome" = "failed" }
  secret_conf = { %q = var.password }
}

variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}
`, tg.Queue, sqlSecretKey)
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
	if ok || !strings.Contains(applyOut, "FAILED") {
		t.Fatalf("apply should fail on the failed statement:\n%s", applyOut)
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
	if !strings.Contains(applyLog, "DLI API request body") {
		t.Error("the TRACE log of apply has no request body entry: the check would prove nothing")
	}
	// The check proves something only if DLI got the secret.
	var st struct {
		Resources []struct {
			Instances []struct {
				Attributes struct {
					ID string `json:"id"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(state, &st); err != nil || len(st.Resources) != 1 || len(st.Resources[0].Instances) != 1 {
		t.Fatalf("state holds no single job (%v)", err)
	}
	if got := sqlJobNow(t, tg, st.Resources[0].Instances[0].Attributes.ID).Conf[sqlSecretKey]; got != value {
		t.Error("DLI did not get the secret")
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color")
}
