# Every general queue (type defaults to "all").
data "dli_queues" "general" {
  type       = "general"
  depends_on = [dli_queue.spark]
}

output "general_queues" {
  value = data.dli_queues.general.names
}
