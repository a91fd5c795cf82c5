package provider_test

import (
	"context"
	"fmt"
	"reflect"
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

// tagCalls lists the emulator's answers to the tag API in order, as "METHOD type/suffix" with
// the object's ID left out: "GET dli_queue/tags", "POST dli_queue/tags/delete" ...
func tagCalls(tg *acctest.Target) []string {
	var out []string
	for _, r := range tg.Requests("") {
		parts := strings.Split(r.Path, "/") // "", v3, project, type, id, tags[, action]
		if len(parts) >= 6 && parts[1] == "v3" && parts[5] == "tags" && strings.HasPrefix(parts[3], "dli_") {
			out = append(out, r.Method+" "+strings.Join(append(parts[3:4], parts[5:]...), "/"))
		}
	}
	return out
}

// tagsOn reads an object's tags through the client (as the console shows them).
func tagsOn(t *testing.T, tg *acctest.Target, typ client.TagResourceType, id string) map[string]string {
	t.Helper()
	c := apiClient(t, tg)
	tags, err := c.GetTags(context.Background(), client.TagTarget{Type: typ, ID: id})
	if err != nil {
		t.Fatal(err)
	}
	return tags
}

// setTagsOutside changes tags as the console would: through the tag API, not Terraform.
func setTagsOutside(t *testing.T, tg *acctest.Target, typ client.TagResourceType, id string, del, add map[string]string) {
	t.Helper()
	c, err := tg.Client()
	if err == nil {
		err = c.DeleteTags(context.Background(), client.TagTarget{Type: typ, ID: id}, del)
	}
	if err == nil {
		err = c.CreateTags(context.Background(), client.TagTarget{Type: typ, ID: id}, add)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func wantTags(t *testing.T, got, want map[string]string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tags on DLI %v, want %v", got, want)
	}
}

// Tags go with the create (no tag call), change in place with a delete and a create of just the
// changed keys (no queue re-created), are read back with one GET per refresh, show drift made
// outside Terraform in the next plan, round-trip through import and can all be removed.
func TestAccQueue_tagsInPlace(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := queueName("tf_acc_qtag")
	config := func(tags string) string { return queueConfig(tg, name, 16, tags) }
	var detailGETs, tagGETs int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{
			{
				Config: config(`  tags = { team = "etl", env = "dev", keep = "1" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					stateIs(queueAddress, "tags", knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("etl"), "env": knownvalue.StringExact("dev"), "keep": knownvalue.StringExact("1")})),
				},
				Check: func(*terraform.State) error {
					if calls := tagCalls(tg); len(calls) != 0 {
						return fmt.Errorf("create made tag calls %v; the tags belong in the create body", calls)
					}
					wantTags(t, tagsOn(t, tg, client.TagQueue, name), map[string]string{"team": "etl", "env": "dev", "keep": "1"})
					detailGETs, tagGETs = tg.CountRequests("GET", "/queues/"+name), len(tagCalls(tg))
					return nil
				},
			},
			{
				// A refresh of a tagged queue: one detail GET and one tag GET, nothing else.
				RefreshState: true,
				Check: func(*terraform.State) error {
					details := tg.CountRequests("GET", "/queues/"+name) - detailGETs
					if tags := len(tagCalls(tg)) - tagGETs; details == 0 || tags != details {
						return fmt.Errorf("%d refreshes made %d tag requests, want one each", details, tags)
					}
					return nil
				},
			},
			{
				Config:           config(`  tags = { team = "bi", cost = "42", keep = "1" }`),
				ConfigPlanChecks: plannedUpdate(queueAddress),
				Check: func(*terraform.State) error {
					calls := tagCalls(tg)
					changes := []string{}
					for _, c := range calls {
						if strings.HasPrefix(c, "POST ") {
							changes = append(changes, c)
						}
					}
					if want := []string{"POST dli_queue/tags/delete", "POST dli_queue/tags/create"}; !reflect.DeepEqual(changes, want) {
						return fmt.Errorf("tag changes %v, want %v", changes, want)
					}
					if n := tg.CountRequests("POST", "/v1.0/"+tg.ProjectID+"/queues"); n != 1 {
						return fmt.Errorf("%d queue creates, want the first only", n)
					}
					if n := tg.CountRequests("DELETE", "/queues/"+name); n != 0 {
						return fmt.Errorf("the queue was deleted %d times", n)
					}
					wantTags(t, tagsOn(t, tg, client.TagQueue, name), map[string]string{"team": "bi", "cost": "42", "keep": "1"})
					return nil
				},
			},
			{
				// Someone retags the queue in the console: the next plan puts the tags back.
				PreConfig: func() {
					setTagsOutside(t, tg, client.TagQueue, name, map[string]string{"cost": ""}, map[string]string{"team": "ops", "extra": "x"})
				},
				Config:           config(`  tags = { team = "bi", cost = "42", keep = "1" }`),
				ConfigPlanChecks: plannedUpdate(queueAddress, plancheck.ExpectKnownValue(queueAddress, tfjsonpath.New("tags"), knownvalue.MapSizeExact(3))),
				Check: func(*terraform.State) error {
					wantTags(t, tagsOn(t, tg, client.TagQueue, name), map[string]string{"team": "bi", "cost": "42", "keep": "1"})
					return nil
				},
			},
			{
				ResourceName:            queueAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config:           config(""),
				ConfigPlanChecks: plannedUpdate(queueAddress),
				ConfigStateChecks: []statecheck.StateCheck{
					stateIs(queueAddress, "tags", knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					wantTags(t, tagsOn(t, tg, client.TagQueue, name), map[string]string{})
					return nil
				},
			},
		},
	})
}

// A tagged queue made outside Terraform and imported with its tags in the configuration plans
// no change (an import block, Terraform 1.5+); so does a tagged pool.
func TestAccQueue_importTaggedPlansEmpty(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	queue, pool := queueName("tf_acc_qimp"), queueName("tf_acc_pimp")
	c := apiClient(t, tg)
	ctx := context.Background()
	if _, err := c.CreatePool(ctx, client.CreatePoolRequest{Name: pool, MinCU: 64, MaxCU: 64, Tags: map[string]string{"cost": "7"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitForPool(ctx, pool, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateQueue(ctx, client.CreateQueueRequest{Name: queue, Type: "general", CUCount: 16,
		Tags: map[string]string{"team": "etl", "env": "dev"}}); err != nil {
		t.Fatal(err)
	}
	config := queueConfig(tg, queue, 16, `  tags = { team = "etl", env = "dev" }`) + importByID(queueAddress, queue) +
		importByID(poolAddress, pool) + fmt.Sprintf(`
resource "dli_elastic_resource_pool" "test" {
  name   = %q
  min_cu = 64
  max_cu = 64
  tags   = { cost = "7" }
}
`, pool)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{{
			Config:           config,
			ConfigPlanChecks: plannedEach(plancheck.ResourceActionNoop, queueAddress, poolAddress),
			ConfigStateChecks: []statecheck.StateCheck{
				stateKeyIs(queueAddress, "tags", "team", knownvalue.StringExact("etl")),
				stateKeyIs(poolAddress, "tags", "cost", knownvalue.StringExact("7")),
			},
		}},
	})
}
