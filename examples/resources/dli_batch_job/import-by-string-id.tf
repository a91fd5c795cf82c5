# Terraform 1.5 and later: adopt a job submitted outside Terraform with an import block.
import {
  to = dli_batch_job.etl
  id = "0a324461-d9d9-45da-a52a-3b3c7a3d809e"
}
