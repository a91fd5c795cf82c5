package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// The write-only secret settings of every job kind (secret_conf of batch and SQL jobs,
// secret_runtime_config of Flink SQL jobs), one table of kinds run through the same scenarios.

const (
	secretKey      = "spark.hadoop.jdbc.password"
	sqlSecretKey   = "spark.jdbc.password"
	flinkSecretKey = "connector.password"
)

// secretKind is one resource with a write-only map and its version.
type secretKind struct {
	address, attr    string // the resource and its write-only map (plain map: attr without "secret_")
	submitPath       string // suffix of the path creations are POSTed to
	reservedKey      string // the key that lists the secret keys
	newVersionAction plancheck.ResourceActionType
	submissions      int              // creations by the lifecycle scenario
	wantConf         knownvalue.Check // the plain map in state
	// config is the configuration of the resource; name tells steps and tests apart.
	config func(tg *acctest.Target, name, value string, version int) string
	// raw is the configuration with the given extra arguments instead of the secret.
	raw func(tg *acctest.Target, name, extra string) string
	// received checks that DLI holds the secret and the list of secret keys.
	received func(t *testing.T, tg *acctest.Target, s *terraform.State, value string) error
	// importIgnore are the attributes an import cannot read back.
	importIgnore []string
	// validation are plan-time errors beyond the ones every kind has.
	validation []struct{ args, want string }
}

func secretKinds() map[string]secretKind {
	return map[string]secretKind{
		"batch": {
			address: jobAddress, attr: "secret_conf", submitPath: "/batches", reservedKey: "spark.terraform.secretConfKeys",
			newVersionAction: plancheck.ResourceActionDestroyBeforeCreate, submissions: 2,
			wantConf: knownvalue.MapExact(map[string]knownvalue.Check{
				"spark.sql.shuffle.partitions": knownvalue.StringExact("8"),
				"emulator.run_duration":        knownvalue.StringExact("10m"),
			}),
			config: func(tg *acctest.Target, name, value string, version int) string {
				return jobConfig(tg, name, secretArgs(value, version))
			},
			raw: jobConfig,
			received: func(_ *testing.T, tg *acctest.Target, s *terraform.State, value string) error {
				id, err := acctest.JobID(s, jobAddress)
				if err != nil {
					return err
				}
				job, ok := tg.Emulator.Job(id)
				if !ok {
					return fmt.Errorf("job %s not in the emulator", id)
				}
				return secretReceived(job.Conf[secretKey] == value, job.Conf["spark.terraform.secretConfKeys"], `["`+secretKey+`"]`)
			},
			importIgnore: []string{"timeouts", "wait_for", "updated_at", "app_id", "state", "secret_conf_version"},
			validation: []struct{ args, want string }{
				{"  conf = { \"a.b\" = \"1\" }\n  secret_conf = { \"a.b\" = \"x\" }\n  secret_conf_version = 1",
					`The Spark properties "a.b" are set in conf and in secret_conf`},
				{`  secret_conf = { "spark.terraform.submissionId" = "x" }
  secret_conf_version = 1`, `sets the key "spark.terraform.submissionId", which is reserved`},
			},
		},
		"sql": {
			address: sqlAddress, attr: "secret_conf", submitPath: "/jobs/submit-job", reservedKey: "spark.terraform.secretConfKeys",
			newVersionAction: plancheck.ResourceActionDestroyBeforeCreate, submissions: 2,
			wantConf: knownvalue.MapExact(map[string]knownvalue.Check{"spark.sql.shuffle.partitions": knownvalue.StringExact("8")}),
			config: func(tg *acctest.Target, _, value string, version int) string {
				return sqlConfig(tg, sqlSecretBody(tg, value, version))
			},
			raw: func(tg *acctest.Target, _, extra string) string { return sqlConfig(tg, "  sql = \"SELECT 1\"\n"+extra) },
			received: func(t *testing.T, tg *acctest.Target, s *terraform.State, value string) error {
				id, err := acctest.JobID(s, sqlAddress)
				if err != nil {
					return err
				}
				conf := sqlJobNow(t, tg, id).Conf
				return secretReceived(conf[sqlSecretKey] == value, conf["spark.terraform.secretConfKeys"], sqlSecretKey)
			},
			importIgnore: []string{"timeouts", "secret_conf_version"},
			validation: []struct{ args, want string }{
				{`  secret_conf = { "a=b" = "x" }
  secret_conf_version = 1`, `must be a Spark SQL property name`},
				{`  secret_conf = { "a.b" = "line\nbreak" }
  secret_conf_version = 1`, `must not contain control characters`},
			},
		},
		"flink_sql": {
			address: flinkSQLAddress, attr: "secret_runtime_config", submitPath: "/streaming/sql-jobs",
			reservedKey: "terraform.secretRuntimeConfigKeys", newVersionAction: plancheck.ResourceActionUpdate, submissions: 1,
			wantConf: knownvalue.MapExact(map[string]knownvalue.Check{"table.exec.state.ttl": knownvalue.StringExact("1h")}),
			config: func(tg *acctest.Target, name, value string, version int) string {
				return flinkSQLConfig(tg, name, flinkSQL, flinkSecretArgs(value, version))
			},
			raw: func(tg *acctest.Target, name, extra string) string { return flinkSQLConfig(tg, name, flinkSQL, extra) },
			received: func(_ *testing.T, tg *acctest.Target, s *terraform.State, value string) error {
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
				return secretReceived(rc[flinkSecretKey] == value, rc["terraform.secretRuntimeConfigKeys"], flinkSecretKey)
			},
			importIgnore: []string{"timeouts", "wait_for", "desired_state", "savepoint_on_update",
				"savepoint_on_destroy", "secret_runtime_config_version"},
		},
	}
}

// plain is the name of the kind's plain map (conf, runtime_config).
func (k secretKind) plain() string { return strings.TrimPrefix(k.attr, "secret_") }

func secretReceived(gotSecret bool, keyList any, wantList string) error {
	if !gotSecret {
		return fmt.Errorf("DLI holds no secret, or not the configured one")
	}
	if keyList != wantList {
		return fmt.Errorf("secret key list %v, want %s", keyList, wantList)
	}
	return nil
}

func secretArgs(value string, version int) string {
	return fmt.Sprintf(`  conf = { "spark.sql.shuffle.partitions" = "8", "emulator.run_duration" = "10m" }
  secret_conf = { %q = %q }
  secret_conf_version = %d
`, secretKey, value, version)
}

func sqlSecretBody(tg *acctest.Target, value string, version int) string {
	return fmt.Sprintf(`  sql   = "INSERT INTO sales_daily SELECT day, SUM(amount) FROM sales GROUP BY day"
  queue = %q
  conf  = { "spark.sql.shuffle.partitions" = "8" }
  secret_conf = { %q = %q }
  secret_conf_version = %d`, tg.Queue, sqlSecretKey, value, version)
}

func flinkSecretArgs(value string, version int) string {
	return fmt.Sprintf(`  runtime_config = { "table.exec.state.ttl" = "1h" }
  secret_runtime_config = { %q = %q }
  secret_runtime_config_version = %d
`, flinkSecretKey, value, version)
}

// noSecretInState fails if any attribute of the state holds one of the values.
func noSecretInState(values ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, m := range s.Modules {
			for addr, r := range m.Resources {
				for k, v := range r.Primary.Attributes {
					for _, secret := range values {
						if strings.Contains(v, secret) {
							return fmt.Errorf("%s.%s holds a secret value", addr, k)
						}
					}
				}
			}
		}
		return nil
	}
}

// noSecretImported fails if an imported instance holds the value or the list of secret keys.
func noSecretImported(value string) resource.ImportStateCheckFunc {
	return func(states []*terraform.InstanceState) error {
		for _, s := range states {
			for k, v := range s.Attributes {
				if strings.Contains(v, value) || strings.Contains(k, "secretConfKeys") || strings.Contains(k, "secretRuntimeConfigKeys") {
					return fmt.Errorf("imported %s = %q", k, v)
				}
			}
		}
		return nil
	}
}

// forEachSecretKind runs a scenario as a parallel subtest per kind.
func forEachSecretKind(t *testing.T, scenario func(t *testing.T, k secretKind, tg *acctest.Target)) {
	t.Parallel()
	for name, k := range secretKinds() {
		t.Run(name, func(t *testing.T) { scenario(t, k, acctest.NewEmulator(t, acctest.FastJobs())) })
	}
}

// The write-only map reaches DLI merged into the plain one, and never the state; refreshing
// plans clean; a new value alone changes nothing; a new version submits (or updates) with the
// new value; import (and the SQL job's data source) read the job back without the secret.
func TestAccWriteOnlySecret_lifecycle(t *testing.T) {
	forEachSecretKind(t, func(t *testing.T, k secretKind, tg *acctest.Target) {
		name := flinkName(t)
		first, second := "pw-one-"+randomHex(t), "pw-two-"+randomHex(t)
		received := func(value string) resource.TestCheckFunc {
			return func(s *terraform.State) error { return k.received(t, tg, s, value) }
		}
		var readBack string
		readChecks := checks()
		if k.address == sqlAddress {
			readBack = "\ndata \"dli_sql_job\" \"read\" {\n  id = dli_sql_job.test.id\n}\n"
			readChecks = checks(stateIs("data.dli_sql_job.read", "conf", k.wantConf))
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
			CheckDestroy:             destroyCheckOf(tg, k.address),
			Steps: []resource.TestStep{
				{
					Config: k.config(tg, name, first, 1),
					ConfigStateChecks: checks(
						stateIs(k.address, k.attr, knownvalue.Null()),
						stateIs(k.address, k.attr+"_version", knownvalue.Int64Exact(1)),
						stateIs(k.address, k.plain(), k.wantConf),
					),
					Check: resource.ComposeTestCheckFunc(noSecretInState(first), received(first)),
				},
				{
					// Only the secret changes: Terraform cannot see it, nothing happens.
					Config:           k.config(tg, name, second, 1),
					ConfigPlanChecks: emptyPlan(),
				},
				{
					Config:           k.config(tg, name, second, 2) + readBack,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(k.address, k.newVersionAction)}},
					ConfigStateChecks: append(readChecks,
						stateIs(k.address, k.plain(), k.wantConf),
						stateIs(k.address, k.attr+"_version", knownvalue.Int64Exact(2))),
					Check: resource.ComposeTestCheckFunc(noSecretInState(first, second), received(second)),
				},
				{
					// The command-line import reads the job back without the secret key.
					ResourceName: k.address, ImportState: true, ImportStateVerify: true,
					ImportStateVerifyIgnore: k.importIgnore, ImportStateCheck: noSecretImported(second),
				},
			},
		})
		if n := tg.CountRequests("POST", k.submitPath); n != k.submissions {
			t.Errorf("%d creations, want %d", n, k.submissions)
		}
	})
}

// Terraform before 1.11 cannot send write-only values: the framework refuses the argument at
// validation, before anything is submitted.
func TestAccWriteOnlySecret_refusedBefore1_11(t *testing.T) {
	forEachSecretKind(t, func(t *testing.T, k secretKind, tg *acctest.Target) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			TerraformVersionChecks: []tfversion.TerraformVersionCheck{
				tfversion.SkipBetween(tfversion.Version1_11_0, version.Must(version.NewVersion("99.0.0"))),
			},
			Steps: []resource.TestStep{{
				Config:      k.config(tg, "refused", "pw-"+randomHex(t), 1),
				ExpectError: wrapped(`WriteOnly Attribute Not Allowed`),
			}},
		})
		if n := tg.CountRequests("POST", k.submitPath); n != 0 {
			t.Errorf("%d creations, want none", n)
		}
	})
}

// Plan-time checks: a key in both maps, the reserved key list in either map, and what a kind
// refuses beyond that.
func TestAccWriteOnlySecret_validation(t *testing.T) {
	forEachSecretKind(t, func(t *testing.T, k secretKind, tg *acctest.Target) {
		cases := append([]struct{ args, want string }{
			{fmt.Sprintf("  %s = { \"a.b\" = \"1\" }\n  %s = { \"a.b\" = \"x\" }\n  %[2]s_version = 1", k.plain(), k.attr),
				fmt.Sprintf(`"a.b" are set in %s and in %s`, k.plain(), k.attr)},
			{fmt.Sprintf("  %s = { %q = \"x\" }\n  %[1]s_version = 1", k.attr, k.reservedKey),
				fmt.Sprintf(`sets the key %q, which is reserved`, k.reservedKey)},
			{fmt.Sprintf("  %s = { %q = \"[]\" }", k.plain(), k.reservedKey),
				fmt.Sprintf(`sets the key %q, which is reserved`, k.reservedKey)},
		}, k.validation...)
		var steps []resource.TestStep
		for i, tc := range cases {
			steps = append(steps, resource.TestStep{Config: k.raw(tg, "invalid"+strconv.Itoa(i), tc.args),
				PlanOnly: true, ExpectError: wrapped(regexp.QuoteMeta(tc.want))})
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
			Steps:                    steps,
		})
	})
}

// A job submitted with secret settings outside Terraform (as the provider submits them),
// imported with an import block and the same configuration: the version is adopted in place (no
// re-run), and conf plans clean, since the secret keys are known from DLI.
func TestAccWriteOnlySecret_importAdoptsVersion(t *testing.T) {
	byHand := map[string]func(t *testing.T, tg *acctest.Target, value string) string{
		"batch": func(t *testing.T, tg *acctest.Target, value string) string {
			return submitOutsideTerraform(t, tg, secretArgs(value, 3), tfversion.SkipBelow(tfversion.Version1_11_0))
		},
		"sql": func(t *testing.T, tg *acctest.Target, value string) string {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			sub, err := apiClient(t, tg).CreateSQLJob(ctx, &client.CreateSQLJobRequest{
				SQL: "INSERT INTO sales_daily SELECT day, SUM(amount) FROM sales GROUP BY day", Queue: tg.Queue,
				Conf: map[string]string{"spark.sql.shuffle.partitions": "8", sqlSecretKey: value, "spark.terraform.secretConfKeys": sqlSecretKey}})
			if err != nil {
				t.Fatalf("submitting outside Terraform: %v", err)
			}
			return sub.ID
		},
	}
	kinds := secretKinds()
	for name, submit := range byHand {
		k := kinds[name]
		t.Run(name, func(t *testing.T) {
			tg := acctest.NewEmulator(t, acctest.FastJobs())
			value := "pw-" + randomHex(t)
			id := submit(t, tg, value)
			cfg := k.config(tg, "by-hand", value, 3)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
				CheckDestroy:             destroyCheckOf(tg, k.address),
				Steps: []resource.TestStep{
					{
						Config:           cfg + importByID(k.address, id),
						ConfigPlanChecks: plannedUpdate(k.address),
						Check:            noSecretInState(value),
					},
					{Config: cfg, ConfigPlanChecks: emptyPlan()},
				},
			})
			if n := tg.CountRequests("POST", k.submitPath); n != 1 {
				t.Errorf("%d submissions, want 1: the import must not re-run the job", n)
			}
		})
	}
}

// destroyCheckOf is the destroy check of the resource at address.
func destroyCheckOf(tg *acctest.Target, address string) resource.TestCheckFunc {
	switch address {
	case sqlAddress:
		return checkSQLDestroy(tg)
	case flinkSQLAddress:
		return checkFlinkDestroyed(tg)
	}
	return tg.CheckDestroyCancelled
}
