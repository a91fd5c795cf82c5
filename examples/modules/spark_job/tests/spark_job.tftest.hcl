# Run with `terraform test` (Terraform 1.6+) against the local emulator; the repository's
# TestModule_terraformTest does the set-up: provider build, emulator, HW_* variables.

variables {
  queue = "default"
  file  = "obs://dli-demo/jobs/report.py"
}

run "waits_until_the_job_succeeds" {
  variables {
    name     = "tftest-success"
    wait_for = "success"
    conf     = { "emulator.run_duration" = "300ms" }
  }

  assert {
    condition     = output.state == "success"
    error_message = "the job should have succeeded before apply returned"
  }

  assert {
    condition     = output.sc_type == "CUSTOMIZED"
    error_message = "explicit sizes should make the preset CUSTOMIZED"
  }
}

run "medium_job_is_running" {
  variables {
    name     = "tftest-running"
    size     = "medium"
    wait_for = "running"
    conf     = { "emulator.run_duration" = "10m" }
  }

  assert {
    condition     = dli_batch_job.this.state == "running"
    error_message = "apply should return once the job runs"
  }

  assert {
    condition     = dli_batch_job.this.executor_memory == "8G" && dli_batch_job.this.num_executors == 6
    error_message = "size medium should give 8G executors, 6 of them"
  }
}

run "creates_its_own_queue" {
  variables {
    queue     = null
    new_queue = { name = "tftest_queue" }
    name      = "tftest-own-queue"
    wait_for  = "success"
    conf      = { "emulator.run_duration" = "300ms" }
  }

  assert {
    condition     = output.queue == "tftest_queue" && dli_queue.this[0].type == "general" && dli_queue.this[0].cu_count == 16
    error_message = "the module should create a general queue of 16 CUs and run the job on it"
  }

  assert {
    condition     = output.state == "success"
    error_message = "the job on the new queue should have succeeded before apply returned"
  }
}

run "rejects_two_queues" {
  command = plan

  variables {
    name      = "tftest-two-queues"
    new_queue = { name = "tftest_other" }
  }

  expect_failures = [dli_batch_job.this]
}

run "rejects_unknown_size" {
  command = plan

  variables {
    name = "tftest-invalid"
    size = "huge"
  }

  expect_failures = [var.size]
}

run "rejects_unknown_wait_policy" {
  command = plan

  variables {
    name     = "tftest-invalid-wait"
    wait_for = "forever"
  }

  expect_failures = [var.wait_for]
}
