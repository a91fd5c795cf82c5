package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var (
	_ datasource.DataSource              = (*sqlJobDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*sqlJobDataSource)(nil)
)

// NewSQLJobDataSource returns the dli_sql_job data source.
func NewSQLJobDataSource() datasource.DataSource {
	return &sqlJobDataSource{}
}

type sqlJobDataSource struct{ dataSourceBase }

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

func (d *sqlJobDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sql_job"
}

func (d *sqlJobDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := sqlJobDataSourceAttributes()
	attributes["id"] = schema.StringAttribute{Required: true, MarkdownDescription: "ID of the SQL job to read (a UUID).",
		Validators: []validator.String{sqlJobIDValidator()}}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one SQL job, submitted by Terraform or not: its statement, queue, database, conf and " +
			"tags, its status and counts: `GET /v1.0/{project_id}/jobs/{job_id}/status`, plus a listing of that job for its " +
			"engine, which the status API does not report.",
		Attributes: attributes,
	}
}

func (d *sqlJobDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var id types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, pathID, &id)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics) {
		return
	}
	job, err := d.client.GetSQLJob(ctx, id.ValueString())
	if err != nil {
		summary := "Error reading SQL job"
		if client.IsNotFound(err) {
			summary = "SQL job not found"
		}
		resp.Diagnostics.AddError(summary, fmt.Sprintf("Could not read SQL job %s: %s", id.ValueString(), err))
		return
	}
	if job.Engine == "" {
		job.Engine = listedSQLEngine(ctx, d.client, job.ID)
	}
	model := sqlJobDataFromClient(job)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

func sqlJobDataFromClient(job *client.SQLJob) sqlJobDataModel {
	return sqlJobDataModel{
		ID:                types.StringValue(job.ID),
		sqlJobArgsModel:   sqlArgsFromJob(job, sqlJobArgsModel{}),
		sqlJobStatusModel: sqlStatusFromJob(job),
		Message:           types.StringValue(job.Message),
	}
}
