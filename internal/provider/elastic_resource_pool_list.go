package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var _ list.ListResourceWithConfigure = (*poolListResource)(nil)

// NewElasticResourcePoolListResource returns the dli_elastic_resource_pool list resource.
func NewElasticResourcePoolListResource() list.ListResource { return &poolListResource{} }

type poolListResource struct{ listResourceBase }

// poolListModel holds the filters, those of dli_elastic_resource_pools.
type poolListModel struct {
	Name   types.String `tfsdk:"name"`
	Status types.String `tfsdk:"status"`
	Tags   types.Map    `tfsdk:"tags"`
}

func (l *poolListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_elastic_resource_pool"
}

func (l *poolListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds elastic resource pools for `terraform query` (Terraform 1.14 and later), with the " +
			"filters of the `dli_elastic_resource_pools` data source, following every page. Each result carries the " +
			"pool's identity (its name) and, with `include_resource` (or `-generate-config-out`), the pool as " +
			"`dli_elastic_resource_pool` would read it after an import, so that the generated blocks plan with no change.",
		Attributes: filterAttributes(NewElasticResourcePoolsDataSource()),
	}
}

func (l *poolListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var f poolListModel
	diags := req.Config.Get(ctx, &f)
	if !diags.HasError() {
		l.ready(&diags)
	}
	tags := stringMapOf(ctx, f.Tags, &diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	ps, err := l.client.ListPools(ctx, client.PoolListOptions{Name: f.Name.ValueString(), Status: f.Status.ValueString(), Tags: tags})
	if err != nil {
		*stream = listError("Error listing elastic resource pools", fmt.Sprintf("Could not list elastic resource pools: %s", err))
		return
	}
	stream.Results = func(yield func(list.ListResult) bool) {
		push := limited(req.Limit, yield)
		for i := range ps {
			if !push(l.result(ctx, req, &ps[i])) {
				return
			}
		}
	}
}

func (l *poolListResource) result(ctx context.Context, req list.ListRequest, p *client.ElasticResourcePool) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = fmt.Sprintf("%s (%s)", p.Name, p.Status)
	identity, diags := newIdentity(ctx, l.client, p.Name, nil)
	r.Diagnostics.Append(diags...)
	r.Diagnostics.Append(r.Identity.Set(ctx, identity)...)
	if !req.IncludeResource || r.Diagnostics.HasError() {
		return r
	}
	detail, err := l.client.GetPool(ctx, p.Name)
	if err != nil {
		r.Diagnostics.AddError("Error reading elastic resource pool", fmt.Sprintf("Could not read elastic resource pool %s: %s", p.Name, err))
		return r
	}
	m, diags := importedPool(ctx, detail)
	r.Diagnostics.Append(diags...)
	if !r.Diagnostics.HasError() {
		r.Diagnostics.Append(r.Resource.Set(ctx, &m)...)
	}
	return r
}

// importedPool is the resource as ImportState and the Read after it make it.
func importedPool(ctx context.Context, p *client.ElasticResourcePool) (poolResourceModel, diag.Diagnostics) {
	var m poolResourceModel
	diags := nullResourceModel(ctx, poolResourceSchema(ctx), &m)
	m.apply(ctx, p)
	return m, diags
}
