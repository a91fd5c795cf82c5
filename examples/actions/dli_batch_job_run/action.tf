# A smoke test that runs whenever the application package changes: the action submits the job,
# prints its states as it goes and fails the apply (with the job's log tail) unless it succeeds.
# Nothing is kept in state.
action "dli_batch_job_run" "smoke" {
  config {
    queue      = "default"
    name       = "etl-smoke-test"
    file       = "obs://dli-demo/jobs/etl-1.4.2.jar"
    class_name = "com.example.etl.SmokeTest"
    args       = ["--sample", "1000"]
    conf = {
      "spark.sql.shuffle.partitions" = "8"
    }
    timeout = "20m"
  }
}

resource "terraform_data" "package" {
  input = "etl-1.4.2.jar"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.dli_batch_job_run.smoke]
    }
  }
}
