# Terraform 1.12 and later: import by identity. The ID of a queue is its name; project_id and
# region default to the provider's.
import {
  to = dli_queue.spark
  identity = {
    id = "spark_etl"
  }
}
