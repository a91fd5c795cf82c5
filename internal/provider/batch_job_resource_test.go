package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

const jobAddress = "dli_batch_job.test"

// jobConfig is a provider block plus one dli_batch_job "test" with the given extra arguments.
func jobConfig(tg *acctest.Target, name, extra string) string {
	return tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_batch_job" "test" {
  queue = %[1]q
  file  = %[2]q
  name  = %[3]q
%[4]s
}
`, tg.Queue, tg.File, name, extra)
}

// captureID stores the ID of dli_batch_job.test for later steps.
func captureID(id *string) resource.TestCheckFunc { return captureIDOf(jobAddress, id) }

func captureIDOf(address string, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var err error
		*id, err = acctest.JobID(s, address)
		return err
	}
}

// waitForEmulatorState polls the emulator (no sleeping on a guess) until the job reaches state.
func waitForEmulatorState(t *testing.T, tg *acctest.Target, id *string, state string) func() {
	return func() {
		eventually(t, fmt.Sprintf("job %s reaches %s", *id, state), func() bool {
			job, ok := tg.Emulator.Job(*id)
			return ok && job.State == state
		})
	}
}

// eventually polls cond (the emulator's own view, no guessed sleep) until it holds, for at most
// 30 seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting until %s", what)
}

func TestAccBatchJob_basic(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	name := acctest.JobName(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{
				// Long enough that the job is still running when destroyed, so destroy cancels it.
				Config: jobConfig(tg, name, `
  class_name = "org.apache.spark.examples.SparkPi"
  args       = ["1000"]
  conf       = { "spark.sql.shuffle.partitions" = "8", "emulator.run_duration" = "10m" }
  wait_for   = "running"
`),
				ConfigStateChecks: checks(
					stateIs(jobAddress, "id", knownvalue.StringRegexp(uuidRE)),
					stateIs(jobAddress, "state", knownvalue.StringExact("running")),
					stateIs(jobAddress, "queue", knownvalue.StringExact(tg.Queue)),
					stateIs(jobAddress, "args", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("1000")})),
					stateIs(jobAddress, "sc_type", knownvalue.StringExact("A")),
					stateIs(jobAddress, "created_at", knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
					stateIs(jobAddress, "cancel_on_destroy", knownvalue.Bool(true)),
				),
			},
			{
				// Refresh reads every argument back: the same configuration plans clean.
				Config: jobConfig(tg, name, `
  class_name = "org.apache.spark.examples.SparkPi"
  args       = ["1000"]
  conf       = { "spark.sql.shuffle.partitions" = "8", "emulator.run_duration" = "10m" }
  wait_for   = "running"
`),
				ConfigPlanChecks: emptyPlan(),
			},
			{
				ResourceName:            jobAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "wait_for", "updated_at", "app_id"},
			},
		},
	})
	if tg.Emulator != nil {
		if n := tg.CountRequests("POST", "/batches"); n != 1 {
			t.Errorf("apply sent %d submissions, want exactly 1", n)
		}
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Import by `import` block: a finished job with every kind of argument plans empty afterwards.
func TestAccBatchJob_importBlockRoundTrip(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	name := acctest.JobName(t)
	body := `
  class_name      = "com.example.Etl"
  args            = ["--date", "2026-11-28"]
  jars            = ["obs://dli-demo/lib/dep.jar"]
  python_files    = ["obs://dli-demo/lib/util.py"]
  files           = ["obs://dli-demo/conf/app.conf"]
  modules         = ["sys.datasource.rds"]
  resources       = [{ name = "groupTest/testJar.jar", type = "jar" }]
  groups          = [{ name = "batchTest", resources = [{ name = "luxor.jar", type = "jar" }] }]
  conf            = { "spark.dli.metaAccess.enable" = "true", "emulator.run_duration" = "50ms" }
  driver_memory   = "2G"
  driver_cores    = 2
  executor_memory = "4096M"
  executor_cores  = 2
  num_executors   = 3
  obs_bucket      = "dli-demo-logs"
  auto_recovery   = true
  max_retry_times = 5
  feature         = "basic"
  spark_version   = "3.3.1"
  catalog_name    = "dli"
  execution_agency_urn = "dli_agency"
  wait_for        = "success"
`
	config := jobConfig(tg, name, body)
	// wait_for only matters when submitting; an imported job records the default, so the import
	// configuration leaves it out to plan a no-op.
	importConfig := strings.Replace(config, `wait_for        = "success"`, "", 1)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  captureID(&id),
				ConfigStateChecks: checks(
					stateIs(jobAddress, "state", knownvalue.StringExact("success")),
					stateIs(jobAddress, "sc_type", knownvalue.StringExact("CUSTOMIZED")),
				),
			},
			{
				Config:          importConfig,
				ResourceName:    jobAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// The classic command as well, with every attribute compared.
				Config:                  importConfig,
				ResourceName:            jobAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "wait_for"},
			},
		},
	})
}

func TestAccBatchJob_importRejectsBadID(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        jobConfig(tg, "imported", ""),
				ResourceName:  jobAddress,
				ImportState:   true,
				ImportStateId: "../queues",
				ExpectError:   wrapped(`Import needs the ID of a DLI batch job, a UUID`),
			},
		},
	})
	if n := len(tg.Requests("")); n != 0 {
		t.Errorf("a malformed ID reached the API (%d requests)", n)
	}
}

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

func TestAccBatchJob_waitForFailureShowsLog(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	tg.RequireEmulator(t, "scripts the job to fail")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckNoDelete,
		Steps: []resource.TestStep{
			{
				Config: jobConfig(tg, acctest.JobName(t), `  wait_for = "success"
  conf     = { "emulator.outcome" = "dead", "emulator.run_duration" = "100ms" }`),
				ExpectError: wrapped(`(?s)ended dead while apply waited for success.*Exception`),
			},
		},
	})
	// The failed job was tracked, not orphaned: destroy saw it (dead, so no cancel) and the
	// emulator holds exactly one job.
	if jobs := tg.Emulator.Jobs(); len(jobs) != 1 || jobs[0].State != "dead" {
		t.Errorf("emulator jobs after the run: %+v, want one dead job", jobs)
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

// waitForEmulatorStateAny polls until n jobs of the emulator are in state.
func waitForEmulatorStateAny(t *testing.T, tg *acctest.Target, state string, n int) func() {
	return func() {
		eventually(t, fmt.Sprintf("%d jobs reach %s", n, state), func() bool {
			count := 0
			for _, job := range tg.Emulator.Jobs() {
				if job.State == state {
					count++
				}
			}
			return count >= n
		})
	}
}

func TestAccBatchJob_disappearsWhileActive(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	tg.RequireEmulator(t, "removes a job behind the provider's back")
	name := acctest.JobName(t)
	config := jobConfig(tg, name, `  conf = { "emulator.run_duration" = "10m" }`)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{Config: config, Check: captureID(&id)},
			{
				PreConfig:        func() { tg.Emulator.ForgetJob(id) },
				Config:           config,
				ConfigPlanChecks: plannedCreate(jobAddress),
			},
		},
	})
}

func TestAccBatchJob_disappearsAfterFinishing(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	tg.RequireEmulator(t, "purges a job from the history")
	name := acctest.JobName(t)
	config := jobConfig(tg, name, `  wait_for = "success"
  conf = { "emulator.run_duration" = "50ms" }`)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckNoDelete,
		Steps: []resource.TestStep{
			{Config: config, Check: captureID(&id)},
			{
				// No surprise re-run: the purged, finished job stays in state and plans clean.
				PreConfig:        func() { tg.Emulator.ForgetJob(id) },
				Config:           config,
				ConfigPlanChecks: emptyPlan(),
				ConfigStateChecks: checks(
					stateIs(jobAddress, "state", knownvalue.StringExact("success")),
				),
			},
		},
	})
}

func TestAccBatchJob_authentication(t *testing.T) {
	tests := []struct {
		name     string
		opts     func(*emulator.Options)
		provider func(*acctest.Target) string
	}{
		{"aksk", func(*emulator.Options) {}, (*acctest.Target).ProviderConfig},
		{"temporary aksk", func(o *emulator.Options) { o.SecurityToken = "temporary-security-token" }, (*acctest.Target).ProviderConfig},
		{"token", func(o *emulator.Options) { o.Tokens = []string{"iam-token-for-tests"} }, (*acctest.Target).TokenProviderConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := acctest.FastJobs()
			tc.opts(&opts)
			tg := acctest.NewEmulator(t, opts)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             tg.CheckDestroyCancelled,
				Steps: []resource.TestStep{{
					Config: tc.provider(tg) + fmt.Sprintf(`
resource "dli_batch_job" "test" {
  queue = %q
  file  = %q
  conf  = { "emulator.run_duration" = "10m" }
}
`, tg.Queue, tg.File),
					ConfigStateChecks: checks(
						stateIs(jobAddress, "state", knownvalue.StringExact("starting")),
					),
				}},
			})
			for _, r := range tg.Requests("") {
				if r.Status == 401 || r.Status == 403 {
					t.Errorf("request %s %s was refused (%d %s)", r.Method, r.Path, r.Status, r.ErrorCode)
				}
			}
		})
	}
}

func TestAccBatchJob_badCredentials(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	tg.SecretKey = "not-the-secret-key"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      jobConfig(tg, "bad-credentials", ""),
			ExpectError: wrapped(`(?s)Error submitting batch job.*APIGW.0301`),
		}},
	})
	if jobs := tg.Emulator.Jobs(); len(jobs) != 0 {
		t.Errorf("a refused submission created %d jobs", len(jobs))
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
