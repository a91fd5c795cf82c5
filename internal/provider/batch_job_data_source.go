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
	_ datasource.DataSource              = (*batchJobDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*batchJobDataSource)(nil)
)

// NewBatchJobDataSource returns the dli_batch_job data source.
func NewBatchJobDataSource() datasource.DataSource {
	return &batchJobDataSource{}
}

type batchJobDataSource struct{ dataSourceBase }

// batchJobDataModel is one job as the data sources show it.
type batchJobDataModel struct {
	ID types.String `tfsdk:"id"`
	jobArgsModel
	jobStatusModel
	Log []string `tfsdk:"log"`
}

func (d *batchJobDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_batch_job"
}

func (d *batchJobDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := jobDataSourceAttributes()
	attributes["id"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "ID of the batch job to read (a UUID).",
		Validators:          []validator.String{batchJobIDValidator()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Spark batch job, submitted by Terraform or not: its arguments (from the " +
			"submission DLI keeps), its state and the last lines of its log. One API request.",
		Attributes: attributes,
	}
}

func (d *batchJobDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var id types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, pathID, &id)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics) {
		return
	}
	job, err := d.client.GetBatchJob(ctx, id.ValueString())
	if err != nil {
		summary := "Error reading batch job"
		if client.IsNotFound(err) {
			summary = "Batch job not found"
		}
		resp.Diagnostics.AddError(summary, fmt.Sprintf("Could not read batch job %s: %s", id.ValueString(), err))
		return
	}
	model := jobDataFromClient(job)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

func jobDataFromClient(job *client.BatchJob) batchJobDataModel {
	m := batchJobDataModel{ID: types.StringValue(job.ID), jobStatusModel: statusFromJob(job), Log: job.Log}
	if job.Request != nil {
		m.jobArgsModel = jobArgsFromRequest(job.Request, job, jobArgsModel{})
	} else {
		m.jobArgsModel = emptyJobArgs()
		m.Queue = types.StringValue(firstNonEmpty(job.Queue, job.ClusterName))
	}
	if m.Log == nil {
		m.Log = []string{}
	}
	return m
}

// emptyJobArgs is the all-null argument set, for jobs whose submission DLI did not return.
func emptyJobArgs() jobArgsModel {
	a := jobArgsFromRequest(&client.CreateBatchJobRequest{}, &client.BatchJob{}, jobArgsModel{})
	a.Queue, a.File = types.StringNull(), types.StringNull()
	return a
}
