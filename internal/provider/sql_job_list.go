package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// NewSQLJobListResource returns the dli_sql_job list resource.
func NewSQLJobListResource() list.ListResource { return &sqlJobListResource{} }

type sqlJobListResource = listResource[sqlJobList, sqlJobListModel, client.SQLJob]

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

type sqlJobList struct{}

func (sqlJobList) listSpec() listSpec[sqlJobListModel, client.SQLJob] {
	return listSpec[sqlJobListModel, client.SQLJob]{
		typeName: "_sql_job",
		description: "Finds SQL jobs for `terraform query` (Terraform 1.14 and later), with the filters of the " +
			"`dli_sql_jobs` data source, following every page. Each result carries the job's identity and, with " +
			"`include_resource` (or `-generate-config-out`), the job as `dli_sql_job` would read it after an import, so " +
			"that the generated blocks plan with no change and nothing runs again. The display name is the job's type, " +
			"ID and status: statements are not shown there.",
		filters: NewSQLJobsDataSource,
		plural:  "SQL jobs",
		list: func(ctx context.Context, c *client.Client, f *sqlJobListModel, limit int64, _ *diag.Diagnostics) ([]client.SQLJob, error) {
			opts := f.options()
			opts.Limit = int(limit)
			return c.ListSQLJobs(ctx, opts)
		},
		keep: func(f *sqlJobListModel) func(*client.SQLJob) bool {
			if len(f.Tags) == 0 {
				return nil
			}
			return func(job *client.SQLJob) bool { return hasTags(job.Tags, f.Tags) }
		},
		id: func(job *client.SQLJob) string { return job.ID },
		display: func(job *client.SQLJob) string {
			return strings.TrimSpace(fmt.Sprintf("%s %s (%s)", job.JobType, job.ID, statusDesc(job.Status)))
		},
		// One status request: the list leaves out the conf.
		resource: func(ctx context.Context, c *client.Client, listed *client.SQLJob, diags *diag.Diagnostics) any {
			job, err := c.GetSQLJob(client.WithSecrets(ctx, listed.Statement), listed.ID)
			if err != nil {
				readError(diags, "SQL job", listed.ID, err)
				return nil
			}
			if job.Engine == "" {
				job.Engine = listed.Engine // only the list reports it
			}
			m, d := importedSQLJob(ctx, job)
			diags.Append(d...)
			return &m
		},
	}
}

// options are the filters DLI applies.
func (f *sqlJobListModel) options() client.SQLListOptions {
	opts := client.SQLListOptions{
		Queue: f.Queue.ValueString(), Status: f.Status.ValueString(), JobType: f.JobType.ValueString(),
		SQLPattern: f.SQLPattern.ValueString(), Tags: f.Tags, Owner: f.Owner.ValueString(), Order: f.Order.ValueString(),
	}
	opts.StartAfter, _ = parseOptionalTime(f.StartAfter)
	opts.StartBefore, _ = parseOptionalTime(f.StartBefore)
	return opts
}

// importedSQLJob is the resource as ImportState and the Read after it make it.
func importedSQLJob(ctx context.Context, job *client.SQLJob) (sqlJobResourceModel, diag.Diagnostics) {
	var m sqlJobResourceModel
	diags := nullResourceModel(ctx, sqlJobResourceSchema(ctx), &m)
	m.ID = types.StringValue(job.ID)
	m.adoptDefaults(waitForFinished)
	m.sqlJobArgsModel = sqlArgsFromJob(job, m.sqlJobArgsModel)
	m.sqlJobStatusModel = sqlStatusFromJob(job)
	return m, diags
}
