# A table, then the statement that fills it. Apply waits until each statement has finished
# (wait_for = "finished" is the default), so the second one sees the table.
resource "dli_sql_job" "create_table" {
  sql      = "CREATE TABLE IF NOT EXISTS sales_daily (day STRING, total BIGINT)"
  queue    = "default"
  database = "analytics"
}

resource "dli_sql_job" "load" {
  sql = <<-SQL
    INSERT OVERWRITE TABLE sales_daily
    SELECT day, SUM(amount) FROM sales WHERE day = '2026-11-28' GROUP BY day
  SQL

  queue    = "default"
  database = "analytics"

  conf = {
    "spark.sql.shuffle.partitions" = "8"
  }
  tags = {
    team = "analytics"
  }

  # Run the statement again whenever the partition changes.
  triggers = {
    partition = "2026-11-28"
  }

  timeouts = {
    create = "30m"
  }

  depends_on = [dli_sql_job.create_table]
}
