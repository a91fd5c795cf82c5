package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// Requests per update, exactly: each step's plan sends the refresh read and nothing else, and its
// apply sends what the update needs and nothing else. Updates take the status the refresh read
// and build the state from the plan, a wait's last answer or, failing both, one read.

// callWindow marks the emulator's request log around one step: PreConfig, the plan's end (a
// PreApply plan check, after the refresh and before apply) and the apply's end (Check).
type callWindow struct {
	tg                *acctest.Target
	start, plan, done int
}

func (w *callWindow) markStart() { w.start = len(w.tg.Emulator.Requests()) }
func (w *callWindow) markDone()  { w.done = len(w.tg.Emulator.Requests()) }
func (w *callWindow) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	w.plan = len(w.tg.Emulator.Requests())
}

// calls lists requests [from, to) of the log as "METHOD path-after-the-project-id", every API.
func (w *callWindow) calls(from, to int) []string {
	var out []string
	for _, r := range w.tg.Emulator.Requests()[from:to] {
		path := strings.TrimPrefix(r.Path, "/")
		if _, rest, ok := strings.Cut(path, "/"+w.tg.ProjectID+"/"); ok {
			path = rest
		}
		out = append(out, r.Method+" "+path)
	}
	return out
}

// expect compares the plan's and the apply's requests with want ("{id}" stands for the job).
func (w *callWindow) expect(step, id string, plan, apply []string) error {
	sub := func(seq []string) string { return strings.ReplaceAll(fmt.Sprint(seq), "{id}", id) }
	gotPlan, gotApply := w.calls(w.start, w.plan), w.calls(w.plan, w.done)
	if fmt.Sprint(gotPlan) != sub(plan) || fmt.Sprint(gotApply) != sub(apply) {
		return fmt.Errorf("%s: plan sent %v (want %s), apply sent %v (want %s)", step, gotPlan, sub(plan), gotApply, sub(apply))
	}
	return nil
}

func TestAccFlinkSQLJob_updateCalls(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	c := apiClient(t, tg)
	w := &callWindow{tg: tg}
	var id string
	storage := "  obs_bucket = \"dli-checkpoints\"\n  checkpoint_enabled = true\n"
	cfg := func(sql, extra string) string { return flinkSQLConfig(tg, name, sql, storage+extra) }
	refresh := []string{"GET streaming/jobs/{id}"}
	// FastJobs' delays (150ms submitting, 100ms stopping) end before the waiter's first poll at
	// 300ms, and a loaded machine only makes polls later: one poll per wait.
	poll := "GET streaming/jobs/{id}"
	step := func(what, config string, plan, apply []string, checks ...statecheck.StateCheck) resource.TestStep {
		return resource.TestStep{
			PreConfig:         w.markStart,
			Config:            config,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{w}},
			ConfigStateChecks: checks,
			Check: func(s *terraform.State) error {
				w.markDone()
				if id == "" {
					id, _ = acctest.JobID(s, flinkSQLAddress)
				}
				return w.expect(what, id, plan, apply)
			},
		}
	}
	status := func(want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("status"), knownvalue.StringExact(want))
	}
	savepointOfRun := func(run int) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			j := flinkJobOf(t, tg, id)
			got := s.RootModule().Resources[flinkSQLAddress].Primary.Attributes["savepoint_path"]
			if len(j.Runs) <= run || j.Runs[run].Savepoint == "" || got != j.Runs[run].Savepoint {
				return fmt.Errorf("savepoint_path = %q, want the savepoint of run %d (runs %+v)", got, run, j.Runs)
			}
			return nil
		}
	}
	withSavepoint := func(ts resource.TestStep, check resource.TestCheckFunc) resource.TestStep {
		ts.Check = resource.ComposeTestCheckFunc(ts.Check, check)
		return ts
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			step("create", cfg(flinkSQL, ""), nil,
				[]string{"POST streaming/sql-jobs", "POST streaming/jobs/run", poll}, status("job_running")),
			step("update in place", cfg(flinkSQL, "  smn_topic = \"alarms\"\n"), refresh,
				[]string{"PUT streaming/sql-jobs/{id}"}, status("job_running"),
				statecheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("smn_topic"), knownvalue.StringExact("alarms")),
				statecheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("savepoint_path"), knownvalue.Null())),
			withSavepoint(step("update with restart", cfg(flinkSQL+" -- v2", "  smn_topic = \"alarms\"\n"), refresh,
				[]string{"POST streaming/jobs/stop", poll, "PUT streaming/sql-jobs/{id}", "POST streaming/jobs/run", poll},
				status("job_running")), savepointOfRun(0)),
			step("settings only", cfg(flinkSQL+" -- v2", "  smn_topic = \"alarms\"\n  savepoint_on_destroy = true\n"), refresh,
				nil, status("job_running")),
			withSavepoint(step("stop (desired_state)", cfg(flinkSQL+" -- v2", "  smn_topic = \"alarms\"\n  desired_state = \"stopped\"\n"),
				refresh, []string{"POST streaming/jobs/stop", poll}, status("job_cancel_success")), savepointOfRun(1)),
			// A stopped job's sizing: DLI derives tm_slot_count again, which only a read tells.
			step("update of a stopped job", cfg(flinkSQL+" -- v2", "  smn_topic = \"alarms\"\n  desired_state = \"stopped\"\n  cu_count = 3\n"),
				refresh, []string{"PUT streaming/sql-jobs/{id}", poll}, status("job_cancel_success"),
				statecheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("cu_count"), knownvalue.Int64Exact(3))),
			{
				// Run again, resuming from the savepoint the refresh reported.
				PreConfig: w.markStart,
				Config:    cfg(flinkSQL+" -- v2", "  smn_topic = \"alarms\"\n  cu_count = 3\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{w,
					plancheck.ExpectUnknownValue(flinkSQLAddress, tfjsonpath.New("status"))}},
				ConfigStateChecks: []statecheck.StateCheck{status("job_running")},
				Check: func(s *terraform.State) error {
					w.markDone()
					if err := w.expect("run (desired_state)", id, refresh, []string{"POST streaming/jobs/run", poll}); err != nil {
						return err
					}
					j := flinkJobOf(t, tg, id)
					last := j.Runs[len(j.Runs)-1]
					if !last.ResumeSavepoint || last.ResumedFrom != j.Runs[1].Savepoint {
						return fmt.Errorf("the run did not resume from the stop's savepoint: %+v", j.Runs)
					}
					if got := s.RootModule().Resources[flinkSQLAddress].Primary.Attributes["tm_slot_count"]; got != fmt.Sprint(j.TMSlotNum) {
						return fmt.Errorf("tm_slot_count = %s, DLI has %d", got, j.TMSlotNum)
					}
					return nil
				},
			},
			{
				// Stopped outside Terraform, and a running-safe change: the refresh saw the stop, so
				// the update sends the whole job and runs it, without a read of its own.
				PreConfig: func() {
					if _, err := c.StopFlinkJobAndWait(context.Background(), id, false, ""); err != nil {
						t.Fatal(err)
					}
					w.markStart()
				},
				Config: cfg(flinkSQL+" -- v2", "  smn_topic = \"pager\"\n  cu_count = 3\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{w,
					plancheck.ExpectUnknownValue(flinkSQLAddress, tfjsonpath.New("status"))}},
				ConfigStateChecks: []statecheck.StateCheck{status("job_running"),
					statecheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("smn_topic"), knownvalue.StringExact("pager"))},
				Check: func(*terraform.State) error {
					w.markDone()
					return w.expect("drift and update in place", id, refresh,
						[]string{"PUT streaming/sql-jobs/{id}", "POST streaming/jobs/run", poll})
				},
			},
		},
	})
}

// Under -refresh=false the prior state's status can be stale: a job stopped outside Terraform
// still reads job_running. DLI's refusal to stop a stopped job is judged by the job's status, so
// the update with a restart still updates the job and runs it.
func TestAccFlinkSQLJob_updateWithoutRefresh(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	c := apiClient(t, tg)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			{Config: flinkSQLConfig(tg, name, flinkSQL, ""), Check: captureIDOf(flinkSQLAddress, &id)},
			{
				PreConfig: func() {
					if _, err := c.StopFlinkJobAndWait(context.Background(), id, false, ""); err != nil {
						t.Fatal(err)
					}
				},
				Config: flinkSQLConfig(tg, name, flinkSQL+" -- v2", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("status"), knownvalue.StringExact("job_running"))},
				Check: func(*terraform.State) error {
					j := flinkJobOf(t, tg, id)
					if !strings.HasSuffix(j.SQLBody, "-- v2") || len(j.Runs) != 2 || j.Status != "job_running" {
						return fmt.Errorf("the job was not updated and run again: status %s, %d runs, SQL %q", j.Status, len(j.Runs), j.SQLBody)
					}
					return nil
				},
			},
		},
	})
}
