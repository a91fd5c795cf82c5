# Shared CUs for the queues created in it. Apply waits until DLI reports the pool AVAILABLE.
resource "dli_elastic_resource_pool" "analytics" {
  name        = "analytics_pool"
  min_cu      = 64
  max_cu      = 256
  description = "Queues of the analytics team"
  tags = {
    cost_center = "analytics"
  }
}
