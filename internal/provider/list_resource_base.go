package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// List resources (`terraform query`, Terraform 1.14 and later) find the objects a managed resource
// of the same name manages. Their filters are those of the plural data source, derived from its
// schema so that a filter is described once.

// listResourceBase gives a list resource its Configure method and client: the framework
// configures list resources with the resource request types.
type listResourceBase struct{ resourceBase }

// filterAttributes converts the optional (filter) attributes of a data source schema to list
// resource attributes; computed results are left out.
func filterAttributes(ds datasource.DataSource) map[string]listschema.Attribute {
	var resp datasource.SchemaResponse
	ds.Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	out := map[string]listschema.Attribute{}
	for name, a := range resp.Schema.Attributes {
		if !a.IsOptional() {
			continue
		}
		switch a := a.(type) {
		case dsschema.StringAttribute:
			out[name] = listschema.StringAttribute{Optional: true, MarkdownDescription: a.MarkdownDescription, Validators: a.Validators}
		case dsschema.Int64Attribute:
			out[name] = listschema.Int64Attribute{Optional: true, MarkdownDescription: a.MarkdownDescription, Validators: a.Validators}
		case dsschema.BoolAttribute:
			out[name] = listschema.BoolAttribute{Optional: true, MarkdownDescription: a.MarkdownDescription, Validators: a.Validators}
		case dsschema.MapAttribute:
			out[name] = listschema.MapAttribute{Optional: true, MarkdownDescription: a.MarkdownDescription, Validators: a.Validators,
				ElementType: a.ElementType}
		default:
			// A new filter kind needs a case here; the list schema tests run this for every list resource.
			panic(fmt.Sprintf("no list resource form for data source attribute %s of type %T", name, a))
		}
	}
	return out
}

// nullResourceModel fills target (a resource model) with the null value of every attribute of s, typed
// as the schema says: the state ImportState starts from.
func nullResourceModel(ctx context.Context, s rschema.Schema, target any) diag.Diagnostics {
	typ, ok := s.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		var diags diag.Diagnostics
		diags.AddError("Unexpected schema type", fmt.Sprintf("A resource schema is %T, not an object.", s.Type().TerraformType(ctx)))
		return diags
	}
	values := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, t := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(t, nil)
	}
	state := tfsdk.State{Schema: s, Raw: tftypes.NewValue(typ, values)}
	return state.Get(ctx, target)
}

// limited stops pushing results after limit of them (0: no limit).
func limited(limit int64, push func(list.ListResult) bool) func(list.ListResult) bool {
	sent := int64(0)
	return func(r list.ListResult) bool {
		if limit > 0 && sent >= limit {
			return false
		}
		sent++
		return push(r) && (limit <= 0 || sent < limit)
	}
}

// listError is a result stream carrying only an error.
func listError(summary, detail string) list.ListResultsStream {
	var diags diag.Diagnostics
	diags.AddError(summary, detail)
	return list.ListResultsStream{Results: list.ListResultsStreamDiagnostics(diags)}
}
