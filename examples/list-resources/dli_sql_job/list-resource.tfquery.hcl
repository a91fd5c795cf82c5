# The analytics team's finished INSERT jobs: `terraform query -generate-config-out=adopted.tf`
# writes a resource and an import block for each; the next apply adopts them and runs nothing.
list "dli_sql_job" "analytics" {
  provider = dli

  config {
    job_type = "INSERT"
    status   = "FINISHED"
    tags     = { team = "analytics" }
  }
}
