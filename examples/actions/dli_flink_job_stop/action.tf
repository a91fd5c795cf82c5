# Stop a streaming job for maintenance, keeping its state in a savepoint, and wait until it
# stopped (the savepoint's path is printed):
#   terraform apply -invoke=action.dli_flink_job_stop.maintenance
action "dli_flink_job_stop" "maintenance" {
  config {
    job_id    = "148"
    savepoint = true
    timeout   = "15m"
  }
}
