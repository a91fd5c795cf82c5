package provider_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// rerun_on_failure replaces a FAILED job; without it the job stays; triggers re-run on purpose.
func TestAccSQLJob_rerunOnFailureAndTriggers(t *testing.T) {
	clock := &acctest.PausableClock{}
	opts := acctest.FastJobs()
	opts.Clock = clock
	tg := acctest.NewEmulator(t, opts)
	failing := func(extra string) string {
		return sqlConfig(tg, `  sql      = "INSERT INTO t SELECT * FROM missing"
  wait_for = "submitted"
  conf     = { "emulator.outcome" = "failed", "emulator.run_duration" = "50ms" }`+extra)
	}
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkSQLDestroy(tg),
		Steps: []resource.TestStep{
			{Config: failing(""), Check: captureIDOf(sqlAddress, &id)},
			{
				PreConfig:        waitForSQLStatus(t, tg, &id, client.SQLStatusFailed),
				Config:           failing(""),
				ConfigPlanChecks: emptyPlan(),
				ConfigStateChecks: checks(
					stateIs(sqlAddress, "status", knownvalue.StringExact("FAILED")),
				),
			},
			{
				// The clock is paused so that the new job, scripted to fail as well, has not
				// failed yet when the step checks that its plan is clean.
				PreConfig:        clock.Pause,
				Config:           failing("\n  rerun_on_failure = true"),
				ConfigPlanChecks: plannedReplace(sqlAddress),
			},
			{
				PreConfig:        clock.Resume,
				Config:           failing("\n  triggers = { partition = \"2026-11-29\" }"),
				ConfigPlanChecks: plannedReplace(sqlAddress),
			},
		},
	})
	if n := tg.CountRequests("POST", "/jobs/submit-job"); n != 3 {
		t.Errorf("%d submissions, want 3 (the first, the rerun, the triggered run)", n)
	}
}

// Requests per statement at the minimum: one submission, status reads on the waiter's backoff
// (first after 300ms, doubling), no detail or list calls; apply returns within one poll
// interval of the job's end.
func TestAccSQLJob_requestsPerJob(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	var started time.Time
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { started = time.Now() },
			Config: sqlConfig(tg, `  sql  = "INSERT INTO t SELECT 1"
  conf = { "emulator.run_duration" = "1s" }`),
			Check: func(s *terraform.State) error {
				returned := time.Since(started)
				var posts, reads, other int
				for _, r := range tg.Requests("") {
					switch {
					case r.Method == "POST" && strings.HasSuffix(r.Path, "/jobs/submit-job"):
						posts++
					case r.Method == "GET" && strings.HasSuffix(r.Path, "/status"):
						reads++
					default:
						other++
					}
				}
				id, _ := acctest.JobID(s, sqlAddress)
				job := sqlJobNow(t, tg, id)
				t.Logf("apply of a 1s statement (after a 150ms start): %d submission, %d status reads, %d other requests; "+
					"the job ran %s, apply took %s (including Terraform's own work)", posts, reads, other, job.Duration, returned.Round(time.Millisecond))
				if posts != 1 || other != 0 || reads > 5 {
					return fmt.Errorf("requests: %d submissions, %d status reads, %d others; want 1, at most 5, 0", posts, reads, other)
				}
				return nil
			},
		}},
	})
}
