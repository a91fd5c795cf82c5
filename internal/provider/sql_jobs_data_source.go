package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
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
func NewSQLJobsDataSource() datasource.DataSource { return &sqlJobsDataSource{} }

type (
	sqlJobsDataSource = dataSource[sqlJobsData, sqlJobsDataModel]
	sqlJobsData       struct{}
)

type sqlJobsDataModel struct {
	sqlJobListModel
	IDs  []string          `tfsdk:"ids"`
	Jobs []sqlJobDataModel `tfsdk:"jobs"`
}

func (sqlJobsData) dataSourceSpec() dataSourceSpec[sqlJobsDataModel] {
	return dataSourceSpec[sqlJobsDataModel]{typeName: "_sql_jobs", attributes: sqlJobsAttributes,
		description: "Lists SQL jobs of the project, filtered by DLI, following every page (`current-page`, " +
			"100 jobs per request). Each job has the attribute names of the `dli_sql_job` resource.",
		read: func(ctx context.Context, c *client.Client, m *sqlJobsDataModel, diags *diag.Diagnostics) {
			jobs, err := c.ListSQLJobs(ctx, m.options())
			if err != nil {
				diags.AddError("Error listing SQL jobs", fmt.Sprintf("Could not list SQL jobs: %s", err))
				return
			}
			m.IDs, m.Jobs = collect(jobs, func(j *client.SQLJob) bool { return hasTags(j.Tags, m.Tags) },
				func(j *client.SQLJob) string { return j.ID }, sqlJobDataFromClient)
		}}
}

func sqlJobsAttributes() map[string]schema.Attribute {
	rfc3339 := []validator.String{rfc3339Validator()}
	return map[string]schema.Attribute{
		"queue": filterString("Only jobs of this queue.", sqlNameValidator("queue")),
		"status": filterString("Only jobs in this status: `LAUNCHING`, "+
			"`RUNNING`, `SCALING`, `FINISHED`, `FAILED` or `CANCELLED`.",
			stringvalidator.OneOf(sqlListStatuses...)),
		"job_type": filterString("Only jobs of this type, such as `QUERY`, "+
			"`INSERT`, `DDL` or `DCL` (`ALL` for every type).",
			stringvalidator.OneOf(sqlListJobTypes...)),
		"sql_pattern": filterString("Only jobs whose statement contains this "+
			"text (DLI matches it case-insensitively), at most 1024 characters.",
			stringvalidator.LengthBetween(1, maxSQLPatternLength)),
		"tags": filterTags("Only jobs with these tags. DLI matches tags loosely, so the listed jobs are checked "+
			"for exactly these keys and values.",
			mapvalidator.NoNullValues(), mapvalidator.KeysAre(stringvalidator.LengthBetween(1, maxTagKeyLength))),
		"owner": ownerFilter(),
		"start_after": filterString("Only jobs started after this time (RFC 3339, such as `2026-11-01T00:00:00Z`).",
			rfc3339...),
		"start_before": filterString("Only jobs started before this time (RFC 3339).", rfc3339...),
		"order": filterString("Sort order: `start_time_desc` (DLI's default, newest first), `start_time_asc`, "+
			"`duration_desc` or `duration_asc`.",
			stringvalidator.OneOf(sqlListOrders...)),
		"ids":  listedIDs("IDs of the matching jobs, in the order of `jobs`."),
		"jobs": listedObjects("The matching jobs.", sqlJobDataSourceAttributes()),
	}
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
