package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Limits documented by the DLI create API.
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
)

var (
	memoryPattern = regexp.MustCompile(`^[1-9][0-9]*[MmGg]$`)
	uuidPattern   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	resourceTypes = []string{"jar", "pyFile", "file", "modelFile"}
)

// Descriptions shared by the resource and the data sources, so docs say the same thing everywhere.
const (
	descID             = "Batch job ID (a UUID) assigned by DLI."
	descQueue          = "Name of the general-purpose DLI queue the job runs on (`queue` in the API)."
	descFile           = "Main program: an OBS path such as `obs://bucket/path/app.jar`, or a package uploaded to DLI package management (`group/package`). Spark 3.3 and later accept OBS paths only."
	descClassName      = "Main class of a JAR application, such as `org.apache.spark.examples.SparkPi`. Leave unset for Python applications."
	descName           = "Job name, at most 128 characters."
	descArgs           = "Arguments passed to the application's main class, in order."
	descJars           = "Dependency JARs: OBS paths or uploaded package names."
	descPythonFiles    = "Dependency Python files: OBS paths or uploaded pyFile packages (`pyFiles` in the API)."
	descFiles          = "Other dependency files: OBS paths or uploaded file packages."
	descModules        = "DLI system dependency modules, such as `sys.datasource.rds` or `sys.datasource.css`."
	descResources      = "Packages already uploaded to the queue, each with its type. Not supported from Spark 3.3 on; use `jars`, `python_files` and `files`."
	descResourceName   = "Package name or OBS path."
	descResourceType   = "Package type: `jar`, `pyFile`, `file` or `modelFile`."
	descGroups         = "Package groups to load. Not supported from Spark 3.3 on."
	descGroupName      = "Name of the package group."
	descGroupResources = "Packages of the group to load."
	descConf           = "Spark configuration properties (`conf` in the API), such as `spark.dli.job.agency.name`. Values are sensitive in logs: the provider never logs them. On the local emulator, `emulator.outcome` (`success` or `dead`) and `emulator.run_duration` (a Go duration) script the job."
	descSpecification  = "Compute preset (`sc_type` in the API): `A` (8 vCPU, 32 GB), `B` (16 vCPU, 64 GB) or `C` (32 vCPU, 128 GB). DLI uses `A` when unset. Explicit sizing arguments override it."
	descDriverMemory   = "Driver memory with a unit, such as `2G` or `2048M`."
	descDriverCores    = "Driver CPU cores."
	descExecutorMemory = "Memory per executor with a unit, such as `4G` or `4096M`."
	descExecutorCores  = "CPU cores per executor."
	descNumExecutors   = "Number of executors."
	descObsBucket      = "OBS bucket in which DLI saves the job's data and logs."
	descAutoRecovery   = "Whether DLI retries the job automatically after an abnormal failure."
	descMaxRetryTimes  = "Maximum number of automatic retries, from 0 to 100 (DLI's default is 20)."
	descFeature        = "Job image type: `basic` (DLI's Spark image), `ai` (AI-enhanced image) or `custom` (your own image, set with `image`)."
	descSparkVersion   = "Spark version, such as `3.3.1`, used with the `basic` and `ai` features."
	descImage          = "Custom SWR image `organization/image:tag`. Required with `feature = \"custom\"`, and only allowed then."
	descCatalogName    = "Set to `dli` to give the job access to DLI metadata."
	descAgencyURN      = "Name of the IAM agency the job runs as (Spark 3.3.1 and later)."
	descState          = "Job state as last read from DLI: `starting`, `running`, `recovering`, `success` or `dead`. A cancelled job ends `dead`."
	descAppID          = "Back-end Spark application ID; empty until the job runs."
	descOwner          = "User who submitted the job."
	descProxyUser      = "Proxy user (resource tenant) of the job."
	descKind           = "Job type reported by DLI (`spark`)."
	descScType         = "Effective compute preset: `A`, `B`, `C`, or `CUSTOMIZED` when sizing arguments were given."
	descCreatedAt      = "Submission time, RFC 3339."
	descUpdatedAt      = "Time of the job's last update in DLI, RFC 3339."
	descLog            = "The last lines (up to 10) of the job's log."
)

// importedKey marks, in private state, a job imported and not yet updated: DLI does not know its
// triggers, so the configured ones are adopted instead of re-running the job.
const importedKey = "imported"

func triggersChanged(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	imported, diags := req.Private.GetKey(ctx, importedKey)
	resp.Diagnostics.Append(diags...)
	resp.RequiresReplace = len(imported) == 0 || !req.StateValue.IsNull()
}

func stringListValidators() []validator.List {
	return []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))}
}

func memoryValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(memoryPattern, "must be a whole amount with a unit M or G, such as 2G or 2048M")}
}

func batchJobResourceSchema(ctx context.Context) schema.Schema {
	replaceString := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	replaceInt := []planmodifier.Int64{int64planmodifier.RequiresReplace()}
	replaceList := []planmodifier.List{listplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}

	optionalString := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: v, PlanModifiers: replaceString}
	}
	optionalInt := func(desc string, v ...validator.Int64) schema.Int64Attribute {
		return schema.Int64Attribute{Optional: true, MarkdownDescription: desc, Validators: v, PlanModifiers: replaceInt}
	}
	stringList := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{
			Optional: true, ElementType: types.StringType, MarkdownDescription: desc,
			Validators: stringListValidators(), PlanModifiers: replaceList,
		}
	}
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc, PlanModifiers: keep}
	}
	packageAttributes := map[string]schema.Attribute{
		"name": schema.StringAttribute{
			Required: true, MarkdownDescription: descResourceName,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"type": schema.StringAttribute{
			Required: true, MarkdownDescription: descResourceType,
			Validators: []validator.String{stringvalidator.OneOf(resourceTypes...)},
		},
	}

	return schema.Schema{
		MarkdownDescription: "One Spark batch job submitted to a DLI queue.\n\n" +
			"`terraform apply` submits the job (one API request) and, depending on `wait_for`, waits until it runs or " +
			"succeeds. The job is recorded in state the moment it is submitted, so a failed or interrupted wait never " +
			"leaves an untracked job behind: the job stays in state as tainted and is replaced on the next apply.\n\n" +
			"A submitted job cannot be changed: every job argument forces a replacement, which cancels the old job and " +
			"submits a new one. `wait_for`, `cancel_on_destroy` and `rerun_on_failure` change in place without an API call.\n\n" +
			"`terraform destroy` cancels the job (`DELETE /v2.0/{project_id}/batches/{batch_id}`, answered " +
			"`{\"msg\": \"deleted\"}`) when it is still `starting`, `running` or `recovering`, then waits until DLI reports " +
			"it `dead`. A finished job costs no request to destroy, and a job DLI no longer knows is simply forgotten. " +
			"With `cancel_on_destroy = false` the job keeps running and is only removed from state.\n\n" +
			"A job that finished stays in state as it is: refreshing never re-runs it. Set `rerun_on_failure` to have a " +
			"`dead` job replaced on the next apply, or change `triggers` to run the job again on purpose.\n\n" +
			"Submitting is not idempotent, so a submission is never re-sent blindly. Each one carries a unique marker, " +
			"the Spark property `" + client.SubmissionMarkerConfKey + "` (a random UUID, which Spark ignores): when the " +
			"outcome of a submission is unknown (a dropped connection, a gateway error), the provider looks for the job " +
			"carrying its marker and adopts it, and submits again only if there is none. The marker is not part of `conf` " +
			"in state and never shows as a difference; `conf` may not set it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: descID, PlanModifiers: keep},
			"queue": schema.StringAttribute{
				Required: true, MarkdownDescription: descQueue, PlanModifiers: replaceString,
				Validators: []validator.String{stringvalidator.LengthBetween(1, 128)},
			},
			"file": schema.StringAttribute{
				Required: true, MarkdownDescription: descFile, PlanModifiers: replaceString,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"class_name":   optionalString(descClassName, stringvalidator.LengthAtLeast(1)),
			"name":         optionalString(descName, stringvalidator.LengthBetween(1, maxJobNameLength)),
			"args":         stringList(descArgs),
			"jars":         stringList(descJars),
			"python_files": stringList(descPythonFiles),
			"files":        stringList(descFiles),
			"modules":      stringList(descModules),
			"resources": schema.ListNestedAttribute{
				Optional: true, MarkdownDescription: descResources, PlanModifiers: replaceList,
				NestedObject: schema.NestedAttributeObject{Attributes: packageAttributes},
			},
			"groups": schema.ListNestedAttribute{
				Optional: true, MarkdownDescription: descGroups, PlanModifiers: replaceList,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						Required: true, MarkdownDescription: descGroupName,
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"resources": schema.ListNestedAttribute{
						Required: true, MarkdownDescription: descGroupResources,
						NestedObject: schema.NestedAttributeObject{Attributes: packageAttributes},
						Validators:   []validator.List{listvalidator.SizeAtLeast(1)},
					},
				}},
			},
			"conf": schema.MapAttribute{
				Optional: true, Sensitive: true, ElementType: types.StringType,
				MarkdownDescription: descConf + " Sensitive, because Spark properties often carry passwords.",
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
				Validators: []validator.Map{
					mapvalidator.KeysAre(
						stringvalidator.LengthAtLeast(1),
						stringvalidator.NoneOf(client.SubmissionMarkerConfKey),
					),
				},
			},
			"specification": optionalString(descSpecification, stringvalidator.OneOf("A", "B", "C")),
			"driver_memory": optionalString(descDriverMemory, memoryValidators()...),
			"driver_cores":  optionalInt(descDriverCores, int64validator.Between(1, maxCores)),
			"executor_memory": optionalString(descExecutorMemory,
				memoryValidators()...),
			"executor_cores": optionalInt(descExecutorCores, int64validator.Between(1, maxCores)),
			"num_executors":  optionalInt(descNumExecutors, int64validator.Between(1, maxExecutors)),
			"obs_bucket":     optionalString(descObsBucket, stringvalidator.LengthBetween(3, 63)),
			"auto_recovery": schema.BoolAttribute{
				Optional: true, MarkdownDescription: descAutoRecovery,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"max_retry_times": optionalInt(descMaxRetryTimes, int64validator.Between(0, maxRetryTimes)),
			"feature":         optionalString(descFeature, stringvalidator.OneOf("basic", "ai", "custom")),
			"spark_version":   optionalString(descSparkVersion, stringvalidator.LengthAtLeast(1)),
			"image":           optionalString(descImage, stringvalidator.LengthAtLeast(1)),
			"catalog_name":    optionalString(descCatalogName, stringvalidator.LengthAtLeast(1)),
			"execution_agency_urn": optionalString(descAgencyURN,
				stringvalidator.LengthAtLeast(1)),

			"wait_for": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(waitForSubmitted),
				Validators: []validator.String{stringvalidator.OneOf(waitForSubmitted, waitForRunning, waitForSuccess)},
				MarkdownDescription: "What `apply` waits for after submitting: `submitted` (default; return at once), " +
					"`running` (the job started, or already finished successfully) or `success` (the job finished " +
					"successfully). If the job ends `dead` while waiting, apply fails with the last lines of its log and the " +
					"job stays in state as tainted. The wait is bounded by `timeouts.create`.",
			},
			"cancel_on_destroy": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Whether destroying (or replacing) the resource cancels a job that is still active. " +
					"Defaults to `true`. With `false`, the job is left to run and only removed from state.",
			},
			"rerun_on_failure": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "When `true` and the job is `dead`, the next plan replaces it, submitting it again. " +
					"Defaults to `false`: a finished job, failed or not, is never re-run by surprise.",
			},
			"triggers": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(triggersChanged,
					"Changing triggers re-runs the job, except when the job was just imported: its triggers are adopted.",
					"Changing `triggers` re-runs the job, except when the job was just imported: its triggers are adopted.")},
				MarkdownDescription: "Arbitrary values; any change re-runs the job (cancels the old one if active and " +
					"submits a new one). Use it to run the job again when, say, its input data changes. A freshly " +
					"imported job adopts the configured triggers without re-running.",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create: true, Delete: true,
				CreateDescription: "How long apply may take to submit the job and wait for `wait_for` (default `60m`).",
				DeleteDescription: "How long destroy may wait for a cancelled job to end (default `10m`).",
			}),

			"state":      schema.StringAttribute{Computed: true, MarkdownDescription: descState, PlanModifiers: keep},
			"app_id":     computed(descAppID),
			"owner":      computed(descOwner),
			"proxy_user": computed(descProxyUser),
			"kind":       computed(descKind),
			"sc_type":    computed(descScType),
			"created_at": computed(descCreatedAt),
			"updated_at": computed(descUpdatedAt),
		},
	}
}

// jobDataSourceAttributes describes a job as the data sources expose it: the resource's names,
// all computed.
func jobDataSourceAttributes() map[string]dsschema.Attribute {
	str := func(desc string) dsschema.StringAttribute {
		return dsschema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	num := func(desc string) dsschema.Int64Attribute {
		return dsschema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	list := func(desc string) dsschema.ListAttribute {
		return dsschema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	packages := dsschema.NestedAttributeObject{Attributes: map[string]dsschema.Attribute{
		"name": str(descResourceName),
		"type": str(descResourceType),
	}}
	return map[string]dsschema.Attribute{
		"id":           str(descID),
		"queue":        str(descQueue),
		"file":         str(descFile),
		"class_name":   str(descClassName),
		"name":         str(descName),
		"args":         list(descArgs),
		"jars":         list(descJars),
		"python_files": list(descPythonFiles),
		"files":        list(descFiles),
		"modules":      list(descModules),
		"resources":    dsschema.ListNestedAttribute{Computed: true, MarkdownDescription: descResources, NestedObject: packages},
		"groups": dsschema.ListNestedAttribute{Computed: true, MarkdownDescription: descGroups,
			NestedObject: dsschema.NestedAttributeObject{Attributes: map[string]dsschema.Attribute{
				"name":      str(descGroupName),
				"resources": dsschema.ListNestedAttribute{Computed: true, MarkdownDescription: descGroupResources, NestedObject: packages},
			}},
		},
		"conf": dsschema.MapAttribute{
			Computed: true, ElementType: types.StringType, Sensitive: true,
			MarkdownDescription: descConf + " Marked sensitive here because values often hold passwords.",
		},
		"specification":        str(descSpecification),
		"driver_memory":        str(descDriverMemory),
		"driver_cores":         num(descDriverCores),
		"executor_memory":      str(descExecutorMemory),
		"executor_cores":       num(descExecutorCores),
		"num_executors":        num(descNumExecutors),
		"obs_bucket":           str(descObsBucket),
		"auto_recovery":        dsschema.BoolAttribute{Computed: true, MarkdownDescription: descAutoRecovery},
		"max_retry_times":      num(descMaxRetryTimes),
		"feature":              str(descFeature),
		"spark_version":        str(descSparkVersion),
		"image":                str(descImage),
		"catalog_name":         str(descCatalogName),
		"execution_agency_urn": str(descAgencyURN),
		"state":                str(descState),
		"app_id":               str(descAppID),
		"owner":                str(descOwner),
		"proxy_user":           str(descProxyUser),
		"kind":                 str(descKind),
		"sc_type":              str(descScType),
		"created_at":           str(descCreatedAt),
		"updated_at":           str(descUpdatedAt),
		"log":                  list(descLog),
	}
}
