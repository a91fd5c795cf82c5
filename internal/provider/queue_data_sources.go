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
	_ datasource.DataSourceWithConfigure = (*queueDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*queuesDataSource)(nil)
)

// queueDataAttributes are the queue's attributes as the data sources show them, derived from
// the resource.
func queueDataAttributes() map[string]schema.Attribute {
	return computedAttributes(queueResourceSchema(context.Background()).Attributes, queueDataSourceSkip...)
}

// NewQueueDataSource returns the dli_queue data source.
func NewQueueDataSource() datasource.DataSource { return &queueDataSource{} }

type queueDataSource struct{ dataSourceBase }

func (d *queueDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_queue"
}

func (d *queueDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := queueDataAttributes()
	attrs["name"] = schema.StringAttribute{Required: true, Validators: []validator.String{queueNameValidator()},
		MarkdownDescription: "Name of the queue (compared without regard to case)."}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one DLI queue by name: its detail, and the list for platform, feature, engine " +
			"and labels. The attributes are those of the `dli_queue` resource.",
		Attributes: attrs,
	}
}

func (d *queueDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m queueFields
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics) {
		return
	}
	name := m.Name.ValueString()
	q, err := d.client.GetQueue(ctx, name)
	if err == nil {
		var listed *client.Queue
		if listed, err = d.client.FindQueue(ctx, name); err == nil {
			m.applyDetail(q)
			m.applyListed(listed)
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading queue", fmt.Sprintf("Could not read queue %s: %s", name, err))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// NewQueuesDataSource returns the dli_queues data source.
func NewQueuesDataSource() datasource.DataSource { return &queuesDataSource{} }

type queuesDataSource struct{ dataSourceBase }

type queuesDataModel struct {
	Type   types.String  `tfsdk:"type"`
	Tags   types.Map     `tfsdk:"tags"`
	Names  []string      `tfsdk:"names"`
	Queues []queueFields `tfsdk:"queues"`
}

func (d *queuesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_queues"
}

func (d *queuesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the project's DLI queues, following every page. Each queue has the attribute " +
			"names of the `dli_queue` resource.",
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{Optional: true,
				Validators: []validator.String{stringvalidator.OneOf("sql", "general", "all")},
				MarkdownDescription: "`sql`, `general` or `all` (default). DLI itself lists only SQL queues unless " +
					"asked, so the default here asks for every type."},
			"tags": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				Validators:          []validator.Map{mapvalidator.NoNullValues()},
				MarkdownDescription: "Only queues that carry every one of these tags (filtered by DLI)."},
			"names": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Names of the queues, in DLI's order (by name)."},
			"queues": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The queues.",
				NestedObject: schema.NestedAttributeObject{Attributes: queueDataAttributes()}},
		},
	}
}

func (d *queuesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m queuesDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics) {
		return
	}
	typ := m.Type.ValueString()
	if typ == "" {
		typ = "all"
	}
	qs, err := d.client.ListQueues(ctx, client.QueueListOptions{Type: typ, Tags: stringMapOf(ctx, m.Tags, &resp.Diagnostics)})
	if err != nil {
		resp.Diagnostics.AddError("Error listing queues", err.Error())
		return
	}
	m.Names, m.Queues = []string{}, []queueFields{}
	for i := range qs {
		var f queueFields
		f.applyDetail(&qs[i])
		f.applyListed(&qs[i])
		m.Names = append(m.Names, qs[i].Name)
		m.Queues = append(m.Queues, f)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
