package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Fast checks, no Terraform CLI: every schema is valid for the framework, and the models fit.

func TestSchemas_validImplementation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := &dliProvider{}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		resp := &resource.SchemaResponse{}
		r.Schema(ctx, resource.SchemaRequest{}, resp)
		expectValidSchema(t, "resource "+resourceTypeName(ctx, r), resp.Schema.ValidateImplementation(ctx), resp.Diagnostics)
	}
	for _, newDataSource := range p.DataSources(ctx) {
		d := newDataSource()
		meta := &datasource.MetadataResponse{}
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "dli"}, meta)
		resp := &datasource.SchemaResponse{}
		d.Schema(ctx, datasource.SchemaRequest{}, resp)
		expectValidSchema(t, "data source "+meta.TypeName, resp.Schema.ValidateImplementation(ctx), resp.Diagnostics)
	}
}

// resourceTypeName is the type name of a managed or list resource.
func resourceTypeName(ctx context.Context, r interface {
	Metadata(context.Context, resource.MetadataRequest, *resource.MetadataResponse)
}) string {
	meta := &resource.MetadataResponse{}
	r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "dli"}, meta)
	return meta.TypeName
}

// expectValidSchema fails when the framework finds the schema of what invalid, or building it
// gave an error.
func expectValidSchema(t *testing.T, what string, implementation, response diag.Diagnostics) {
	t.Helper()
	if implementation.HasError() || response.HasError() {
		t.Errorf("%s: %v %v", what, response, implementation)
	}
}

// The data sources show every job attribute of the resource, computed, described the same way,
// and nothing of the resource's own settings.
func TestJobDataSourceAttributes_derivedFromResource(t *testing.T) {
	t.Parallel()
	res := batchJobResourceSchema(context.Background()).Attributes
	ds := jobDataSourceAttributes()
	for name, a := range res {
		got, ok := ds[name]
		switch {
		case slices.Contains(providerSideAttributes, name):
			if ok {
				t.Errorf("%s is a setting of the resource, not part of a job, but the data sources show it", name)
			}
		case !ok:
			t.Errorf("the data sources lack %s", name)
		case !got.IsComputed() || got.IsOptional() || got.IsRequired():
			t.Errorf("data source attribute %s is not computed only", name)
		case got.GetMarkdownDescription() != a.GetMarkdownDescription() || got.IsSensitive() != a.IsSensitive():
			t.Errorf("data source attribute %s is described differently from the resource's", name)
		}
	}
	if res["conf"].IsSensitive() {
		t.Error("conf must be a plain map: a reviewer must see which Spark property changes")
	}
	nested, ok := ds["groups"].(dsschema.ListNestedAttribute)
	if !ok || !nested.NestedObject.Attributes["resources"].IsComputed() {
		t.Errorf("nested attributes are not derived: %#v", ds["groups"])
	}
}

// The models fit their schemas: a mismatch (an attribute without a field, or a field without an
// attribute) fails here instead of at the first apply.
func TestModels_fitSchemas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	job := sampleJob()

	dsResp := &datasource.SchemaResponse{}
	(&batchJobDataSource{}).Schema(ctx, datasource.SchemaRequest{}, dsResp)
	dsState := tfsdk.State{Schema: dsResp.Schema, Raw: tftypes.NewValue(dsResp.Schema.Type().TerraformType(ctx), nil)}
	for _, m := range []batchJobDataModel{jobDataFromClient(job), jobDataFromClient(&client.BatchJob{ID: job.ID, State: client.StateRunning})} {
		if diags := dsState.Set(ctx, &m); diags.HasError() {
			t.Errorf("data source model: %v", diags)
		}
	}

	listResp := &datasource.SchemaResponse{}
	(&batchJobsDataSource{}).Schema(ctx, datasource.SchemaRequest{}, listResp)
	listState := tfsdk.State{Schema: listResp.Schema, Raw: tftypes.NewValue(listResp.Schema.Type().TerraformType(ctx), nil)}
	list := batchJobsDataModel{IDs: []string{job.ID}, Jobs: []batchJobDataModel{jobDataFromClient(job)}}
	if diags := listState.Set(ctx, &list); diags.HasError() {
		t.Errorf("list data source model: %v", diags)
	}

	rs := batchJobResourceSchema(ctx)
	state := tfsdk.State{Schema: rs, Raw: tftypes.NewValue(rs.Type().TerraformType(ctx), nil)}
	var m batchJobResourceModel
	m.applyJob(job)
	timeoutsType, ok := rs.Attributes["timeouts"].GetType().(timeouts.Type)
	if !ok {
		t.Fatalf("timeouts has the type %T", rs.Attributes["timeouts"].GetType())
	}
	m.Timeouts = timeouts.Value{Object: types.ObjectNull(timeoutsType.AttrTypes)}
	if diags := state.Set(ctx, &m); diags.HasError() {
		t.Errorf("resource model: %v", diags)
	}
}
