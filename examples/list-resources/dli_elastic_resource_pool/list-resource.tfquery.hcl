# The available elastic resource pools whose name contains "shared".
list "dli_elastic_resource_pool" "shared" {
  provider = dli

  config {
    name   = "shared"
    status = "AVAILABLE"
  }
}
