# One Flink job, SQL or Jar, by its ID.
data "dli_flink_job" "orders" {
  id = dli_flink_sql_job.orders.id
}

output "orders_savepoint" {
  value = data.dli_flink_job.orders.savepoint_path
}
