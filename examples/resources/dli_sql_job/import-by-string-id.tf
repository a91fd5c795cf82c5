# Terraform 1.5 and later: adopt a statement submitted outside Terraform with an import block.
import {
  to = dli_sql_job.load
  id = "8ecb0777-9c70-4529-9935-29ea0946039c"
}
