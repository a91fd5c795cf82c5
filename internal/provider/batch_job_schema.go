package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Limits documented by the DLI create API (dli_02_0124).
const (
	maxJobNameLength = 128
	maxRetryTimes    = 100
	maxCores         = 256
	maxExecutors     = 10000
)

// Values of wait_for.
const (
	waitForSubmitted = "submitted"
	waitForRunning   = "running"
	waitForSuccess   = "success"
	waitForFinished  = "finished"
)

var resourceTypes = []string{"jar", "pyFile", "file", "modelFile"}

// providerSideAttributes are the resource's own settings, not part of the job: the data
// sources, derived from the resource schema, leave them out.
var providerSideAttributes = []string{"wait_for", "cancel_on_destroy", "rerun_on_failure", "triggers", "timeouts",
	"secret_conf", "secret_conf_version"}

const descConf = "Spark configuration properties (`conf` in the API), such as `spark.dli.job.agency.name`. " +
	"They show in plans, so that a reviewer sees which property changes. Wrap a secret value in `sensitive()` " +
	"(`\"spark.datasource.password\" = sensitive(var.password)`): Terraform then masks that element alone in plans " +
	"and output. It is still stored in state, as every argument is: `secret_conf` (Terraform 1.11 and later) keeps " +
	"values out of state. The provider never logs conf values. On the local " +
	"emulator, `emulator.outcome` (`success` or `dead`) and `emulator.run_duration` (a Go duration) script the job."

func batchJobResourceSchema(ctx context.Context) schema.Schema {
	optionalString := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: v,
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
	}
	optionalInt := func(desc string, v ...validator.Int64) schema.Int64Attribute {
		return schema.Int64Attribute{Optional: true, MarkdownDescription: desc, Validators: v,
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()}}
	}
	stringList := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: desc,
			Validators: stringListValidators(), PlanModifiers: replaceListUnlessImportedEmpty}
	}
	packageAttributes := map[string]schema.Attribute{
		"name": schema.StringAttribute{Required: true, MarkdownDescription: "Package name or OBS path.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1), notBlankValidator()}},
		"type": schema.StringAttribute{Required: true, MarkdownDescription: "Package type: `jar`, `pyFile`, `file` or `modelFile`.",
			Validators: []validator.String{stringvalidator.OneOf(resourceTypes...)}},
	}
	noNullObjects := []validator.List{listvalidator.NoNullValues()}

	return schema.Schema{
		MarkdownDescription: batchJobDescription,
		Attributes: withSecretConfAttributes(map[string]schema.Attribute{
			"id": computedString("Batch job ID (a UUID) assigned by DLI."),
			"queue": schema.StringAttribute{
				Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "Name of the general-purpose DLI queue the job runs on (`queue` in the API).",
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 128), queueNameValidator()},
			},
			"file": schema.StringAttribute{
				Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "Main program: an OBS path such as `obs://bucket/path/app.jar`, or a package uploaded to " +
					"DLI package management (`group/package`). Spark 3.3 and later accept OBS paths only.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), notBlankValidator(), printableValidator()},
			},
			"class_name": optionalString("Main class of a JAR application, such as `org.apache.spark.examples.SparkPi`. "+
				"Leave unset for Python applications.", stringvalidator.LengthAtLeast(1), notBlankValidator(), printableValidator()),
			"name": optionalString("Job name, at most 128 characters.",
				stringvalidator.LengthBetween(1, maxJobNameLength), printableValidator()),
			"args":         stringList("Arguments passed to the application's main class, in order."),
			"jars":         stringList("Dependency JARs: OBS paths or uploaded package names."),
			"python_files": stringList("Dependency Python files: OBS paths or uploaded pyFile packages (`pyFiles` in the API)."),
			"files":        stringList("Other dependency files: OBS paths or uploaded file packages."),
			"modules":      stringList("DLI system dependency modules, such as `sys.datasource.rds` or `sys.datasource.css`."),
			"resources": schema.ListNestedAttribute{
				Optional: true, PlanModifiers: replaceListUnlessImportedEmpty, Validators: noNullObjects,
				MarkdownDescription: "Packages already uploaded to the queue, each with its type. Not supported from Spark " +
					"3.3 on; use `jars`, `python_files` and `files`.",
				NestedObject: schema.NestedAttributeObject{Attributes: packageAttributes},
			},
			"groups": schema.ListNestedAttribute{
				Optional: true, PlanModifiers: replaceListUnlessImportedEmpty, Validators: noNullObjects,
				MarkdownDescription: "Package groups to load. Not supported from Spark 3.3 on.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, MarkdownDescription: "Name of the package group.",
						Validators: []validator.String{stringvalidator.LengthAtLeast(1), notBlankValidator()}},
					"resources": schema.ListNestedAttribute{
						Required: true, MarkdownDescription: "Packages of the group to load.",
						NestedObject: schema.NestedAttributeObject{Attributes: packageAttributes},
						Validators:   []validator.List{listvalidator.SizeAtLeast(1), listvalidator.NoNullValues()},
					},
				}},
			},
			"conf": schema.MapAttribute{
				Optional: true, ElementType: types.StringType, MarkdownDescription: descConf,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(mapChangedUnlessImportedEmpty,
					"Changing conf re-runs the job.", "Changing `conf` re-runs the job.")},
				Validators: []validator.Map{
					mapvalidator.NoNullValues(),
					mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1), reservedConfKeyValidator(), secretKeysKeyValidator()),
				},
			},
			"specification": optionalString("Compute preset (`sc_type` in the API): `A` (8 vCPU, 32 GB), `B` (16 vCPU, "+
				"64 GB) or `C` (32 vCPU, 128 GB). DLI uses `A` when unset. Explicit sizing arguments override it.",
				stringvalidator.OneOf("A", "B", "C")),
			"driver_memory":   optionalString("Driver memory with a unit, such as `2G` or `2048M`.", memoryValidator()),
			"driver_cores":    optionalInt("Driver CPU cores.", int64validator.Between(1, maxCores)),
			"executor_memory": optionalString("Memory per executor with a unit, such as `4G` or `4096M`.", memoryValidator()),
			"executor_cores":  optionalInt("CPU cores per executor.", int64validator.Between(1, maxCores)),
			"num_executors":   optionalInt("Number of executors.", int64validator.Between(1, maxExecutors)),
			"obs_bucket": optionalString("OBS bucket in which DLI saves the job's data and logs.",
				stringvalidator.LengthBetween(3, 63)),
			"auto_recovery": schema.BoolAttribute{
				Optional: true, MarkdownDescription: "Whether DLI retries the job automatically after an abnormal failure.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplaceIf(boolChangedUnlessImportedDefault,
					"Changing auto_recovery re-runs the job.", "Changing `auto_recovery` re-runs the job.")},
			},
			"max_retry_times": schema.Int64Attribute{
				Optional: true, MarkdownDescription: "Maximum number of automatic retries, from 0 to 100 (DLI's default is 20).",
				Validators: []validator.Int64{int64validator.Between(0, maxRetryTimes)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplaceIf(intChangedUnlessImportedDefault,
					"Changing max_retry_times re-runs the job.", "Changing `max_retry_times` re-runs the job.")},
			},
			"feature": optionalString("Job image type: `basic` (DLI's Spark image), `ai` (AI-enhanced image) or "+
				"`custom` (your own image, set with `image`).", stringvalidator.OneOf("basic", "ai", "custom")),
			"spark_version": optionalString("Spark version, such as `3.3.1`, used with the `basic` and `ai` features.",
				stringvalidator.LengthAtLeast(1)),
			"image": optionalString("Custom SWR image `organization/image:tag`. Required with `feature = \"custom\"`, "+
				"and only allowed then.", stringvalidator.LengthAtLeast(1)),
			"catalog_name": optionalString("Set to `dli` to give the job access to DLI metadata.", stringvalidator.LengthAtLeast(1)),
			"execution_agency_urn": optionalString("Name of the IAM agency the job runs as (Spark 3.3.1 and later).",
				stringvalidator.LengthAtLeast(1)),

			"wait_for": waitForAttribute(waitForSubmitted, "What `apply` waits for after submitting: `submitted` (default; "+
				"return at once), `running` (the job started, or already finished successfully), `success` (the job "+
				"finished successfully) or `finished` (the job ended, `success` or `dead`: its end is recorded in `state` "+
				"without an error, for tests that assert a failure). With `running` or `success`, a job that ends `dead` "+
				"fails the apply with the last lines of its log and stays in state as tainted. The wait is bounded by "+
				"`timeouts.create`; a job whose wait timed out or was interrupted is healthy and stays in state as "+
				"tainted: `terraform untaint` keeps it.", waitForSubmitted, waitForRunning, waitForSuccess, waitForFinished),
			"cancel_on_destroy": boolSetting(true, "Whether destroying (or replacing) the resource cancels a job that is "+
				"still active. Defaults to `true`. With `false`, the job is left to run and only removed from state (with a "+
				"warning naming it)."),
			"rerun_on_failure": boolSetting(false, "When `true` and the job is `dead`, the next plan replaces it, submitting "+
				"it again. Defaults to `false`: a finished job, failed or not, is never re-run by surprise."),
			"triggers": triggersAttribute("re-runs the job", "Arbitrary values; any change re-runs the job (cancels the old "+
				"one if active and submits a new one). Use it to run the job again when, say, its input data changes. A "+
				"freshly imported job adopts the configured triggers without re-running."),
			"timeouts": positiveTimeouts(timeouts.Attributes(ctx, timeouts.Opts{
				Create: true, Read: true, Delete: true,
				CreateDescription: "How long apply may take to submit the job and wait for `wait_for` (default `60m`). " + queueWaitNote,
				ReadDescription:   "How long a refresh may take to read the job (default `5m`).",
				DeleteDescription: "How long destroy may wait for a cancelled job to end (default `10m`).",
			})),

			"state": computedString("Job state as last read from DLI: `starting`, `running`, `recovering`, `success` or " +
				"`dead`. A cancelled job ends `dead`."),
			"app_id":     computedString("Back-end Spark application ID; empty until the job runs."),
			"owner":      computedString("User who submitted the job."),
			"proxy_user": computedString("Proxy user (resource tenant) of the job; null when DLI reports none."),
			"kind":       computedString("Job type reported by DLI (`spark`)."),
			"sc_type":    computedString("Effective compute preset: `A`, `B`, `C`, or `CUSTOMIZED` when sizing arguments were given."),
			"created_at": computedString("Submission time, RFC 3339 in UTC with milliseconds, such as `2026-11-28T09:30:00.000Z`."),
			"updated_at": computedString("Time of the job's last update in DLI, in the form of `created_at`."),
		}),
	}
}

const batchJobDescription = "One Spark batch job submitted to a DLI queue.\n\n" +
	"`terraform apply` submits the job (one API request) and, depending on `wait_for`, waits until it runs, succeeds " +
	"or ends. The job is recorded in state the moment it is submitted, so a failed or interrupted wait never leaves an " +
	"untracked job behind: the job stays in state as tainted and is replaced on the next apply (`terraform untaint` " +
	"keeps it instead).\n\n" +
	"A submitted job cannot be changed: every job argument forces a replacement, which cancels the old job and " +
	"submits a new one. `wait_for`, `cancel_on_destroy` and `rerun_on_failure` change in place without an API call.\n\n" +
	"`terraform destroy` cancels the job (`DELETE /v2.0/{project_id}/batches/{batch_id}`, answered " +
	"`{\"msg\": \"deleted\"}`) when it is still `starting`, `running` or `recovering`, then waits until DLI reports " +
	"it `dead`. A finished job costs no request to destroy, and a job DLI no longer knows is simply forgotten. " +
	"With `cancel_on_destroy = false` the job keeps running and is only removed from state.\n\n" +
	"The state records where the job lives (project and endpoint). If the provider is later pointed elsewhere and " +
	"DLI there does not know an active job, the provider refuses to forget it rather than submit it a second time.\n\n" +
	"A job that finished stays in state as it is: refreshing never re-runs it. Set `rerun_on_failure` to have a " +
	"`dead` job replaced on the next apply, or change `triggers` to run the job again on purpose.\n\n" +
	"Submitting is not idempotent, so a submission is never re-sent blindly. Each one carries a unique marker, " +
	"the Spark property `" + client.SubmissionMarkerConfKey + "` (a random UUID, which Spark ignores): when the " +
	"outcome of a submission is unknown (a dropped connection, a gateway error), the provider looks for the job " +
	"carrying its marker and adopts it, and submits again only if there is none. When even that lookup fails, apply " +
	"fails naming the marker, and the resource stays in state, tainted and without an ID: the next refresh (or " +
	"destroy) looks for the job carrying the marker again and records it (`terraform untaint` keeps it), or drops " +
	"the resource if no job carries it. The marker is not part of `conf` " +
	"in state and never shows as a difference; `conf` may not set it.\n\n" +
	"Import takes the job ID. The arguments are read back from the submission DLI keeps, so an imported job plans " +
	"clean, also with `terraform plan -generate-config-out`; arguments written with DLI's default values " +
	"(`auto_recovery = false`, `max_retry_times = 20`, `args = []`, `conf = {}`) are adopted without a re-run. " +
	"With Terraform 1.12 and later, an import block may name the job by its identity instead (`id`, with " +
	"`project_id` and `region` defaulting to the provider's); with Terraform 1.14, the `dli_batch_job` list " +
	"resource finds jobs for `terraform query -generate-config-out`."

// positiveTimeouts adds a "> 0" check to every duration of a timeouts block.
func positiveTimeouts(a schema.Attribute) schema.Attribute {
	block, ok := a.(schema.SingleNestedAttribute)
	if !ok {
		return a
	}
	attrs := make(map[string]schema.Attribute, len(block.Attributes))
	for name, nested := range block.Attributes {
		if s, ok := nested.(schema.StringAttribute); ok {
			s.Validators = append(append([]validator.String{}, s.Validators...), positiveDurationValidator())
			nested = s
		}
		attrs[name] = nested
	}
	block.Attributes = attrs
	return block
}
