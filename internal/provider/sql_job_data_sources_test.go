package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// dli_sql_jobs follows every page and applies each filter; dli_sql_job reads one job with its
// arguments; dli_sql_job_result turns a query's answer into columns and rows.
func TestAccSQLJobDataSources(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	start := time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	long := map[string]string{"emulator.run_duration": "1h"}
	submitSQLJobs(t, tg, 130, client.CreateSQLJobRequest{SQL: "INSERT INTO t SELECT 1", Queue: "etl", Conf: long,
		Tags: map[string]string{"team": "etl"}})
	submitSQLJobs(t, tg, 3, client.CreateSQLJobRequest{SQL: "INSERT INTO adhoc SELECT 2", Queue: "default", Conf: long,
		Tags: map[string]string{"team": "etl-adhoc"}})
	failed := submitSQLJobs(t, tg, 2, client.CreateSQLJobRequest{SQL: "INSERT INTO broken SELECT 3", Queue: "default",
		Conf: map[string]string{"emulator.outcome": "failed", "emulator.run_duration": "1ms"}})
	query := submitSQLJobs(t, tg, 1, client.CreateSQLJobRequest{SQL: "SELECT 1 AS n, 'x' AS s, NULL AS z", Database: "analytics",
		Conf: map[string]string{"emulator.run_duration": "1ms", "spark.sql.shuffle.partitions": "4"}, Tags: map[string]string{"k": "v"}})[0]
	for _, id := range append(failed, query) {
		status := client.SQLStatusFailed
		if id == query {
			status = client.SQLStatusFinished
		}
		waitForSQLStatus(t, tg, &id, status)()
	}
	config := tg.ProviderConfig() + fmt.Sprintf(`
data "dli_sql_jobs" "etl" {
  queue = "etl"
}
data "dli_sql_jobs" "tagged" {
  queue = "default"
  tags  = { team = "etl" }
}
data "dli_sql_jobs" "failed" {
  status      = "FAILED"
  job_type    = "INSERT"
  sql_pattern = "broken"
  start_after = %[1]q
  order       = "start_time_asc"
}
data "dli_sql_jobs" "none" {
  start_before = "2000-01-01T00:00:00Z"
}
data "dli_sql_job" "query" {
  id = %[2]q
}
data "dli_sql_job_result" "query" {
  job_id = %[2]q
}
`, start, query)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: checks(
				stateIs("data.dli_sql_jobs.etl", "ids", knownvalue.ListSizeExact(130)),
				// DLI matches tags loosely (team=etl-adhoc contains etl): the provider checks them exactly.
				stateIs("data.dli_sql_jobs.tagged", "ids", knownvalue.ListSizeExact(0)),
				stateIs("data.dli_sql_jobs.failed", "ids", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact(failed[0]), knownvalue.StringExact(failed[1])})),
				statecheck.ExpectKnownValue("data.dli_sql_jobs.failed", tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("message"),
					knownvalue.StringRegexp(regexp.MustCompile(`\S`))),
				stateIs("data.dli_sql_jobs.none", "jobs", knownvalue.ListSizeExact(0)),
				stateIs("data.dli_sql_job.query", "sql", knownvalue.StringExact("SELECT 1 AS n, 'x' AS s, NULL AS z")),
				stateIs("data.dli_sql_job.query", "database", knownvalue.StringExact("analytics")),
				stateIs("data.dli_sql_job.query", "engine", knownvalue.StringExact("spark")),
				stateIs("data.dli_sql_job.query", "status", knownvalue.StringExact("FINISHED")),
				stateKeyIs("data.dli_sql_job.query", "conf", "spark.sql.shuffle.partitions", knownvalue.StringExact("4")),
				stateIs("data.dli_sql_job.query", "tags", knownvalue.MapExact(map[string]knownvalue.Check{"k": knownvalue.StringExact("v")})),
				statecheck.ExpectKnownValue("data.dli_sql_job.query", tfjsonpath.New("result_schema").AtSliceIndex(1).AtMapKey("name"), knownvalue.StringExact("s")),
				stateIs("data.dli_sql_job_result.query", "columns", knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue("data.dli_sql_job_result.query", tfjsonpath.New("columns").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("n")),
				stateIs("data.dli_sql_job_result.query", "rows", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("1"), knownvalue.StringExact("x"), knownvalue.Null()})})),
			),
		}},
	})
	// 130 jobs at 100 per page: the etl listing took two pages.
	pages := 0
	for _, r := range tg.Requests("GET") {
		if strings.HasSuffix(r.Path, "/jobs") {
			pages++
		}
	}
	if pages < 5 { // etl 2 pages, tagged, failed, none: one each (per read)
		t.Errorf("%d list requests, want at least 5", pages)
	}
}

// Every validator rejects bad input at plan time, naming the attribute, before any request.
func TestAccSQLJob_validation(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	tests := []struct{ body, want string }{
		{`  sql = "  "`, `sql must hold exactly one SQL statement`},
		{`  sql = "DROP TABLE a; DROP TABLE b"`, `sql must hold exactly one SQL statement`},
		{`  sql = "SELECT 1"` + "\n" + `  queue = "etl-q"`, `queue must be a DLI queue name`},
		{`  sql = "SELECT 1"` + "\n" + `  database = "_db"`, `database must be a DLI database name`},
		{`  sql = "SELECT 1"` + "\n" + `  database = "` + strings.Repeat("d", 129) + `"`, `database must be a DLI database name: 1 to 128`},
		{`  sql = "SELECT 1"` + "\n" + `  catalog = "123"`, `catalog must be a DLI catalog name`},
		{`  sql = "SELECT 1"` + "\n" + `  engine = "presto"`, `engine.*value must be one of`},
		{`  sql = "SELECT 1"` + "\n" + `  conf = { "a b" = "1" }`, `conf.*must be a Spark SQL property name`},
		{`  sql = "SELECT 1"` + "\n" + `  conf = { "k" = "line\nbreak" }`, `conf\["k"\] must not contain control characters`},
		{`  sql = "SELECT 1"` + "\n" + `  tags = { "_sys_x" = "v" }`, `tags.*must not start with _sys_`},
		{`  sql = "SELECT 1"` + "\n" + `  tags = { "a/b" = "v" }`, `tags.*may only hold letters, digits`},
		{`  sql = "SELECT 1"` + "\n" + `  tags = { "` + client.SQLSubmissionMarkerTagKey + `" = "v" }`, `tags.*which is reserved`},
		{`  sql = "SELECT 1"` + "\n" + `  tags = { k = "` + strings.Repeat("v", 256) + `" }`, `tags\["k"\] must be a DLI tag value: at most 255`},
		{`  sql = "SELECT 1"` + "\n" + `  wait_for = "success"`, `wait_for.*value must be one of`},
		{`  sql = "SELECT 1"` + "\n" + `  timeouts = { create = "0s" }`, `timeouts.create must be a positive duration`},
	}
	steps := []resource.TestStep{}
	for _, tc := range tests {
		steps = append(steps, resource.TestStep{Config: sqlConfig(tg, tc.body), PlanOnly: true, ExpectError: wrapped("(?s)" + tc.want)})
	}
	steps = append(steps, resource.TestStep{
		Config: tg.ProviderConfig() + `data "dli_sql_job_result" "r" {
  job_id   = "8ecb0777-9c70-4529-9935-29ea0946039c"
  max_rows = 1001
}`, PlanOnly: true, ExpectError: wrapped(`(?s)max_rows.*between 1 and 1000`)})
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
	if n := len(tg.Requests("")); n != 0 {
		t.Errorf("invalid configurations sent %d requests", n)
	}
}
