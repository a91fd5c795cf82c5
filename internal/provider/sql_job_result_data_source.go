package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// NewSQLJobResultDataSource returns the dli_sql_job_result data source.
func NewSQLJobResultDataSource() datasource.DataSource { return &sqlJobResultDataSource{} }

type (
	sqlJobResultDataSource = dataSource[sqlJobResultData, sqlJobResultDataModel]
	sqlJobResultData       struct{}
)

type sqlJobResultDataModel struct {
	JobID    types.String     `tfsdk:"job_id"`
	Queue    types.String     `tfsdk:"queue"`
	MaxRows  types.Int64      `tfsdk:"max_rows"`
	JobType  types.String     `tfsdk:"job_type"`
	RowCount types.Int64      `tfsdk:"row_count"`
	Columns  []sqlColumnModel `tfsdk:"columns"`
	Rows     [][]types.String `tfsdk:"rows"`
}

func (sqlJobResultData) dataSourceSpec() dataSourceSpec[sqlJobResultDataModel] {
	return dataSourceSpec[sqlJobResultDataModel]{typeName: "_sql_job_result", attributes: sqlJobResultAttributes,
		description: fmt.Sprintf("Reads the result of a `QUERY` SQL job: the first rows (at most %d) DLI keeps "+
			"for preview (`GET /v1.0/{project_id}/jobs/{job_id}/preview`), so that a configuration can use a query's "+
			"answer. Every cell is a string (numbers in their JSON form); a SQL `NULL` is null.", client.SQLPreviewMaxRows), read: readSQLJobResult}
}

func sqlJobResultAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"job_id": schema.StringAttribute{Required: true, Validators: []validator.String{sqlJobIDValidator()},
			MarkdownDescription: "ID of the QUERY job, such as `dli_sql_job.q.id`. The job must have finished."},
		"queue": schema.StringAttribute{Optional: true, Validators: []validator.String{sqlNameValidator("queue")},
			MarkdownDescription: "Queue that fetches the result (`queue-name`); DLI uses a system queue when unset."},
		"max_rows": schema.Int64Attribute{Optional: true,
			Validators:          []validator.Int64{int64validator.Between(1, client.SQLPreviewMaxRows)},
			MarkdownDescription: fmt.Sprintf("How many rows to read, 1 to %d (the default).", client.SQLPreviewMaxRows)},
		"job_type":  schema.StringAttribute{Computed: true, MarkdownDescription: "Job type reported with the result (`QUERY`)."},
		"row_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of rows DLI reports for the preview."},
		"columns": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The result's columns, in order.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{Computed: true, MarkdownDescription: "Column name."},
				"type": schema.StringAttribute{Computed: true, MarkdownDescription: "Column type, such as `int` or `string`."},
			}}},
		"rows": schema.ListAttribute{Computed: true, ElementType: types.ListType{ElemType: types.StringType},
			MarkdownDescription: "The rows, each a list of cells in the order of `columns`."},
	}
}

func readSQLJobResult(ctx context.Context, c *client.Client, model *sqlJobResultDataModel, diags *diag.Diagnostics) {
	id := model.JobID.ValueString()
	res, err := c.PreviewSQLJobResult(ctx, id, model.Queue.ValueString(), int(model.MaxRows.ValueInt64()))
	if err != nil {
		summary := "Error reading SQL job result"
		if client.IsNotFound(err) {
			summary = "SQL job not found"
		}
		diags.AddError(summary, fmt.Sprintf("Could not read the result of SQL job %s: %s", id, err))
		return
	}
	model.JobType = types.StringValue(res.JobType)
	model.RowCount = types.Int64Value(res.RowCount)
	model.Columns = sqlColumns(res.Columns)
	model.Rows = sqlResultRows(res.Rows)
}

func sqlResultRows(rows [][]*string) [][]types.String {
	out := make([][]types.String, len(rows))
	for i, row := range rows {
		out[i] = make([]types.String, len(row))
		for j, cell := range row {
			out[i][j] = types.StringPointerValue(cell)
		}
	}
	return out
}
