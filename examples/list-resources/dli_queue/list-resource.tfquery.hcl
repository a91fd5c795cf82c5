# The general-purpose queues of the ETL team, with everything an import reads
# (scaling policies, properties).
list "dli_queue" "etl" {
  provider         = dli
  include_resource = true

  config {
    type = "general"
    tags = { team = "etl" }
  }
}
