package provider

import (
	"context"
	"reflect"
	"slices"
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

// Fast checks of the Flink models, no Terraform CLI.

func i64(v int64) *int64 { return &v }
func bl(v bool) *bool    { return &v }

func sampleFlinkJob(jobType string) *client.FlinkJob {
	return &client.FlinkJob{
		ID: "148", Name: "orders", JobType: jobType, Status: client.FlinkRunning, Queue: "default", RunMode: "exclusive_cluster",
		SQLBody: "INSERT INTO a SELECT 1", MainClass: "a.Main", EntrypointArgs: []string{"--x", "1"}, FlinkVersion: "1.15",
		Feature: "basic", SavepointPath: "obs://b/sp/1", RestartTimes: 2,
		CreatedAt: time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC), StartedAt: time.Date(2026, 11, 28, 9, 31, 0, 0, time.UTC),
		Config: client.FlinkJobConfig{
			CheckpointEnabled: bl(true), CheckpointMode: "at_least_once", CheckpointInterval: i64(30), ObsBucket: "bucket",
			CUNumber: i64(4), ManagerCUNumber: i64(1), ParallelNumber: i64(3), TMCUs: i64(1), TMSlotNum: i64(3),
			LogEnabled: bl(false), RestartOnException: bl(true), ResumeCheckpoint: bl(false), ResumeMaxNum: i64(-1),
			IdleStateRetention: i64(3600), DirtyDataStrategy: "0", Entrypoint: "obs://b/a.jar",
			DependencyJars: []string{"obs://b/dep.jar"}, RuntimeConfig: map[string]string{"k": "v"},
		},
	}
}

// emptyFlinkSQL is a model as a fresh import leaves it: everything null.
func emptyFlinkSQL() flinkSQLJobModel {
	var m flinkSQLJobModel
	m.RuntimeConfig, m.Tags = types.MapNull(types.StringType), types.MapNull(types.StringType)
	m.Timeouts = timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType})}
	return m
}

func TestFlinkModels_fitSchemas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sqlSchema := flinkSQLJobSchema(ctx)
	m := emptyFlinkSQL()
	m.ID = types.StringValue("148")
	m.flinkArgsModel.apply(sampleFlinkJob(client.FlinkJobTypeOpenSourceSQL))
	m.flinkSQLArgs.apply(sampleFlinkJob(client.FlinkJobTypeOpenSourceSQL))
	m.flinkStatusModel = flinkStatusFrom(sampleFlinkJob(""))
	state := tfsdk.State{Schema: sqlSchema, Raw: tftypes.NewValue(sqlSchema.Type().TerraformType(ctx), nil)}
	if diags := state.Set(ctx, &m); diags.HasError() {
		t.Errorf("SQL resource model: %v", diags)
	}
	if m.CheckpointMode.ValueString() != "at_least_once" || m.Parallelism.ValueInt64() != 3 || m.SavepointPath.ValueString() != "obs://b/sp/1" ||
		m.StartTime.ValueString() != "2026-11-28T09:31:00.000Z" || len(m.RuntimeConfig.Elements()) != 1 {
		t.Errorf("read back %+v", m.flinkArgsModel)
	}

	jarSchema := flinkJarJobSchema(ctx)
	var jar flinkJarJobModel
	jar.flinkArgsModel, jar.Timeouts = m.flinkArgsModel, m.Timeouts
	jar.EntrypointArgs, jar.DependencyJars, jar.DependencyFiles = types.ListNull(types.StringType), types.ListNull(types.StringType), types.ListNull(types.StringType)
	jar.flinkJarArgs.apply(sampleFlinkJob(client.FlinkJobTypeJar))
	jarState := tfsdk.State{Schema: jarSchema, Raw: tftypes.NewValue(jarSchema.Type().TerraformType(ctx), nil)}
	if diags := jarState.Set(ctx, &jar); diags.HasError() {
		t.Errorf("Jar resource model: %v", diags)
	}
	if len(jar.EntrypointArgs.Elements()) != 2 || !jar.DependencyFiles.IsNull() || jar.Entrypoint.ValueString() != "obs://b/a.jar" {
		t.Errorf("Jar read back %+v", jar.flinkJarArgs)
	}

	for _, d := range []datasource.DataSource{&flinkJobDataSource{}, &flinkJobsDataSource{}} {
		resp := &datasource.SchemaResponse{}
		d.Schema(ctx, datasource.SchemaRequest{}, resp)
		st := tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
		var v any = ref(flinkJobDataFrom(sampleFlinkJob(client.FlinkJobTypeJar)))
		if _, list := d.(*flinkJobsDataSource); list {
			v = &flinkJobsDataModel{IDs: []string{"148"}, Jobs: []flinkJobDataModel{flinkJobDataFrom(sampleFlinkJob("")), flinkJobDataFrom(&client.FlinkJob{ID: "1"})}}
		}
		if diags := st.Set(ctx, v); diags.HasError() {
			t.Errorf("data source model %T: %v", d, diags)
		}
	}
}

func ref[T any](v T) *T { return &v }

// The data sources show every argument of both resources, computed, and none of their settings.
func TestFlinkDataAttributes_coverBothKinds(t *testing.T) {
	t.Parallel()
	ds := flinkJobDataAttributes()
	for _, attrs := range []map[string]bool{attrNames(flinkSQLJobSchema(context.Background()).Attributes), attrNames(flinkJarJobSchema(context.Background()).Attributes)} {
		for name := range attrs {
			got, ok := ds[name]
			switch {
			case slices.Contains(flinkSettings, name):
				if ok {
					t.Errorf("%s is a setting, not part of a job", name)
				}
			case !ok:
				t.Errorf("the data sources lack %s", name)
			case !got.IsComputed() || got.IsOptional():
				t.Errorf("%s is not computed only", name)
			}
		}
	}
}

func attrNames[V any](m map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

func TestFlinkRequests_byMode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := emptyFlinkSQL()
	m.Name, m.SQL, m.CUCount = types.StringValue("orders"), types.StringValue("INSERT"), types.Int64Value(4)

	create := m.request(ctx, client.FlinkSQL, forCreate)
	m.fillKind(ctx, create, forCreate)
	if create.SMNTopic != nil || create.Description != nil || create.RuntimeConfig != nil || *create.CUNumber != 4 || *create.SQLBody != "INSERT" {
		t.Errorf("create sends nulls: %+v", create)
	}
	update := m.request(ctx, client.FlinkSQL, forUpdate)
	m.fillKind(ctx, update, forUpdate)
	if update.SMNTopic == nil || *update.SMNTopic != "" || update.RuntimeConfig == nil || len(update.RuntimeConfig) != 0 ||
		update.Queue != nil || update.UDFJarURL == nil {
		t.Errorf("a full update does not clear what was removed: %+v", update)
	}
	m.SMNTopic, m.ResumeMaxNum = types.StringValue("alarms"), types.Int64Value(5)
	live := m.liveRequest(client.FlinkSQL, []string{"smn_topic"})
	want := &client.FlinkJobRequest{Kind: client.FlinkSQL, SMNTopic: ref("alarms")}
	if !reflect.DeepEqual(live, want) {
		t.Errorf("live request = %+v, want only smn_topic", live)
	}
}

func TestFlinkChangedArguments(t *testing.T) {
	t.Parallel()
	base := emptyFlinkSQL()
	base.SQL, base.SMNTopic, base.Status, base.WaitFor = types.StringValue("a"), types.StringNull(), types.StringValue("job_running"), types.StringValue("running")
	cases := []struct {
		name          string
		change        func(m *flinkSQLJobModel)
		restart, live []string
	}{
		{"nothing", func(*flinkSQLJobModel) {}, nil, nil},
		{"sql", func(m *flinkSQLJobModel) { m.SQL = types.StringValue("b") }, []string{"sql"}, nil},
		{"unknown sql", func(m *flinkSQLJobModel) { m.SQL = types.StringUnknown() }, []string{"sql"}, nil},
		{"smn_topic", func(m *flinkSQLJobModel) { m.SMNTopic = types.StringValue("t") }, nil, []string{"smn_topic"}},
		{"tags: through the tag API, neither a restart nor a PUT", func(m *flinkSQLJobModel) {
			m.Tags = types.MapValueMust(types.StringType, map[string]attr.Value{"a": types.StringValue("b")})
		}, nil, nil},
		{"settings and status are not arguments", func(m *flinkSQLJobModel) {
			m.WaitFor, m.DesiredState, m.Status = types.StringValue("submitted"), types.StringValue("stopped"), types.StringUnknown()
		}, nil, nil},
		{"both", func(m *flinkSQLJobModel) {
			m.ResumeMaxNum, m.CUCount = types.Int64Value(3), types.Int64Value(8)
		}, []string{"cu_count"}, []string{"resume_max_num"}},
	}
	for _, tc := range cases {
		plan := base
		tc.change(&plan)
		restart, live := changedArguments(&plan, &base)
		if !reflect.DeepEqual(restart, tc.restart) || !reflect.DeepEqual(live, tc.live) {
			t.Errorf("%s: restart %v live %v, want %v %v", tc.name, restart, live, tc.restart, tc.live)
		}
	}
}

func TestFlinkUnknowns(t *testing.T) {
	t.Parallel()
	m := emptyFlinkSQL()
	m.Queue, m.TMSlotCount, m.Status, m.Tags = types.StringUnknown(), types.Int64Unknown(), types.StringUnknown(), types.MapUnknown(types.StringType)
	src := emptyFlinkSQL()
	src.Queue, src.TMSlotCount = types.StringValue("default"), types.Int64Value(3)
	fillUnknowns(&m, &src)
	if m.Queue.ValueString() != "default" || m.TMSlotCount.ValueInt64() != 3 || !m.Status.IsNull() {
		t.Errorf("fillUnknowns: %+v", m)
	}
	m.Status = types.StringUnknown()
	nullUnknowns(&m)
	if !m.Status.IsNull() || !m.Tags.IsNull() || m.Queue.ValueString() != "default" {
		t.Errorf("nullUnknowns: %+v", m)
	}
}

func TestFlinkWantsAction(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desired string
		status  client.FlinkJobStatus
		want    bool
	}{
		{desiredRunning, client.FlinkRunning, false}, {desiredRunning, client.FlinkSubmitting, false},
		{desiredRunning, client.FlinkCancelSuccess, true}, {desiredRunning, client.FlinkRunningException, true},
		{desiredRunning, client.FlinkInit, true}, {desiredRunning, client.FlinkFinish, false},
		{desiredStopped, client.FlinkRunning, true}, {desiredStopped, client.FlinkCanceling, true},
		{desiredStopped, client.FlinkCancelSuccess, false}, {desiredStopped, client.FlinkInit, false},
	} {
		if got := wantsAction(tc.desired, tc.status); got != tc.want {
			t.Errorf("wantsAction(%s, %s) = %v, want %v", tc.desired, tc.status, got, tc.want)
		}
	}
}
