# Every running Flink SQL job of the streaming team (Jar jobs are left out).
list "dli_flink_sql_job" "streaming" {
  provider = dli

  config {
    status = "job_running"
    tags   = { team = "streaming" }
  }
}
