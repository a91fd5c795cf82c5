package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// A job's life in Terraform: waiting, updates in place, replacement, re-runs, disappearance
// and destroy.

func TestAccBatchJob_waitForSuccessThenDestroyWithoutCancel(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	tg.RequireEmulator(t, "counts the cancel requests")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		// A finished job is destroyed without any cancel request.
		CheckDestroy: resource.ComposeTestCheckFunc(tg.CheckDestroyCancelled, tg.CheckNoDelete),
		Steps: []resource.TestStep{
			{
				Config: jobConfig(tg, acctest.JobName(t), `  wait_for = "success"`),
				ConfigStateChecks: checks(
					stateIs(jobAddress, "state", knownvalue.StringExact("success")),
				),
			},
		},
	})
}

// A job scripted to die: wait_for = "finished" records it without an error, so a test can
// assert the failure; wait_for = "success" fails showing the job's log.
func TestAccBatchJob_deadJob(t *testing.T) {
	for _, tc := range []struct {
		waitFor string
		apply   resource.TestStep // what the apply must do, but its configuration
	}{
		{"finished", resource.TestStep{ConfigStateChecks: checks(
			stateIs(jobAddress, "state", knownvalue.StringExact("dead")),
			stateKeyIs(jobAddress, "conf", "emulator.outcome", knownvalue.StringExact("dead")),
		)}},
		{"success", resource.TestStep{ExpectError: wrapped(`(?s)ended dead while apply waited for success.*Exception`)}},
	} {
		t.Run("wait for "+tc.waitFor, func(t *testing.T) {
			tg := acctest.NewTarget(t, acctest.FastJobs())
			tg.RequireEmulator(t, "scripts the job to fail")
			step := tc.apply
			step.Config = jobConfig(tg, acctest.JobName(t), fmt.Sprintf(`  wait_for = %q
  conf     = { "emulator.outcome" = "dead", "emulator.run_duration" = "100ms" }`, tc.waitFor))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             tg.CheckNoDelete,
				Steps:                    []resource.TestStep{step},
			})
			// The dead job was tracked, not orphaned: destroy saw it (dead, so no cancel) and the
			// emulator holds exactly one job.
			if jobs := tg.Emulator.Jobs(); len(jobs) != 1 || jobs[0].State != "dead" {
				t.Errorf("emulator jobs after the run: %+v, want one dead job", jobs)
			}
		})
	}
}

// Interrupting the wait (the create timeout here) leaves the job tracked as tainted; the next
// apply replaces it and cancels the old one.
func TestAccBatchJob_failedWaitLeavesJobTracked(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	tg.RequireEmulator(t, "needs a job that never finishes within the timeout")
	name := acctest.JobName(t)
	config := jobConfig(tg, name, `  wait_for = "success"
  conf     = { "emulator.run_duration" = "10m" }
  timeouts = { create = "2s" }`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{Config: config, ExpectError: wrapped(`(?s)stays in state as\s+tainted`)},
			{
				Config:           config,
				ConfigPlanChecks: plannedReplace(jobAddress),
				ExpectError:      wrapped(`(?s)stays in state as\s+tainted`),
			},
		},
	})
	if tg.Emulator != nil {
		active := 0
		for _, job := range tg.Emulator.Jobs() {
			if job.State != "dead" && job.State != "success" {
				active++
			}
		}
		if active != 0 {
			t.Errorf("%d jobs left active after destroy", active)
		}
	}
}

func TestAccBatchJob_cancelOnDestroyFalse(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	tg.RequireEmulator(t, "leaves a running job behind on purpose")
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckNoDelete,
		Steps: []resource.TestStep{
			{
				Config: jobConfig(tg, acctest.JobName(t), `  cancel_on_destroy = false
  conf = { "emulator.run_duration" = "10m" }`),
				Check: captureID(&id),
			},
		},
	})
	if job, ok := tg.Emulator.Job(id); !ok || job.State == "dead" || job.State == "success" {
		t.Errorf("job %s after destroy: %+v; want it left active", id, job)
	}
}

func TestAccBatchJob_replaceCancelsOldJob(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	name := acctest.JobName(t)
	var first, second string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{
				Config: jobConfig(tg, name, `  conf = { "emulator.run_duration" = "10m" }
  wait_for = "running"`),
				Check: captureID(&first),
			},
			{
				Config: jobConfig(tg, name, `  conf = { "emulator.run_duration" = "10m" }
  wait_for = "running"
  executor_memory = "8G"`),
				ConfigPlanChecks: plannedReplace(jobAddress),
				Check: resource.ComposeTestCheckFunc(captureID(&second), func(*terraform.State) error {
					if first == second {
						return fmt.Errorf("job was not replaced")
					}
					if tg.Emulator == nil {
						return nil
					}
					old, _ := tg.Emulator.Job(first)
					if !old.CancelRequested || old.State != "dead" {
						return fmt.Errorf("old job %s: cancel requested %v, state %s; want cancelled and dead", first, old.CancelRequested, old.State)
					}
					return nil
				}),
			},
		},
	})
}

// Changing provider-side arguments updates in place without any API call.
func TestAccBatchJob_providerSideArgumentsUpdateInPlace(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	name := acctest.JobName(t)
	var before int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{Config: jobConfig(tg, name, `  conf = { "emulator.run_duration" = "10m" }`)},
			{
				PreConfig: func() {
					if tg.Emulator != nil {
						before = len(tg.Requests(""))
					}
				},
				Config: jobConfig(tg, name, `  conf = { "emulator.run_duration" = "10m" }
  wait_for          = "running"
  cancel_on_destroy = true
  rerun_on_failure  = true
  timeouts          = { create = "5m", delete = "2m" }`),
				ConfigPlanChecks: plannedUpdate(jobAddress),
				Check: func(*terraform.State) error {
					if tg.Emulator == nil {
						return nil
					}
					// Refreshes read the job (GET); the update itself must send nothing else.
					for _, r := range tg.Requests("")[before:] {
						if r.Method != "GET" {
							return fmt.Errorf("in-place update sent %s %s", r.Method, r.Path)
						}
					}
					return nil
				},
			},
		},
	})
}

func TestAccBatchJob_triggersRerun(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	name := acctest.JobName(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{Config: jobConfig(tg, name, `  triggers = { input = "v1" }`)},
			{Config: jobConfig(tg, name, `  triggers = { input = "v1" }`),
				ConfigPlanChecks: emptyPlan()},
			{
				Config:           jobConfig(tg, name, `  triggers = { input = "v2" }`),
				ConfigPlanChecks: plannedReplace(jobAddress),
			},
		},
	})
}

func TestAccBatchJob_rerunOnFailure(t *testing.T) {
	clock := &acctest.PausableClock{}
	opts := acctest.FastJobs()
	opts.Clock = clock
	tg := acctest.NewTarget(t, opts)
	tg.RequireEmulator(t, "scripts the job to fail")
	name := acctest.JobName(t)
	failing := `  conf = { "emulator.outcome" = "dead", "emulator.run_duration" = "50ms" }`
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{Config: jobConfig(tg, name, failing), Check: captureID(&id)},
			{
				// Dead, without rerun_on_failure: left alone.
				PreConfig:        waitForEmulatorState(t, tg, &id, "dead"),
				Config:           jobConfig(tg, name, failing),
				ConfigPlanChecks: emptyPlan(),
				ConfigStateChecks: checks(
					stateIs(jobAddress, "state", knownvalue.StringExact("dead")),
				),
			},
			{
				// Dead, with rerun_on_failure: replaced. The clock is paused so that the new
				// job, scripted to fail as well, is still starting when the step checks its plan.
				PreConfig:        clock.Pause,
				Config:           jobConfig(tg, name, failing+"\n  rerun_on_failure = true"),
				ConfigPlanChecks: plannedReplace(jobAddress),
				ConfigStateChecks: checks(
					stateIs(jobAddress, "state", knownvalue.StringExact("starting")),
				),
			},
			{
				// Time runs again and the new job fails too; turning rerun_on_failure off keeps it.
				PreConfig: func() {
					clock.Resume()
					waitForEmulatorStateAny(t, tg, "dead", 2)()
				},
				Config:           jobConfig(tg, name, failing),
				ConfigPlanChecks: plannedUpdate(jobAddress),
			},
		},
	})
}

// A job removed behind the provider's back: an active one is planned for creation again; a
// finished one purged from the history stays in state and plans clean (no surprise re-run).
func TestAccBatchJob_disappears(t *testing.T) {
	for _, tc := range []struct {
		name, why, body string
		destroyed       func(*acctest.Target) resource.TestCheckFunc
		plan            resource.ConfigPlanChecks
		state           []statecheck.StateCheck
	}{
		{"while active", "removes a job behind the provider's back", `  conf = { "emulator.run_duration" = "10m" }`,
			func(tg *acctest.Target) resource.TestCheckFunc { return tg.CheckDestroyCancelled }, plannedCreate(jobAddress), nil},
		{"after finishing", "purges a job from the history", `  wait_for = "success"
  conf = { "emulator.run_duration" = "50ms" }`,
			func(tg *acctest.Target) resource.TestCheckFunc { return tg.CheckNoDelete }, emptyPlan(),
			checks(stateIs(jobAddress, "state", knownvalue.StringExact("success")))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := acctest.NewTarget(t, acctest.FastJobs())
			tg.RequireEmulator(t, tc.why)
			config := jobConfig(tg, acctest.JobName(t), tc.body)
			var id string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             tc.destroyed(tg),
				Steps: []resource.TestStep{
					{Config: config, Check: captureID(&id)},
					{
						PreConfig:         func() { tg.Emulator.ForgetJob(id) },
						Config:            config,
						ConfigPlanChecks:  tc.plan,
						ConfigStateChecks: tc.state,
					},
				},
			})
		})
	}
}

// Pointing the provider at another endpoint does not forget an active job the new location
// does not know (nor submit it again there); pointing it back finds it.
func TestAccBatchJob_locationChangeKeepsActiveJob(t *testing.T) {
	home := acctest.NewEmulator(t, acctest.FastJobs())
	elsewhere := acctest.NewEmulator(t, acctest.FastJobs())
	name := acctest.JobName(t)
	body := `  conf = { "emulator.run_duration" = "10m" }
  wait_for = "running"`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             home.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{Config: jobConfig(home, name, body)},
			{
				Config:      jobConfig(elsewhere, name, body),
				ExpectError: wrapped(`(?s)Batch job not found at the provider's new location.*lives in project \S+ at ` + home.URL + `;.*terraform state rm`),
			},
			{
				Config:           jobConfig(home, name, body),
				ConfigPlanChecks: emptyPlan(),
			},
		},
	})
	if n := elsewhere.CountRequests("POST", "/batches"); n != 0 {
		t.Errorf("the job was submitted again at the new location (%d submissions)", n)
	}
}
