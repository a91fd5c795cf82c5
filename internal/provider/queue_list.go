package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// NewQueueListResource returns the dli_queue list resource.
func NewQueueListResource() list.ListResource {
	return &listResource[queueList, queueListModel, client.Queue]{}
}

// queueListModel holds the filters, those of dli_queues.
type queueListModel struct {
	Type types.String `tfsdk:"type"`
	Tags types.Map    `tfsdk:"tags"`
}

type queueList struct{}

func (queueList) listSpec() listSpec[queueListModel, client.Queue] {
	return listSpec[queueListModel, client.Queue]{
		typeName: "_queue",
		description: "Finds queues for `terraform query` (Terraform 1.14 and later), with the filters of the " +
			"`dli_queues` data source, following every page. Each result carries the queue's identity (its name) and, " +
			"with `include_resource` (or `-generate-config-out`), the queue as `dli_queue` would read it after an " +
			"import, scaling policies and properties included, so that the generated blocks plan with no change.",
		filters: NewQueuesDataSource,
		plural:  "queues",
		list: func(ctx context.Context, c *client.Client, f *queueListModel, _ int64, diags *diag.Diagnostics) ([]client.Queue, error) {
			return c.ListQueues(ctx, f.options(ctx, diags))
		},
		id: func(q *client.Queue) string { return q.Name },
		display: func(q *client.Queue) string {
			return fmt.Sprintf("%s (%s, %d CUs)", q.Name, firstNonEmpty(q.Type, "queue"), q.CUCount)
		},
		resource: func(ctx context.Context, c *client.Client, q *client.Queue, diags *diag.Diagnostics) any {
			var m queueResourceModel
			diags.Append(nullResourceModel(ctx, queueResourceSchema(ctx), &m)...)
			m.ID = types.StringValue(q.Name)
			// The Read that follows an import: everything the queue has.
			res := &queueResource{}
			res.client = c
			if !res.readInto(ctx, &m, true, diags) && !diags.HasError() {
				diags.AddError("Queue not found", fmt.Sprintf("Queue %s was listed but could not be read: DLI no longer knows it.", q.Name))
			}
			return &m
		},
	}
}

// options are the filters DLI applies; without a type, queues of every type (DLI alone would
// list SQL queues only).
func (f *queueListModel) options(ctx context.Context, diags *diag.Diagnostics) client.QueueListOptions {
	return client.QueueListOptions{Type: firstNonEmpty(f.Type.ValueString(), "all"), Tags: stringMapOf(ctx, f.Tags, diags)}
}
