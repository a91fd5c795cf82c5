package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var (
	_ list.ListResource              = (*sqlJobListResource)(nil)
	_ list.ListResourceWithConfigure = (*sqlJobListResource)(nil)
)

// NewSQLJobListResource returns the dli_sql_job list resource.
func NewSQLJobListResource() list.ListResource { return &sqlJobListResource{} }

type sqlJobListResource struct{ listResourceBase }

// sqlJobListModel holds the filters, those of dli_sql_jobs.
type sqlJobListModel struct {
	Queue       types.String      `tfsdk:"queue"`
	Status      types.String      `tfsdk:"status"`
	JobType     types.String      `tfsdk:"job_type"`
	SQLPattern  types.String      `tfsdk:"sql_pattern"`
	Tags        map[string]string `tfsdk:"tags"`
	Owner       types.String      `tfsdk:"owner"`
	StartAfter  types.String      `tfsdk:"start_after"`
	StartBefore types.String      `tfsdk:"start_before"`
	Order       types.String      `tfsdk:"order"`
}

func (l *sqlJobListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sql_job"
}

func (l *sqlJobListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds SQL jobs for `terraform query` (Terraform 1.14 and later), with the filters of the " +
			"`dli_sql_jobs` data source, following every page. Each result carries the job's identity and, with " +
			"`include_resource` (or `-generate-config-out`), the job as `dli_sql_job` would read it after an import, so " +
			"that the generated blocks plan with no change and nothing runs again. The display name is the job's type, " +
			"ID and status: statements are not shown there.",
		Attributes: filterAttributes(NewSQLJobsDataSource()),
	}
}

func (l *sqlJobListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var f sqlJobListModel
	diags := req.Config.Get(ctx, &f)
	if !diags.HasError() {
		l.ready(&diags)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	opts := client.SQLListOptions{
		Queue: f.Queue.ValueString(), Status: f.Status.ValueString(), JobType: f.JobType.ValueString(),
		SQLPattern: f.SQLPattern.ValueString(), Tags: f.Tags, Owner: f.Owner.ValueString(), Order: f.Order.ValueString(),
	}
	opts.StartAfter, _ = parseOptionalTime(f.StartAfter)
	opts.StartBefore, _ = parseOptionalTime(f.StartBefore)
	if len(f.Tags) == 0 && req.Limit > 0 {
		opts.Limit = int(req.Limit) // the tag check below must see every page
	}
	jobs, err := l.client.ListSQLJobs(ctx, opts)
	if err != nil {
		*stream = listError("Error listing SQL jobs", fmt.Sprintf("Could not list SQL jobs: %s", err))
		return
	}
	stream.Results = func(yield func(list.ListResult) bool) {
		push := limited(req.Limit, yield)
		for i := range jobs {
			if hasTags(jobs[i].Tags, f.Tags) && !push(l.result(ctx, req, &jobs[i])) {
				return
			}
		}
	}
}

// result is one job: its identity, a display name and, when asked, the resource as an import
// reads it (one status request: the list leaves out the conf).
func (l *sqlJobListResource) result(ctx context.Context, req list.ListRequest, listed *client.SQLJob) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = strings.TrimSpace(fmt.Sprintf("%s %s (%s)", listed.JobType, listed.ID, statusDesc(listed.Status)))
	identity, diags := newIdentity(ctx, l.client, listed.ID, nil)
	r.Diagnostics.Append(diags...)
	r.Diagnostics.Append(r.Identity.Set(ctx, identity)...)
	if !req.IncludeResource || r.Diagnostics.HasError() {
		return r
	}
	job, err := l.client.GetSQLJob(client.WithSecrets(ctx, listed.Statement), listed.ID)
	if err != nil {
		r.Diagnostics.AddError("Error reading SQL job", fmt.Sprintf("Could not read SQL job %s: %s", listed.ID, err))
		return r
	}
	if job.Engine == "" {
		job.Engine = listed.Engine // only the list reports it
	}
	model, diags := importedSQLJob(ctx, job)
	r.Diagnostics.Append(diags...)
	if !r.Diagnostics.HasError() {
		r.Diagnostics.Append(r.Resource.Set(ctx, &model)...)
	}
	return r
}

// importedSQLJob is the resource as ImportState and the Read after it make it.
func importedSQLJob(ctx context.Context, job *client.SQLJob) (sqlJobResourceModel, diag.Diagnostics) {
	var m sqlJobResourceModel
	diags := nullResourceModel(ctx, sqlJobResourceSchema(ctx), &m)
	m.ID = types.StringValue(job.ID)
	m.WaitFor, m.CancelOnDestroy, m.RerunOnFailure = types.StringValue(waitForFinished), types.BoolValue(true), types.BoolValue(false)
	m.sqlJobArgsModel = sqlArgsFromJob(job, m.sqlJobArgsModel)
	m.sqlJobStatusModel = sqlStatusFromJob(job)
	return m, diags
}
