# A queue for Spark batch jobs. Changing cu_count later scales it in place; tags change in place
# too.
resource "dli_queue" "spark" {
  name        = "spark_etl"
  type        = "general"
  cu_count    = 16
  description = "Nightly ETL"
  properties = {
    "job.maxConcurrent" = "4"
  }
  tags = {
    team = "data-engineering"
  }
}

# A SQL queue inside an elastic resource pool, sized by its scaling policies: 16 to 64 CUs all
# day, up to 128 during office hours. A queue created outside a pool can join one later, in
# place; moving it to another pool replaces it.
resource "dli_queue" "sql" {
  name                  = "reports"
  cu_count              = 16
  elastic_resource_pool = dli_elastic_resource_pool.analytics.name
  scaling_policies = [
    { priority = 1, impact_start_time = "00:00", impact_stop_time = "24:00", min_cu = 16, max_cu = 64 },
    { priority = 50, impact_start_time = "08:00", impact_stop_time = "18:00", min_cu = 16, max_cu = 128 },
  ]
}
