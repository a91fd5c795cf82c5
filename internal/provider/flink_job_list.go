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

var (
	_ list.ListResourceWithConfigure = (*flinkJobListResource[flinkSQLJobModel, *flinkSQLJobModel])(nil)
	_ list.ListResourceWithConfigure = (*flinkJobListResource[flinkJarJobModel, *flinkJarJobModel])(nil)
)

// NewFlinkSQLJobListResource returns the dli_flink_sql_job list resource.
func NewFlinkSQLJobListResource() list.ListResource {
	return &flinkJobListResource[flinkSQLJobModel, *flinkSQLJobModel]{kind: flinkSQLKind}
}

// NewFlinkJarJobListResource returns the dli_flink_jar_job list resource.
func NewFlinkJarJobListResource() list.ListResource {
	return &flinkJobListResource[flinkJarJobModel, *flinkJarJobModel]{kind: flinkJarKind}
}

// flinkJobListResource finds the Flink jobs of one kind; the code is shared like the resources'.
type flinkJobListResource[T any, P flinkModelPtr[T]] struct {
	listResourceBase
	kind flinkKind
}

// flinkJobListModel holds the filters, those of dli_flink_jobs.
type flinkJobListModel struct {
	Name    types.String      `tfsdk:"name"`
	Queue   types.String      `tfsdk:"queue"`
	Status  types.String      `tfsdk:"status"`
	JobType types.String      `tfsdk:"job_type"`
	Tags    map[string]string `tfsdk:"tags"`
}

func (l *flinkJobListResource[T, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + l.kind.suffix
}

func (l *flinkJobListResource[T, P]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: fmt.Sprintf("Finds %ss for `terraform query` (Terraform 1.14 and later), with the filters of "+
			"the `dli_flink_jobs` data source, following every page; jobs of the other kind are left out. Each result "+
			"carries the job's identity and, with `include_resource` (or `-generate-config-out`), the job as `dli%s` "+
			"would read it after an import, so that the generated blocks plan with no change.", l.kind.name, l.kind.suffix),
		Attributes: filterAttributes(NewFlinkJobsDataSource()),
	}
}

func (l *flinkJobListResource[T, P]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var f flinkJobListModel
	diags := req.Config.Get(ctx, &f)
	if !diags.HasError() {
		l.ready(&diags)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	jobs, err := l.client.ListFlinkJobs(ctx, client.FlinkListOptions{Name: f.Name.ValueString(), Queue: f.Queue.ValueString(),
		Status: f.Status.ValueString(), JobType: f.JobType.ValueString(), Tags: f.Tags})
	if err != nil {
		*stream = listError("Error listing Flink jobs", fmt.Sprintf("Could not list Flink jobs: %s", err))
		return
	}
	stream.Results = func(yield func(list.ListResult) bool) {
		push := limited(req.Limit, yield)
		for i := range jobs {
			if (jobs[i].JobType == "" || containsString(l.kind.jobTypes, jobs[i].JobType)) && !push(l.result(ctx, req, &jobs[i])) {
				return
			}
		}
	}
}

// result is one job: its identity, a display name and, when asked, the resource as an import
// reads it (the detail and, for the tags, one more request).
func (l *flinkJobListResource[T, P]) result(ctx context.Context, req list.ListRequest, listed *client.FlinkJob) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = fmt.Sprintf("%s (%s)", firstNonEmpty(listed.Name, listed.ID), listed.Status)
	identity, diags := newIdentity(ctx, l.client, listed.ID, nil)
	r.Diagnostics.Append(diags...)
	r.Diagnostics.Append(r.Identity.Set(ctx, identity)...)
	if !req.IncludeResource || r.Diagnostics.HasError() {
		return r
	}
	job, err := l.client.GetFlinkJob(ctx, listed.ID)
	if err == nil && job.Tags == nil {
		job.Tags, err = l.client.GetFlinkJobTags(ctx, listed.ID)
	}
	if err != nil {
		r.Diagnostics.AddError("Error reading "+l.kind.name, fmt.Sprintf("Could not read %s %s: %s", l.kind.name, listed.ID, err))
		return r
	}
	m, diags := importedFlinkJob[T, P](ctx, l.kind, job)
	r.Diagnostics.Append(diags...)
	if !r.Diagnostics.HasError() {
		r.Diagnostics.Append(r.Resource.Set(ctx, m)...)
	}
	return r
}

// importedFlinkJob is the resource as ImportState and the Read after it make it.
func importedFlinkJob[T any, P flinkModelPtr[T]](ctx context.Context, kind flinkKind, job *client.FlinkJob) (*T, diag.Diagnostics) {
	var m T
	p := P(&m)
	diags := nullResourceModel(ctx, kind.schema(ctx), &m)
	id, args, set, st := p.parts()
	*id = types.StringValue(job.ID)
	set.WaitFor = types.StringValue(waitForRunning)
	args.apply(job)
	p.applyKind(job)
	*st = flinkStatusFrom(job)
	set.DesiredState = types.StringValue(desiredStopped)
	if job.Status.IsActive() {
		set.DesiredState = types.StringValue(desiredRunning)
	}
	return &m, diags
}
