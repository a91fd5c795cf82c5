package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
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
)

const flinkSecretKey = "connector.password"

func flinkSecretArgs(value string, version int) string {
	return fmt.Sprintf(`  runtime_config = { "table.exec.state.ttl" = "1h" }
  secret_runtime_config = { %q = %q }
  secret_runtime_config_version = %d
`, flinkSecretKey, value, version)
}

// flinkEmulatorConfig checks that DLI holds the secret and the list of secret key names.
func flinkEmulatorConfig(tg *acctest.Target, value string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := acctest.JobID(s, flinkSQLAddress)
		if err != nil {
			return err
		}
		c, err := tg.Client()
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		job, err := c.GetFlinkJob(ctx, id)
		if err != nil {
			return err
		}
		rc := job.Config.RuntimeConfig
		if rc[flinkSecretKey] != value {
			return fmt.Errorf("DLI holds no %s, or not the configured secret", flinkSecretKey)
		}
		if got := rc["terraform.secretRuntimeConfigKeys"]; got != flinkSecretKey {
			return fmt.Errorf("secret key list %q", got)
		}
		return nil
	}
}

// secret_runtime_config reaches DLI merged into runtime_config, never the state; refresh plans
// clean; a new value alone changes nothing; a new version updates the job in place with it.
func TestAccFlinkSQLJob_secretRuntimeConfig(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	first, second := "pw-one-"+randomHex(t), "pw-two-"+randomHex(t)
	wantRC := knownvalue.MapExact(map[string]knownvalue.Check{"table.exec.state.ttl": knownvalue.StringExact("1h")})
	cfg := func(value string, v int) string { return flinkSQLConfig(tg, name, flinkSQL, flinkSecretArgs(value, v)) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: cfg(first, 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("secret_runtime_config"), knownvalue.Null()),
					statecheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("runtime_config"), wantRC),
				},
				Check: resource.ComposeTestCheckFunc(noSecretInState(first), flinkEmulatorConfig(tg, first)),
			},
			{Config: cfg(second, 1), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				Config: cfg(second, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(flinkSQLAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("runtime_config"), wantRC),
					statecheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("secret_runtime_config_version"), knownvalue.Int64Exact(2)),
				},
				Check: resource.ComposeTestCheckFunc(noSecretInState(first, second), flinkEmulatorConfig(tg, second)),
			},
			{
				ResourceName: flinkSQLAddress, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts", "wait_for", "desired_state", "savepoint_on_update",
					"savepoint_on_destroy", "secret_runtime_config_version"},
			},
		},
	})
}

// Terraform before 1.11 refuses the argument, before anything is created.
func TestAccFlinkSQLJob_secretRuntimeConfigRefusedBefore1_11(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{
			tfversion.SkipBetween(tfversion.Version1_11_0, version.Must(version.NewVersion("99.0.0"))),
		},
		Steps: []resource.TestStep{{
			Config:      flinkSQLConfig(tg, "refused", flinkSQL, flinkSecretArgs("pw-"+randomHex(t), 1)),
			ExpectError: wrapped(`WriteOnly Attribute Not Allowed`),
		}},
	})
	if n := tg.CountRequests("POST", "/streaming/sql-jobs"); n != 0 {
		t.Errorf("%d creations, want none", n)
	}
}

// Plan-time checks: a key in both maps, the reserved key list in either map.
func TestAccFlinkSQLJob_secretRuntimeConfigValidation(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	var steps []resource.TestStep
	for i, tc := range []struct{ args, want string }{
		{`  runtime_config = { "a.b" = "1" }
  secret_runtime_config = { "a.b" = "x" }
  secret_runtime_config_version = 1`, `"a.b" are set in runtime_config and in secret_runtime_config`},
		{`  secret_runtime_config = { "terraform.secretRuntimeConfigKeys" = "x" }
  secret_runtime_config_version = 1`, `"terraform.secretRuntimeConfigKeys", which is reserved`},
		{`  runtime_config = { "terraform.secretRuntimeConfigKeys" = "x" }`, `"terraform.secretRuntimeConfigKeys", which is reserved`},
	} {
		steps = append(steps, resource.TestStep{Config: flinkSQLConfig(tg, "invalid"+strconv.Itoa(i), flinkSQL, tc.args),
			PlanOnly: true, ExpectError: wrapped(regexp.QuoteMeta(tc.want))})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps:                    steps,
	})
}
