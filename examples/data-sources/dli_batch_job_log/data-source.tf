# The last 50 lines of the job's driver log.
data "dli_batch_job_log" "etl" {
  batch_id = dli_batch_job.etl.id
  size     = 50
  type     = "driver"
}

output "etl_driver_log" {
  value = data.dli_batch_job_log.etl.lines
}
