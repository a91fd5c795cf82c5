# Every job that failed on the queue since the start of the month, newest first.
data "dli_batch_jobs" "failed" {
  queue         = "default"
  state         = "dead"
  created_after = "2026-11-01T00:00:00Z"
  order         = "CREATE_TIME_DESC"
}

output "failed_job_ids" {
  value = data.dli_batch_jobs.failed.ids
}
