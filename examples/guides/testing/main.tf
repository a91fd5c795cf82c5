# The module under test in the testing guide: one report job whose outcome the emulator scripts.
terraform {
  required_providers {
    dli = {
      source = "dli-tf/dli"
    }
  }
}

variable "outcome" {
  description = "What the emulator makes of the job: success or dead."
  type        = string
  default     = "success"
}

variable "wait_for" {
  type    = string
  default = "finished"
}

variable "require_success" {
  description = "Whether a dead job fails the module's postcondition."
  type        = bool
  default     = false
}

resource "dli_batch_job" "report" {
  queue    = "default"
  file     = "obs://dli-demo/jobs/report.py"
  name     = "guide-report"
  wait_for = var.wait_for
  conf = {
    "emulator.outcome"      = var.outcome
    "emulator.run_duration" = "200ms"
  }

  lifecycle {
    postcondition {
      condition     = !var.require_success || self.state == "success"
      error_message = "The report job ended ${self.state}."
    }
  }
}

output "state" {
  value = dli_batch_job.report.state
}
