package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// NewBatchJobLogDataSource returns the dli_batch_job_log data source.
func NewBatchJobLogDataSource() datasource.DataSource {
	return &dataSource[batchJobLogData, batchJobLogDataModel]{}
}

type batchJobLogData struct{}

type batchJobLogDataModel struct {
	BatchID types.String `tfsdk:"batch_id"`
	From    types.Int64  `tfsdk:"from"`
	Size    types.Int64  `tfsdk:"size"`
	Type    types.String `tfsdk:"type"`
	Index   types.Int64  `tfsdk:"index"`
	Lines   []string     `tfsdk:"lines"`
	Total   types.Int64  `tfsdk:"total"`
}

func (batchJobLogData) dataSourceSpec() dataSourceSpec[batchJobLogDataModel] {
	return dataSourceSpec[batchJobLogDataModel]{typeName: "_batch_job_log", attributes: batchJobLogAttributes,
		description: "Reads lines of a batch job's log (`GET .../batches/{batch_id}/log`). Without `from`, " +
			"DLI returns the last `size` lines (100 by default).", read: readBatchJobLog}
}

func batchJobLogAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"batch_id": schema.StringAttribute{Required: true, MarkdownDescription: "ID of the batch job.",
			Validators: []validator.String{batchJobIDValidator()}},
		"from": schema.Int64Attribute{Optional: true, MarkdownDescription: "Index of the first line to return, from 0.",
			Validators: []validator.Int64{int64validator.AtLeast(0)}},
		"size": schema.Int64Attribute{Optional: true, MarkdownDescription: "Number of lines to return (DLI's default is 100).",
			Validators: []validator.Int64{int64validator.Between(1, 10000)}},
		"type": schema.StringAttribute{Optional: true, MarkdownDescription: "`driver` to read the Spark driver log.",
			Validators: []validator.String{stringvalidator.OneOf("driver")}},
		"index": schema.Int64Attribute{Optional: true,
			MarkdownDescription: "Which driver log to read when the job was retried (from 0). Implies `type = \"driver\"`.",
			Validators:          []validator.Int64{int64validator.AtLeast(0)}},
		"lines": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The log lines returned."},
		"total": schema.Int64Attribute{Computed: true, MarkdownDescription: "Total number of lines in the log."},
	}
}

func readBatchJobLog(ctx context.Context, c *client.Client, model *batchJobLogDataModel, diags *diag.Diagnostics) {
	opts := client.LogOptions{
		From:  intPointer(model.From),
		Size:  intPointer(model.Size),
		Index: intPointer(model.Index),
		Type:  model.Type.ValueString(),
	}
	if opts.Index != nil && opts.Type == "" {
		opts.Type = "driver"
	}
	log, err := c.GetBatchJobLog(ctx, model.BatchID.ValueString(), opts)
	if err != nil {
		diags.AddError("Error reading batch job log",
			fmt.Sprintf("Could not read the log of batch job %s: %s", model.BatchID.ValueString(), err))
		return
	}
	model.Lines = log.Lines
	if model.Lines == nil {
		model.Lines = []string{}
	}
	model.Total = types.Int64Value(log.Total)
}
