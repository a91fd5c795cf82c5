output "id" {
  description = "Batch job ID."
  value       = dli_batch_job.this.id
}

output "state" {
  description = "Job state when apply finished waiting."
  value       = dli_batch_job.this.state
}

output "sc_type" {
  description = "Effective compute preset (CUSTOMIZED, as the module sets explicit sizes)."
  value       = dli_batch_job.this.sc_type
}

output "queue" {
  description = "Queue the job runs on (the one created from new_queue, if set)."
  value       = local.queue
}
