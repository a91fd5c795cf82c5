package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var (
	_ list.ListResource              = (*batchJobListResource)(nil)
	_ list.ListResourceWithConfigure = (*batchJobListResource)(nil)
)

// NewBatchJobListResource returns the dli_batch_job list resource.
func NewBatchJobListResource() list.ListResource {
	return &batchJobListResource{}
}

type batchJobListResource struct{ listResourceBase }

// batchJobListModel holds the filters, those of dli_batch_jobs.
type batchJobListModel struct {
	Queue         types.String `tfsdk:"queue"`
	Name          types.String `tfsdk:"name"`
	NamePrefix    types.String `tfsdk:"name_prefix"`
	NameRegex     types.String `tfsdk:"name_regex"`
	State         types.String `tfsdk:"state"`
	Owner         types.String `tfsdk:"owner"`
	CreatedAfter  types.String `tfsdk:"created_after"`
	CreatedBefore types.String `tfsdk:"created_before"`
	Order         types.String `tfsdk:"order"`
}

func (l *batchJobListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_batch_job"
}

func (l *batchJobListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds Spark batch jobs for `terraform query` (Terraform 1.14 and later), with the filters of " +
			"the `dli_batch_jobs` data source, following every page. Each result carries the job's identity and, with " +
			"`include_resource` (or `-generate-config-out`), the job as `dli_batch_job` would read it after an import: " +
			"the generated `resource` and `import` blocks plan with no change, so that jobs started by hand are adopted " +
			"in one step. `secret_conf` values are never part of a result: DLI's copy of the conf is shown without them.",
		Attributes: filterAttributes(NewBatchJobsDataSource()),
	}
}

func (l *batchJobListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var filters batchJobListModel
	diags := req.Config.Get(ctx, &filters)
	if !diags.HasError() {
		l.ready(&diags)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	opts := client.ListOptions{
		Queue: filters.Queue.ValueString(), JobName: filters.Name.ValueString(), State: filters.State.ValueString(),
		Owner: filters.Owner.ValueString(), Order: filters.Order.ValueString(),
	}
	opts.CreatedAfter, _ = parseOptionalTime(filters.CreatedAfter)
	opts.CreatedBefore, _ = parseOptionalTime(filters.CreatedBefore)
	keep := nameFilter(filters.NamePrefix.ValueString(), filters.NameRegex.ValueString())
	localFilter := filters.NamePrefix.ValueString() != "" || filters.NameRegex.ValueString() != ""
	if !localFilter && req.Limit > 0 {
		opts.Limit = int(req.Limit) // DLI's paging stops at the limit; a name filter must see every page
	}
	jobs, err := l.client.ListBatchJobs(ctx, opts)
	if err != nil {
		*stream = listError("Error listing batch jobs", fmt.Sprintf("Could not list batch jobs: %s", err))
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		sent := int64(0)
		for i := range jobs {
			if !keep(jobs[i].Name) {
				continue
			}
			if req.Limit > 0 && sent >= req.Limit {
				return
			}
			sent++
			if !push(l.result(ctx, req, &jobs[i])) {
				return
			}
		}
	}
}

// result is one job: its identity, a display name and, when asked, the resource as an import
// would read it (the listed job carries the submission; else one read gets it).
func (l *batchJobListResource) result(ctx context.Context, req list.ListRequest, job *client.BatchJob) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = fmt.Sprintf("%s (%s)", firstNonEmpty(job.Name, job.ID), stateDesc(job.State))
	identity, diags := newIdentity(ctx, l.client, job.ID, nil)
	r.Diagnostics.Append(diags...)
	r.Diagnostics.Append(r.Identity.Set(ctx, identity)...)
	if !req.IncludeResource || r.Diagnostics.HasError() {
		return r
	}
	if job.Request == nil {
		detail, err := l.client.GetBatchJob(ctx, job.ID)
		if err != nil {
			r.Diagnostics.AddError("Error reading batch job", fmt.Sprintf("Could not read batch job %s: %s", job.ID, err))
			return r
		}
		job = detail
	}
	model := importedBatchJob(job)
	r.Diagnostics.Append(r.Resource.Set(ctx, &model)...)
	return r
}

// importedBatchJob is the resource as ImportState and the Read after it make it.
func importedBatchJob(job *client.BatchJob) batchJobResourceModel {
	data := jobDataFromClient(job)
	return batchJobResourceModel{
		ID:              data.ID,
		jobArgsModel:    data.jobArgsModel,
		WaitFor:         types.StringValue(waitForSubmitted),
		CancelOnDestroy: types.BoolValue(true),
		RerunOnFailure:  types.BoolValue(false),
		Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
			"create": types.StringType, "read": types.StringType, "delete": types.StringType,
		})},
		SecretConfVersion: types.Int64Null(),
		jobStatusModel:    data.jobStatusModel,
	}
}
