# Read one SQL job, for example to show its status and how many rows it wrote.
data "dli_sql_job" "load" {
  id = dli_sql_job.load.id
}

output "load_status" {
  value = data.dli_sql_job.load.status
}

output "load_rows" {
  value = data.dli_sql_job.load.result_count
}
