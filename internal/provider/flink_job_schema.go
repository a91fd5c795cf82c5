package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Limits and defaults documented by the Flink create APIs (dli_02_0228, dli_02_0230) and the
// detail's job_config (dli_02_0235).
const (
	maxFlinkNameLength   = 57
	maxFlinkDescLength   = 512
	maxFlinkCU           = 400
	maxFlinkParallelism  = 2000
	flinkSlotsPerCU      = 4 // parallelism <= 4 x (cu_count - manager_cu_count)
	defaultFlinkCU       = 2
	defaultFlinkManagerC = 1
)

// Values of desired_state.
const (
	desiredRunning = "running"
	desiredStopped = "stopped"
)

// flinkSettings are the resource's own settings, not part of the job; flinkComputed are what
// DLI reports. The data sources leave out the first; updates compare neither.
var (
	// secret_runtime_config* are settings too (DLI does not report them), though a change of
	// the version is a change of the job (changedArguments).
	flinkSettings = []string{"wait_for", "desired_state", "savepoint_on_update", "savepoint_on_destroy", "timeouts",
		"secret_runtime_config", "secret_runtime_config_version"}
	flinkComputed = []string{"id", "status", "status_description", "create_time", "start_time", "savepoint_path", "restart_times"}
	// flinkLive are the arguments DLI lets change on a running job (what Huawei's provider sends
	// without stopping; dli-more-api.md §3.3, UNCONFIRMED by the API reference). Tags change
	// through DLI's tag API (§9), on a running job too; any other change stops the job first.
	flinkLive = []string{"smn_topic", "restart_when_exception", "resume_checkpoint", "resume_max_num"}
)

var (
	dirtyDataPattern = regexp.MustCompile(`^(0|1|2:\S+)$`)
	// 2G and more, or 2048M and more.
	flinkMemoryPattern = regexp.MustCompile(`^(?:[2-9]|[1-9][0-9]+)[Gg]$|^(?:[2-9][0-9]{3}|[1-9][0-9]{4,})[Mm]$`)
)

// flinkCommonAttributes are the arguments and computed values both kinds share.
func flinkCommonAttributes(ctx context.Context, kind string) map[string]schema.Attribute {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	optString := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: v}
	}
	intDefault := func(desc string, def int64, v ...validator.Int64) schema.Int64Attribute {
		return schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(def),
			MarkdownDescription: fmt.Sprintf("%s Defaults to `%d`.", desc, def), Validators: v}
	}
	boolDefault := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: desc + " Defaults to `false`."}
	}
	storage := "`obs_bucket`"
	if kind == "jar" {
		storage = "`checkpoint_path` or `obs_bucket`"
	}
	savepoint := func(when string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, MarkdownDescription: fmt.Sprintf("Whether stopping the job %s "+
			"takes a savepoint first (and running it again resumes from it). Defaults to `true` when the job has "+
			"checkpoint storage (%s), `false` otherwise; `true` without storage is refused.", when, storage)}
	}
	return withFlinkSecretAttributes(map[string]schema.Attribute{
		"id": computedString("Flink job ID assigned by DLI: an integer, as a string (such as `148`)."),
		"name": schema.StringAttribute{Required: true, MarkdownDescription: "Job name, at most 57 characters.",
			Validators: []validator.String{stringvalidator.LengthBetween(1, maxFlinkNameLength), notBlankValidator(), printableValidator()}},
		"description": optString("Job description (`desc` in the API), at most 512 characters.",
			stringvalidator.LengthAtMost(maxFlinkDescLength)),
		"queue": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keep,
			MarkdownDescription: "Name of the DLI queue the job runs on (`queue_name`). DLI picks one when unset.",
			Validators:          []validator.String{stringvalidator.LengthBetween(1, 128), queueNameValidator()}},
		"flink_version": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keep,
			MarkdownDescription: "Flink version, such as `1.15` or `1.17`. DLI's default when unset.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)}},
		"cu_count": intDefault("Total CUs of the job (`cu_number`), JobManager included; 1 CU is 1 vCPU and 4 GB.",
			defaultFlinkCU, int64validator.Between(2, maxFlinkCU)),
		"manager_cu_count": intDefault("CUs of the JobManager (`manager_cu_number`).", defaultFlinkManagerC,
			int64validator.Between(1, maxFlinkCU)),
		"parallelism": intDefault("Parallelism of the job (`parallel_number`), at most 4 x (`cu_count` - `manager_cu_count`).",
			1, int64validator.Between(1, maxFlinkParallelism)),
		"tm_cu_count": intDefault("CUs of each TaskManager (`tm_cus`).", 1, int64validator.Between(1, maxFlinkCU)),
		// No UseStateForUnknown: DLI derives it again when the sizing changes (ModifyPlan keeps it otherwise).
		"tm_slot_count": schema.Int64Attribute{Optional: true, Computed: true, Validators: []validator.Int64{int64validator.Between(1, maxFlinkParallelism)},
			MarkdownDescription: "Slots of each TaskManager (`tm_slot_num`). DLI derives it from the parallelism when unset."},
		"checkpoint_enabled": boolDefault("Whether the job takes checkpoints; needs checkpoint storage (" + storage + ")."),
		"checkpoint_mode": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("exactly_once"),
			MarkdownDescription: "`exactly_once` (default) or `at_least_once` (sent to DLI as 1 or 2).",
			Validators:          []validator.String{stringvalidator.OneOf("exactly_once", "at_least_once")}},
		"checkpoint_interval": intDefault("Seconds between checkpoints.", 10, int64validator.Between(1, 3600)),
		"obs_bucket": optString("OBS bucket for checkpoints (with `checkpoint_enabled`) and job logs (with `log_enabled`).",
			stringvalidator.LengthBetween(3, 63)),
		"log_enabled":            boolDefault("Whether DLI saves the job's logs to `obs_bucket`."),
		"smn_topic":              optString("SMN topic notified when the job fails.", stringvalidator.LengthAtLeast(1)),
		"restart_when_exception": boolDefault("Whether DLI restarts the job after an exception."),
		"resume_checkpoint":      boolDefault("Whether an automatic restart resumes from the last checkpoint."),
		"resume_max_num": intDefault("Automatic restarts allowed per hour; `-1` is unlimited.", -1,
			int64validator.AtLeast(-1)),
		"runtime_config": schema.MapAttribute{Optional: true, ElementType: types.StringType,
			MarkdownDescription: "Flink runtime configuration (`runtime_config`), such as `table.exec.state.ttl`. A plain " +
				"map that shows in plans; wrap a secret value in `sensitive()`. The provider never logs values. On the local " +
				"emulator, `emulator.outcome` (`running`, `failed` or `finished`) and `emulator.run_duration` script the job.",
			Validators: []validator.Map{mapvalidator.NoNullValues(),
				mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1), flinkReservedKeyValidator(), flinkSecretKeysKeyValidator())}},
		"tags": schema.MapAttribute{Optional: true, ElementType: types.StringType, Validators: []validator.Map{mapvalidator.NoNullValues()},
			MarkdownDescription: "Tags of the job, changed in place through DLI's tag API without a restart (only the keys that " +
				"change: removed ones deleted, then new ones set). Refresh reads them through the same API (one more request, " +
				"only for a job with tags in state, and after an import)."},
		"resource_config":      flinkResourceConfigAttribute(),
		"execution_agency_urn": optString("IAM agency the job runs as (Flink 1.15 and later).", stringvalidator.LengthAtLeast(1)),

		"wait_for": waitForAttribute(waitForRunning, "What apply waits for after running the job: `running` (default; "+
			"`job_running`) or `submitted` (DLI accepted the run). A job that fails to submit or run fails the apply with "+
			"DLI's status description.", waitForSubmitted, waitForRunning),
		"desired_state": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(desiredRunning),
			Validators: []validator.String{stringvalidator.OneOf(desiredRunning, desiredStopped)},
			MarkdownDescription: "`running` (default) or `stopped`. Changing it pauses the job (a stop with a savepoint when " +
				"`savepoint_on_update`) or resumes it (a run from that savepoint) without destroying it. A job found stopped " +
				"outside Terraform while `running` is wanted plans an update that runs it again."},
		"savepoint_on_update":  savepoint("for an update that needs it, or for `desired_state = \"stopped\"`,"),
		"savepoint_on_destroy": savepoint("on destroy"),
		"timeouts": positiveTimeouts(timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true,
			CreateDescription: "How long apply may take to create, run and wait for the job (default `20m`). " + queueWaitNote,
			UpdateDescription: "How long an update may take, stopping and running again included (default `30m`).",
			DeleteDescription: "How long destroy may wait for the job to stop (default `20m`)."})),

		"status": computedString("Job status as last read: `job_init`, `job_submitting`, `job_running`, `job_canceling`, " +
			"`job_cancel_success` (stopped), `job_submit_fail`, `job_running_exception`, `job_finish` and the others DLI documents."),
		"status_description": computedString("DLI's description of the status, often the reason of a failure."),
		"create_time":        computedString("Creation time, RFC 3339 in UTC with milliseconds."),
		"start_time":         computedString("Time the job last started, in the form of `create_time`; null before the first run."),
		"savepoint_path":     computedString("Path of the job's last savepoint, if any."),
		"restart_times":      computedInt("How many times DLI restarted the job."),
	})
}

// flinkResourceConfigAttribute is the v2 sizing (resource_config_version v2 in the API); the
// JobManager and TaskManager specs are flattened (jobmanager_resource_spec.cpu is jobmanager_cpu).
func flinkResourceConfigAttribute() schema.SingleNestedAttribute {
	cpu := func(who string) schema.Float64Attribute {
		return schema.Float64Attribute{Optional: true, Computed: true, Default: float64default.StaticFloat64(1),
			MarkdownDescription: "vCPUs of " + who + ", at least 0.5. Defaults to `1`.",
			Validators:          []validator.Float64{float64validator.AtLeast(0.5)}}
	}
	memory := func(who string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("4G"),
			MarkdownDescription: "Memory of " + who + " with a unit, such as `4G` or `4096M`, at least 2 GB. Defaults to `4G`.",
			Validators:          []validator.String{stringvalidator.RegexMatches(flinkMemoryPattern, "must be an amount with a unit M or G of at least 2 GB, such as 4G or 4096M")}}
	}
	count := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(1),
			MarkdownDescription: desc + " Defaults to `1`.", Validators: []validator.Int64{int64validator.Between(1, maxFlinkParallelism)}}
	}
	return schema.SingleNestedAttribute{Optional: true,
		MarkdownDescription: "Sizing by memory instead of CUs (DLI's `resource_config_version = \"v2\"`): when set, DLI ignores " +
			"`cu_count`, `manager_cu_count`, `tm_cu_count` and `tm_slot_count`. Changing it restarts the job; removing it " +
			"replaces the job, since an update keeps a job's v2 sizing.",
		PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplaceIf(
			func(_ context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
				resp.RequiresReplace = !req.StateValue.IsNull() && req.PlanValue.IsNull()
			}, "Removing resource_config replaces the job.", "Removing `resource_config` replaces the job.")},
		Attributes: map[string]schema.Attribute{
			"max_slot":           count("Slots of each TaskManager."),
			"parallel_number":    count("Parallelism of the job."),
			"jobmanager_cpu":     cpu("the JobManager"),
			"jobmanager_memory":  memory("the JobManager"),
			"taskmanager_cpu":    cpu("each TaskManager"),
			"taskmanager_memory": memory("each TaskManager"),
		}}
}

func flinkSQLJobSchema(ctx context.Context) schema.Schema {
	attrs := flinkCommonAttributes(ctx, "sql")
	attrs["sql"] = schema.StringAttribute{Required: true,
		MarkdownDescription: "The job's SQL (`sql_body`): sources, query and sinks. Changing it stops the job (with a savepoint), " +
			"updates it and runs it again from the savepoint: the job is not replaced.",
		Validators: []validator.String{stringvalidator.LengthBetween(1, 1024*1024), notBlankValidator()}}
	attrs["run_mode"] = schema.StringAttribute{Optional: true, Computed: true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		MarkdownDescription: "`shared_cluster`, `exclusive_cluster` or `edge_node`. DLI's default when unset. `shared_cluster` needs `job_type = \"flink_sql_job\"`.",
		Validators:          []validator.String{stringvalidator.OneOf("shared_cluster", "exclusive_cluster", "edge_node")}}
	attrs["job_type"] = schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(client.FlinkJobTypeOpenSourceSQL),
		MarkdownDescription: "`flink_opensource_sql_job` (default) or `flink_sql_job`.",
		Validators:          []validator.String{stringvalidator.OneOf(client.FlinkJobTypeOpenSourceSQL, client.FlinkJobTypeSQL)}}
	attrs["idle_state_retention"] = schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(3600),
		MarkdownDescription: "Seconds an idle state is kept. Defaults to `3600`.", Validators: []validator.Int64{int64validator.AtLeast(1)}}
	attrs["dirty_data_strategy"] = schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("0"),
		MarkdownDescription: "What to do with dirty data: `0` ignore (default), `1` fail, `2:obs://bucket/dir` save it there.",
		Validators:          []validator.String{stringvalidator.RegexMatches(dirtyDataPattern, "must be 0, 1 or 2:<OBS path>")}}
	attrs["udf_jar_url"] = schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		MarkdownDescription: "UDF JAR: a package name or an OBS path (OBS only from Flink 1.15)."}
	return schema.Schema{MarkdownDescription: flinkDescription("SQL", "`sql`"), Attributes: attrs}
}

func flinkJarJobSchema(ctx context.Context) schema.Schema {
	attrs := flinkCommonAttributes(ctx, "jar")
	list := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: desc,
			Validators: stringListValidators()}
	}
	attrs["entrypoint"] = schema.StringAttribute{Required: true,
		MarkdownDescription: "Main JAR: a DLI package (`group/app.jar`) or an OBS path (`obs://bucket/app.jar`, the only form from Flink 1.15). " +
			"Changing it stops the job (with a savepoint), updates it and runs it again: the job is not replaced.",
		Validators: []validator.String{stringvalidator.LengthAtLeast(1), notBlankValidator(), printableValidator()}}
	attrs["main_class"] = schema.StringAttribute{Optional: true, MarkdownDescription: "Main class; the JAR's manifest decides when unset.",
		Validators: []validator.String{stringvalidator.LengthAtLeast(1), printableValidator()}}
	attrs["entrypoint_args"] = schema.ListAttribute{Optional: true, ElementType: types.StringType,
		MarkdownDescription: "Arguments of the main class, in order (sent as DLI's space-separated string, so an argument cannot contain white space).",
		Validators: []validator.List{listvalidator.NoNullValues(), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1),
			stringvalidator.RegexMatches(regexp.MustCompile(`^\S+$`), "must not contain white space (DLI joins arguments with spaces)"))}}
	attrs["dependency_jars"] = list("Other JARs the job needs: packages or OBS paths.")
	attrs["dependency_files"] = list("Other files the job needs: packages or OBS paths.")
	attrs["feature"] = schema.StringAttribute{Optional: true, Computed: true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		MarkdownDescription: "`basic` (DLI's Flink image) or `custom` (your own, set with `image`). DLI's default when unset.",
		Validators:          []validator.String{stringvalidator.OneOf("basic", "custom")}}
	attrs["image"] = schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		MarkdownDescription: "Custom SWR image `organization/image:tag`; required with `feature = \"custom\"`, and only allowed then."}
	attrs["checkpoint_path"] = schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		MarkdownDescription: "OBS path for the job's checkpoints (unique per job)."}
	return schema.Schema{MarkdownDescription: flinkDescription("Jar", "`entrypoint`"), Attributes: attrs}
}

func flinkDescription(kind, body string) string {
	return "One Flink " + kind + " streaming job on DLI.\n\n" +
		"`terraform apply` creates the job (it stays a draft, `job_init`), records it in state, runs it and waits until " +
		"it is `job_running` (`wait_for`). A job that fails to submit or run fails the apply with DLI's status " +
		"description and stays in state as tainted. Creating is not idempotent: every create carries a unique marker " +
		"in `runtime_config` (`" + client.FlinkSubmissionMarkerKey + "`, never shown in state), and when the answer is " +
		"lost the provider finds the job it created before creating again.\n\n" +
		"Updates deploy a new version the way an operator would. `smn_topic`, `restart_when_exception`, " +
		"`resume_checkpoint` and `resume_max_num` are changed on the running job with one request, and `tags` through " +
		"DLI's tag API. Any other change (" + body + " included) stops the job with a savepoint (`savepoint_on_update`), waits until it is " +
		"stopped, updates it and runs it again resuming from the savepoint; the plan warns when this will happen. " +
		"`desired_state` pauses and resumes the job the same way.\n\n" +
		"`terraform destroy` stops a job that runs (with a savepoint when `savepoint_on_destroy`), waits until it is " +
		"stopped, then deletes it. A job DLI no longer knows (`DLI.16001`) is forgotten.\n\n" +
		"Import takes the job ID (an integer). Refresh reads every argument back, so changes made outside Terraform, " +
		"a stop included, show in the next plan. DLI does not know `secret_runtime_config_version`, so an import " +
		"leaves it null. Right after an import, a configured version is adopted without an update or a restart when " +
		"DLI already holds every key of `secret_runtime_config` (the keys it lists under `" + flinkSecretKeysConfigKey +
		"`): the job keeps the values it was given. Otherwise the first apply updates the job with the configured " +
		"values (a restart), as does any later change of the version."
}

// flinkReservedKeyValidator refuses the submission marker in runtime_config.
func flinkReservedKeyValidator() validator.String {
	return stringCheck{summary: "Reserved runtime_config key", quote: false,
		ok: func(s string) bool { return s != client.FlinkSubmissionMarkerKey },
		rule: fmt.Sprintf("sets the key %q, which is reserved: the provider puts a unique marker there on every create, "+
			"to find the job again when the answer to a create is lost. Remove it from runtime_config", client.FlinkSubmissionMarkerKey)}
}

// flinkJobIDValidator accepts what the client accepts as a Flink job ID.
func flinkJobIDValidator() validator.String {
	return stringCheck{summary: "Invalid Flink job ID", quote: true, ok: client.ValidFlinkJobID,
		rule: "must be a DLI Flink job ID, a positive integer such as 148"}
}
