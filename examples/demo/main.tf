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
