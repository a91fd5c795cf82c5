package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// sqlJobArgsModel holds the submit arguments; the resource and the data sources share it.
type sqlJobArgsModel struct {
	SQL      types.String      `tfsdk:"sql"`
	Queue    types.String      `tfsdk:"queue"`
	Database types.String      `tfsdk:"database"`
	Catalog  types.String      `tfsdk:"catalog"`
	Engine   types.String      `tfsdk:"engine"`
	Conf     map[string]string `tfsdk:"conf"`
	Tags     map[string]string `tfsdk:"tags"`
}

// sqlJobStatusModel holds what DLI reports about a job.
type sqlJobStatusModel struct {
	Status        types.String `tfsdk:"status"`
	JobType       types.String `tfsdk:"job_type"`
	JobMode       types.String `tfsdk:"job_mode"`
	Owner         types.String `tfsdk:"owner"`
	StartTime     types.String `tfsdk:"start_time"`
	EndTime       types.String `tfsdk:"end_time"`
	DurationMS    types.Int64  `tfsdk:"duration_ms"`
	ResultCount   types.Int64  `tfsdk:"result_count"`
	InputRowCount types.Int64  `tfsdk:"input_row_count"`
	BadRowCount   types.Int64  `tfsdk:"bad_row_count"`
	InputSize     types.Int64  `tfsdk:"input_size"`
	ResultPath    types.String `tfsdk:"result_path"`
	// ResultSchema is a list of sqlColumnType objects (a types.List: unknown while planned).
	ResultSchema types.List `tfsdk:"result_schema"`
}

// sqlColumnType is the object type of a result column.
var sqlColumnType = types.ObjectType{AttrTypes: map[string]attr.Type{"name": types.StringType, "type": types.StringType}}

type sqlColumnModel struct {
	Name types.String `tfsdk:"name"`
	Type types.String `tfsdk:"type"`
}

func (a sqlJobArgsModel) toCreateRequest() *client.CreateSQLJobRequest {
	return &client.CreateSQLJobRequest{
		SQL: a.SQL.ValueString(), Queue: a.Queue.ValueString(), Database: a.Database.ValueString(),
		Catalog: a.Catalog.ValueString(), Engine: a.Engine.ValueString(), Conf: a.Conf, Tags: a.Tags,
	}
}

// secrets are what must never be shown back by DLI's messages: the statement and conf values.
func (a sqlJobArgsModel) secrets() []string {
	return client.SQLJobSecrets(&client.CreateSQLJobRequest{SQL: a.SQL.ValueString(), Conf: a.Conf})
}

// sqlArgsFromJob rebuilds the arguments from what DLI reports, for an imported job and the
// data sources. A SQL job cannot change, so a resource keeps the arguments it holds: only
// values it does not know (null after an import, unknown after a plan) are taken from DLI.
func sqlArgsFromJob(job *client.SQLJob, prior sqlJobArgsModel) sqlJobArgsModel {
	fill := func(p types.String, v string) types.String {
		if !p.IsNull() && !p.IsUnknown() {
			return p
		}
		return optionalString(v)
	}
	a := sqlJobArgsModel{
		SQL:      fill(prior.SQL, job.Statement),
		Queue:    fill(prior.Queue, job.Queue),
		Database: fill(prior.Database, job.Database),
		Catalog:  prior.Catalog,
		Engine:   fill(prior.Engine, job.Engine),
		Conf:     prior.Conf,
		Tags:     prior.Tags,
	}
	if a.Catalog.IsUnknown() {
		a.Catalog = types.StringNull()
	}
	if prior.SQL.IsNull() { // imported: conf and tags come from DLI too, conf without secret_conf
		a.Conf, a.Tags = withoutSQLSecretConf(job.Conf), job.Tags
	}
	return a
}

func sqlStatusFromJob(job *client.SQLJob) sqlJobStatusModel {
	m := sqlJobStatusModel{
		Status:        types.StringValue(string(job.Status)),
		JobType:       types.StringValue(job.JobType),
		JobMode:       types.StringValue(job.JobMode),
		Owner:         types.StringValue(job.Owner),
		StartTime:     types.StringValue(formatTime(job.StartTime)),
		EndTime:       types.StringValue(formatTime(job.EndTime)),
		DurationMS:    types.Int64Null(),
		ResultCount:   types.Int64Null(),
		InputRowCount: types.Int64Null(),
		BadRowCount:   types.Int64Null(),
		InputSize:     types.Int64Null(),
		ResultPath:    types.StringValue(job.ResultPath),
		ResultSchema:  sqlColumnList(job.ResultSchema),
	}
	// A running job's duration and counts grow with every read: recorded once it ended, so
	// refreshes of a running job show no change made "outside of Terraform".
	if job.Status.IsTerminal() {
		m.DurationMS = types.Int64Value(job.Duration.Milliseconds())
		m.ResultCount, m.InputRowCount = types.Int64Value(job.ResultCount), types.Int64Value(job.InputRowCount)
		m.BadRowCount, m.InputSize = types.Int64Value(job.BadRowCount), types.Int64Value(job.InputSize)
	}
	return m
}

func sqlColumnList(cols []client.SQLColumn) types.List {
	elems := make([]attr.Value, 0, len(cols))
	for _, c := range cols {
		elems = append(elems, types.ObjectValueMust(sqlColumnType.AttrTypes,
			map[string]attr.Value{"name": types.StringValue(c.Name), "type": types.StringValue(c.Type)}))
	}
	return types.ListValueMust(sqlColumnType, elems)
}

func sqlColumns(cols []client.SQLColumn) []sqlColumnModel {
	out := make([]sqlColumnModel, 0, len(cols))
	for _, c := range cols {
		out = append(out, sqlColumnModel{Name: types.StringValue(c.Name), Type: types.StringValue(c.Type)})
	}
	return out
}

// sqlSubmittedStatus is what is known right after a submission, before any read: the job is
// in state at once, with the values the next read replaces.
func sqlSubmittedStatus(sub *client.SQLSubmission) sqlJobStatusModel {
	if sub.Adopted != nil {
		m := sqlStatusFromJob(sub.Adopted)
		if m.JobMode.ValueString() == "" {
			m.JobMode = types.StringValue(sub.JobMode)
		}
		return m
	}
	status := client.SQLStatusLaunching
	return sqlStatusFromJob(&client.SQLJob{ID: sub.ID, JobType: sub.JobType, JobMode: sub.JobMode, Status: status})
}

// keepJobMode: the status API may leave job_mode out; the submission's answer said it.
func (m *sqlJobStatusModel) keepJobMode(prior types.String) {
	if m.JobMode.ValueString() == "" && !prior.IsUnknown() && !prior.IsNull() {
		m.JobMode = prior
	}
}

// normalizeSQL is what makes two statements the same: surrounding white space and a final
// ';' do not count.
func normalizeSQL(s string) string {
	s = strings.TrimSpace(s)
	for strings.HasSuffix(s, ";") {
		s = strings.TrimSpace(strings.TrimSuffix(s, ";"))
	}
	return s
}

// sqlTextChanged replaces the job unless the statements differ only in surrounding white
// space or a final ';' (say, DLI's copy of an imported statement): then the configured text
// is adopted in place.
func sqlTextChanged(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = req.PlanValue.IsUnknown() || req.StateValue.IsNull() ||
		normalizeSQL(req.PlanValue.ValueString()) != normalizeSQL(req.StateValue.ValueString())
}

// stringChangedUnlessImportedNull adopts a configured value DLI did not report for an
// imported job; any other change replaces it.
func stringChangedUnlessImportedNull(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull() || !justImported(ctx, req.Private, &resp.Diagnostics)
}

func mapChangedUnlessImportedNull(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull() || !justImported(ctx, req.Private, &resp.Diagnostics)
}
