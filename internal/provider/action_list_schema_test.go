package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Every action and list resource schema is valid, and each list resource has the name of a
// managed resource that has an identity (the framework refuses it otherwise).
func TestActionAndListSchemas_validImplementation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := &dliProvider{}
	identities := map[string]bool{}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		_, identities[resourceTypeName(ctx, r)] = r.(resource.ResourceWithIdentity)
	}
	for _, newAction := range p.Actions(ctx) {
		a := newAction()
		meta := &action.MetadataResponse{}
		a.Metadata(ctx, action.MetadataRequest{ProviderTypeName: "dli"}, meta)
		resp := &action.SchemaResponse{}
		a.Schema(ctx, action.SchemaRequest{}, resp)
		expectValidSchema(t, "action "+meta.TypeName, resp.Schema.ValidateImplementation(ctx), resp.Diagnostics)
	}
	for _, newList := range p.ListResources(ctx) {
		l := newList()
		name := resourceTypeName(ctx, l)
		resp := &list.ListResourceSchemaResponse{}
		l.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, resp)
		expectValidSchema(t, "list resource "+name, resp.Schema.ValidateImplementation(ctx), resp.Diagnostics)
		if !identities[name] {
			t.Errorf("list resource %s has no managed resource with an identity of that name", name)
		}
	}
}

// dli_batch_job_run takes exactly the job arguments of the resource, with their validators, and
// its model fits its schema; the list resource takes exactly the filters of dli_batch_jobs.
func TestDerivedActionAndListAttributes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	res := batchJobResourceSchema(ctx).Attributes
	runResp := &action.SchemaResponse{}
	(&batchJobRunAction{}).Schema(ctx, action.SchemaRequest{}, runResp)
	for name, a := range res {
		got, ok := runResp.Schema.Attributes[name]
		want := (a.IsRequired() || a.IsOptional()) && !slices.Contains(providerSideAttributes, name)
		if ok != want {
			t.Errorf("run action attribute %s: present %v, want %v", name, ok, want)
			continue
		}
		if ok && (got.IsRequired() != a.IsRequired() || got.GetMarkdownDescription() != a.GetMarkdownDescription()) {
			t.Errorf("run action attribute %s differs from the resource's", name)
		}
	}
	config := tfsdk.Config{Schema: runResp.Schema, Raw: emptyObject(runResp.Schema.Type().TerraformType(ctx))}
	var m batchJobRunModel
	if diags := config.Get(ctx, &m); diags.HasError() {
		t.Errorf("run model: %v", diags)
	}
	listResp := &list.ListResourceSchemaResponse{}
	(&batchJobListResource{}).ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, listResp)
	filters := []string{"queue", "name", "name_prefix", "name_regex", "state", "owner", "created_after", "created_before", "order"}
	if len(listResp.Schema.Attributes) != len(filters) {
		t.Errorf("list filters %d, want %d", len(listResp.Schema.Attributes), len(filters))
	}
	for _, f := range filters {
		if a, ok := listResp.Schema.Attributes[f]; !ok || !a.IsOptional() {
			t.Errorf("list filter %s missing or not optional", f)
		}
	}
	lc := tfsdk.Config{Schema: listResp.Schema, Raw: emptyObject(listResp.Schema.Type().TerraformType(ctx))}
	var lm batchJobListModel
	if diags := lc.Get(ctx, &lm); diags.HasError() {
		t.Errorf("list model: %v", diags)
	}
}

// A list result's resource is the model an import and the Read after it make, and fits the
// resource schema.
func TestImportedBatchJobFitsSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := batchJobResourceSchema(ctx)
	state := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
	m := importedBatchJob(sampleJob())
	if diags := state.Set(ctx, &m); diags.HasError() {
		t.Fatalf("set: %v", diags)
	}
	if m.WaitFor.ValueString() != waitForSubmitted || !m.CancelOnDestroy.ValueBool() || m.ID.ValueString() != sampleJob().ID {
		t.Errorf("imported model %+v", m)
	}
}

// emptyObject is an object of type typ whose attributes are all null.
func emptyObject(typ tftypes.Type) tftypes.Value {
	obj, ok := typ.(tftypes.Object)
	if !ok {
		panic(fmt.Sprintf("%s is not an object type", typ))
	}
	values := map[string]tftypes.Value{}
	for name, t := range obj.AttributeTypes {
		values[name] = tftypes.NewValue(t, nil)
	}
	return tftypes.NewValue(obj, values)
}
