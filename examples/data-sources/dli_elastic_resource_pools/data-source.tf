# The pools that are ready for new queues.
data "dli_elastic_resource_pools" "available" {
  status     = "AVAILABLE"
  depends_on = [dli_elastic_resource_pool.analytics]
}
