# Read one job, for example to show its state and the end of its log.
data "dli_batch_job" "etl" {
  id = dli_batch_job.etl.id
}

output "etl_state" {
  value = data.dli_batch_job.etl.state
}

output "etl_log_tail" {
  value = data.dli_batch_job.etl.log
}
