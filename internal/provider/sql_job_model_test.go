package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

func TestCountStatements(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sql  string
		want int
	}{
		{"SELECT 1", 1},
		{"SELECT 1;", 1},
		{"  SELECT 1 ;  \n", 1},
		{"SELECT 1; SELECT 2", 2},
		{"CREATE TABLE t (a INT); INSERT INTO t VALUES (1);", 2},
		{"SELECT 'a;b' AS s", 1},
		{`SELECT "a;b", 'it\'s; fine'`, 1},
		{"SELECT `we;ird` FROM t", 1},
		{"SELECT 1 -- trailing; comment\n", 1},
		{"SELECT 1; -- only a comment after\n", 1},
		{"/* a; b */ SELECT 1", 1},
		{"SELECT 1; /* c */ ;", 1},
		{"SELECT 'unterminated; SELECT 2", 1},
		{"", 0},
		{" ; ;", 0},
		{"-- nothing\n", 0},
	}
	for _, tt := range tests {
		if got := countStatements(tt.sql); got != tt.want {
			t.Errorf("countStatements(%q) = %d, want %d", tt.sql, got, tt.want)
		}
	}
}

func TestSQLValidators(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 129)
	checkStringValidators(t, []stringValidatorCase{
		{"statement", sqlStatementValidator(), "INSERT INTO t SELECT 1;", ""},
		{"empty statement", sqlStatementValidator(), " \n ", "must hold exactly one SQL statement"},
		{"two statements", sqlStatementValidator(), "DROP TABLE a; DROP TABLE b", "use one dli_sql_job per statement"},
		{"queue", sqlNameValidator("queue"), "etl_queue1", ""},
		{"queue with a dash", sqlNameValidator("queue"), "etl-queue", "must be a DLI queue name"},
		{"queue starting with _", sqlNameValidator("queue"), "_q", "not starting with '_'"},
		{"database only digits", sqlNameValidator("database"), "123", "not only digits"},
		{"database too long", sqlNameValidator("database"), long, "1 to 128"},
		{"catalog", sqlNameValidator("catalog"), "dli", ""},
		{"conf key", confKeyValidator(), "spark.sql.shuffle.partitions", ""},
		{"conf key with =", confKeyValidator(), "a=b", "no '=' or spaces"},
		{"conf key with a space", confKeyValidator(), "spark.sql x", "no '=' or spaces"},
		{"conf value with a new line", confValueValidator(), "se\ncret", "control characters"},
		{"tag key", tagKeyValidator(), "team:data @x", ""},
		{"reserved tag key", tagKeyValidator(), client.SQLSubmissionMarkerTagKey, "reserved"},
		{"system tag key", tagKeyValidator(), "_sys_x", "_sys_"},
		{"tag key with a leading space", tagKeyValidator(), " k", "start or end with a space"},
		{"tag key with a slash", tagKeyValidator(), "a/b", "may only hold"},
		{"tag key too long", tagKeyValidator(), long, "1 to 128"},
		{"tag value", tagValueValidator(), "anything goes / = ,", ""},
		{"tag value too long", tagValueValidator(), strings.Repeat("v", 256), "at most 255"},
		{"SQL job ID", sqlJobIDValidator(), "8ecb0777-9c70-4529-9935-29ea0946039c", ""},
		{"bad SQL job ID", sqlJobIDValidator(), "../jobs", "must be a DLI SQL job ID"},
	})
	// A statement or conf value is never quoted in a message: it may hold a password.
	if diags := validateString(sqlStatementValidator(), "sql", "SET pw='hunter2'; SELECT 1"); !diags.HasError() || strings.Contains(fmt.Sprint(diags), "hunter2") {
		t.Errorf("statement diagnostics %v", diags)
	}
}

func sampleSQLJob() *client.SQLJob {
	start := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	return &client.SQLJob{ID: "8ecb0777-9c70-4529-9935-29ea0946039c", JobType: "INSERT", JobMode: "async",
		Status: client.SQLStatusFinished, Queue: "etl", Owner: "alice", Statement: "INSERT INTO t SELECT 1",
		Database: "db1", Engine: "spark", StartTime: start, EndTime: start.Add(1500 * time.Millisecond),
		Duration: 1500 * time.Millisecond, ResultCount: 1, InputRowCount: 2, InputSize: 30,
		ResultSchema: []client.SQLColumn{{Name: "n", Type: "int"}},
		Conf:         map[string]string{"spark.sql.shuffle.partitions": "8"}, Tags: map[string]string{"team": "data"}}
}

func TestSQLArgsFromJob(t *testing.T) {
	t.Parallel()
	job := sampleSQLJob()
	// Imported (nothing known): every argument DLI reports is read back.
	imported := sqlArgsFromJob(job, sqlJobArgsModel{})
	want := sqlJobArgsModel{SQL: types.StringValue(job.Statement), Queue: types.StringValue("etl"),
		Database: types.StringValue("db1"), Catalog: types.StringNull(), Engine: types.StringValue("spark"),
		Conf: job.Conf, Tags: job.Tags}
	if !reflect.DeepEqual(imported, want) {
		t.Fatalf("imported\n %+v\nwant\n %+v", imported, want)
	}
	// Managed: the job cannot change, so the arguments held (nulls included) stay.
	prior := sqlJobArgsModel{SQL: types.StringValue("INSERT INTO t SELECT 1;\n"), Queue: types.StringValue("etl"),
		Database: types.StringNull(), Catalog: types.StringValue("dli"), Engine: types.StringNull()}
	kept := sqlArgsFromJob(job, prior)
	prior.Database, prior.Engine = types.StringValue("db1"), types.StringValue("spark") // nulls are filled
	if !reflect.DeepEqual(kept, prior) {
		t.Fatalf("kept\n %+v\nwant\n %+v", kept, prior)
	}
	// Absent values stay null.
	bare := sqlArgsFromJob(&client.SQLJob{ID: job.ID, Statement: "SELECT 1"}, sqlJobArgsModel{})
	if !bare.Queue.IsNull() || !bare.Database.IsNull() || !bare.Engine.IsNull() || bare.Conf != nil || bare.Tags != nil {
		t.Fatalf("bare %+v", bare)
	}
}

func TestNormalizeSQL(t *testing.T) {
	t.Parallel()
	same := []string{"SELECT 1", " SELECT 1 ", "SELECT 1;", "SELECT 1 ;\n", "\tSELECT 1;;"}
	for _, s := range same {
		if normalizeSQL(s) != "SELECT 1" {
			t.Errorf("normalizeSQL(%q) = %q", s, normalizeSQL(s))
		}
	}
	if normalizeSQL("SELECT  1") == normalizeSQL("SELECT 1") {
		t.Error("inner white space is part of the statement")
	}
}

// The SQL data sources show every job attribute of the resource, computed, and none of its
// provider-side settings; the models fit the schemas.
func TestSQLSchemasAndModels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs := sqlJobResourceSchema(ctx)
	ds := sqlJobDataSourceAttributes()
	for name, a := range rs.Attributes {
		got, ok := ds[name]
		switch {
		case slices.Contains(providerSideAttributes, name):
			if ok {
				t.Errorf("%s is a setting of the resource, but the data sources show it", name)
			}
		case !ok:
			t.Errorf("the data sources lack %s", name)
		case !got.IsComputed() || got.GetMarkdownDescription() != a.GetMarkdownDescription():
			t.Errorf("data source attribute %s is not derived from the resource's", name)
		}
	}
	if rs.Attributes["conf"].IsSensitive() || rs.Attributes["sql"].IsSensitive() {
		t.Error("conf and sql are plain: a reviewer sees what changes")
	}

	job := sampleSQLJob()
	setState := func(name string, s tfsdk.State, v any) {
		if diags := s.Set(ctx, v); diags.HasError() {
			t.Errorf("%s: %v", name, diags)
		}
	}
	newState := func(d datasource.DataSource) tfsdk.State {
		resp := &datasource.SchemaResponse{}
		d.Schema(ctx, datasource.SchemaRequest{}, resp)
		return tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
	}
	for _, j := range []*client.SQLJob{job, {ID: job.ID, Status: client.SQLStatusRunning}} {
		m := sqlJobDataFromClient(j)
		setState("dli_sql_job", newState(&sqlJobDataSource{}), &m)
	}
	list := sqlJobsDataModel{IDs: []string{job.ID}, Jobs: []sqlJobDataModel{sqlJobDataFromClient(job)}}
	setState("dli_sql_jobs", newState(&sqlJobsDataSource{}), &list)
	x := "x"
	result := sqlJobResultDataModel{JobID: types.StringValue(job.ID), JobType: types.StringValue("QUERY"),
		RowCount: types.Int64Value(1), Columns: sqlColumns(job.ResultSchema), Rows: sqlResultRows([][]*string{{&x, nil}})}
	setState("dli_sql_job_result", newState(&sqlJobResultDataSource{}), &result)

	var m sqlJobResourceModel
	m.ID = types.StringValue(job.ID)
	m.sqlJobArgsModel = sqlArgsFromJob(job, sqlJobArgsModel{})
	m.sqlJobStatusModel = sqlStatusFromJob(job)
	m.Timeouts = timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType, "delete": types.StringType})}
	setState("dli_sql_job", tfsdk.State{Schema: rs, Raw: tftypes.NewValue(rs.Type().TerraformType(ctx), nil)}, &m)
	if m.EndTime.ValueString() != "2026-11-28T09:30:01.500Z" || m.DurationMS.ValueInt64() != 1500 {
		t.Errorf("times %s %d", m.EndTime, m.DurationMS.ValueInt64())
	}
}

func TestSQLSubmittedStatus(t *testing.T) {
	t.Parallel()
	s := sqlSubmittedStatus(&client.SQLSubmission{ID: "x", JobType: "DDL", JobMode: "sync"})
	if s.Status.ValueString() != "LAUNCHING" || s.JobType.ValueString() != "DDL" || s.JobMode.ValueString() != "sync" {
		t.Errorf("submitted %+v", s)
	}
	// Duration and counts of an active job grow with every read: null until it ends.
	running := sqlStatusFromJob(&client.SQLJob{Status: client.SQLStatusRunning, Duration: time.Second, InputSize: 5})
	if !running.DurationMS.IsNull() || !running.InputSize.IsNull() || !running.ResultCount.IsNull() {
		t.Errorf("running %+v", running)
	}
	adopted := sqlSubmittedStatus(&client.SQLSubmission{ID: "x", Adopted: sampleSQLJob()})
	if adopted.Status.ValueString() != "FINISHED" || adopted.Owner.ValueString() != "alice" {
		t.Errorf("adopted %+v", adopted)
	}
	adopted.JobMode = types.StringValue("")
	adopted.keepJobMode(types.StringValue("async"))
	if adopted.JobMode.ValueString() != "async" {
		t.Errorf("job mode %s", adopted.JobMode)
	}
}

func TestDescribeSQLWaitError(t *testing.T) {
	t.Parallel()
	id := "8ecb0777-9c70-4529-9935-29ea0946039c"
	tests := []struct {
		err           error
		summary, want string
	}{
		{&client.SQLJobFailedError{ID: id, Status: client.SQLStatusFailed, Message: "Table or view not found: t"},
			"SQL job FAILED", "DLI's message: Table or view not found: t"},
		{fmt.Errorf("wait: %w", context.Canceled), "Interrupted while waiting for SQL job", "terraform untaint"},
		{fmt.Errorf("wait: %w", context.DeadlineExceeded), "SQL job not finished in time", "raise timeouts.create"},
		{errors.New("boom"), "SQL job not finished", "boom"},
	}
	for _, tt := range tests {
		summary, detail := describeSQLWaitError(id, waitForFinished, time.Minute, "RUNNING", tt.err)
		if summary != tt.summary || !strings.Contains(detail, tt.want) || !strings.Contains(detail, id) {
			t.Errorf("%v: %q / %q", tt.err, summary, detail)
		}
	}
}
