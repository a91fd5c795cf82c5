package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// NewBatchJobDataSource returns the dli_batch_job data source.
func NewBatchJobDataSource() datasource.DataSource { return &batchJobDataSource{} }

type (
	batchJobDataSource = dataSource[batchJobData, batchJobDataModel]
	batchJobData       struct{}
)

// batchJobDataModel is one job as the data sources show it.
type batchJobDataModel struct {
	ID types.String `tfsdk:"id"`
	jobArgsModel
	jobStatusModel
	Log []string `tfsdk:"log"`
}

func (batchJobData) dataSourceSpec() dataSourceSpec[batchJobDataModel] {
	return dataSourceSpec[batchJobDataModel]{typeName: "_batch_job", attributes: jobDataSourceAttributes,
		key: keyAttribute("id", "ID of the batch job to read (a UUID).", batchJobIDValidator()),
		description: "Reads one Spark batch job, submitted by Terraform or not: its arguments (from the " +
			"submission DLI keeps), its state and the last lines of its log. One API request.",
		read: func(ctx context.Context, c *client.Client, m *batchJobDataModel, diags *diag.Diagnostics) {
			job, err := c.GetBatchJob(ctx, m.ID.ValueString())
			if err != nil {
				lookupError(diags, "batch job", m.ID.ValueString(), err)
				return
			}
			*m = jobDataFromClient(job)
		}}
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
