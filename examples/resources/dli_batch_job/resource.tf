# A nightly ETL job: submitted on apply, cancelled on destroy if it is still running.
resource "dli_batch_job" "etl" {
  queue      = "default"
  name       = "nightly-etl"
  file       = "obs://dli-demo/jobs/etl-1.4.2.jar"
  class_name = "com.example.etl.Nightly"
  args       = ["--date", "2026-11-28", "--output", "obs://dli-demo/warehouse/"]
  jars       = ["obs://dli-demo/lib/postgresql-42.7.4.jar"]

  spark_version   = "3.3.1"
  driver_memory   = "4G"
  executor_memory = "8G"
  executor_cores  = 2
  num_executors   = 4

  conf = {
    "spark.dli.job.agency.name"    = "dli_obs_agency"
    "spark.sql.shuffle.partitions" = "64"
  }

  # Apply returns once the job is running; use "success" to wait for it to finish.
  wait_for = "running"

  # Run the job again whenever the input partition changes.
  triggers = {
    partition = "2026-11-28"
  }

  timeouts = {
    create = "30m"
    delete = "5m"
  }
}
