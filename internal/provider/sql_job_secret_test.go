package provider_test

import (
	"fmt"
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
