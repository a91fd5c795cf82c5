package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// A running job has an identity (id, plus project and region from the provider); an import
// block with that identity, and one with the ID, both adopt it and plan clean afterwards.
func TestAccBatchJob_identity(t *testing.T) {
	tg := acctest.NewTarget(t, acctest.FastJobs())
	cfg := jobConfig(tg, acctest.JobName(t), `  conf = { "emulator.run_duration" = "10m" }`)
	var region knownvalue.Check = knownvalue.Null()
	if tg.Region != "" {
		region = knownvalue.StringExact(tg.Region)
	}
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
				Config:      cfg + importIdentity(id, fmt.Sprintf("project_id = %q", otherProject)),
				ExpectError: wrapped(fmt.Sprintf(`names project_id %q, but the provider is configured for %q`, otherProject, tg.ProjectID)),
			},
			{
				Config:           cfg + importIdentity(id, ""),
				ConfigPlanChecks: plannedAction(jobAddress, plancheck.ResourceActionNoop),
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

func importIdentity(id, extra string) string {
	return fmt.Sprintf(`
import {
  to = dli_batch_job.test
  identity = {
    id = %q
    %s
  }
}
`, id, extra)
}
