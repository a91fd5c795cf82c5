package provider_test

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

func TestAccBatchJobsDataSource_filtersAndPages(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	start := time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	longRunning := map[string]string{"emulator.run_duration": "10m"}
	submitJobs(t, tg, 130, "etl", "nightly", longRunning)
	submitJobs(t, tg, 3, "default", "adhoc", longRunning)
	failed := submitJobs(t, tg, 2, "default", "broken", map[string]string{"emulator.outcome": "dead", "emulator.run_duration": "1ms"})
	for _, id := range failed {
		waitForEmulatorState(t, tg, &id, "dead")()
	}

	config := tg.ProviderConfig() + fmt.Sprintf(`
data "dli_batch_jobs" "etl" {
  queue = "etl"
}
data "dli_batch_jobs" "adhoc" {
  queue = "default"
  name  = "adhoc"
  order = "CREATE_TIME_ASC"
}
data "dli_batch_jobs" "dead" {
  state = "dead"
}
data "dli_batch_jobs" "window" {
  queue          = "default"
  created_after  = %q
  created_before = "2999-01-01T00:00:00Z"
}
data "dli_batch_jobs" "future" {
  created_after = "2999-01-01T00:00:00Z"
}
`, start)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: checks(
				stateIs("data.dli_batch_jobs.etl", "jobs", knownvalue.ListSizeExact(130)),
				stateIs("data.dli_batch_jobs.adhoc", "jobs", knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue("data.dli_batch_jobs.adhoc", tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("adhoc")),
				statecheck.ExpectKnownValue("data.dli_batch_jobs.adhoc", tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("queue"), knownvalue.StringExact("default")),
				stateIs("data.dli_batch_jobs.dead", "ids", knownvalue.ListSizeExact(2)),
				stateIs("data.dli_batch_jobs.window", "jobs", knownvalue.ListSizeExact(5)),
				stateIs("data.dli_batch_jobs.future", "jobs", knownvalue.ListSizeExact(0)),
			),
			Check: func(s *terraform.State) error {
				attrs := s.RootModule().Resources["data.dli_batch_jobs.dead"].Primary.Attributes
				got := map[string]bool{attrs["ids.0"]: true, attrs["ids.1"]: true}
				if !got[failed[0]] || !got[failed[1]] {
					return fmt.Errorf("state filter returned %v, want %v", got, failed)
				}
				// 130 jobs take two pages of 100.
				if n := tg.CountRequests("GET", "/batches"); n < 2 {
					return fmt.Errorf("expected paginated list requests, saw %d", n)
				}
				return nil
			},
		}},
	})
}

func TestAccBatchJobDataSource_andLog(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	ids := submitJobs(t, tg, 1, "default", "failing-job", map[string]string{"emulator.outcome": "dead", "emulator.run_duration": "1ms"})
	waitForEmulatorState(t, tg, &ids[0], "dead")()
	config := tg.ProviderConfig() + fmt.Sprintf(`
data "dli_batch_job" "job" {
  id = %[1]q
}
data "dli_batch_job_log" "all" {
  batch_id = %[1]q
}
data "dli_batch_job_log" "first_two" {
  batch_id = %[1]q
  from     = 0
  size     = 2
}
`, ids[0])
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: tg.ProviderConfig() + `
data "dli_batch_job" "missing" {
  id = "0a324461-d9d9-45da-a52a-3b3c7a3d809e"
}
`,
				ExpectError: wrapped(`Batch job not found`),
			},
			{
				Config: tg.ProviderConfig() + `
data "dli_batch_job_log" "bad" {
  batch_id = "not-a-uuid"
}
`,
				ExpectError: wrapped(`must be a DLI batch job ID`),
			},
			{
				Config: config,
				ConfigStateChecks: checks(
					stateIs("data.dli_batch_job.job", "state", knownvalue.StringExact("dead")),
					stateIs("data.dli_batch_job.job", "name", knownvalue.StringExact("failing-job")),
					stateIs("data.dli_batch_job.job", "file", knownvalue.StringExact(tg.File)),
					stateIs("data.dli_batch_job_log.first_two", "lines", knownvalue.ListSizeExact(2)),
				),
				Check: resource.ComposeTestCheckFunc(
					resource.TestMatchResourceAttr("data.dli_batch_job.job", "log.#", regexp.MustCompile(`^([1-9]|10)$`)),
					resource.TestMatchResourceAttr("data.dli_batch_job_log.all", "total", regexp.MustCompile(`^[1-9][0-9]*$`)),
					func(s *terraform.State) error {
						attrs := s.RootModule().Resources["data.dli_batch_job_log.all"].Primary.Attributes
						n, _ := strconv.Atoi(attrs["lines.#"])
						for i := 0; i < n; i++ {
							if regexp.MustCompile(`Exception`).MatchString(attrs[fmt.Sprintf("lines.%d", i)]) {
								return nil
							}
						}
						return fmt.Errorf("the failed job's log has no exception line: %v", attrs)
					},
				),
			},
		},
	})
}

func TestAccBatchJobsDataSource_namePrefixAndRegex(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	for _, name := range []string{"etl-daily", "etl-hourly", "report-daily"} {
		submitJobs(t, tg, 1, tg.Queue, name, nil)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      tg.ProviderConfig() + "data \"dli_batch_jobs\" \"bad\" {\n  name_regex = \"(\"\n}\n",
				PlanOnly:    true,
				ExpectError: wrapped(`name_regex must be a valid regular expression`),
			},
			{
				Config: tg.ProviderConfig() + `
data "dli_batch_jobs" "etl" {
  name_prefix = "etl-"
}
data "dli_batch_jobs" "daily" {
  name_regex = "-daily$"
}
data "dli_batch_jobs" "etl_daily" {
  name_prefix = "etl-"
  name_regex  = "daily"
}
`,
				ConfigStateChecks: checks(
					stateIs("data.dli_batch_jobs.etl", "ids", knownvalue.ListSizeExact(2)),
					stateIs("data.dli_batch_jobs.daily", "ids", knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.dli_batch_jobs.etl_daily", tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("etl-daily")),
					stateIs("data.dli_batch_jobs.etl_daily", "ids", knownvalue.ListSizeExact(1)),
				),
			},
		},
	})
}
