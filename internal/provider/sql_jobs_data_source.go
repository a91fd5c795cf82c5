package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var (
	_ datasource.DataSource              = (*sqlJobsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*sqlJobsDataSource)(nil)
)

// Filter values of the SQL job list (ListSqlJobs, dli_02_0025).
var (
	sqlListStatuses = []string{"LAUNCHING", "RUNNING", "SCALING", "FINISHED", "FAILED", "CANCELLED"}
	sqlListJobTypes = []string{"DDL", "DCL", "IMPORT", "EXPORT", "QUERY", "INSERT", "DATA_MIGRATION", "UPDATE", "DELETE",
		"RESTART_QUEUE", "SCALE_QUEUE", "ALL"}
	sqlListOrders = []string{"start_time_desc", "start_time_asc", "duration_desc", "duration_asc"}
)

const maxSQLPatternLength = 1024

// NewSQLJobsDataSource returns the dli_sql_jobs data source.
func NewSQLJobsDataSource() datasource.DataSource {
	return &sqlJobsDataSource{}
}

type sqlJobsDataSource struct{ dataSourceBase }

type sqlJobsDataModel struct {
	Queue       types.String      `tfsdk:"queue"`
	Status      types.String      `tfsdk:"status"`
	JobType     types.String      `tfsdk:"job_type"`
	SQLPattern  types.String      `tfsdk:"sql_pattern"`
	Tags        map[string]string `tfsdk:"tags"`
	Owner       types.String      `tfsdk:"owner"`
	StartAfter  types.String      `tfsdk:"start_after"`
	StartBefore types.String      `tfsdk:"start_before"`
	Order       types.String      `tfsdk:"order"`
	IDs         []string          `tfsdk:"ids"`
	Jobs        []sqlJobDataModel `tfsdk:"jobs"`
}

func (d *sqlJobsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sql_jobs"
}

func (d *sqlJobsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	rfc3339 := []validator.String{rfc3339Validator()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists SQL jobs of the project, filtered by DLI, following every page (`current-page`, " +
			"100 jobs per request). Each job has the attribute names of the `dli_sql_job` resource.",
		Attributes: map[string]schema.Attribute{
			"queue": schema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs of this queue.",
				Validators: []validator.String{sqlNameValidator("queue")}},
			"status": schema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs in this status: `LAUNCHING`, " +
				"`RUNNING`, `SCALING`, `FINISHED`, `FAILED` or `CANCELLED`.",
				Validators: []validator.String{stringvalidator.OneOf(sqlListStatuses...)}},
			"job_type": schema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs of this type, such as `QUERY`, " +
				"`INSERT`, `DDL` or `DCL` (`ALL` for every type).",
				Validators: []validator.String{stringvalidator.OneOf(sqlListJobTypes...)}},
			"sql_pattern": schema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs whose statement contains this " +
				"text (DLI matches it case-insensitively), at most 1024 characters.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, maxSQLPatternLength)}},
			"tags": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Only jobs with these tags. DLI matches tags loosely, so the listed jobs are checked " +
					"for exactly these keys and values.",
				Validators: []validator.Map{mapvalidator.NoNullValues(), mapvalidator.KeysAre(stringvalidator.LengthBetween(1, maxTagKeyLength))}},
			"owner": schema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs submitted by this user.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"start_after": schema.StringAttribute{Optional: true, Validators: rfc3339,
				MarkdownDescription: "Only jobs started after this time (RFC 3339, such as `2026-11-01T00:00:00Z`)."},
			"start_before": schema.StringAttribute{Optional: true, Validators: rfc3339,
				MarkdownDescription: "Only jobs started before this time (RFC 3339)."},
			"order": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Sort order: `start_time_desc` (DLI's default, newest first), `start_time_asc`, " +
					"`duration_desc` or `duration_asc`.",
				Validators: []validator.String{stringvalidator.OneOf(sqlListOrders...)}},
			"ids": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "IDs of the matching jobs, in the order of `jobs`."},
			"jobs": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The matching jobs.",
				NestedObject: schema.NestedAttributeObject{Attributes: sqlJobDataSourceAttributes()}},
		},
	}
}

func (d *sqlJobsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model sqlJobsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics) {
		return
	}
	opts := client.SQLListOptions{
		Queue: model.Queue.ValueString(), Status: model.Status.ValueString(), JobType: model.JobType.ValueString(),
		SQLPattern: model.SQLPattern.ValueString(), Tags: model.Tags, Owner: model.Owner.ValueString(),
		Order: model.Order.ValueString(),
	}
	opts.StartAfter, _ = parseOptionalTime(model.StartAfter)
	opts.StartBefore, _ = parseOptionalTime(model.StartBefore)
	jobs, err := d.client.ListSQLJobs(ctx, opts)
	if err != nil {
		resp.Diagnostics.AddError("Error listing SQL jobs", fmt.Sprintf("Could not list SQL jobs: %s", err))
		return
	}
	model.IDs = make([]string, 0, len(jobs))
	model.Jobs = make([]sqlJobDataModel, 0, len(jobs))
	for i := range jobs {
		if !hasTags(jobs[i].Tags, model.Tags) {
			continue
		}
		model.IDs = append(model.IDs, jobs[i].ID)
		model.Jobs = append(model.Jobs, sqlJobDataFromClient(&jobs[i]))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// hasTags reports whether every wanted tag is among tags with the same value.
func hasTags(tags, want map[string]string) bool {
	for k, v := range want {
		if got, ok := tags[k]; !ok || got != v {
			return false
		}
	}
	return true
}
