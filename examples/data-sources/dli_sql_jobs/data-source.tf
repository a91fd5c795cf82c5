# Every INSERT that failed on the queue since the start of the month, newest first.
data "dli_sql_jobs" "failed_loads" {
  queue       = "default"
  status      = "FAILED"
  job_type    = "INSERT"
  start_after = "2026-11-01T00:00:00Z"
  order       = "start_time_desc"
}

output "failed_load_ids" {
  value = data.dli_sql_jobs.failed_loads.ids
}
