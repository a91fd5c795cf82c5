package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// identityCase is one resource whose identity is checked: its configuration (one resource at
// address) and what its identity's id is.
type identityCase struct {
	address string
	config  func(tg *acctest.Target) string
	id      knownvalue.Check
	destroy func(tg *acctest.Target) resource.TestCheckFunc
}

func identityCases(t *testing.T) map[string]identityCase {
	queue, pool := queueName("tf_acc_idq"), queueName("tf_acc_idp")
	return map[string]identityCase{
		"sql_job": {
			address: sqlAddress,
			config: func(tg *acctest.Target) string {
				return sqlConfig(tg, fmt.Sprintf(`  sql   = "SELECT 1"
  queue = %q
  conf  = { "emulator.run_duration" = "50ms" }`, tg.Queue))
			},
			id: knownvalue.StringRegexp(uuidRE), destroy: checkSQLDestroy,
		},
		"flink_sql_job": {
			address: flinkSQLAddress,
			config: func(tg *acctest.Target) string {
				return flinkSQLConfig(tg, flinkName(t), flinkSQL, `  runtime_config = { "emulator.outcome" = "running" }`)
			},
			id: knownvalue.StringRegexp(flinkIDRE), destroy: flinkDestroyCheck,
		},
		"flink_jar_job": {
			address: flinkJarAddress,
			config: func(tg *acctest.Target) string {
				return flinkJarConfig(tg, flinkName(t)+"j", "obs://dli-demo/jobs/stream-1.0.jar", "")
			},
			id: knownvalue.StringRegexp(flinkIDRE), destroy: flinkDestroyCheck,
		},
		"queue": {
			address: queueAddress,
			config:  func(tg *acctest.Target) string { return queueConfig(tg, queue, 16, "") },
			id:      knownvalue.StringExact(queue), destroy: checkQueuesGone,
		},
		"elastic_resource_pool": {
			address: poolAddress,
			config:  func(tg *acctest.Target) string { return poolConfig(tg, pool, 64, 128, "") },
			id:      knownvalue.StringExact(pool), destroy: checkQueuesGone,
		},
	}
}

// Each resource has an identity (its ID, a name for queues and pools, plus the provider's
// project and region); an import block with that identity, and one with the ID, both adopt it
// and plan clean afterwards.
func TestAccResources_identity(t *testing.T) {
	for name, tc := range identityCases(t) {
		t.Run(name, func(t *testing.T) {
			tg := acctest.NewEmulator(t, acctest.FastJobs())
			cfg := tc.config(tg)
			var region knownvalue.Check = knownvalue.Null()
			if tg.Region != "" {
				region = knownvalue.StringExact(tg.Region)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
				CheckDestroy:             tc.destroy(tg),
				Steps: []resource.TestStep{
					{
						Config: cfg,
						ConfigStateChecks: checks(
							statecheck.ExpectIdentity(tc.address, map[string]knownvalue.Check{
								"id": tc.id, "project_id": knownvalue.StringExact(tg.ProjectID), "region": region,
							}),
							statecheck.ExpectIdentityValueMatchesState(tc.address, tfjsonpath.New("id")),
						),
					},
					{ResourceName: tc.address, Config: cfg, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
					{ResourceName: tc.address, Config: cfg, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
				},
			})
		})
	}
}

// A queue made outside Terraform is imported by an identity naming it in upper case, with only
// its id: the name is taken in DLI's lower case with the provider's project, and the next plan is
// empty. An identity naming another project, or a name DLI cannot have, is refused.
func TestAccQueue_importByIdentity(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := queueName("tf_acc_idq")
	c, err := tg.Client()
	if err != nil {
		t.Fatal(err)
	}
	var created string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					created, err = c.CreateQueue(context.Background(), client.CreateQueueRequest{Name: name, Type: "general", CUCount: 16})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:      queueConfig(tg, name, 16, "") + importQueueIdentity(strings.ToUpper(name), `project_id = "ffffffffffffffffffffffffffffffff"`),
				ExpectError: wrapped(`names project_id "ffffffffffffffffffffffffffffffff", but the provider is configured for`),
			},
			{
				Config:      queueConfig(tg, name, 16, "") + importQueueIdentity("no/such queue", ""),
				ExpectError: wrapped(`Import needs the name of a DLI queue \(letters, digits and '_'\); got "no/such queue"`),
			},
			{
				Config:           queueConfig(tg, name, 16, "") + importQueueIdentity(strings.ToUpper(name), ""),
				ConfigPlanChecks: plannedAction(queueAddress, plancheck.ResourceActionNoop),
				ConfigStateChecks: checks(
					statecheck.ExpectIdentityValue(queueAddress, tfjsonpath.New("id"), knownvalue.StringExact(name)),
					statecheck.ExpectIdentityValue(queueAddress, tfjsonpath.New("project_id"), knownvalue.StringExact(tg.ProjectID)),
					stateIs(queueAddress, "id", knownvalue.StringExact(name)),
				),
			},
			{Config: queueConfig(tg, name, 16, ""), ConfigPlanChecks: emptyPlan()},
		},
	})
	if created != name {
		t.Errorf("DLI named the queue %q, want %q", created, name)
	}
	if n := tg.CountRequests("POST", "/queues"); n != 1 {
		t.Errorf("%d queue creations, want 1 (the queue made by hand, adopted)", n)
	}
}

func importQueueIdentity(id, extra string) string {
	return fmt.Sprintf(`
import {
  to = dli_queue.test
  identity = {
    id = %q
    %s
  }
}
`, id, extra)
}

func flinkDestroyCheck(tg *acctest.Target) resource.TestCheckFunc { return checkFlinkDestroyed(tg) }
