package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
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

type (
	flinkJobDataSource  = dataSource[flinkJobData, flinkJobDataModel]
	flinkJobData        struct{}
	flinkJobsDataSource = dataSource[flinkJobsData, flinkJobsDataModel]
	flinkJobsData       struct{}
)

func (flinkJobData) dataSourceSpec() dataSourceSpec[flinkJobDataModel] {
	return dataSourceSpec[flinkJobDataModel]{typeName: "_flink_job", attributes: flinkJobDataAttributes,
		key: keyAttribute("id", "ID of the Flink job to read (an integer, as a string).", flinkJobIDValidator()),
		description: "Reads one Flink job, SQL or Jar, created by Terraform or not: its arguments, status and " +
			"last savepoint. The attributes of the other kind are null. One API request.",
		read: func(ctx context.Context, c *client.Client, m *flinkJobDataModel, diags *diag.Diagnostics) {
			job, err := c.GetFlinkJob(ctx, m.ID.ValueString())
			if err != nil {
				lookupError(diags, "Flink job", m.ID.ValueString(), err)
				return
			}
			*m = flinkJobDataFrom(job)
		}}
}

// NewFlinkJobsDataSource returns the dli_flink_jobs data source.
func NewFlinkJobsDataSource() datasource.DataSource { return &flinkJobsDataSource{} }

type flinkJobsDataModel struct {
	flinkJobListModel
	IDs  []string            `tfsdk:"ids"`
	Jobs []flinkJobDataModel `tfsdk:"jobs"`
}

func (flinkJobsData) dataSourceSpec() dataSourceSpec[flinkJobsDataModel] {
	return dataSourceSpec[flinkJobsDataModel]{typeName: "_flink_jobs", attributes: flinkJobsAttributes,
		description: "Lists Flink jobs of the project (SQL and Jar), filtered by DLI, following every page of " +
			"its `offset`/`limit` paging. Each job has the attribute names of the `dli_flink_sql_job` and `dli_flink_jar_job` resources.",
		read: func(ctx context.Context, c *client.Client, m *flinkJobsDataModel, diags *diag.Diagnostics) {
			jobs, err := c.ListFlinkJobs(ctx, m.options())
			if err != nil {
				diags.AddError("Error listing Flink jobs", fmt.Sprintf("Could not list Flink jobs: %s", err))
				return
			}
			m.IDs, m.Jobs = collect(jobs, nil, func(j *client.FlinkJob) string { return j.ID }, flinkJobDataFrom)
		}}
}

func flinkJobsAttributes() map[string]dsschema.Attribute {
	statuses := []string{}
	for _, s := range []client.FlinkJobStatus{client.FlinkInit, client.FlinkSubmitting, client.FlinkSubmitFail, client.FlinkRunning,
		client.FlinkRunningException, client.FlinkDownloading, client.FlinkIdle, client.FlinkCanceling, client.FlinkCancelSuccess,
		client.FlinkCancelFail, client.FlinkSavepointing, client.FlinkArrearageStopped, client.FlinkArrearageRecovering, client.FlinkFinish} {
		statuses = append(statuses, string(s))
	}
	return map[string]dsschema.Attribute{
		"name":   filterString("Only jobs with this name.", stringvalidator.LengthBetween(1, maxFlinkNameLength)),
		"queue":  filterString("Only jobs of this queue.", stringvalidator.LengthAtLeast(1)),
		"status": filterString("Only jobs in this status, such as `job_running`.", stringvalidator.OneOf(statuses...)),
		"job_type": filterString("Only jobs of this type. "+descFlinkJobType,
			stringvalidator.OneOf(client.FlinkJobTypeOpenSourceSQL, client.FlinkJobTypeSQL, client.FlinkJobTypeEdgeSQL, client.FlinkJobTypeJar)),
		"tags": filterTags("Only jobs with all these tags (filtered by DLI).", mapvalidator.NoNullValues()),
		"ids":  listedIDs("IDs of the matching jobs, in the order of `jobs`."),
		"jobs": listedObjects("The matching jobs, newest first.", flinkJobDataAttributes()),
	}
}
