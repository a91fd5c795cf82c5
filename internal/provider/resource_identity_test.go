package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
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
			region := identityRegion(tg)
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
	c := apiClient(t, tg)
	var created string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					var err error
					created, err = c.CreateQueue(context.Background(), client.CreateQueueRequest{Name: name, Type: "general", CUCount: 16})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:      queueConfig(tg, name, 16, "") + importByIdentity(queueAddress, strings.ToUpper(name), `project_id = "ffffffffffffffffffffffffffffffff"`),
				ExpectError: wrapped(`names project_id "ffffffffffffffffffffffffffffffff", but the provider is configured for`),
			},
			{
				Config:      queueConfig(tg, name, 16, "") + importByIdentity(queueAddress, "no/such queue", ""),
				ExpectError: wrapped(`Import needs the name of a DLI queue \(letters, digits and '_'\); got "no/such queue"`),
			},
			{
				Config:           queueConfig(tg, name, 16, "") + importByIdentity(queueAddress, strings.ToUpper(name), ""),
				ConfigPlanChecks: plannedNoop(queueAddress),
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

func flinkDestroyCheck(tg *acctest.Target) resource.TestCheckFunc { return checkFlinkDestroyed(tg) }

// A running job has an identity (id, plus project and region from the provider); an import
// block with that identity, and one with the ID, both adopt it and plan clean afterwards.
func TestAccBatchJob_identity(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	cfg := jobConfig(tg, acctest.JobName(t), `  conf = { "emulator.run_duration" = "10m" }`)
	region := identityRegion(tg)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: checks(
					statecheck.ExpectIdentity(jobAddress, map[string]knownvalue.Check{
						"id":         knownvalue.StringRegexp(uuidRE),
						"project_id": knownvalue.StringExact(tg.ProjectID),
						"region":     region,
					}),
					statecheck.ExpectIdentityValueMatchesState(jobAddress, tfjsonpath.New("id")),
				),
			},
			{
				// The import block carries the identity of the state: id, project_id and region.
				ResourceName:    jobAddress,
				Config:          cfg,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				ResourceName:    jobAddress,
				Config:          cfg,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

// An identity with only the id takes the provider's project, and the job plans clean afterwards;
// one that names another project is refused before any request, saying how to import it.
func TestAccBatchJob_importByIdentity(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	args := `  conf = { "emulator.run_duration" = "10m" }`
	id := submitOutsideTerraform(t, tg, args, tfversion.SkipBelow(tfversion.Version1_12_0))
	cfg := jobConfig(tg, "by-hand", args)
	otherProject := "ffffffffffffffffffffffffffffffff"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{
				Config:      cfg + importByIdentity(jobAddress, id, fmt.Sprintf("project_id = %q", otherProject)),
				ExpectError: wrapped(fmt.Sprintf(`names project_id %q, but the provider is configured for %q`, otherProject, tg.ProjectID)),
			},
			{
				Config:           cfg + importByIdentity(jobAddress, id, ""),
				ConfigPlanChecks: plannedNoop(jobAddress),
				ConfigStateChecks: checks(
					statecheck.ExpectIdentityValue(jobAddress, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectIdentityValue(jobAddress, tfjsonpath.New("project_id"), knownvalue.StringExact(tg.ProjectID)),
				),
			},
			{Config: cfg, ConfigPlanChecks: emptyPlan()},
		},
	})
	if n := tg.CountRequests("POST", "/batches"); n != 1 {
		t.Errorf("%d submissions, want 1 (the job submitted by hand, adopted)", n)
	}
}

// submitOutsideTerraform submits dli_batch_job.test "by-hand" with args, then lets Terraform
// forget it while it runs on (as a job started by hand), and returns its ID. checks are the
// version checks of the test that imports it, so that a skipped test submits nothing.
func submitOutsideTerraform(t *testing.T, tg *acctest.Target, args string, checks ...tfversion.TerraformVersionCheck) string {
	t.Helper()
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   checks,
		Steps: []resource.TestStep{
			{Config: jobConfig(tg, "by-hand", args+"\n  cancel_on_destroy = false"), Check: captureID(&id)},
			{Config: tg.ProviderConfig()},
		},
	})
	return id
}

// identityRegion is the region an identity records: the provider's, or null without one.
func identityRegion(tg *acctest.Target) knownvalue.Check {
	if tg.Region == "" {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(tg.Region)
}

// importByIdentity is an import block adopting, at address, the object whose identity has id
// and the extra identity attributes.
func importByIdentity(address, id, extra string) string {
	return fmt.Sprintf(`
import {
  to = %s
  identity = {
    id = %q
    %s
  }
}
`, address, id, extra)
}

// importByID is an import block adopting, at address, the object of that ID (or name).
func importByID(address, id string) string {
	return fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", address, id)
}
