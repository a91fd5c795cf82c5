variable "queue" {
  description = "Existing DLI queue the job runs on. Leave null to create one with new_queue."
  type        = string
  default     = null
}

variable "new_queue" {
  description = <<-EOT
    A general queue to create for the job, instead of queue: its name, cu_count (16, 64 or 256)
    and, optionally, the elastic resource pool it belongs to. The job is submitted in the same
    apply and waits (within timeout) until DLI can run jobs on the new queue.
  EOT
  type = object({
    name                  = string
    cu_count              = optional(number, 16)
    elastic_resource_pool = optional(string)
  })
  default = null
}

variable "name" {
  description = "Job name, at most 128 characters."
  type        = string
  validation {
    condition     = length(var.name) > 0 && length(var.name) <= 128
    error_message = "name must be 1 to 128 characters."
  }
}

variable "file" {
  description = "Main program: an obs:// path or an uploaded package."
  type        = string
}

variable "class_name" {
  description = "Main class for JAR applications; null for Python."
  type        = string
  default     = null
}

variable "args" {
  description = "Application arguments."
  type        = list(string)
  default     = null
}

variable "conf" {
  description = "Spark configuration properties."
  type        = map(string)
  default     = null
}

variable "spark_version" {
  description = "Spark version."
  type        = string
  default     = "3.3.1"
}

variable "size" {
  description = "small, medium or large."
  type        = string
  default     = "small"
  validation {
    condition     = contains(["small", "medium", "large"], var.size)
    error_message = "size must be small, medium or large."
  }
}

variable "wait_for" {
  description = "What apply waits for: submitted, running, success or finished (the end, whatever it is)."
  type        = string
  default     = "running"
  validation {
    condition     = contains(["submitted", "running", "success", "finished"], var.wait_for)
    error_message = "wait_for must be submitted, running, success or finished."
  }
}

variable "rerun_on_failure" {
  description = "Replace the job on the next apply when it has failed."
  type        = bool
  default     = false
}

variable "triggers" {
  description = "Values whose change re-runs the job."
  type        = map(string)
  default     = null
}

variable "timeout" {
  description = "How long apply may wait for wait_for."
  type        = string
  default     = "30m"
}
