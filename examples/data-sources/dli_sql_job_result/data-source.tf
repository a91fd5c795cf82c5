# A query whose answer the configuration uses: the rows of a finished QUERY job.
resource "dli_sql_job" "answer" {
  sql   = "SELECT 1 AS n, 'x' AS s"
  queue = "default"
}

data "dli_sql_job_result" "answer" {
  job_id = dli_sql_job.answer.id
}

output "answer_columns" {
  value = [for c in data.dli_sql_job_result.answer.columns : c.name]
}

output "answer_first_row" {
  value = data.dli_sql_job_result.answer.rows[0]
}
