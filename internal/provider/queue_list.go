package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var (
	_ list.ListResourceWithConfigure = (*queueListResource)(nil)
)

// NewQueueListResource returns the dli_queue list resource.
func NewQueueListResource() list.ListResource { return &queueListResource{} }

type queueListResource struct{ listResourceBase }

// queueListModel holds the filters, those of dli_queues.
type queueListModel struct {
	Type types.String `tfsdk:"type"`
	Tags types.Map    `tfsdk:"tags"`
}

func (l *queueListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_queue"
}

func (l *queueListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds queues for `terraform query` (Terraform 1.14 and later), with the filters of the " +
			"`dli_queues` data source, following every page. Each result carries the queue's identity (its name) and, " +
			"with `include_resource` (or `-generate-config-out`), the queue as `dli_queue` would read it after an " +
			"import, scaling policies and properties included, so that the generated blocks plan with no change.",
		Attributes: filterAttributes(NewQueuesDataSource()),
	}
}

func (l *queueListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var f queueListModel
	diags := req.Config.Get(ctx, &f)
	if !diags.HasError() {
		l.ready(&diags)
	}
	tags := stringMapOf(ctx, f.Tags, &diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	typ := f.Type.ValueString()
	if typ == "" {
		typ = "all" // as the data source: DLI alone would list SQL queues only
	}
	qs, err := l.client.ListQueues(ctx, client.QueueListOptions{Type: typ, Tags: tags})
	if err != nil {
		*stream = listError("Error listing queues", fmt.Sprintf("Could not list queues: %s", err))
		return
	}
	stream.Results = func(yield func(list.ListResult) bool) {
		push := limited(req.Limit, yield)
		for i := range qs {
			if !push(l.result(ctx, req, &qs[i])) {
				return
			}
		}
	}
}

func (l *queueListResource) result(ctx context.Context, req list.ListRequest, q *client.Queue) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = fmt.Sprintf("%s (%s, %d CUs)", q.Name, firstNonEmpty(q.Type, "queue"), q.CUCount)
	identity, diags := newIdentity(ctx, l.client, q.Name, nil)
	r.Diagnostics.Append(diags...)
	r.Diagnostics.Append(r.Identity.Set(ctx, identity)...)
	if !req.IncludeResource || r.Diagnostics.HasError() {
		return r
	}
	var m queueResourceModel
	r.Diagnostics.Append(nullResourceModel(ctx, queueResourceSchema(ctx), &m)...)
	m.ID = types.StringValue(q.Name)
	// The Read that follows an import: everything the queue has.
	res := &queueResource{resourceBase{providerData{client: l.client}}}
	if !res.readInto(ctx, &m, true, &r.Diagnostics) && !r.Diagnostics.HasError() {
		r.Diagnostics.AddError("Queue not found", fmt.Sprintf("Queue %s was listed but could not be read: DLI no longer knows it.", q.Name))
	}
	if !r.Diagnostics.HasError() {
		r.Diagnostics.Append(r.Resource.Set(ctx, &m)...)
	}
	return r
}
