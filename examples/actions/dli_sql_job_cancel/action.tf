# Cancel a runaway SQL job by hand, whoever submitted it, and wait until it ended:
#   terraform apply -invoke=action.dli_sql_job_cancel.runaway
action "dli_sql_job_cancel" "runaway" {
  config {
    job_id  = "8ecb0777-9c70-4529-9935-29ea0946039c"
    timeout = "5m"
  }
}
