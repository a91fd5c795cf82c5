# One queue by name.
data "dli_queue" "spark" {
  name = dli_queue.spark.name
}

output "spark_queue_cus" {
  value = data.dli_queue.spark.cu_count
}
