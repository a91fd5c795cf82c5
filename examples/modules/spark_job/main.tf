# A Spark job with its queue, sizing and wait policy as inputs: the building block a platform
# team hands to application teams.
terraform {
  required_version = ">= 1.5.0"
  required_providers {
    dli = {
      source = "dli-tf/dli"
    }
  }
}

locals {
  # Named sizes, so callers pick "small" instead of four numbers.
  sizes = {
    small  = { driver_memory = "2G", executor_memory = "4G", executor_cores = 1, num_executors = 2 }
    medium = { driver_memory = "4G", executor_memory = "8G", executor_cores = 2, num_executors = 6 }
    large  = { driver_memory = "8G", executor_memory = "16G", executor_cores = 4, num_executors = 12 }
  }
  size = local.sizes[var.size]

  # The queue the job runs on: the caller's, or the one this module creates.
  queue = var.new_queue == null ? var.queue : dli_queue.this[0].name
}

# Optional: a queue of the job's own. Spark batch jobs run on general queues. There is no
# sleep after the create: the job waits for the queue if DLI is not ready to run jobs on it.
resource "dli_queue" "this" {
  count = var.new_queue == null ? 0 : 1

  name                  = var.new_queue.name
  type                  = "general"
  cu_count              = var.new_queue.cu_count
  elastic_resource_pool = var.new_queue.elastic_resource_pool
}

resource "dli_batch_job" "this" {
  queue         = local.queue
  name          = var.name
  file          = var.file
  class_name    = var.class_name
  args          = var.args
  conf          = var.conf
  spark_version = var.spark_version

  driver_memory   = local.size.driver_memory
  executor_memory = local.size.executor_memory
  executor_cores  = local.size.executor_cores
  num_executors   = local.size.num_executors

  wait_for          = var.wait_for
  rerun_on_failure  = var.rerun_on_failure
  cancel_on_destroy = true
  triggers          = var.triggers

  timeouts = {
    create = var.timeout
  }

  lifecycle {
    precondition {
      condition     = (var.queue == null) != (var.new_queue == null)
      error_message = "Set exactly one of queue (an existing queue) and new_queue (a queue to create)."
    }
  }
}
