# A Flink Jar job on a dedicated queue. A new JAR version is an update: savepoint, stop, update,
# run resuming from the savepoint.
resource "dli_flink_jar_job" "clickstream" {
  name            = "clickstream"
  queue           = "default"
  entrypoint      = "obs://dli-demo/jobs/clickstream-2.3.0.jar"
  main_class      = "com.example.stream.Clickstream"
  entrypoint_args = ["--source", "kafka", "--window", "5m"]
  dependency_jars = ["obs://dli-demo/lib/flink-connector-kafka-3.0.1.jar"]

  feature       = "basic"
  flink_version = "1.15"

  cu_count         = 6
  manager_cu_count = 2
  parallelism      = 8

  checkpoint_enabled = true
  checkpoint_path    = "obs://dli-demo-checkpoints/clickstream/"

  # Keep the job's state on destroy too (the default when checkpoint storage is set).
  savepoint_on_destroy = true
}
