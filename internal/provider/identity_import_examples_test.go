package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// Each import-by-identity.tf adopts, as written but for the ID, the object its resource.tf
// created and Terraform then forgot: the import changes nothing on DLI (no second create, no
// restart), the identity is recorded, and destroy removes the object once.
func TestAccExamples_importByIdentityEveryKind(t *testing.T) {
	tests := []struct {
		dir, address string
		exampleID    string   // the ID written in import-by-identity.tf, replaced by the real one
		prerequisite []string // other examples resource.tf needs
		create       [2]string
		destroy      [2]string
		untouched    [][2]string // requests the import must not send
	}{
		{dir: "dli_sql_job", address: "dli_sql_job.load", exampleID: "8ecb0777-9c70-4529-9935-29ea0946039c",
			create: [2]string{"POST", "/jobs/submit-job"}},
		{dir: "dli_queue", address: "dli_queue.spark", exampleID: "spark_etl",
			prerequisite: []string{"dli_elastic_resource_pool"},
			create:       [2]string{"POST", "/queues"}, destroy: [2]string{"DELETE", "/queues/spark_etl"},
			untouched: [][2]string{{"PUT", "/queues/spark_etl/action"}}},
		{dir: "dli_elastic_resource_pool", address: "dli_elastic_resource_pool.analytics", exampleID: "analytics_pool",
			create: [2]string{"POST", "/elastic-resource-pools"}, destroy: [2]string{"DELETE", "/elastic-resource-pools/analytics_pool"},
			untouched: [][2]string{{"PUT", "/elastic-resource-pools/analytics_pool"}}},
		{dir: "dli_flink_sql_job", address: "dli_flink_sql_job.orders", exampleID: "148",
			create: [2]string{"POST", "/streaming/sql-jobs"}, destroy: [2]string{"DELETE", ""},
			untouched: [][2]string{{"POST", "/streaming/jobs/stop"}, {"PUT", ""}}},
		{dir: "dli_flink_jar_job", address: "dli_flink_jar_job.clickstream", exampleID: "149",
			create: [2]string{"POST", "/streaming/flink-jobs"}, destroy: [2]string{"DELETE", ""},
			untouched: [][2]string{{"POST", "/streaming/jobs/stop"}, {"PUT", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			opts := acctest.FastJobs()
			opts.SQLRun = 100 * time.Millisecond
			tg := acctest.NewEmulator(t, opts)
			importTF := readExample(t, "resources/"+tt.dir+"/import-by-identity.tf")
			if !strings.Contains(importTF, `id = "`+tt.exampleID+`"`) || !strings.Contains(importTF, "to = "+tt.address) {
				t.Fatalf("import-by-identity.tf does not import %s as %s: %s", tt.exampleID, tt.address, importTF)
			}
			created := tg.ProviderConfig() + readExample(t, "resources/"+tt.dir+"/resource.tf")
			for _, dir := range tt.prerequisite {
				created += readExample(t, "resources/"+dir+"/resource.tf")
			}
			typ, name, _ := strings.Cut(tt.address, ".")
			block := resourceBlock(t, readExample(t, "resources/"+tt.dir+"/resource.tf"), typ, name)
			var id string
			versions := []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				TerraformVersionChecks:   versions,
				Steps: []resource.TestStep{
					{Config: created, Check: captureIDOf(tt.address, &id)},
					// Forget the object (and destroy what else the example made).
					{Config: tg.ProviderConfig() + fmt.Sprintf("removed {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", tt.address)},
				},
			})
			if t.Failed() {
				return
			}
			before := countAll(tg, append(tt.untouched, tt.create))
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				TerraformVersionChecks:   versions,
				Steps: []resource.TestStep{{
					Config: tg.ProviderConfig() + block + strings.Replace(importTF, `"`+tt.exampleID+`"`, `"`+id+`"`, 1),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						importedInPlace{tt.address},
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectIdentityValue(tt.address, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					},
					Check: func(*terraform.State) error {
						if after := countAll(tg, append(tt.untouched, tt.create)); !slices.Equal(before, after) {
							return fmt.Errorf("the import sent %v requests of %v, had sent %v before", after, append(tt.untouched, tt.create), before)
						}
						return nil
					},
				}},
			})
			if tt.destroy[0] != "" && !t.Failed() {
				if n := tg.CountRequests(tt.destroy[0], destroySuffix(tt.destroy[1], id)); n != 1 {
					t.Errorf("%d %s requests for %s, want 1 (destroy after the import)", n, tt.destroy[0], id)
				}
			}
		})
	}
}

// destroySuffix is the path suffix of a delete: given, or /{id} where the example's path is empty.
func destroySuffix(suffix, id string) string {
	if suffix == "" {
		return "/" + id
	}
	return suffix
}

func countAll(tg *acctest.Target, reqs [][2]string) []int {
	out := make([]int, len(reqs))
	for i, r := range reqs {
		out[i] = tg.CountRequests(r[0], r[1])
	}
	return out
}

// resourceBlock is one resource block of an example, without its depends_on (the imported
// object stands alone).
func resourceBlock(t *testing.T, tf, typ, name string) string {
	t.Helper()
	re := regexp.MustCompile(`(?s)resource "` + regexp.QuoteMeta(typ) + `" "` + regexp.QuoteMeta(name) + `" \{.*?\n\}\n`)
	block := re.FindString(tf)
	if block == "" {
		t.Fatalf("no resource %s.%s in the example", typ, name)
	}
	return regexp.MustCompile(`(?m)^\s*depends_on\s*=.*\n`).ReplaceAllString(block, "")
}

// importedInPlace passes when the plan imports address and at most updates provider-side
// arguments in place: never a create, replace or delete.
type importedInPlace struct{ address string }

func (c importedInPlace) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.address {
			continue
		}
		switch {
		case rc.Change.Importing == nil:
			resp.Error = fmt.Errorf("%s is not imported by the plan", c.address)
		case !rc.Change.Actions.NoOp() && !rc.Change.Actions.Update():
			resp.Error = fmt.Errorf("the import plans %v for %s, want no-op or update", rc.Change.Actions, c.address)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.address)
}
