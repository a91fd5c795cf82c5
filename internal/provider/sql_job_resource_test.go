package provider_test

import (
	"context"
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
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

const sqlAddress = "dli_sql_job.test"

// sqlConfig is a provider block plus one dli_sql_job "test" with the given body.
func sqlConfig(tg *acctest.Target, body string) string {
	return tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_sql_job" "test" {
%s
}
`, body)
}

// sqlJobNow reads a job through the API (the emulator's own view of it).
func sqlJobNow(t *testing.T, tg *acctest.Target, id string) *client.SQLJob {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	j, err := apiClient(t, tg).GetSQLJob(ctx, id)
	if err != nil {
		t.Fatalf("reading SQL job %s: %v", id, err)
	}
	return j
}

// allSQLJobs lists every SQL job the emulator holds, faults switched off for the check.
func allSQLJobs(t *testing.T, tg *acctest.Target) []client.SQLJob {
	t.Helper()
	a, b, c := tg.Emulator.Faults()
	tg.Emulator.SetFaults(0, 0, 0)
	defer tg.Emulator.SetFaults(a, b, c)
	jobs, err := apiClient(t, tg).ListSQLJobs(context.Background(), client.SQLListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

// waitForSQLStatus polls the API (no guessed sleep) until the job reaches status.
func waitForSQLStatus(t *testing.T, tg *acctest.Target, id *string, status client.SQLJobStatus) func() {
	return func() {
		eventually(t, fmt.Sprintf("SQL job %s reaches %s", *id, status), func() bool {
			return sqlJobNow(t, tg, *id).Status == status
		})
	}
}

// checkSQLDestroy verifies what destroy did: every job that was active and had
// cancel_on_destroy got a DELETE and ended CANCELLED; finished jobs got no request.
func checkSQLDestroy(tg *acctest.Target) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		c, err := tg.Client()
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "dli_sql_job" || rs.Primary == nil {
				continue
			}
			id, before := rs.Primary.ID, client.ParseSQLJobStatus(rs.Primary.Attributes["status"])
			deletes := tg.CountRequests("DELETE", "/jobs/"+id)
			if rs.Primary.Attributes["cancel_on_destroy"] == "false" || before.IsTerminal() {
				if deletes != 0 {
					return fmt.Errorf("SQL job %s (%s, cancel_on_destroy %s) got %d DELETE", id, before, rs.Primary.Attributes["cancel_on_destroy"], deletes)
				}
				continue
			}
			j, err := c.GetSQLJob(ctx, id)
			if client.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			if !j.Status.IsTerminal() {
				return fmt.Errorf("SQL job %s is still %s after destroy", id, j.Status)
			}
			if before.IsActive() && deletes == 0 {
				return fmt.Errorf("SQL job %s was %s before destroy but got no DELETE", id, before)
			}
		}
		return nil
	}
}

func TestAccSQLJob_basic(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	body := fmt.Sprintf(`  sql   = "INSERT INTO sales_daily SELECT day, SUM(amount) FROM sales GROUP BY day"
  queue = %q
  conf  = { "spark.sql.shuffle.partitions" = "8", "emulator.run_duration" = "300ms" }
  tags  = { team = "analytics" }`, tg.Queue)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkSQLDestroy(tg),
		Steps: []resource.TestStep{
			{
				Config: sqlConfig(tg, body),
				ConfigStateChecks: checks(
					stateIs(sqlAddress, "id", knownvalue.StringRegexp(uuidRE)),
					// wait_for = "finished" is the default: the statement's effect is there.
					stateIs(sqlAddress, "status", knownvalue.StringExact("FINISHED")),
					stateIs(sqlAddress, "job_type", knownvalue.StringExact("INSERT")),
					stateIs(sqlAddress, "job_mode", knownvalue.StringExact("async")),
					stateIs(sqlAddress, "wait_for", knownvalue.StringExact("finished")),
					stateIs(sqlAddress, "tags", knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("analytics")})),
					stateIs(sqlAddress, "end_time", knownvalue.StringRegexp(sqlTimeRE)),
				),
			},
			{
				// Refresh reads the job back: the same configuration plans clean.
				Config:           sqlConfig(tg, body),
				ConfigPlanChecks: emptyPlan(),
			},
			{
				ResourceName:            sqlAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
	if n := tg.CountRequests("POST", "/jobs/submit-job"); n != 1 {
		t.Errorf("%d submissions, want exactly 1", n)
	}
}

// Import by an import block with every argument DLI reports: the import plans as a no-op.
func TestAccSQLJob_importBlockRoundTrip(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	config := sqlConfig(tg, fmt.Sprintf(`  sql      = <<-SQL
    SELECT day, COUNT(*) AS n
    FROM sales
    GROUP BY day
  SQL
  queue    = %q
  database = "analytics"
  engine   = "spark"
  conf     = { "spark.sql.shuffle.partitions" = "8", "dli.sql.job.timeout" = "600", "emulator.run_duration" = "50ms" }
  tags     = { team = "analytics", "cost:center" = "42" }`, tg.Queue))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{Config: config},
			{Config: config, ResourceName: sqlAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{Config: config, ResourceName: sqlAddress, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
}

// Adoption by generated config (Terraform 1.11 and later has -generate-config-out): the config
// Terraform writes for an imported job plans clean.
func TestAccSQLJob_generatedConfigPlansClean(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	config := sqlConfig(tg, fmt.Sprintf(`  sql   = "SELECT 1 AS n, 'x' AS s"
  queue = %q
  conf  = { "spark.sql.shuffle.partitions" = "8", "emulator.run_duration" = "50ms" }
  tags  = { team = "analytics" }`, tg.Queue))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{Config: config},
			{Config: config, ResourceName: sqlAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithID, GenerateConfig: true},
		},
	})
}

func TestAccSQLJob_importRejectsBadID(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sqlConfig(tg, `  sql = "SELECT 1"`), ResourceName: sqlAddress, ImportState: true, ImportStateId: "../queues",
			ExpectError: wrapped(`Import needs the ID of a DLI SQL job, a UUID`),
		}},
	})
	if n := len(tg.Requests("")); n != 0 {
		t.Errorf("a malformed ID reached the API (%d requests)", n)
	}
}

// A statement that fails while apply waits: the error carries DLI's message, the job stays in
// state (tainted, so the next plan replaces it) and nothing is cancelled.
func TestAccSQLJob_failedWaitTaints(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	config := sqlConfig(tg, `  sql  = "INSERT INTO t SELECT * FROM missing"
  conf = { "emulator.outcome" = "failed", "emulator.run_duration" = "100ms" }`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkSQLDestroy(tg),
		Steps: []resource.TestStep{
			{Config: config, ExpectError: wrapped(`(?s)SQL job FAILED.*ended FAILED while apply waited.*DLI's message: \S`)},
			// Tainted: the next plan replaces it.
			{Config: config, PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
	if n := tg.CountRequests("POST", "/jobs/submit-job"); n != 1 {
		t.Errorf("%d submissions, want 1", n)
	}
}

// A job cancelled outside Terraform is drift: the next plan runs the statement again.
func TestAccSQLJob_cancelledOutsideIsDrift(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	config := sqlConfig(tg, `  sql      = "INSERT INTO t SELECT 1"
  wait_for = "running"
  conf     = { "emulator.run_duration" = "1h" }`)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkSQLDestroy(tg),
		Steps: []resource.TestStep{
			{Config: config, Check: captureIDOf(sqlAddress, &id)},
			{
				PreConfig: func() {
					if err := apiClient(t, tg).CancelSQLJob(context.Background(), id); err != nil {
						t.Fatal(err)
					}
					waitForSQLStatus(t, tg, &id, client.SQLStatusCancelled)()
				},
				Config:           config,
				ConfigPlanChecks: plannedReplace(sqlAddress),
				ConfigStateChecks: checks(
					stateIs(sqlAddress, "status", knownvalue.StringExact("RUNNING")),
				),
			},
		},
	})
	if n := tg.CountRequests("POST", "/jobs/submit-job"); n != 2 {
		t.Errorf("%d submissions, want 2 (the cancelled job ran again)", n)
	}
}

// Destroy cancels a running statement and waits for its end; a replacement cancels the old job.
func TestAccSQLJob_destroyAndReplaceCancel(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	var first, second string
	running := func(sql string) string {
		return sqlConfig(tg, fmt.Sprintf(`  sql      = %q
  wait_for = "running"
  conf     = { "emulator.run_duration" = "1h" }`, sql))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkSQLDestroy(tg),
		Steps: []resource.TestStep{
			{Config: running("INSERT INTO t SELECT 1"), Check: captureIDOf(sqlAddress, &first)},
			{
				Config:           running("INSERT INTO t SELECT 2"),
				ConfigPlanChecks: plannedReplace(sqlAddress),
				Check: resource.ComposeTestCheckFunc(captureIDOf(sqlAddress, &second), func(*terraform.State) error {
					if first == second {
						return fmt.Errorf("job was not replaced")
					}
					if s := sqlJobNow(t, tg, first).Status; s != client.SQLStatusCancelled {
						return fmt.Errorf("old job %s is %s, want CANCELLED", first, s)
					}
					return nil
				}),
			},
			{
				// White space and a final ';' are not a change of statement: adopted in place.
				Config:           running(" INSERT INTO t SELECT 2;\n"),
				ConfigPlanChecks: plannedUpdate(sqlAddress),
			},
		},
	})
	if s := sqlJobNow(t, tg, second).Status; s != client.SQLStatusCancelled {
		t.Errorf("destroyed job %s is %s, want CANCELLED", second, s)
	}
}

// A finished job costs no request to destroy; cancel_on_destroy = false leaves a running job.
func TestAccSQLJob_destroyWithoutCancel(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	var finished, left string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkSQLDestroy(tg), tg.CheckNoDelete),
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + `
resource "dli_sql_job" "finished" {
  sql  = "SELECT 1 AS n"
  conf = { "emulator.run_duration" = "50ms" }
}
resource "dli_sql_job" "left" {
  sql               = "INSERT INTO t SELECT 1"
  wait_for          = "submitted"
  cancel_on_destroy = false
  conf              = { "emulator.run_duration" = "1h" }
}
`,
			Check: resource.ComposeTestCheckFunc(captureIDOf("dli_sql_job.finished", &finished), captureIDOf("dli_sql_job.left", &left)),
		}},
	})
	if s := sqlJobNow(t, tg, left).Status; !s.IsActive() {
		t.Errorf("job %s left by cancel_on_destroy = false is %s, want it still active", left, s)
	}
}

// A synchronous DDL answer is final: no wait, one read.
func TestAccSQLJob_syncDDLNeedsNoWait(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkSQLDestroy(tg), tg.CheckNoDelete),
		Steps: []resource.TestStep{{
			Config: sqlConfig(tg, `  sql  = "CREATE TABLE IF NOT EXISTS sales_daily (day STRING, total BIGINT)"
  conf = { "dli.sql.sqlasync.enabled" = "false" }`),
			ConfigStateChecks: checks(
				stateIs(sqlAddress, "job_type", knownvalue.StringExact("DDL")),
				stateIs(sqlAddress, "job_mode", knownvalue.StringExact("sync")),
				stateIs(sqlAddress, "status", knownvalue.StringExact("FINISHED")),
			),
			Check: func(*terraform.State) error {
				// The apply's reads: exactly one status read after the submission (refreshes add theirs later).
				var reads int
				for _, r := range tg.Requests("GET") {
					if strings.HasSuffix(r.Path, "/status") {
						reads++
					}
				}
				if reads != 1 {
					return fmt.Errorf("%d status reads by the apply, want 1", reads)
				}
				return nil
			},
		}},
	})
}

// Changing provider-side arguments updates in place without any API call.
func TestAccSQLJob_providerSideArgumentsUpdateInPlace(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	base := `  sql  = "SELECT 1 AS n"
  conf = { "emulator.run_duration" = "50ms" }`
	var before int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: sqlConfig(tg, base), Check: func(*terraform.State) error { before = len(tg.Requests("POST")); return nil }},
			{
				Config: sqlConfig(tg, base+`
  wait_for          = "running"
  cancel_on_destroy = false
  rerun_on_failure  = true
  timeouts          = { create = "5m", delete = "1m" }`),
				ConfigPlanChecks: plannedUpdate(sqlAddress),
				Check: func(*terraform.State) error {
					if n := len(tg.Requests("POST")); n != before {
						return fmt.Errorf("an in-place update sent %d submissions", n-before)
					}
					return nil
				},
			},
		},
	})
}

// sqlTimeRE is RFC 3339 in UTC with milliseconds, as the resource records times.
var sqlTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
