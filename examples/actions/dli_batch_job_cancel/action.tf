# Cancel a job by hand, whoever submitted it, and wait until it ended:
#   terraform apply -invoke=action.dli_batch_job_cancel.stuck
action "dli_batch_job_cancel" "stuck" {
  config {
    job_id  = "0a324461-d9d9-45da-a52a-3b3c7a3d809e"
    timeout = "5m"
  }
}
