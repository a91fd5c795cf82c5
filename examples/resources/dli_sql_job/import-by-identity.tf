# Terraform 1.12 and later: import by identity. project_id and region default to the provider's.
import {
  to = dli_sql_job.load
  identity = {
    id = "8ecb0777-9c70-4529-9935-29ea0946039c"
  }
}
