# Terraform 1.12 and later: import by identity. The ID of a pool is its name; project_id and
# region default to the provider's.
import {
  to = dli_elastic_resource_pool.analytics
  identity = {
    id = "analytics_pool"
  }
}
