package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// dli_batch_job_run triggered right after its queue is created waits for DLI to take jobs on
// it, as the job resources do: refused while the queue assigns, then submitted once and run.
func TestAccBatchJobRunAction_waitsForANewQueue(t *testing.T) {
	tg := gatedEmulator(t, 1)
	queue := queueName("tf_acc_runq")
	config := tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_queue" "new" {
  name     = %q
  type     = "general"
  cu_count = 16
}

action "dli_batch_job_run" "smoke" {
  config {
    queue      = dli_queue.new.name
    file       = %q
    name       = "smoke-on-new-queue"
    class_name = "org.apache.spark.examples.SparkPi"
    conf       = { "emulator.run_duration" = "300ms" }
  }
}

resource "terraform_data" "trigger" {
  input = dli_queue.new.name
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.dli_batch_job_run.smoke]
    }
  }
}
`, queue, tg.File)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   actionsSupported,
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{{
			Config: config,
			Check: emulatorJobNamed(tg, "smoke-on-new-queue", func(state string, _ bool) error {
				if state != "success" {
					return fmt.Errorf("state %s when the action returned, want success", state)
				}
				return nil
			}),
		}},
	})
	log := requestLog(tg.Emulator.Requests())
	posts := log.matching("POST", `/batches$`, 0)
	accepted := log.once(t, "batch submission", "POST", `/batches$`)
	if len(posts) != 2 || log[posts[0]].Status != 400 || posts[1] != accepted {
		t.Errorf("submissions at %v, want one refusal while the queue assigns, then one accepted:\n%s", posts, log)
	}
}
