package provider_test

import (
	"context"
	"fmt"
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

// Tags of a running Flink job change in place through DLI's tag API: exactly the changed keys
// (removed ones deleted, then new ones set), no stop, no PUT, no second run; tags changed outside
// Terraform show in the next plan.
func TestAccFlinkSQLJob_tagsInPlace(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	w := &callWindow{tg: tg}
	var id string
	cfg := func(tags string) string { return flinkSQLConfig(tg, name, flinkSQL, tags) }
	refresh := []string{"GET streaming/jobs/{id}", "GET dli_flink_job/{id}/tags"}
	step := func(what, config string, apply []string, tags map[string]string) resource.TestStep {
		want := map[string]knownvalue.Check{}
		for k, v := range tags {
			want[k] = knownvalue.StringExact(v)
		}
		var tagCheck knownvalue.Check = knownvalue.MapExact(want)
		if tags == nil {
			tagCheck = knownvalue.Null()
		}
		return resource.TestStep{
			PreConfig: w.markStart,
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{w,
				plancheck.ExpectResourceAction(flinkSQLAddress, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("status"), knownvalue.StringExact("job_running"))}},
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("tags"), tagCheck)},
			Check: func(*terraform.State) error {
				w.markDone()
				if err := w.expect(what, id, refresh, apply); err != nil {
					return err
				}
				j := flinkJobOf(t, tg, id)
				if j.Status != "job_running" || len(j.Runs) != 1 {
					return fmt.Errorf("%s: the job was restarted or stopped: status %s, %d runs", what, j.Status, len(j.Runs))
				}
				return nil
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkFlinkDestroyed(tg),
		Steps: []resource.TestStep{
			{Config: cfg(`  tags = { team = "data", tier = "gold" }`), Check: captureIDOf(flinkSQLAddress, &id)},
			step("change one key, add one, keep one", cfg(`  tags = { team = "analytics", tier = "gold", env = "prod" }`),
				[]string{"POST dli_flink_job/{id}/tags/delete", "POST dli_flink_job/{id}/tags/create"},
				map[string]string{"team": "analytics", "tier": "gold", "env": "prod"}),
			step("remove every tag", cfg(""), []string{"POST dli_flink_job/{id}/tags/delete"}, nil),
			{
				// Tags set again, then changed outside Terraform right after the apply: the
				// next plan shows it, and the apply after puts them back.
				Config: cfg(`  tags = { team = "data" }`),
				Check: func(*terraform.State) error {
					return tagOutside(tg, id, map[string]string{"team": "ops"})
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg(`  tags = { team = "data" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(flinkSQLAddress, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(flinkSQLAddress, tfjsonpath.New("tags"),
					knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("data")}))},
			},
		},
	})
}

// tagOutside sets tags on the Flink job id as the console would.
func tagOutside(tg *acctest.Target, id string, tags map[string]string) error {
	c, err := tg.Client()
	if err != nil {
		return err
	}
	return c.CreateTags(context.Background(), client.FlinkJobTags(id), tags)
}
