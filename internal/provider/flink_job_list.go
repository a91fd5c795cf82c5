package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// NewFlinkSQLJobListResource returns the dli_flink_sql_job list resource.
func NewFlinkSQLJobListResource() list.ListResource {
	return &listResource[flinkSQLJobList, flinkJobListModel, client.FlinkJob]{}
}

// NewFlinkJarJobListResource returns the dli_flink_jar_job list resource.
func NewFlinkJarJobListResource() list.ListResource {
	return &listResource[flinkJarJobList, flinkJobListModel, client.FlinkJob]{}
}

// flinkJobListModel holds the filters, those of dli_flink_jobs.
type flinkJobListModel struct {
	Name    types.String      `tfsdk:"name"`
	Queue   types.String      `tfsdk:"queue"`
	Status  types.String      `tfsdk:"status"`
	JobType types.String      `tfsdk:"job_type"`
	Tags    map[string]string `tfsdk:"tags"`
}

type (
	flinkSQLJobList struct{}
	flinkJarJobList struct{}
)

func (flinkSQLJobList) listSpec() listSpec[flinkJobListModel, client.FlinkJob] {
	return flinkJobListSpec[flinkSQLJobModel](flinkSQLKind)
}

func (flinkJarJobList) listSpec() listSpec[flinkJobListModel, client.FlinkJob] {
	return flinkJobListSpec[flinkJarJobModel](flinkJarKind)
}

// flinkJobListSpec lists the Flink jobs of one kind; the code is shared like the resources'.
func flinkJobListSpec[T any, P flinkModelPtr[T]](kind flinkKind) listSpec[flinkJobListModel, client.FlinkJob] {
	return listSpec[flinkJobListModel, client.FlinkJob]{
		typeName: kind.suffix,
		description: fmt.Sprintf("Finds %ss for `terraform query` (Terraform 1.14 and later), with the filters of "+
			"the `dli_flink_jobs` data source, following every page; jobs of the other kind are left out. Each result "+
			"carries the job's identity and, with `include_resource` (or `-generate-config-out`), the job as `dli%s` "+
			"would read it after an import, so that the generated blocks plan with no change.", kind.name, kind.suffix),
		filters: NewFlinkJobsDataSource,
		plural:  "Flink jobs",
		list: func(ctx context.Context, c *client.Client, f *flinkJobListModel, _ int64, _ *diag.Diagnostics) ([]client.FlinkJob, error) {
			return c.ListFlinkJobs(ctx, f.options())
		},
		keep: func(*flinkJobListModel) func(*client.FlinkJob) bool {
			return func(job *client.FlinkJob) bool {
				return job.JobType == "" || containsString(kind.jobTypes, job.JobType)
			}
		},
		id: func(job *client.FlinkJob) string { return job.ID },
		display: func(job *client.FlinkJob) string {
			return fmt.Sprintf("%s (%s)", firstNonEmpty(job.Name, job.ID), job.Status)
		},
		// The detail and, for the tags, one more request.
		resource: func(ctx context.Context, c *client.Client, listed *client.FlinkJob, diags *diag.Diagnostics) any {
			job, err := c.GetFlinkJob(ctx, listed.ID)
			if err == nil && job.Tags == nil {
				job.Tags, err = c.GetFlinkJobTags(ctx, listed.ID)
			}
			if err != nil {
				readError(diags, kind.name, listed.ID, err)
				return nil
			}
			m, d := importedFlinkJob[T, P](ctx, kind, job)
			diags.Append(d...)
			return m
		},
	}
}

// options are the filters DLI applies.
func (f *flinkJobListModel) options() client.FlinkListOptions {
	return client.FlinkListOptions{Name: f.Name.ValueString(), Queue: f.Queue.ValueString(),
		Status: f.Status.ValueString(), JobType: f.JobType.ValueString(), Tags: f.Tags}
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
