package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var (
	_ datasource.DataSourceWithConfigure = (*poolDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*poolsDataSource)(nil)
)

func poolDataAttributes() map[string]schema.Attribute {
	return computedAttributes(poolResourceSchema(context.Background()).Attributes, poolDataSourceSkip...)
}

// NewElasticResourcePoolDataSource returns the dli_elastic_resource_pool data source.
func NewElasticResourcePoolDataSource() datasource.DataSource { return &poolDataSource{} }

type poolDataSource struct{ dataSourceBase }

func (d *poolDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_elastic_resource_pool"
}

func (d *poolDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := poolDataAttributes()
	attrs["name"] = schema.StringAttribute{Required: true, Validators: []validator.String{queueNameValidator()},
		MarkdownDescription: "Name of the pool (compared without regard to case)."}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one DLI elastic resource pool by name (DLI has no request for one pool: it is " +
			"found in the list). The attributes are those of the `dli_elastic_resource_pool` resource.",
		Attributes: attrs,
	}
}

func (d *poolDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m poolFields
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics) {
		return
	}
	p, err := d.client.GetPool(ctx, m.Name.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Error reading elastic resource pool", fmt.Sprintf("Could not read elastic resource pool %s: %s", m.Name.ValueString(), err))
		return
	}
	m.apply(ctx, p)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// NewElasticResourcePoolsDataSource returns the dli_elastic_resource_pools data source.
func NewElasticResourcePoolsDataSource() datasource.DataSource { return &poolsDataSource{} }

type poolsDataSource struct{ dataSourceBase }

type poolsDataModel struct {
	Name   types.String `tfsdk:"name"`
	Status types.String `tfsdk:"status"`
	Tags   types.Map    `tfsdk:"tags"`
	Names  []string     `tfsdk:"names"`
	Pools  []poolFields `tfsdk:"pools"`
}

func (d *poolsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_elastic_resource_pools"
}

func (d *poolsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the project's DLI elastic resource pools, following every page. Each pool has " +
			"the attribute names of the `dli_elastic_resource_pool` resource.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 128)},
				MarkdownDescription: "Only pools whose name contains this text (filtered by DLI)."},
			"status": schema.StringAttribute{Optional: true,
				Validators:          []validator.String{stringvalidator.OneOf(client.PoolCreating, client.PoolAvailable, client.PoolScaling, client.PoolFailed)},
				MarkdownDescription: "Only pools in this status: `CREATING`, `AVAILABLE`, `SCALING` or `FAILED`."},
			"tags": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				Validators:          []validator.Map{mapvalidator.NoNullValues()},
				MarkdownDescription: "Only pools that carry every one of these tags (filtered by DLI)."},
			"names": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Names of the pools."},
			"pools": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The pools.",
				NestedObject: schema.NestedAttributeObject{Attributes: poolDataAttributes()}},
		},
	}
}

func (d *poolsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m poolsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics) {
		return
	}
	ps, err := d.client.ListPools(ctx, client.PoolListOptions{Name: m.Name.ValueString(), Status: m.Status.ValueString(),
		Tags: stringMapOf(ctx, m.Tags, &resp.Diagnostics)})
	if err != nil {
		resp.Diagnostics.AddError("Error listing elastic resource pools", err.Error())
		return
	}
	m.Names, m.Pools = []string{}, []poolFields{}
	for i := range ps {
		var f poolFields
		f.apply(ctx, &ps[i])
		m.Names = append(m.Names, ps[i].Name)
		m.Pools = append(m.Pools, f)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
