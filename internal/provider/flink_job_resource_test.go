package provider_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

const (
	flinkSQLAddress = "dli_flink_sql_job.test"
	flinkJarAddress = "dli_flink_jar_job.test"
	flinkSQL        = "CREATE TABLE src (a INT) WITH ('connector' = 'datagen'); INSERT INTO sink SELECT a FROM src;"
)

var flinkIDRE = regexp.MustCompile(`^[1-9][0-9]*$`)

// flinkName is a unique job name within DLI's 57 characters.
func flinkName(t *testing.T) string {
	name := acctest.JobName(t)
	if len(name) > 57 {
		name = name[:50] + name[len(name)-7:]
	}
	return name
}

// flinkSQLConfig is a provider block plus one dli_flink_sql_job "test".
func flinkSQLConfig(tg *acctest.Target, name, sql, extra string) string {
	return tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_flink_sql_job" "test" {
  name     = %[1]q
  queue    = %[2]q
  sql      = %[3]q
  run_mode = "exclusive_cluster"
%[4]s
}
`, name, tg.Queue, sql, extra)
}

// flinkRequests lists the emulator's answers to Flink routes since index from, as
// "METHOD path-after-streaming/", for asserting sequences.
func flinkRequests(tg *acctest.Target, from int) []string {
	var out []string
	for i, r := range tg.Emulator.Requests() {
		if i < from {
			continue
		}
		if _, rest, ok := strings.Cut(r.Path, "/streaming/"); ok {
			out = append(out, r.Method+" "+rest)
		}
	}
	return out
}

// nonGET drops the polls from a request sequence.
func nonGET(seq []string) []string {
	var out []string
	for _, s := range seq {
		if !strings.HasPrefix(s, "GET ") {
			out = append(out, s)
		}
	}
	return out
}

func flinkJobOf(t *testing.T, tg *acctest.Target, id string) emulator.FlinkJobSnapshot {
	t.Helper()
	n, _ := strconv.ParseInt(id, 10, 64)
	j, ok := tg.Emulator.FlinkJob(n)
	if !ok {
		t.Fatalf("the emulator has no Flink job %s", id)
	}
	return j
}

// checkFlinkDestroyed verifies destroy stopped every job that ran (a stop before the delete) and
// deleted it.
func checkFlinkDestroyed(tg *acctest.Target) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for key, rs := range s.RootModule().Resources {
			if !strings.HasPrefix(rs.Type, "dli_flink_") || strings.HasPrefix(key, "data.") || rs.Primary == nil {
				continue
			}
			id := rs.Primary.ID
			n, _ := strconv.ParseInt(id, 10, 64)
			if _, ok := tg.Emulator.FlinkJob(n); ok {
				return fmt.Errorf("Flink job %s still exists after destroy", id)
			}
			if rs.Primary.Attributes["status"] == "job_running" {
				seq := nonGET(flinkRequests(tg, 0))
				stop, del := -1, -1
				for i, r := range seq {
					switch r {
					case "POST jobs/stop":
						stop = i
					case "DELETE jobs/" + id:
						del = i
					}
				}
				if stop < 0 || del < stop {
					return fmt.Errorf("running job %s was not stopped before its delete: %v", id, seq)
				}
			}
		}
		return nil
	}
}

func TestAccFlinkSQLJob_lifecycle(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	var id string
	var mark int
	base := `
  cu_count           = 4
  parallelism        = 4
  checkpoint_enabled = true
  obs_bucket         = "dli-checkpoints"
  runtime_config     = { "table.exec.state.ttl" = "1h" }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: flinkSQLConfig(tg, name, flinkSQL, base),
				ConfigStateChecks: checks(
					stateIs(flinkSQLAddress, "id", knownvalue.StringRegexp(flinkIDRE)),
					stateIs(flinkSQLAddress, "status", knownvalue.StringExact("job_running")),
					stateIs(flinkSQLAddress, "job_type", knownvalue.StringExact("flink_opensource_sql_job")),
					stateIs(flinkSQLAddress, "checkpoint_mode", knownvalue.StringExact("exactly_once")),
					stateIs(flinkSQLAddress, "runtime_config",
						knownvalue.MapExact(map[string]knownvalue.Check{"table.exec.state.ttl": knownvalue.StringExact("1h")})),
					stateIs(flinkSQLAddress, "create_time", knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT.*Z$`))),
				),
				Check: func(s *terraform.State) error {
					var err error
					id, err = acctest.JobID(s, flinkSQLAddress)
					seq := nonGET(flinkRequests(tg, 0))
					if want := []string{"POST sql-jobs", "POST jobs/run"}; fmt.Sprint(seq) != fmt.Sprint(want) {
						return fmt.Errorf("create sent %v, want %v", seq, want)
					}
					return err
				},
			},
			{
				// Refresh reads every argument back: the same configuration plans clean.
				Config:           flinkSQLConfig(tg, name, flinkSQL, base),
				ConfigPlanChecks: emptyPlan(),
			},
			{
				// A running-safe change: one PUT, no stop.
				PreConfig:        func() { mark = len(tg.Emulator.Requests()) },
				Config:           flinkSQLConfig(tg, name, flinkSQL, base+`  smn_topic = "alarms"`+"\n"),
				ConfigPlanChecks: plannedUpdate(flinkSQLAddress),
				Check: func(*terraform.State) error {
					seq := nonGET(flinkRequests(tg, mark))
					if want := []string{"PUT sql-jobs/" + id}; fmt.Sprint(seq) != fmt.Sprint(want) {
						return fmt.Errorf("a running-safe update sent %v, want %v", seq, want)
					}
					return nil
				},
			},
			{
				// New SQL: savepoint, stop, update, resume from the savepoint; the same job, not a replacement.
				PreConfig:        func() { mark = len(tg.Emulator.Requests()) },
				Config:           flinkSQLConfig(tg, name, flinkSQL+" -- v2", base+`  smn_topic = "alarms"`+"\n"),
				ConfigPlanChecks: plannedUpdate(flinkSQLAddress, plancheck.ExpectUnknownValue(flinkSQLAddress, tfjsonpath.New("status"))),
				ConfigStateChecks: checks(
					stateIs(flinkSQLAddress, "status", knownvalue.StringExact("job_running")),
					stateIs(flinkSQLAddress, "savepoint_path", knownvalue.NotNull()),
				),
				Check: func(s *terraform.State) error {
					if now, _ := acctest.JobID(s, flinkSQLAddress); now != id {
						return fmt.Errorf("the job was replaced: %s, then %s", id, now)
					}
					seq := nonGET(flinkRequests(tg, mark))
					if want := []string{"POST jobs/stop", "PUT sql-jobs/" + id, "POST jobs/run"}; fmt.Sprint(seq) != fmt.Sprint(want) {
						return fmt.Errorf("an update that restarts sent %v, want %v", seq, want)
					}
					j := flinkJobOf(t, tg, id)
					if len(j.Runs) != 2 || !j.Runs[0].TriggerSavepoint || j.Runs[0].Savepoint == "" ||
						!j.Runs[1].ResumeSavepoint || j.Runs[1].ResumedFrom != j.Runs[0].Savepoint {
						return fmt.Errorf("runs = %+v: want a savepoint on stop and the second run resumed from it", j.Runs)
					}
					if !strings.HasSuffix(j.SQLBody, "-- v2") {
						return fmt.Errorf("the SQL was not updated: %q", j.SQLBody)
					}
					return nil
				},
			},
			{
				// An import block plans a no-op import: the imported job plans clean.
				Config:          flinkSQLConfig(tg, name, flinkSQL+" -- v2", base+`  smn_topic = "alarms"`+"\n"),
				ResourceName:    flinkSQLAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				ResourceName:            flinkSQLAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}
