package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var (
	_ datasource.DataSourceWithConfigure = (*flinkJobDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*flinkJobsDataSource)(nil)
)

// flinkJobDataModel is a Flink job of either kind as the data sources show it: the arguments
// of the other kind are null.
type flinkJobDataModel struct {
	ID types.String `tfsdk:"id"`
	flinkArgsModel
	flinkSQLArgs
	flinkJarArgs
	flinkStatusModel
}

const descFlinkJobType = "Job type: `flink_opensource_sql_job`, `flink_sql_job`, `flink_sql_edge_job` (SQL jobs) or `flink_jar_job`."

// flinkJobDataAttributes are the attributes of both resources, computed, without their settings.
func flinkJobDataAttributes() map[string]dsschema.Attribute {
	ctx := context.Background()
	skip := append([]string{"resource_config"}, flinkSettings...)
	attrs := computedAttributes(flinkSQLJobSchema(ctx).Attributes, skip...)
	for name, a := range computedAttributes(flinkJarJobSchema(ctx).Attributes, skip...) {
		if _, ok := attrs[name]; !ok {
			attrs[name] = a
		}
	}
	attrs["job_type"] = dsschema.StringAttribute{Computed: true, MarkdownDescription: descFlinkJobType}
	rc := flinkResourceConfigAttribute()
	nested := map[string]dsschema.Attribute{}
	for name, a := range rc.Attributes {
		switch a.(type) {
		case schema.Float64Attribute:
			nested[name] = dsschema.Float64Attribute{Computed: true, MarkdownDescription: a.GetMarkdownDescription()}
		default:
			nested[name] = computedAttribute(a)
		}
	}
	attrs["resource_config"] = dsschema.SingleNestedAttribute{Computed: true, MarkdownDescription: rc.MarkdownDescription, Attributes: nested}
	return attrs
}

func flinkJobDataFrom(job *client.FlinkJob) flinkJobDataModel {
	strings := types.ListNull(types.StringType)
	m := flinkJobDataModel{ID: types.StringValue(job.ID)}
	m.RuntimeConfig, m.Tags = types.MapNull(types.StringType), types.MapNull(types.StringType)
	m.ResourceConfig = types.ObjectNull(flinkResourceConfigTypes)
	m.EntrypointArgs, m.DependencyJars, m.DependencyFiles = strings, strings, strings
	m.flinkArgsModel.apply(job)
	m.flinkSQLArgs.apply(job)
	m.flinkJarArgs.apply(job)
	m.flinkStatusModel = flinkStatusFrom(job)
	return m
}

// NewFlinkJobDataSource returns the dli_flink_job data source.
func NewFlinkJobDataSource() datasource.DataSource { return &flinkJobDataSource{} }

type flinkJobDataSource struct{ dataSourceBase }

func (d *flinkJobDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_flink_job"
}

func (d *flinkJobDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := flinkJobDataAttributes()
	attrs["id"] = dsschema.StringAttribute{Required: true, MarkdownDescription: "ID of the Flink job to read (an integer, as a string).",
		Validators: []validator.String{flinkJobIDValidator()}}
	resp.Schema = dsschema.Schema{
		MarkdownDescription: "Reads one Flink job, SQL or Jar, created by Terraform or not: its arguments, status and " +
			"last savepoint. The attributes of the other kind are null. One API request.",
		Attributes: attrs,
	}
}

func (d *flinkJobDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var id types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, pathID, &id)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics) {
		return
	}
	job, err := d.client.GetFlinkJob(ctx, id.ValueString())
	if err != nil {
		summary := "Error reading Flink job"
		if client.IsNotFound(err) {
			summary = "Flink job not found"
		}
		resp.Diagnostics.AddError(summary, fmt.Sprintf("Could not read Flink job %s: %s", id.ValueString(), err))
		return
	}
	m := flinkJobDataFrom(job)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// NewFlinkJobsDataSource returns the dli_flink_jobs data source.
func NewFlinkJobsDataSource() datasource.DataSource { return &flinkJobsDataSource{} }

type flinkJobsDataSource struct{ dataSourceBase }

type flinkJobsDataModel struct {
	Name    types.String        `tfsdk:"name"`
	Queue   types.String        `tfsdk:"queue"`
	Status  types.String        `tfsdk:"status"`
	JobType types.String        `tfsdk:"job_type"`
	Tags    map[string]string   `tfsdk:"tags"`
	IDs     []string            `tfsdk:"ids"`
	Jobs    []flinkJobDataModel `tfsdk:"jobs"`
}

func (d *flinkJobsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_flink_jobs"
}

func (d *flinkJobsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	statuses := []string{}
	for _, s := range []client.FlinkJobStatus{client.FlinkInit, client.FlinkSubmitting, client.FlinkSubmitFail, client.FlinkRunning,
		client.FlinkRunningException, client.FlinkDownloading, client.FlinkIdle, client.FlinkCanceling, client.FlinkCancelSuccess,
		client.FlinkCancelFail, client.FlinkSavepointing, client.FlinkArrearageStopped, client.FlinkArrearageRecovering, client.FlinkFinish} {
		statuses = append(statuses, string(s))
	}
	resp.Schema = dsschema.Schema{
		MarkdownDescription: "Lists Flink jobs of the project (SQL and Jar), filtered by DLI, following every page of " +
			"its `offset`/`limit` paging. Each job has the attribute names of the `dli_flink_sql_job` and `dli_flink_jar_job` resources.",
		Attributes: map[string]dsschema.Attribute{
			"name": dsschema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs with this name.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, maxFlinkNameLength)}},
			"queue": dsschema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs of this queue.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"status": dsschema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs in this status, such as `job_running`.",
				Validators: []validator.String{stringvalidator.OneOf(statuses...)}},
			"job_type": dsschema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs of this type. " + descFlinkJobType,
				Validators: []validator.String{stringvalidator.OneOf(client.FlinkJobTypeOpenSourceSQL, client.FlinkJobTypeSQL,
					client.FlinkJobTypeEdgeSQL, client.FlinkJobTypeJar)}},
			"tags": dsschema.MapAttribute{Optional: true, ElementType: types.StringType, Validators: []validator.Map{mapvalidator.NoNullValues()},
				MarkdownDescription: "Only jobs with all these tags (filtered by DLI)."},
			"ids": dsschema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "IDs of the matching jobs, in the order of `jobs`."},
			"jobs": dsschema.ListNestedAttribute{Computed: true, MarkdownDescription: "The matching jobs, newest first.",
				NestedObject: dsschema.NestedAttributeObject{Attributes: flinkJobDataAttributes()}},
		},
	}
}

func (d *flinkJobsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m flinkJobsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics) {
		return
	}
	jobs, err := d.client.ListFlinkJobs(ctx, client.FlinkListOptions{Name: m.Name.ValueString(), Queue: m.Queue.ValueString(),
		Status: m.Status.ValueString(), JobType: m.JobType.ValueString(), Tags: m.Tags})
	if err != nil {
		resp.Diagnostics.AddError("Error listing Flink jobs", fmt.Sprintf("Could not list Flink jobs: %s", err))
		return
	}
	m.IDs, m.Jobs = make([]string, 0, len(jobs)), make([]flinkJobDataModel, 0, len(jobs))
	for i := range jobs {
		m.IDs = append(m.IDs, jobs[i].ID)
		m.Jobs = append(m.Jobs, flinkJobDataFrom(&jobs[i]))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
