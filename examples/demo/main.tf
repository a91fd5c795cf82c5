# The demo that `make demo` applies and destroys against the local emulator. The provider is
# configured from the environment (HW_DLI_ENDPOINT, HW_PROJECT_ID, HW_ACCESS_KEY, HW_SECRET_KEY),
# which the demo script sets.
terraform {
  required_providers {
    dli = {
      source = "dli-tf/dli"
    }
  }
}

provider "dli" {}

# A long-running job: apply waits until it runs; destroy cancels it.
resource "dli_batch_job" "stream" {
  queue      = "default"
  name       = "demo-clickstream"
  file       = "obs://dli-demo/jobs/clickstream-2.1.0.jar"
  class_name = "com.example.Clickstream"
  args       = ["--window", "5m"]
  wait_for   = "running"

  conf = {
    # Reserved emulator key: keep this job running for an hour.
    "emulator.run_duration" = "1h"
  }
}

# A short report: apply waits until it has succeeded; destroy has nothing to cancel.
resource "dli_batch_job" "report" {
  queue         = "etl"
  name          = "demo-daily-report"
  file          = "obs://dli-demo/jobs/daily_report.py"
  python_files  = ["obs://dli-demo/jobs/report_helpers.py"]
  specification = "B"
  wait_for      = "success"

  conf = {
    "emulator.run_duration" = "3s"
  }
}

# A query: apply waits until it has finished (the default wait_for), and its answer is read back.
resource "dli_sql_job" "answer" {
  sql   = "SELECT 1 AS n, 'x' AS s"
  queue = "etl"
}

data "dli_sql_job_result" "answer" {
  job_id = dli_sql_job.answer.id
}

# A long statement: apply waits until it runs; destroy cancels it and waits until DLI reports it
# cancelled.
resource "dli_sql_job" "backfill" {
  sql      = "INSERT INTO sales_daily SELECT day, SUM(amount) FROM sales GROUP BY day"
  queue    = "default"
  database = "analytics"
  wait_for = "running"

  conf = {
    # Reserved emulator key: keep this statement running for an hour.
    "emulator.run_duration" = "1h"
  }
}

# A streaming job: created and run on apply (wait_for defaults to "running"); destroy stops it
# with a savepoint (it has checkpoint storage), waits until it is stopped, then deletes it.
resource "dli_flink_sql_job" "orders" {
  name  = "demo-orders"
  queue = "default"

  sql = <<-SQL
    CREATE TABLE orders (id BIGINT, amount DOUBLE) WITH ('connector' = 'datagen');
    CREATE TABLE totals (id BIGINT, amount DOUBLE) WITH ('connector' = 'print');
    INSERT INTO totals SELECT id, amount * 1.2 FROM orders;
  SQL

  checkpoint_enabled = true
  obs_bucket         = "dli-demo-checkpoints"
}

# Every job of the project, as DLI lists them.
data "dli_batch_jobs" "all" {
  depends_on = [dli_batch_job.stream, dli_batch_job.report]
}

output "jobs" {
  value = {
    for job in data.dli_batch_jobs.all.jobs : job.name => "${job.id} ${job.state} on ${job.queue}"
  }
}

output "stream_state" {
  value = dli_batch_job.stream.state
}

output "report_state" {
  value = dli_batch_job.report.state
}

output "answer" {
  value = {
    columns = [for c in data.dli_sql_job_result.answer.columns : "${c.name} ${c.type}"]
    rows    = data.dli_sql_job_result.answer.rows
  }
}

output "backfill_status" {
  value = dli_sql_job.backfill.status
}

output "orders" {
  value = "${dli_flink_sql_job.orders.id} ${dli_flink_sql_job.orders.status}"
}
