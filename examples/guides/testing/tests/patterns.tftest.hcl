# Each run is a pattern of the testing guide; TestGuide_testingPatterns runs this file.

# A job that fails is recorded, not an error: wait_for = "finished" waits for the end, whatever it is.
run "failed_job_is_recorded" {
  variables {
    outcome = "dead"
  }

  assert {
    condition     = dli_batch_job.report.state == "dead"
    error_message = "the scripted failure should be recorded in state"
  }
}

# The same for a job that succeeds.
run "successful_job_is_recorded" {
  assert {
    condition     = output.state == "success"
    error_message = "the job should have succeeded"
  }
}

# A module that must refuse failed jobs says so in a postcondition, which expect_failures catches.
run "postcondition_catches_a_failed_job" {
  variables {
    outcome         = "dead"
    require_success = true
  }

  expect_failures = [dli_batch_job.report]
}

# Plan-time validation of the provider's arguments needs no job at all.
run "plan_only" {
  command = plan

  assert {
    condition     = dli_batch_job.report.wait_for == "finished"
    error_message = "the job should wait for its end"
  }
}
