# An elastic resource pool is imported by its name.
terraform import dli_elastic_resource_pool.analytics analytics_pool
