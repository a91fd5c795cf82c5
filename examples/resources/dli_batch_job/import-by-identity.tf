# Terraform 1.12 and later: import by identity. project_id and region default to the provider's.
import {
  to = dli_batch_job.etl
  identity = {
    id = "0a324461-d9d9-45da-a52a-3b3c7a3d809e"
  }
}
