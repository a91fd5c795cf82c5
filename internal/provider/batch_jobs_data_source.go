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
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// List orders accepted by DLI.
var listOrders = []string{"CREATE_TIME_DESC", "CREATE_TIME_ASC", "DURATION_DESC", "DURATION_ASC"}

// NewBatchJobsDataSource returns the dli_batch_jobs data source.
func NewBatchJobsDataSource() datasource.DataSource { return &batchJobsDataSource{} }

type (
	batchJobsDataSource = dataSource[batchJobsData, batchJobsDataModel]
	batchJobsData       struct{}
)

type batchJobsDataModel struct {
	batchJobListModel
	IDs  []string            `tfsdk:"ids"`
	Jobs []batchJobDataModel `tfsdk:"jobs"`
}

func (batchJobsData) dataSourceSpec() dataSourceSpec[batchJobsDataModel] {
	return dataSourceSpec[batchJobsDataModel]{typeName: "_batch_jobs", attributes: batchJobsAttributes,
		description: "Lists Spark batch jobs of the project, filtered on the server, following every page " +
			"(DLI returns at most 100 jobs per request). Each job has the attribute names of the `dli_batch_job` resource.",
		read: func(ctx context.Context, c *client.Client, m *batchJobsDataModel, diags *diag.Diagnostics) {
			jobs, err := c.ListBatchJobs(ctx, m.options())
			if err != nil {
				diags.AddError("Error listing batch jobs", fmt.Sprintf("Could not list batch jobs: %s", err))
				return
			}
			keep := nameFilter(m.NamePrefix.ValueString(), m.NameRegex.ValueString())
			m.IDs, m.Jobs = collect(jobs, func(j *client.BatchJob) bool { return keep(j.Name) },
				func(j *client.BatchJob) string { return j.ID }, jobDataFromClient)
		}}
}

func batchJobsAttributes() map[string]schema.Attribute {
	rfc3339 := []validator.String{rfc3339Validator()}
	return map[string]schema.Attribute{
		"queue": filterString("Only jobs of this queue. Without it, jobs of every queue are listed.",
			stringvalidator.LengthAtLeast(1)),
		"name": filterString("Only jobs with this name (filtered by DLI).",
			stringvalidator.LengthBetween(1, maxJobNameLength)),
		"name_prefix": filterString("Only jobs whose name starts with this text. DLI filters on exact names only, so "+
			"this filter applies to the listed jobs (every page is still read).",
			stringvalidator.LengthBetween(1, maxJobNameLength)),
		"name_regex": filterString("Only jobs whose name matches this regular expression (RE2 syntax, unanchored: "+
			"use `^` and `$` to match the whole name). Applied to the listed jobs, like `name_prefix`.",
			regexValidator()),
		"state": filterString("Only jobs in this state: `starting`, `running`, `recovering`, `success` or `dead`.",
			stringvalidator.OneOf("starting", "running", "recovering", "success", "dead")),
		"owner": ownerFilter(),
		"created_after": filterString("Only jobs submitted after this time (RFC 3339, such as `2026-11-01T00:00:00Z`).",
			rfc3339...),
		"created_before": filterString("Only jobs submitted before this time (RFC 3339).", rfc3339...),
		"order": filterString("Sort order: `CREATE_TIME_DESC` (DLI's default, newest first), `CREATE_TIME_ASC`, `DURATION_DESC` or `DURATION_ASC`.",
			stringvalidator.OneOf(listOrders...)),
		"ids":  listedIDs("IDs of the matching jobs, in the order of `jobs`."),
		"jobs": listedObjects("The matching jobs.", jobDataSourceAttributes()),
	}
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
