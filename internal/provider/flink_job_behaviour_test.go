package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// desired_state pauses a streaming job with a savepoint and resumes it from there.
func TestAccFlinkSQLJob_desiredState(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	var id string
	storage := "  obs_bucket = \"dli-checkpoints\"\n  checkpoint_enabled = true\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: flinkSQLConfig(tg, name, flinkSQL, storage),
				Check:  captureIDOf(flinkSQLAddress, &id),
			},
			{
				Config: flinkSQLConfig(tg, name, flinkSQL, storage+`  desired_state = "stopped"`),
				ConfigStateChecks: checks(
					stateIs(flinkSQLAddress, "status", knownvalue.StringExact("job_cancel_success")),
					stateIs(flinkSQLAddress, "savepoint_path", knownvalue.NotNull()),
				),
			},
			{
				// Stopped and wanted stopped: nothing to do.
				Config:           flinkSQLConfig(tg, name, flinkSQL, storage+`  desired_state = "stopped"`),
				ConfigPlanChecks: emptyPlan(),
			},
			{
				Config: flinkSQLConfig(tg, name, flinkSQL, storage),
				ConfigStateChecks: checks(
					stateIs(flinkSQLAddress, "status", knownvalue.StringExact("job_running")),
				),
				Check: func(*terraform.State) error {
					j := flinkJobOf(t, tg, id)
					if len(j.Runs) != 2 || j.Runs[1].ResumedFrom == "" || j.Runs[1].ResumedFrom != j.Runs[0].Savepoint {
						return fmt.Errorf("runs = %+v: want the second run resumed from the first stop's savepoint", j.Runs)
					}
					return nil
				},
			},
		},
	})
}

// A job stopped outside Terraform shows in the next plan, and apply runs it again; one deleted
// outside Terraform is created again, and a destroy of a job DLI forgot succeeds.
func TestAccFlinkSQLJob_drift(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	var id string
	c := apiClient(t, tg)
	ctx := context.Background()
	cfg := flinkSQLConfig(tg, name, flinkSQL, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureIDOf(flinkSQLAddress, &id)},
			{
				PreConfig: func() {
					if _, err := c.StopFlinkJobAndWait(ctx, id, false, ""); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: plannedUpdate(flinkSQLAddress, plancheck.ExpectUnknownValue(flinkSQLAddress, tfjsonpath.New("status"))),
				ConfigStateChecks: checks(
					stateIs(flinkSQLAddress, "status", knownvalue.StringExact("job_running"))),
			},
			{
				// An argument changed outside Terraform shows as drift and is put back.
				PreConfig: func() {
					if _, err := c.StopFlinkJobAndWait(ctx, id, false, ""); err != nil {
						t.Fatal(err)
					}
					if err := c.UpdateFlinkJob(ctx, id, &client.FlinkJobRequest{Kind: client.FlinkSQL, ParallelNumber: int64p(2)}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: plannedUpdate(flinkSQLAddress),
				ConfigStateChecks: checks(
					stateIs(flinkSQLAddress, "parallelism", knownvalue.Int64Exact(1)),
					stateIs(flinkSQLAddress, "status", knownvalue.StringExact("job_running"))),
			},
			{
				PreConfig: func() {
					if err := c.DeleteFlinkJob(ctx, id); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: plannedCreate(flinkSQLAddress),
				Check: func(s *terraform.State) error {
					now, err := acctest.JobID(s, flinkSQLAddress)
					if err == nil && now == id {
						err = fmt.Errorf("the deleted job %s is still in state", id)
					}
					id = now
					return err
				},
			},
			{
				// Deleted behind Terraform's back right before destroy: DLI.16001 means gone.
				Config:  cfg,
				Destroy: true,
				PreConfig: func() {
					if err := c.DeleteFlinkJob(ctx, id); err != nil {
						t.Fatal(err)
					}
				},
			},
		},
	})
}

func int64p(i int64) *int64 { return &i }

// A job that fails to submit fails the apply with DLI's status description and stays in state,
// tainted; the next apply replaces it.
func TestAccFlinkSQLJob_submitFails(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	failing := `  runtime_config = { "emulator.outcome" = "failed", "emulator.run_duration" = "0s" }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config:      flinkSQLConfig(tg, name, flinkSQL, failing),
				ExpectError: regexp.MustCompile(`(?s)Flink SQL job did not run.*reached job_submit_fail instead of running.*DLI says:\s+\S.*tainted`),
			},
			{
				Config:           flinkSQLConfig(tg, name, flinkSQL, failing),
				ConfigPlanChecks: plannedReplace(flinkSQLAddress),
				ExpectError:      regexp.MustCompile(`job_submit_fail`),
			},
		},
	})
}

// A job that runs and then fails while apply waits is reported with its status description.
func TestAccFlinkSQLJob_runningException(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: flinkSQLConfig(tg, flinkName(t), flinkSQL,
				`  runtime_config = { "emulator.outcome" = "failed", "emulator.run_duration" = "10ms" }`),
			ExpectError: regexp.MustCompile(`(?s)reached job_running_exception|reached job_submit_fail`),
		}},
	})
}

// Every answer that changes something is lost after it was applied (502 or a dropped
// connection): the create is found by its marker instead of sent twice, run and stop are judged
// by the job's status, and the delete is retried until DLI says the job is gone.
func TestAccFlinkSQLJob_everyAnswerLost(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	tg.Emulator.SetFaults(0, 0, 1)
	name := flinkName(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if n := tg.CountRequests("POST", "/streaming/sql-jobs"); n != 1 {
				return fmt.Errorf("%d creates sent, want exactly 1", n)
			}
			if jobs := tg.Emulator.FlinkJobs(); len(jobs) != 0 {
				return fmt.Errorf("%d Flink jobs left after destroy", len(jobs))
			}
			return checkFlinkDestroyed(tg)(s)
		},
		Steps: []resource.TestStep{{
			Config: flinkSQLConfig(tg, name, flinkSQL, `  obs_bucket = "dli-checkpoints"`),
			ConfigStateChecks: checks(
				stateIs(flinkSQLAddress, "status", knownvalue.StringExact("job_running"))),
			Check: func(*terraform.State) error {
				if n := len(tg.Emulator.FlinkJobs()); n != 1 {
					return fmt.Errorf("%d jobs created, want 1", n)
				}
				return nil
			},
		}},
	})
}

// wait_for = "submitted" returns once DLI accepted the run: one read records the job, no polling.
func TestAccFlinkSQLJob_waitForSubmitted(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{{
			Config: flinkSQLConfig(tg, flinkName(t), flinkSQL, `  wait_for = "submitted"`),
			Check: func(s *terraform.State) error {
				id, err := acctest.JobID(s, flinkSQLAddress)
				if err != nil {
					return err
				}
				seq := flinkRequests(tg, 0)
				want := []string{"POST sql-jobs", "POST jobs/run", "GET jobs/" + id}
				if fmt.Sprint(seq[:min(len(seq), 3)]) != fmt.Sprint(want) {
					return fmt.Errorf("apply sent %v, want %v first", seq, want)
				}
				return nil
			},
		}},
	})
}

// Requests per job at create, restarting update and destroy: the writes are exact, the polls
// (first after 300ms, doubling) bounded, and no fixed sleep stands between them.
func TestAccFlinkSQLJob_requestCounts(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	storage := "  obs_bucket = \"dli-checkpoints\"\n"
	var marks []int
	mark := func() { marks = append(marks, len(tg.Emulator.Requests())) }
	count := func(phase string, from, to int, writes []string) error {
		seq := flinkRequests(tg, from)[:to-from]
		gets := len(seq) - len(nonGET(seq))
		t.Logf("%s: %d requests (%d GET): %v", phase, len(seq), gets, nonGET(seq))
		if fmt.Sprint(nonGET(seq)) != fmt.Sprint(writes) || gets > 12 {
			return fmt.Errorf("%s sent %v", phase, seq)
		}
		return nil
	}
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			mark()
			// Destroy's own requests come after the refresh that precedes it.
			seq := flinkRequests(tg, marks[2])
			for i := range seq {
				if seq[i] == "POST jobs/stop" {
					return count("destroy", marks[2]+i, marks[3], []string{"POST jobs/stop", "DELETE jobs/" + id})
				}
			}
			return fmt.Errorf("destroy sent no stop: %v", seq)
		},
		Steps: []resource.TestStep{
			{
				PreConfig: mark,
				Config:    flinkSQLConfig(tg, name, flinkSQL, storage),
				Check: func(s *terraform.State) error {
					id, _ = acctest.JobID(s, flinkSQLAddress)
					mark()
					return count("create", marks[0], marks[1], []string{"POST sql-jobs", "POST jobs/run"})
				},
			},
			{
				Config: flinkSQLConfig(tg, name, flinkSQL+" -- v2", storage),
				Check: func(*terraform.State) error {
					mark()
					seq := flinkRequests(tg, marks[1])
					for i := range seq {
						if seq[i] == "POST jobs/stop" {
							return count("update", marks[1]+i-1, marks[2], []string{"POST jobs/stop", "PUT sql-jobs/" + id, "POST jobs/run"})
						}
					}
					return fmt.Errorf("update sent no stop: %v", seq)
				},
			},
		},
	})
}

// The v2 sizing: created with resource_config, changed (a restart), imported, and dropped (a
// replacement: an update keeps a job's v2 sizing).
func TestAccFlinkSQLJob_resourceConfig(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	v2 := func(memory string) string {
		return fmt.Sprintf("  resource_config = {\n    parallel_number = 2\n    taskmanager_memory = %q\n  }\n", memory)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: flinkSQLConfig(tg, name, flinkSQL, v2("8G")),
				ConfigStateChecks: checks(
					stateKeyIs(flinkSQLAddress, "resource_config", "taskmanager_memory", knownvalue.StringExact("8G")),
					stateKeyIs(flinkSQLAddress, "resource_config", "jobmanager_cpu", knownvalue.Float64Exact(1)),
				),
			},
			{
				Config:           flinkSQLConfig(tg, name, flinkSQL, v2("6144M")),
				ConfigPlanChecks: plannedUpdate(flinkSQLAddress),
			},
			{ResourceName: flinkSQLAddress, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{
				Config:           flinkSQLConfig(tg, name, flinkSQL, ""),
				ConfigPlanChecks: plannedReplace(flinkSQLAddress),
				ConfigStateChecks: checks(
					stateIs(flinkSQLAddress, "resource_config", knownvalue.Null())),
			},
		},
	})
}

// A job that does not stop within timeouts.delete is not deleted: destroy fails, says so, and
// names the way out (a larger timeout applied first); the job stays in state.
func TestAccFlinkSQLJob_deleteTimeout(t *testing.T) {
	clock := &acctest.PausableClock{}
	opts := acctest.FastJobs()
	opts.Clock = clock
	tg := acctest.NewEmulator(t, opts)
	cfg := flinkSQLConfig(tg, flinkName(t), flinkSQL, `  timeouts = { delete = "2s" }`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:   clock.Pause, // the stop stays job_canceling
				Config:      cfg,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)did not stop in time.*not\s+deleted.*timeouts stored in\s+state`),
			},
			{
				PreConfig: clock.Resume,
				Config:    cfg,
				Check: func(*terraform.State) error {
					if n := tg.CountRequests("DELETE", ""); n != 0 {
						return fmt.Errorf("a job that had not stopped got %d DELETE", n)
					}
					return nil
				},
			},
		},
	})
}
