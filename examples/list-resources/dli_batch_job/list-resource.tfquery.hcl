# Jobs of the ETL team started by hand: `terraform query` lists them, and
# `terraform query -generate-config-out=adopted.tf` writes a resource and an import block for
# each, which the next apply adopts without running anything.
list "dli_batch_job" "etl" {
  provider = dli

  config {
    queue       = "etl"
    name_prefix = "etl-"
    state       = "running"
  }
}
