package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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

type batchJobDataSource struct {
	client *client.Client
}

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
		Validators:          []validator.String{uuidValidator()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Spark batch job, submitted by Terraform or not: its arguments (from the " +
			"submission DLI keeps), its state and the last lines of its log. One API request.",
		Attributes: attributes,
	}
}

func (d *batchJobDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *batchJobDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var id types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, pathID, &id)...)
	if resp.Diagnostics.HasError() || !dataSourceConfigured(d.client, &resp.Diagnostics) {
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
	return jobArgsModel{
		Queue: types.StringNull(), File: types.StringNull(), ClassName: types.StringNull(), Name: types.StringNull(),
		Specification: types.StringNull(), DriverMemory: types.StringNull(), DriverCores: types.Int64Null(),
		ExecutorMemory: types.StringNull(), ExecutorCores: types.Int64Null(), NumExecutors: types.Int64Null(),
		ObsBucket: types.StringNull(), AutoRecovery: types.BoolNull(), MaxRetryTimes: types.Int64Null(),
		Feature: types.StringNull(), SparkVersion: types.StringNull(), Image: types.StringNull(),
		CatalogName: types.StringNull(), ExecutionAgencyURN: types.StringNull(),
	}
}

func uuidValidator() validator.String {
	return stringvalidator.RegexMatches(uuidPattern, "must be a DLI batch job ID, a UUID such as 0a324461-d9d9-45da-a52a-3b3c7a3d809e")
}

func clientFromProviderData(data any, diags *diag.Diagnostics) *client.Client {
	if data == nil {
		return nil
	}
	c, ok := data.(*client.Client)
	if !ok {
		diags.AddError("Unexpected data source configure type",
			fmt.Sprintf("Expected *client.Client, got %T. Please report this issue to the provider developers.", data))
	}
	return c
}

func dataSourceConfigured(c *client.Client, diags *diag.Diagnostics) bool {
	if c != nil {
		return true
	}
	diags.AddError("Provider not configured", notConfiguredDetail)
	return false
}
