# A streaming job: created and run on apply; a new SQL stops it with a savepoint, updates it and
# resumes it from the savepoint; destroy stops it (savepoint first) and then deletes it.
resource "dli_flink_sql_job" "orders" {
  name     = "orders-enrichment"
  queue    = "default"
  run_mode = "exclusive_cluster"

  sql = <<-SQL
    CREATE TABLE orders (id BIGINT, amount DOUBLE) WITH ('connector' = 'datagen', 'rows-per-second' = '10');
    CREATE TABLE totals (id BIGINT, amount DOUBLE) WITH ('connector' = 'print');
    INSERT INTO totals SELECT id, amount * 1.2 FROM orders;
  SQL

  cu_count    = 4
  parallelism = 4

  # Checkpoints and savepoints go to this bucket, so updates and destroy take a savepoint.
  checkpoint_enabled  = true
  checkpoint_interval = 60
  obs_bucket          = "dli-demo-checkpoints"

  # Changed on the running job without a restart.
  smn_topic              = "dli-alarms"
  restart_when_exception = true

  runtime_config = {
    "table.exec.state.ttl" = "1h"
  }

  tags = {
    team = "data"
  }

  # Set to "stopped" to pause the job (with a savepoint) without destroying it.
  desired_state = "running"

  timeouts = {
    create = "15m"
    update = "20m"
    delete = "10m"
  }
}
