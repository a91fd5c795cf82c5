package provider_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

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

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

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
