package provider_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// A pool's tags change in place (delete then create of the changed keys, no pool re-created,
// the tag API keyed by the pool's resource_id), show drift in the next plan and round-trip
// through import.
func TestAccElasticResourcePool_tagsInPlace(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := queueName("tf_acc_ptag")
	var resourceID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{
			{
				Config: poolConfig(tg, name, 64, 128, `  tags = { team = "etl", cost = "1" }`),
				Check: func(s *terraform.State) error {
					resourceID = s.RootModule().Resources[poolAddress].Primary.Attributes["resource_id"]
					if calls := tagCalls(tg); len(calls) != 0 {
						return fmt.Errorf("create made tag calls %v", calls)
					}
					wantTags(t, tagsOn(t, tg, client.TagElasticResourcePool, resourceID), map[string]string{"team": "etl", "cost": "1"})
					return nil
				},
			},
			{
				Config:           poolConfig(tg, name, 64, 128, `  tags = { team = "etl", cost = "2", env = "prod" }`),
				ConfigPlanChecks: plannedUpdate(poolAddress),
				Check: func(*terraform.State) error {
					var changes []string
					for _, r := range tg.Requests("POST") {
						if strings.Contains(r.Path, "/tags/") {
							if !strings.Contains(r.Path, "/dli_elastic_resource_pool/"+resourceID+"/") {
								return fmt.Errorf("tag change on %s, want the pool's resource_id %s", r.Path, resourceID)
							}
							changes = append(changes, r.Path[strings.LastIndex(r.Path, "/")+1:])
						}
					}
					if !reflect.DeepEqual(changes, []string{"delete", "create"}) {
						return fmt.Errorf("tag changes %v, want delete then create", changes)
					}
					if n := tg.CountRequests("POST", "/elastic-resource-pools"); n != 1 {
						return fmt.Errorf("%d pool creates, want the first only", n)
					}
					if n := tg.CountRequests("PUT", "/elastic-resource-pools/"+name); n != 0 {
						return fmt.Errorf("a change of tags alone updated the pool %d times", n)
					}
					wantTags(t, tagsOn(t, tg, client.TagElasticResourcePool, name), map[string]string{"team": "etl", "cost": "2", "env": "prod"})
					return nil
				},
			},
			{
				PreConfig: func() {
					setTagsOutside(t, tg, client.TagElasticResourcePool, name, map[string]string{"env": "prod"}, nil)
				},
				Config:             poolConfig(tg, name, 64, 128, `  tags = { team = "etl", cost = "2", env = "prod" }`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: poolConfig(tg, name, 64, 128, `  tags = { team = "etl", cost = "2", env = "prod" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					stateIs(poolAddress, "tags", knownvalue.MapSizeExact(3)),
				},
			},
			{ResourceName: poolAddress, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
}

// A queue in no pool joins one in place (one POST of the pool's queues, then its scaling
// policies; the pool's queue list shows it); moving it to another pool, or out of its pool,
// replaces it.
func TestAccQueue_joinsPoolInPlace(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	pool1, pool2, queue := queueName("tf_acc_pj1"), queueName("tf_acc_pj2"), queueName("tf_acc_qj")
	config := func(queueExtra string) string {
		return tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_elastic_resource_pool" "one" {
  name   = %q
  min_cu = 64
  max_cu = 128
}
resource "dli_elastic_resource_pool" "two" {
  name   = %q
  min_cu = 64
  max_cu = 128
}
resource "dli_queue" "test" {
  name     = %q
  type     = "general"
  cu_count = 16
%s
}
`, pool1, pool2, queue, queueExtra)
	}
	// The pool by reference, so that destroy removes the queue first.
	inPool := func(pool string) string {
		return fmt.Sprintf(`  elastic_resource_pool = dli_elastic_resource_pool.%s.name
  scaling_policies = [
    { priority = 1, impact_start_time = "00:00", impact_stop_time = "24:00", min_cu = 16, max_cu = 64 },
  ]`, pool)
	}
	queuesOf := func(pool string) ([]string, error) {
		c, err := tg.Client()
		if err != nil {
			return nil, err
		}
		p, err := c.GetPool(context.Background(), pool)
		if err != nil {
			return nil, err
		}
		return p.Queues, nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{
			{Config: config("")},
			{
				Config:           config(inPool("one")),
				ConfigPlanChecks: plannedUpdate(queueAddress),
				ConfigStateChecks: []statecheck.StateCheck{
					stateIs(queueAddress, "elastic_resource_pool", knownvalue.StringExact(pool1)),
					statecheck.ExpectKnownValue(queueAddress, tfjsonpath.New("scaling_policies").AtSliceIndex(0).AtMapKey("max_cu"), knownvalue.Int64Exact(64)),
				},
				Check: func(*terraform.State) error {
					if n := tg.CountRequests("POST", "/elastic-resource-pools/"+pool1+"/queues"); n != 1 {
						return fmt.Errorf("%d requests to add the queue to the pool, want 1", n)
					}
					if n := tg.CountRequests("PUT", "/elastic-resource-pools/"+pool1+"/queues/"+queue); n != 1 {
						return fmt.Errorf("%d requests to set the scaling policies, want 1", n)
					}
					if n := tg.CountRequests("POST", "/v1.0/"+tg.ProjectID+"/queues"); n != 1 {
						return fmt.Errorf("%d queue creates: joining a pool re-created the queue", n)
					}
					if qs, err := queuesOf(pool1); err != nil || !slices.Contains(qs, queue) {
						return fmt.Errorf("queues of %s: %v (%v), want %s", pool1, qs, err, queue)
					}
					return nil
				},
			},
			{
				// The pool's state shows its new queue after a refresh.
				Config: config(inPool("one")),
				ConfigStateChecks: []statecheck.StateCheck{
					stateIs("dli_elastic_resource_pool.one", "queues",
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(queue)})),
				},
			},
			{
				Config:           config(inPool("two")),
				ConfigPlanChecks: plannedAction(queueAddress, plancheck.ResourceActionReplace),
				Check: func(*terraform.State) error {
					if qs, err := queuesOf(pool2); err != nil || !slices.Contains(qs, queue) {
						return fmt.Errorf("queues of %s: %v (%v), want %s", pool2, qs, err, queue)
					}
					if qs, err := queuesOf(pool1); err != nil || len(qs) != 0 {
						return fmt.Errorf("queues of %s after the move: %v (%v)", pool1, qs, err)
					}
					return nil
				},
			},
			{
				Config:           config(""),
				ConfigPlanChecks: plannedAction(queueAddress, plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{
					stateIs(queueAddress, "elastic_resource_pool", knownvalue.Null()),
				},
			},
		},
	})
}
