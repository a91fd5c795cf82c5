# One elastic resource pool by name.
data "dli_elastic_resource_pool" "analytics" {
  name = dli_elastic_resource_pool.analytics.name
}

output "pool_status" {
  value = data.dli_elastic_resource_pool.analytics.status
}
