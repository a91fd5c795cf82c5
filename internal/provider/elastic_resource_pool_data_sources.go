package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

func poolDataAttributes() map[string]schema.Attribute {
	return computedAttributes(poolResourceSchema(context.Background()).Attributes, poolDataSourceSkip...)
}

// NewElasticResourcePoolDataSource returns the dli_elastic_resource_pool data source.
func NewElasticResourcePoolDataSource() datasource.DataSource {
	return &dataSource[poolData, poolFields]{}
}

type poolData struct{}

func (poolData) dataSourceSpec() dataSourceSpec[poolFields] {
	return dataSourceSpec[poolFields]{typeName: "_elastic_resource_pool", attributes: poolDataAttributes,
		key: keyAttribute("name", "Name of the pool (compared without regard to case).", queueNameValidator()),
		description: "Reads one DLI elastic resource pool by name (DLI has no request for one pool: it is " +
			"found in the list). The attributes are those of the `dli_elastic_resource_pool` resource.",
		read: func(ctx context.Context, c *client.Client, m *poolFields, diags *diag.Diagnostics) {
			p, err := c.GetPool(ctx, m.Name.ValueString())
			if err != nil {
				readError(diags, "elastic resource pool", m.Name.ValueString(), err)
				return
			}
			m.apply(ctx, p)
		}}
}

// NewElasticResourcePoolsDataSource returns the dli_elastic_resource_pools data source.
func NewElasticResourcePoolsDataSource() datasource.DataSource {
	return &dataSource[poolsData, poolsDataModel]{}
}

type poolsData struct{}

type poolsDataModel struct {
	poolListModel
	Names []string     `tfsdk:"names"`
	Pools []poolFields `tfsdk:"pools"`
}

func (poolsData) dataSourceSpec() dataSourceSpec[poolsDataModel] {
	return dataSourceSpec[poolsDataModel]{typeName: "_elastic_resource_pools",
		description: "Lists the project's DLI elastic resource pools, following every page. Each pool has " +
			"the attribute names of the `dli_elastic_resource_pool` resource.",
		attributes: func() map[string]schema.Attribute {
			return map[string]schema.Attribute{
				"name": filterString("Only pools whose name contains this text (filtered by DLI).",
					stringvalidator.LengthBetween(1, 128)),
				"status": filterString("Only pools in this status: `CREATING`, `AVAILABLE`, `SCALING` or `FAILED`.",
					stringvalidator.OneOf(client.PoolCreating, client.PoolAvailable, client.PoolScaling, client.PoolFailed)),
				"tags":  tagsFilter("pools"),
				"names": listedIDs("Names of the pools."),
				"pools": listedObjects("The pools.", poolDataAttributes()),
			}
		}, read: func(ctx context.Context, c *client.Client, m *poolsDataModel, diags *diag.Diagnostics) {
			ps, err := c.ListPools(ctx, m.options(ctx, diags))
			if err != nil {
				diags.AddError("Error listing elastic resource pools", err.Error())
				return
			}
			m.Names, m.Pools = collect(ps, nil, func(p *client.ElasticResourcePool) string { return p.Name },
				func(p *client.ElasticResourcePool) poolFields {
					var f poolFields
					f.apply(ctx, p)
					return f
				})
		}}
}
