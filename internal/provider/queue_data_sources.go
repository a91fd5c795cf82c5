package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// queueDataAttributes are the queue's attributes as the data sources show them, derived from
// the resource.
func queueDataAttributes() map[string]schema.Attribute {
	return computedAttributes(queueResourceSchema(context.Background()).Attributes, queueDataSourceSkip...)
}

// NewQueueDataSource returns the dli_queue data source.
func NewQueueDataSource() datasource.DataSource { return &dataSource[queueData, queueFields]{} }

type queueData struct{}

func (queueData) dataSourceSpec() dataSourceSpec[queueFields] {
	return dataSourceSpec[queueFields]{typeName: "_queue", attributes: queueDataAttributes,
		key: keyAttribute("name", "Name of the queue (compared without regard to case).", queueNameValidator()),
		description: "Reads one DLI queue by name: its detail, and the list for platform, feature, engine " +
			"and labels. The attributes are those of the `dli_queue` resource.",
		read: func(ctx context.Context, c *client.Client, m *queueFields, diags *diag.Diagnostics) {
			name := m.Name.ValueString()
			q, err := c.GetQueue(ctx, name)
			if err == nil {
				var listed *client.Queue
				if listed, err = c.FindQueue(ctx, name); err == nil {
					m.applyDetail(q)
					m.applyListed(listed)
				}
			}
			if err != nil {
				readError(diags, "queue", name, err)
			}
		}}
}

// NewQueuesDataSource returns the dli_queues data source.
func NewQueuesDataSource() datasource.DataSource { return &dataSource[queuesData, queuesDataModel]{} }

type queuesData struct{}

type queuesDataModel struct {
	queueListModel
	Names  []string      `tfsdk:"names"`
	Queues []queueFields `tfsdk:"queues"`
}

func (queuesData) dataSourceSpec() dataSourceSpec[queuesDataModel] {
	return dataSourceSpec[queuesDataModel]{typeName: "_queues",
		description: "Lists the project's DLI queues, following every page. Each queue has the attribute " +
			"names of the `dli_queue` resource.",
		attributes: func() map[string]schema.Attribute {
			return map[string]schema.Attribute{
				"type": filterString("`sql`, `general` or `all` (default). DLI itself lists only SQL queues unless "+
					"asked, so the default here asks for every type.", stringvalidator.OneOf("sql", "general", "all")),
				"tags":   tagsFilter("queues"),
				"names":  listedIDs("Names of the queues, in DLI's order (by name)."),
				"queues": listedObjects("The queues.", queueDataAttributes()),
			}
		}, read: func(ctx context.Context, c *client.Client, m *queuesDataModel, diags *diag.Diagnostics) {
			qs, err := c.ListQueues(ctx, m.options(ctx, diags))
			if err != nil {
				diags.AddError("Error listing queues", err.Error())
				return
			}
			m.Names, m.Queues = collect(qs, nil, func(q *client.Queue) string { return q.Name }, func(q *client.Queue) queueFields {
				var f queueFields
				f.applyDetail(q)
				f.applyListed(q)
				return f
			})
		}}
}
