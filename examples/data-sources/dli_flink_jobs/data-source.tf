# Every running Flink job of the project, across all pages of DLI's list.
data "dli_flink_jobs" "running" {
  status = "job_running"

  depends_on = [dli_flink_sql_job.orders, dli_flink_jar_job.clickstream]
}

output "running_flink_jobs" {
  value = data.dli_flink_jobs.running.ids
}
