# Terraform 1.12 and later: import by identity. The ID is the integer DLI assigned to the job,
# as a string; project_id and region default to the provider's.
import {
  to = dli_flink_sql_job.orders
  identity = {
    id = "148"
  }
}
