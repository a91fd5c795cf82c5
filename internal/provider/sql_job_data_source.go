package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// NewSQLJobDataSource returns the dli_sql_job data source.
func NewSQLJobDataSource() datasource.DataSource { return &sqlJobDataSource{} }

type (
	sqlJobDataSource = dataSource[sqlJobData, sqlJobDataModel]
	sqlJobData       struct{}
)

// sqlJobDataModel is one SQL job as the data sources show it.
type sqlJobDataModel struct {
	ID types.String `tfsdk:"id"`
	sqlJobArgsModel
	sqlJobStatusModel
	Message types.String `tfsdk:"message"`
}

// sqlJobDataSourceAttributes are the resource's attributes without its provider-side
// settings, plus DLI's message about the job.
func sqlJobDataSourceAttributes() map[string]schema.Attribute {
	attrs := computedAttributes(sqlJobResourceSchema(context.Background()).Attributes, providerSideAttributes...)
	attrs["message"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "DLI's message about the job: why it failed, for a `FAILED` job."}
	return attrs
}

func (sqlJobData) dataSourceSpec() dataSourceSpec[sqlJobDataModel] {
	return dataSourceSpec[sqlJobDataModel]{typeName: "_sql_job", attributes: sqlJobDataSourceAttributes,
		key: keyAttribute("id", "ID of the SQL job to read (a UUID).", sqlJobIDValidator()),
		description: "Reads one SQL job, submitted by Terraform or not: its statement, queue, database, conf and " +
			"tags, its status and counts: `GET /v1.0/{project_id}/jobs/{job_id}/status`, plus a listing of that job for its " +
			"engine, which the status API does not report.",
		read: func(ctx context.Context, c *client.Client, m *sqlJobDataModel, diags *diag.Diagnostics) {
			job, err := c.GetSQLJob(ctx, m.ID.ValueString())
			if err != nil {
				lookupError(diags, "SQL job", m.ID.ValueString(), err)
				return
			}
			if job.Engine == "" {
				job.Engine = listedSQLEngine(ctx, c, job.ID)
			}
			*m = sqlJobDataFromClient(job)
		}}
}

func sqlJobDataFromClient(job *client.SQLJob) sqlJobDataModel {
	return sqlJobDataModel{
		ID:                types.StringValue(job.ID),
		sqlJobArgsModel:   sqlArgsFromJob(job, sqlJobArgsModel{}),
		sqlJobStatusModel: sqlStatusFromJob(job),
		Message:           types.StringValue(job.Message),
	}
}
