package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

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

// runFlinkOutsideTerraform creates and runs a Flink SQL job with runtime configuration rc, and
// waits until it runs.
func runFlinkOutsideTerraform(t *testing.T, tg *acctest.Target, name string, rc map[string]string) string {
	t.Helper()
	c := apiClient(t, tg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	queue, sql, mode := tg.Queue, flinkSQL, "exclusive_cluster"
	job, err := c.CreateFlinkJob(ctx, &client.FlinkJobRequest{Kind: client.FlinkSQL, Name: &name, Queue: &queue,
		SQLBody: &sql, RunMode: &mode, RuntimeConfig: rc})
	if err != nil {
		t.Fatalf("creating outside Terraform: %v", err)
	}
	if _, err := c.RunFlinkJob(ctx, job.ID, false); err != nil {
		t.Fatalf("running outside Terraform: %v", err)
	}
	if _, err := c.WaitForFlinkJobRunning(ctx, job.ID); err != nil {
		t.Fatalf("waiting outside Terraform: %v", err)
	}
	return job.ID
}

// DLI does not know secret_runtime_config_version, so an import leaves it null. A running job
// imported with an import block and a configured version adopts the version in place: no stop,
// no update, no run, and the job keeps the secret it was given. The version changed afterwards
// sends the new value (stop, update, run). The command-line import leaves the version null and
// runtime_config without the secret key.
func TestAccFlinkSQLJob_secretRuntimeConfigImportAdoptsVersion(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	first, second := "pw-one-"+randomHex(t), "pw-two-"+randomHex(t)
	id := runFlinkOutsideTerraform(t, tg, name, map[string]string{"table.exec.state.ttl": "1h",
		flinkSecretKey: first, "terraform.secretRuntimeConfigKeys": flinkSecretKey})
	cfg := func(value string, v int) string { return flinkSQLConfig(tg, name, flinkSQL, flinkSecretArgs(value, v)) }
	importBlock := fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", flinkSQLAddress, id)
	version := func(v int64) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("secret_runtime_config_version"), knownvalue.Int64Exact(v))
	}
	writes := func() []string { return nonGET(flinkRequests(tg, 0)) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: cfg(first, 3) + importBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(flinkSQLAddress, plancheck.ResourceActionUpdate),
					// No restart planned: the status stays what DLI reported.
					plancheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("status"), knownvalue.StringExact("job_running")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{version(3)},
				Check: resource.ComposeTestCheckFunc(noSecretInState(first), flinkEmulatorConfig(tg, first),
					func(*terraform.State) error {
						want := []string{"POST sql-jobs", "POST jobs/run"} // both outside Terraform
						if fmt.Sprint(writes()) != fmt.Sprint(want) {
							return fmt.Errorf("the import sent %v after the job's own create and run", writes()[2:])
						}
						return nil
					}),
			},
			{Config: cfg(first, 3), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				Config: cfg(second, 4),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(flinkSQLAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(flinkSQLAddress, tfjsonpath.New("status")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{version(4)},
				Check: resource.ComposeTestCheckFunc(noSecretInState(first, second), flinkEmulatorConfig(tg, second),
					func(*terraform.State) error {
						if got := writes()[2:]; fmt.Sprint(got) != fmt.Sprint([]string{"POST jobs/stop", "PUT sql-jobs/" + id, "POST jobs/run"}) {
							return fmt.Errorf("a new version after the import sent %v, want stop, update, run", got)
						}
						return nil
					}),
			},
			{
				// The command-line import: no version (DLI has none), no secret, no key list.
				ResourceName: flinkSQLAddress, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts", "wait_for", "desired_state", "savepoint_on_update",
					"savepoint_on_destroy", "secret_runtime_config_version"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					for _, s := range states {
						if v := s.Attributes["secret_runtime_config_version"]; v != "" {
							return fmt.Errorf("imported secret_runtime_config_version = %q, want null", v)
						}
						for k, v := range s.Attributes {
							if strings.Contains(v, first) || strings.Contains(v, second) || strings.Contains(k, "secretRuntimeConfigKeys") ||
								strings.Contains(k, flinkSecretKey) {
								return fmt.Errorf("imported %s holds a secret or its key", k)
							}
						}
					}
					return nil
				},
			},
		},
	})
}

// A job that DLI holds without the configured secret key (started by hand, the secret added in
// the configuration) is not adopted: the first apply after the import sends the secret, with a
// stop, an update and a run.
func TestAccFlinkSQLJob_secretRuntimeConfigImportSendsMissingKey(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	value := "pw-" + randomHex(t)
	id := runFlinkOutsideTerraform(t, tg, name, map[string]string{"table.exec.state.ttl": "1h"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{{
			Config: flinkSQLConfig(tg, name, flinkSQL, flinkSecretArgs(value, 1)) +
				fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", flinkSQLAddress, id),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(flinkSQLAddress, plancheck.ResourceActionUpdate),
				plancheck.ExpectUnknownValue(flinkSQLAddress, tfjsonpath.New("status")),
			}},
			Check: resource.ComposeTestCheckFunc(noSecretInState(value), flinkEmulatorConfig(tg, value),
				func(*terraform.State) error {
					want := []string{"POST sql-jobs", "POST jobs/run", "POST jobs/stop", "PUT sql-jobs/" + id, "POST jobs/run"}
					if got := nonGET(flinkRequests(tg, 0)); fmt.Sprint(got) != fmt.Sprint(want) {
						return fmt.Errorf("sent %v, want %v (the first two outside Terraform)", got, want)
					}
					return nil
				}),
		}},
	})
}

// flinkEmulatorConfig checks that DLI holds the secret and the list of secret key names.
func flinkEmulatorConfig(tg *acctest.Target, value string) resource.TestCheckFunc {
	return func(s *terraform.State) error { return secretKinds()["flink_sql"].received(nil, tg, s, value) }
}
