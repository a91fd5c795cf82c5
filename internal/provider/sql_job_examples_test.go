package provider_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// import.sh and import-by-string-id.tf adopt a statement submitted earlier: the import plans
// no change but the adoption of the configured triggers.
func TestAccExamples_sqlImport(t *testing.T) {
	opts := acctest.FastJobs()
	opts.SQLRun = 100 * time.Millisecond
	tg := acctest.NewEmulator(t, opts)
	resourceTF := readExample(t, "resources/dli_sql_job/resource.tf")
	exampleID := "8ecb0777-9c70-4529-9935-29ea0946039c"
	if sh := readExample(t, "resources/dli_sql_job/import.sh"); !strings.Contains(sh, "terraform import dli_sql_job.load "+exampleID) {
		t.Fatalf("import.sh does not show the import command: %s", sh)
	}
	importTF := readExample(t, "resources/dli_sql_job/import-by-string-id.tf")
	if !strings.Contains(importTF, exampleID) {
		t.Fatal("import-by-string-id.tf does not carry the example ID")
	}
	// Run the statements, then forget them in Terraform (they are finished: nothing is cancelled).
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: tg.ProviderConfig() + resourceTF, Check: captureIDOf("dli_sql_job.load", &id)},
			{Config: tg.ProviderConfig()},
		},
	})
	keepTable := regexp.MustCompile(`(?s)resource "dli_sql_job" "create_table" \{.*?\n\}\n`)
	loadOnly := strings.ReplaceAll(keepTable.ReplaceAllString(resourceTF, ""), "depends_on = [dli_sql_job.create_table]", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				Config: tg.ProviderConfig() + loadOnly + strings.Replace(importTF, exampleID, id, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// Only provider-side arguments (timeouts, triggers) change; nothing is re-run.
					plancheck.ExpectResourceAction("dli_sql_job.load", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: checks(
					stateIs("dli_sql_job.load", "id", knownvalue.StringExact(id)),
				),
			},
			{
				ResourceName:            "dli_sql_job.load",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "triggers"},
			},
		},
	})
	if n := tg.CountRequests("POST", "/jobs/submit-job"); n != 2 {
		t.Errorf("%d submissions, want 2 (the example's two statements, none re-run)", n)
	}
}
