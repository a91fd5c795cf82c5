package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// NewElasticResourcePoolListResource returns the dli_elastic_resource_pool list resource.
func NewElasticResourcePoolListResource() list.ListResource {
	return &listResource[poolList, poolListModel, client.ElasticResourcePool]{}
}

// poolListModel holds the filters, those of dli_elastic_resource_pools.
type poolListModel struct {
	Name   types.String `tfsdk:"name"`
	Status types.String `tfsdk:"status"`
	Tags   types.Map    `tfsdk:"tags"`
}

type poolList struct{}

func (poolList) listSpec() listSpec[poolListModel, client.ElasticResourcePool] {
	return listSpec[poolListModel, client.ElasticResourcePool]{
		typeName: "_elastic_resource_pool",
		description: "Finds elastic resource pools for `terraform query` (Terraform 1.14 and later), with the " +
			"filters of the `dli_elastic_resource_pools` data source, following every page. Each result carries the " +
			"pool's identity (its name) and, with `include_resource` (or `-generate-config-out`), the pool as " +
			"`dli_elastic_resource_pool` would read it after an import, so that the generated blocks plan with no change.",
		filters: NewElasticResourcePoolsDataSource,
		plural:  "elastic resource pools",
		list: func(ctx context.Context, c *client.Client, f *poolListModel, _ int64, diags *diag.Diagnostics) ([]client.ElasticResourcePool, error) {
			return c.ListPools(ctx, f.options(ctx, diags))
		},
		id:      func(p *client.ElasticResourcePool) string { return p.Name },
		display: func(p *client.ElasticResourcePool) string { return fmt.Sprintf("%s (%s)", p.Name, p.Status) },
		// The list answer is everything GetPool would read (DLI has no GET by name), plus the tags.
		resource: func(ctx context.Context, c *client.Client, p *client.ElasticResourcePool, diags *diag.Diagnostics) any {
			m, d := importedPool(ctx, p)
			diags.Append(d...)
			m.Tags, _ = readPoolTags(ctx, c, p, m.Tags, diags) // as the Read after an import
			return &m
		},
	}
}

// options are the filters DLI applies.
func (f *poolListModel) options(ctx context.Context, diags *diag.Diagnostics) client.PoolListOptions {
	return client.PoolListOptions{Name: f.Name.ValueString(), Status: f.Status.ValueString(), Tags: stringMapOf(ctx, f.Tags, diags)}
}

// importedPool is the resource as ImportState and the Read after it make it.
func importedPool(ctx context.Context, p *client.ElasticResourcePool) (poolResourceModel, diag.Diagnostics) {
	var m poolResourceModel
	diags := nullResourceModel(ctx, poolResourceSchema(ctx), &m)
	m.apply(ctx, p)
	return m, diags
}
