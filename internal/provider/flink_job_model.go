package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// flinkArgsModel holds the arguments both kinds of Flink job share; the resources and the data
// sources embed it, so the same names mean the same things everywhere.
type flinkArgsModel struct {
	Name                 types.String `tfsdk:"name"`
	Description          types.String `tfsdk:"description"`
	Queue                types.String `tfsdk:"queue"`
	FlinkVersion         types.String `tfsdk:"flink_version"`
	CUCount              types.Int64  `tfsdk:"cu_count"`
	ManagerCUCount       types.Int64  `tfsdk:"manager_cu_count"`
	Parallelism          types.Int64  `tfsdk:"parallelism"`
	TMCUCount            types.Int64  `tfsdk:"tm_cu_count"`
	TMSlotCount          types.Int64  `tfsdk:"tm_slot_count"`
	CheckpointEnabled    types.Bool   `tfsdk:"checkpoint_enabled"`
	CheckpointMode       types.String `tfsdk:"checkpoint_mode"`
	CheckpointInterval   types.Int64  `tfsdk:"checkpoint_interval"`
	ObsBucket            types.String `tfsdk:"obs_bucket"`
	LogEnabled           types.Bool   `tfsdk:"log_enabled"`
	SMNTopic             types.String `tfsdk:"smn_topic"`
	RestartWhenException types.Bool   `tfsdk:"restart_when_exception"`
	ResumeCheckpoint     types.Bool   `tfsdk:"resume_checkpoint"`
	ResumeMaxNum         types.Int64  `tfsdk:"resume_max_num"`
	RuntimeConfig        types.Map    `tfsdk:"runtime_config"`
	Tags                 types.Map    `tfsdk:"tags"`
	ResourceConfig       types.Object `tfsdk:"resource_config"`
	ExecutionAgencyURN   types.String `tfsdk:"execution_agency_urn"`
}

// flinkResourceConfigModel is resource_config.
type flinkResourceConfigModel struct {
	MaxSlot           types.Int64   `tfsdk:"max_slot"`
	ParallelNumber    types.Int64   `tfsdk:"parallel_number"`
	JobManagerCPU     types.Float64 `tfsdk:"jobmanager_cpu"`
	JobManagerMemory  types.String  `tfsdk:"jobmanager_memory"`
	TaskManagerCPU    types.Float64 `tfsdk:"taskmanager_cpu"`
	TaskManagerMemory types.String  `tfsdk:"taskmanager_memory"`
}

var flinkResourceConfigTypes = map[string]attr.Type{
	"max_slot": types.Int64Type, "parallel_number": types.Int64Type, "jobmanager_cpu": types.Float64Type,
	"jobmanager_memory": types.StringType, "taskmanager_cpu": types.Float64Type, "taskmanager_memory": types.StringType,
}

// resourceConfigArg converts resource_config (removing it replaces the job: see the schema).
func resourceConfigArg(ctx context.Context, v types.Object) *client.FlinkResourceConfig {
	if v.IsUnknown() || v.IsNull() {
		return nil
	}
	var m flinkResourceConfigModel
	_ = v.As(ctx, &m, basetypes.ObjectAsOptions{})
	return &client.FlinkResourceConfig{
		MaxSlot: m.MaxSlot.ValueInt64(), ParallelNumber: m.ParallelNumber.ValueInt64(),
		JobManagerCPU: m.JobManagerCPU.ValueFloat64(), JobManagerMemory: m.JobManagerMemory.ValueString(),
		TaskManagerCPU: m.TaskManagerCPU.ValueFloat64(), TaskManagerMemory: m.TaskManagerMemory.ValueString(),
	}
}

func readResourceConfig(prior types.Object, version string, rc *client.FlinkResourceConfig) types.Object {
	if version != "v2" || rc == nil {
		if version == "" && !prior.IsUnknown() && !prior.IsNull() {
			return prior // not reported
		}
		return types.ObjectNull(flinkResourceConfigTypes)
	}
	return types.ObjectValueMust(flinkResourceConfigTypes, map[string]attr.Value{
		"max_slot": types.Int64Value(rc.MaxSlot), "parallel_number": types.Int64Value(rc.ParallelNumber),
		"jobmanager_cpu": types.Float64Value(rc.JobManagerCPU), "jobmanager_memory": types.StringValue(rc.JobManagerMemory),
		"taskmanager_cpu": types.Float64Value(rc.TaskManagerCPU), "taskmanager_memory": types.StringValue(rc.TaskManagerMemory),
	})
}

// flinkSQLArgs are the arguments of Flink SQL jobs.
type flinkSQLArgs struct {
	SQL                types.String `tfsdk:"sql"`
	RunMode            types.String `tfsdk:"run_mode"`
	JobType            types.String `tfsdk:"job_type"`
	IdleStateRetention types.Int64  `tfsdk:"idle_state_retention"`
	DirtyDataStrategy  types.String `tfsdk:"dirty_data_strategy"`
	UDFJarURL          types.String `tfsdk:"udf_jar_url"`
}

// flinkJarArgs are the arguments of Flink Jar jobs.
type flinkJarArgs struct {
	Entrypoint      types.String `tfsdk:"entrypoint"`
	MainClass       types.String `tfsdk:"main_class"`
	EntrypointArgs  types.List   `tfsdk:"entrypoint_args"`
	DependencyJars  types.List   `tfsdk:"dependency_jars"`
	DependencyFiles types.List   `tfsdk:"dependency_files"`
	Feature         types.String `tfsdk:"feature"`
	Image           types.String `tfsdk:"image"`
	CheckpointPath  types.String `tfsdk:"checkpoint_path"`
}

// flinkSettingsModel are the resource's own settings.
type flinkSettingsModel struct {
	WaitFor            types.String   `tfsdk:"wait_for"`
	DesiredState       types.String   `tfsdk:"desired_state"`
	SavepointOnUpdate  types.Bool     `tfsdk:"savepoint_on_update"`
	SavepointOnDestroy types.Bool     `tfsdk:"savepoint_on_destroy"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
	flinkSecretModel
}

// flinkStatusModel is what DLI reports about a job.
type flinkStatusModel struct {
	Status            types.String `tfsdk:"status"`
	StatusDescription types.String `tfsdk:"status_description"`
	CreateTime        types.String `tfsdk:"create_time"`
	StartTime         types.String `tfsdk:"start_time"`
	SavepointPath     types.String `tfsdk:"savepoint_path"`
	RestartTimes      types.Int64  `tfsdk:"restart_times"`
}

type flinkSQLJobModel struct {
	ID types.String `tfsdk:"id"`
	flinkArgsModel
	flinkSQLArgs
	flinkSettingsModel
	flinkStatusModel
}

type flinkJarJobModel struct {
	ID types.String `tfsdk:"id"`
	flinkArgsModel
	flinkJarArgs
	flinkSettingsModel
	flinkStatusModel
}

// reqMode says how null arguments are sent: left out on create, cleared on a full update.
type reqMode int

const (
	forCreate reqMode = iota
	forUpdate
)

func strArg(v types.String, mode reqMode) *string {
	switch {
	case v.IsUnknown(), v.IsNull() && mode == forCreate:
		return nil
	}
	s := v.ValueString()
	return &s
}

func intArg(v types.Int64) *int64 { return pointerTo(v, types.Int64.ValueInt64) }

func boolArg(v types.Bool) *bool { return pointerTo(v, types.Bool.ValueBool) }

// nullable is a framework value, which may be null or unknown.
type nullable interface {
	IsNull() bool
	IsUnknown() bool
}

// pointerTo points at v's value; nil (left out of a request) when v is null or unknown.
func pointerTo[T any, V nullable](v V, value func(V) T) *T {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	x := value(v)
	return &x
}

func listArg(ctx context.Context, v types.List, mode reqMode) []string {
	return collectionArg(ctx, v, mode, []string{})
}

func mapArg(ctx context.Context, v types.Map, mode reqMode) map[string]string {
	return collectionArg(ctx, v, mode, map[string]string{})
}

// collectionArg is the elements of list or map v: none (left out) when unknown, or null on
// create; empty (cleared) when null on a full update.
func collectionArg[C any](ctx context.Context, v interface {
	nullable
	ElementsAs(ctx context.Context, target any, allowUnhandled bool) diag.Diagnostics
}, mode reqMode, empty C) C {
	if v.IsUnknown() || v.IsNull() && mode == forCreate {
		var none C
		return none
	}
	if !v.IsNull() {
		_ = v.ElementsAs(ctx, &empty, false)
	}
	return empty
}

// request fills the shared fields of a create or full update.
func (a *flinkArgsModel) request(ctx context.Context, kind client.FlinkJobKind, mode reqMode) *client.FlinkJobRequest {
	return &client.FlinkJobRequest{
		ResourceConfig: resourceConfigArg(ctx, a.ResourceConfig),
		Kind:           kind, Name: strArg(a.Name, mode), Description: strArg(a.Description, mode), Queue: strArg(a.Queue, forCreate),
		FlinkVersion: strArg(a.FlinkVersion, forCreate), CUNumber: intArg(a.CUCount), ManagerCUNumber: intArg(a.ManagerCUCount),
		ParallelNumber: intArg(a.Parallelism), TMCUs: intArg(a.TMCUCount), TMSlotNum: intArg(a.TMSlotCount),
		CheckpointEnabled: boolArg(a.CheckpointEnabled), CheckpointMode: strArg(a.CheckpointMode, forCreate),
		CheckpointInterval: intArg(a.CheckpointInterval), ObsBucket: strArg(a.ObsBucket, mode), LogEnabled: boolArg(a.LogEnabled),
		SMNTopic: strArg(a.SMNTopic, mode), RestartOnException: boolArg(a.RestartWhenException),
		ResumeCheckpoint: boolArg(a.ResumeCheckpoint), ResumeMaxNum: intArg(a.ResumeMaxNum),
		ExecutionAgencyURN: strArg(a.ExecutionAgencyURN, mode), RuntimeConfig: mapArg(ctx, a.RuntimeConfig, mode),
		Tags: mapArg(ctx, a.Tags, mode),
	}
}

// liveRequest sends only the changed arguments of flinkLive, for a job that keeps running.
func (a *flinkArgsModel) liveRequest(kind client.FlinkJobKind, changed []string) *client.FlinkJobRequest {
	r := &client.FlinkJobRequest{Kind: kind}
	for _, name := range changed {
		switch name {
		case "smn_topic":
			r.SMNTopic = strArg(a.SMNTopic, forUpdate)
		case "restart_when_exception":
			r.RestartOnException = boolArg(a.RestartWhenException)
		case "resume_checkpoint":
			r.ResumeCheckpoint = boolArg(a.ResumeCheckpoint)
		case "resume_max_num":
			r.ResumeMaxNum = intArg(a.ResumeMaxNum)
		}
	}
	return r
}

func (s *flinkSQLArgs) fill(r *client.FlinkJobRequest, mode reqMode) {
	r.SQLBody, r.RunMode, r.JobType = strArg(s.SQL, mode), strArg(s.RunMode, forCreate), strArg(s.JobType, forCreate)
	r.IdleStateRetention, r.DirtyDataStrategy = intArg(s.IdleStateRetention), strArg(s.DirtyDataStrategy, forCreate)
	r.UDFJarURL = strArg(s.UDFJarURL, mode)
}

func (j *flinkJarArgs) fill(ctx context.Context, r *client.FlinkJobRequest, mode reqMode) {
	r.Entrypoint, r.MainClass = strArg(j.Entrypoint, mode), strArg(j.MainClass, mode)
	r.EntrypointArgs = listArg(ctx, j.EntrypointArgs, mode)
	r.DependencyJars, r.DependencyFiles = listArg(ctx, j.DependencyJars, mode), listArg(ctx, j.DependencyFiles, mode)
	r.Feature, r.Image, r.CheckpointPath = strArg(j.Feature, forCreate), strArg(j.Image, mode), strArg(j.CheckpointPath, mode)
}

// Reading back. Arguments DLI reports replace the state's, so that changes made outside
// Terraform show as drift; "" and empty collections stay null when the state had null.

func readString(prior types.String, v string) types.String {
	if v == "" && (prior.IsNull() || prior.IsUnknown()) {
		return types.StringNull()
	}
	return types.StringValue(v)
}

// readComputed keeps the state's value when DLI reports none.
func readComputed(prior types.String, v string) types.String {
	var p *string
	if v != "" {
		p = &v
	}
	return reported(prior, p, types.StringValue, types.StringNull())
}

func readInt(prior types.Int64, v *int64) types.Int64 {
	return reported(prior, v, types.Int64Value, types.Int64Null())
}

func readBool(prior types.Bool, v *bool) types.Bool {
	return reported(prior, v, types.BoolValue, types.BoolNull())
}

// reported is DLI's value when it reports one (v not nil), else the state's: null rather than
// unknown, as state holds no unknown values.
func reported[T any, V nullable](prior V, v *T, value func(T) V, null V) V {
	switch {
	case v != nil:
		return value(*v)
	case prior.IsUnknown():
		return null
	}
	return prior
}

func readList(prior types.List, v []string) types.List {
	if len(v) == 0 && (prior.IsNull() || prior.IsUnknown()) {
		return types.ListNull(types.StringType)
	}
	elems := make([]attr.Value, len(v))
	for i, s := range v {
		elems[i] = types.StringValue(s)
	}
	return types.ListValueMust(types.StringType, elems)
}

func readMap(prior types.Map, v map[string]string) types.Map {
	if v == nil && !prior.IsUnknown() {
		return prior // not reported
	}
	if len(v) == 0 && (prior.IsNull() || prior.IsUnknown()) {
		return types.MapNull(types.StringType)
	}
	elems := make(map[string]attr.Value, len(v))
	for k, s := range v {
		elems[k] = types.StringValue(s)
	}
	return types.MapValueMust(types.StringType, elems)
}

func (a *flinkArgsModel) apply(job *client.FlinkJob) {
	c := job.Config
	a.Name = readComputed(a.Name, job.Name)
	a.Description = readString(a.Description, job.Description)
	a.Queue = readComputed(a.Queue, job.Queue)
	a.FlinkVersion = readComputed(a.FlinkVersion, job.FlinkVersion)
	a.CUCount, a.ManagerCUCount = readInt(a.CUCount, c.CUNumber), readInt(a.ManagerCUCount, c.ManagerCUNumber)
	a.Parallelism, a.TMCUCount = readInt(a.Parallelism, c.ParallelNumber), readInt(a.TMCUCount, c.TMCUs)
	a.TMSlotCount = readInt(a.TMSlotCount, c.TMSlotNum)
	a.CheckpointEnabled = readBool(a.CheckpointEnabled, c.CheckpointEnabled)
	a.CheckpointMode = readComputed(a.CheckpointMode, c.CheckpointMode)
	a.CheckpointInterval = readInt(a.CheckpointInterval, c.CheckpointInterval)
	a.ObsBucket = readString(a.ObsBucket, c.ObsBucket)
	a.LogEnabled = readBool(a.LogEnabled, c.LogEnabled)
	a.SMNTopic = readString(a.SMNTopic, c.SMNTopic)
	a.RestartWhenException = readBool(a.RestartWhenException, c.RestartOnException)
	a.ResumeCheckpoint = readBool(a.ResumeCheckpoint, c.ResumeCheckpoint)
	a.ResumeMaxNum = readInt(a.ResumeMaxNum, c.ResumeMaxNum)
	a.RuntimeConfig = readMap(a.RuntimeConfig, withoutListedSecrets(flinkSecretKeysConfigKey, c.RuntimeConfig))
	a.Tags = readMap(a.Tags, job.Tags)
	a.ResourceConfig = readResourceConfig(a.ResourceConfig, c.ResourceConfigVersion, c.ResourceConfig)
	a.ExecutionAgencyURN = readString(a.ExecutionAgencyURN, c.ExecutionAgencyURN)
}

func (s *flinkSQLArgs) apply(job *client.FlinkJob) {
	c := job.Config
	s.SQL = readComputed(s.SQL, job.SQLBody)
	s.RunMode = readComputed(s.RunMode, job.RunMode)
	s.JobType = readComputed(s.JobType, job.JobType)
	s.IdleStateRetention = readInt(s.IdleStateRetention, c.IdleStateRetention)
	s.DirtyDataStrategy = readComputed(s.DirtyDataStrategy, c.DirtyDataStrategy)
	s.UDFJarURL = readString(s.UDFJarURL, c.UDFJarURL)
}

func (j *flinkJarArgs) apply(job *client.FlinkJob) {
	c := job.Config
	j.Entrypoint = readComputed(j.Entrypoint, c.Entrypoint)
	j.MainClass = readString(j.MainClass, job.MainClass)
	j.EntrypointArgs = readList(j.EntrypointArgs, job.EntrypointArgs)
	j.DependencyJars = readList(j.DependencyJars, c.DependencyJars)
	j.DependencyFiles = readList(j.DependencyFiles, c.DependencyFiles)
	j.Feature = readComputed(j.Feature, job.Feature)
	j.Image = readString(j.Image, job.Image)
	j.CheckpointPath = readString(j.CheckpointPath, c.CheckpointPath)
}

func flinkStatusFrom(job *client.FlinkJob) flinkStatusModel {
	start := types.StringNull()
	if !job.StartedAt.IsZero() {
		start = types.StringValue(formatTime(job.StartedAt))
	}
	return flinkStatusModel{
		Status: types.StringValue(string(job.Status)), StatusDescription: types.StringValue(job.StatusDesc),
		CreateTime: optionalString(formatTime(job.CreatedAt)), StartTime: start,
		SavepointPath: optionalString(job.SavepointPath), RestartTimes: types.Int64Value(job.RestartTimes),
	}
}
