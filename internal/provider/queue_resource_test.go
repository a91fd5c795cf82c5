package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

const queueAddress = "dli_queue.test"

// queueName is a unique lower-case queue or pool name (DLI allows no '-').
func queueName(prefix string) string {
	return fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano()%1_000_000_000)
}

func queueConfig(tg *acctest.Target, name string, cu int, extra string) string {
	return tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_queue" "test" {
  name     = %q
  type     = "general"
  cu_count = %d
%s
}
`, name, cu, extra)
}

// checkQueuesGone verifies that destroy deleted every queue and pool of the state.
func checkQueuesGone(tg *acctest.Target) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		c, err := tg.Client()
		if err != nil {
			return err
		}
		ctx := context.Background()
		for _, rs := range s.RootModule().Resources {
			switch rs.Type {
			case "dli_queue":
				if _, err := c.GetQueue(ctx, rs.Primary.ID); !client.IsNotFound(err) {
					return fmt.Errorf("queue %s after destroy: %v", rs.Primary.ID, err)
				}
			case "dli_elastic_resource_pool":
				if _, err := c.GetPool(ctx, rs.Primary.ID); !client.IsNotFound(err) {
					return fmt.Errorf("pool %s after destroy: %v", rs.Primary.ID, err)
				}
			}
		}
		return nil
	}
}

// Create (ID = name, no sleep), one GET per refresh, scaling in place by the difference, drift
// from a change made outside Terraform, import by name with an empty plan, and destroy.
func TestAccQueue_lifeCycle(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := queueName("tf_acc_q")
	var refreshGETs, propGETs int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{
			{
				Config: queueConfig(tg, name, 16, `  description = "etl"
  properties  = { "job.maxConcurrent" = "4" }`),
				ConfigStateChecks: checks(
					stateIs(queueAddress, "id", knownvalue.StringExact(name)),
					stateIs(queueAddress, "cu_count", knownvalue.Int64Exact(16)),
					stateIs(queueAddress, "resource_id", knownvalue.StringRegexp(uuidRE)),
					stateIs(queueAddress, "create_time", knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT.*Z$`))),
					stateKeyIs(queueAddress, "properties", "job.maxConcurrent", knownvalue.StringExact("4")),
				),
				Check: func(*terraform.State) error {
					refreshGETs = tg.CountRequests("GET", "/queues/"+name)
					propGETs = tg.CountRequests("GET", "/queues/"+name+"/properties")
					return nil
				},
			},
			{
				// Each refresh: one GET of the detail (plus one of the managed properties), no list.
				RefreshState: true,
				Check: func(*terraform.State) error {
					reads := tg.CountRequests("GET", "/queues/"+name+"/properties") - propGETs
					if n := tg.CountRequests("GET", "/queues/"+name) - refreshGETs; n != reads || n == 0 {
						return fmt.Errorf("%d refreshes made %d detail requests, want one each", reads, n)
					}
					if n := tg.CountRequests("GET", "/queues"); n != 0 {
						return fmt.Errorf("refresh listed queues %d times", n)
					}
					return nil
				},
			},
			{
				Config: queueConfig(tg, name, 48, `  description = "etl"
  properties  = { "job.maxConcurrent" = "8", "computeEngine.maxInstance" = "2" }`),
				ConfigPlanChecks: plannedUpdate(queueAddress),
				ConfigStateChecks: checks(
					stateIs(queueAddress, "cu_count", knownvalue.Int64Exact(48)),
					stateIs(queueAddress, "properties", knownvalue.MapSizeExact(2)),
				),
				Check: func(*terraform.State) error {
					if n := tg.CountRequests("PUT", "/queues/"+name+"/action"); n != 1 {
						return fmt.Errorf("%d scale requests, want 1", n)
					}
					return nil
				},
			},
			{
				// Someone scales the queue in the console: the plan shows it.
				PreConfig: func() {
					c, err := tg.Client()
					if err == nil {
						err = c.ScaleQueue(context.Background(), name, 16)
					}
					if err == nil {
						_, err = c.WaitForQueueCU(context.Background(), name, 64)
					}
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: queueConfig(tg, name, 48, `  description = "etl"
  properties  = { "job.maxConcurrent" = "8", "computeEngine.maxInstance" = "2" }`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: queueConfig(tg, name, 48, `  description = "etl"
  properties  = { "job.maxConcurrent" = "8", "computeEngine.maxInstance" = "2" }`),
			},
			{
				ResourceName:            queueAddress,
				ImportState:             true,
				ImportStateId:           strings.ToUpper(name),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// A queue imported into a configuration plans clean (an import block, Terraform 1.5+).
func TestAccQueue_importBlockPlansClean(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := queueName("tf_acc_imp")
	c := apiClient(t, tg)
	if _, err := c.CreateQueue(context.Background(), client.CreateQueueRequest{Name: name, Type: "sql", CUCount: 64, Engine: "spark"}); err != nil {
		t.Fatal(err)
	}
	config := tg.ProviderConfig() + importByID(queueAddress, name) + fmt.Sprintf(`
resource "dli_queue" "test" {
  name     = %q
  cu_count = 64
  engine   = "spark"
}
`, name)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{{
			Config:           config,
			ConfigPlanChecks: plannedNoop(queueAddress),
		}},
	})
}

// A queue deleted outside Terraform is planned for creation again; destroying one that is
// already gone succeeds.
func TestAccQueue_goneOutsideTerraform(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := queueName("tf_acc_gone")
	deleteIt := func() {
		c, err := tg.Client()
		if err == nil {
			err = c.DeleteQueue(context.Background(), name)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{
			{Config: queueConfig(tg, name, 16, "")},
			{PreConfig: deleteIt, Config: queueConfig(tg, name, 16, ""), PlanOnly: true, ExpectNonEmptyPlan: true},
			{Config: queueConfig(tg, name, 16, "")},
			{PreConfig: deleteIt, Config: queueConfig(tg, name, 16, ""), Destroy: true},
		},
	})
}

// Plan-time validation names the attribute and sends nothing.
func TestAccQueue_validation(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	policy := func(start, stop string, minCU, maxCU int) string {
		return fmt.Sprintf(`{ priority = 1, impact_start_time = %q, impact_stop_time = %q, min_cu = %d, max_cu = %d }`, start, stop, minCU, maxCU)
	}
	cases := []struct{ name, cu, extra, want string }{
		{"Upper", "16", "", `name must be 1 to 128 lower-case letters`},
		{"_lead", "16", "", `name must be 1 to 128 lower-case letters`},
		{"123", "16", "", `name must be 1 to 128 lower-case letters`},
		{"ok", "17", "", `cu_count must be a multiple of 16, got 17`},
		{"ok", "32", "", `DLI creates queues with 16, 64 or 256 CUs, got 32`},
		{"ok", "16", `  type = "flink"`, `type.*value must be one of`},
		{"ok", "16", "  type   = \"general\"\n  engine = \"spark\"", `engine only applies to queues with type = "sql"`},
		{"ok", "16", `  labels = ["multi_az=3"]`, `labels\[0\].*value must be one of`},
		{"ok", "16", `  properties = { "job.maxConcurrent" = "many" }`, `job.maxConcurrent takes a whole number`},
		{"ok", "16", `  properties = { "nope" = "1" }`, `not a queue property DLI documents`},
		{"ok", "16", `  scaling_policies = [` + policy("00:00", "24:00", 16, 64) + `]`, `set elastic_resource_pool too`},
		{"ok", "16", `  elastic_resource_pool = "p"
  scaling_policies = [` + policy("08:00", "12:00", 16, 64) + `]`, `needs one policy covering the whole day`},
		{"ok", "16", `  elastic_resource_pool = "p"
  scaling_policies = [` + policy("00:00", "24:00", 16, 64) + `, ` + policy("08:00", "12:00", 16, 64) + `, ` + policy("11:00", "13:00", 16, 64) + `]`,
			`windows of policies 2 and 3 overlap`},
		{"ok", "16", `  elastic_resource_pool = "p"
  scaling_policies = [` + policy("00:00", "24:00", 64, 16) + `]`, `min_cu 64 above max_cu 16`},
		{"ok", "16", `  elastic_resource_pool = "p"
  scaling_policies = [` + policy("00:00", "25:00", 16, 64) + `]`, `impact_stop_time must be a time of day`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config: tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_queue" "test" {
  name     = %q
  cu_count = %s
%s
}
`, tc.name, tc.cu, tc.extra),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)` + strings.ReplaceAll(tc.want, " ", `\s+`)),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
	if n := len(tg.Requests("")); n != 0 {
		t.Fatalf("validation sent %d requests", n)
	}
}
