# Every running Flink Jar job (Flink SQL jobs are left out).
list "dli_flink_jar_job" "running" {
  provider = dli

  config {
    status = "job_running"
  }
}
