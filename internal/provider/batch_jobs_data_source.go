package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var (
	_ datasource.DataSource              = (*batchJobsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*batchJobsDataSource)(nil)
)

var pathID = path.Root("id")

// List orders accepted by DLI.
var listOrders = []string{"CREATE_TIME_DESC", "CREATE_TIME_ASC", "DURATION_DESC", "DURATION_ASC"}

// NewBatchJobsDataSource returns the dli_batch_jobs data source.
func NewBatchJobsDataSource() datasource.DataSource {
	return &batchJobsDataSource{}
}

type batchJobsDataSource struct{ dataSourceBase }

type batchJobsDataModel struct {
	Queue         types.String        `tfsdk:"queue"`
	Name          types.String        `tfsdk:"name"`
	NamePrefix    types.String        `tfsdk:"name_prefix"`
	NameRegex     types.String        `tfsdk:"name_regex"`
	State         types.String        `tfsdk:"state"`
	Owner         types.String        `tfsdk:"owner"`
	CreatedAfter  types.String        `tfsdk:"created_after"`
	CreatedBefore types.String        `tfsdk:"created_before"`
	Order         types.String        `tfsdk:"order"`
	IDs           []string            `tfsdk:"ids"`
	Jobs          []batchJobDataModel `tfsdk:"jobs"`
}

func (d *batchJobsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_batch_jobs"
}

func (d *batchJobsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	rfc3339 := []validator.String{rfc3339Validator()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists Spark batch jobs of the project, filtered on the server, following every page " +
			"(DLI returns at most 100 jobs per request). Each job has the attribute names of the `dli_batch_job` resource.",
		Attributes: map[string]schema.Attribute{
			"queue": schema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs of this queue. Without it, jobs of every queue are listed.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"name": schema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs with this name (filtered by DLI).",
				Validators: []validator.String{stringvalidator.LengthBetween(1, maxJobNameLength)}},
			"name_prefix": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only jobs whose name starts with this text. DLI filters on exact names only, so " +
					"this filter applies to the listed jobs (every page is still read).",
				Validators: []validator.String{stringvalidator.LengthBetween(1, maxJobNameLength)}},
			"name_regex": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only jobs whose name matches this regular expression (RE2 syntax, unanchored: " +
					"use `^` and `$` to match the whole name). Applied to the listed jobs, like `name_prefix`.",
				Validators: []validator.String{regexValidator()}},
			"state": schema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs in this state: `starting`, `running`, `recovering`, `success` or `dead`.",
				Validators: []validator.String{stringvalidator.OneOf("starting", "running", "recovering", "success", "dead")}},
			"owner": schema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs submitted by this user.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"created_after": schema.StringAttribute{Optional: true, Validators: rfc3339,
				MarkdownDescription: "Only jobs submitted after this time (RFC 3339, such as `2026-11-01T00:00:00Z`)."},
			"created_before": schema.StringAttribute{Optional: true, Validators: rfc3339,
				MarkdownDescription: "Only jobs submitted before this time (RFC 3339)."},
			"order": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Sort order: `CREATE_TIME_DESC` (DLI's default, newest first), `CREATE_TIME_ASC`, `DURATION_DESC` or `DURATION_ASC`.",
				Validators:          []validator.String{stringvalidator.OneOf(listOrders...)}},
			"ids": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "IDs of the matching jobs, in the order of `jobs`."},
			"jobs": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The matching jobs.",
				NestedObject: schema.NestedAttributeObject{Attributes: jobDataSourceAttributes()}},
		},
	}
}

func (d *batchJobsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model batchJobsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics) {
		return
	}
	opts := client.ListOptions{
		Queue:   model.Queue.ValueString(),
		JobName: model.Name.ValueString(),
		State:   model.State.ValueString(),
		Owner:   model.Owner.ValueString(),
		Order:   model.Order.ValueString(),
	}
	opts.CreatedAfter, _ = parseOptionalTime(model.CreatedAfter)
	opts.CreatedBefore, _ = parseOptionalTime(model.CreatedBefore)

	jobs, err := d.client.ListBatchJobs(ctx, opts)
	if err != nil {
		resp.Diagnostics.AddError("Error listing batch jobs", fmt.Sprintf("Could not list batch jobs: %s", err))
		return
	}
	keep := nameFilter(model.NamePrefix.ValueString(), model.NameRegex.ValueString())
	model.IDs = make([]string, 0, len(jobs))
	model.Jobs = make([]batchJobDataModel, 0, len(jobs))
	for i := range jobs {
		if !keep(jobs[i].Name) {
			continue
		}
		model.IDs = append(model.IDs, jobs[i].ID)
		model.Jobs = append(model.Jobs, jobDataFromClient(&jobs[i]))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

func parseOptionalTime(v types.String) (time.Time, error) {
	if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, v.ValueString())
}

// nameFilter is the local part of the name filters; the validators have checked the pattern.
func nameFilter(prefix, pattern string) func(string) bool {
	re, _ := regexp.Compile(pattern)
	return func(name string) bool {
		return strings.HasPrefix(name, prefix) && (re == nil || re.MatchString(name))
	}
}
