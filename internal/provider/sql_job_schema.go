package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// SQL engines accepted by the submit API (engine_type); spark is the default.
var sqlEngines = []string{defaultSQLEngine, "hetuEngine"}

const defaultSQLEngine = "spark"

const descSQLConf = "Spark SQL settings for this statement (`conf` in the API, sent as `\"key=value\"` strings), such as " +
	"`spark.sql.shuffle.partitions` or `dli.sql.job.timeout`. They show in plans, so that a reviewer sees which setting " +
	"changes; wrap a secret value in `sensitive()` and Terraform masks that element alone. The provider never logs conf " +
	"values. `dli.sql.sqlasync.enabled = \"false\"` makes a DDL statement synchronous. On the local emulator, " +
	"`emulator.outcome` (`finished` or `failed`) and `emulator.run_duration` (a Go duration) script the job."

func sqlJobResourceSchema(ctx context.Context) schema.Schema {
	// queue, database and engine fall back to what DLI reports: an omitted queue is DLI's
	// default queue, and an imported job keeps what DLI says.
	reported := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: desc, Validators: v,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}}
	}
	return schema.Schema{
		MarkdownDescription: sqlJobDescription,
		Attributes: withSQLSecretConfAttributes(map[string]schema.Attribute{
			"id": computedString("SQL job ID (a UUID) assigned by DLI."),
			"sql": schema.StringAttribute{
				Required: true, Validators: []validator.String{sqlStatementValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(sqlTextChanged,
					"Changing the statement runs it again.", "Changing the statement runs it again.")},
				MarkdownDescription: "The SQL statement to run: exactly one statement (a final `;` is allowed). Changing it " +
					"runs the new statement (the old job is cancelled first if it is still active). White space around " +
					"the statement and a final `;` are not a change.",
			},
			"queue": reported("Name of the DLI queue that runs the statement (`queue_name` in the API). When omitted, DLI "+
				"uses its default queue, whose name is then recorded here.", sqlNameValidator("queue")),
			"database": reported("Database the statement runs in (`currentdb` in the API). Not needed for statements that "+
				"name their tables fully or create a database.", sqlNameValidator("database")),
			"catalog": schema.StringAttribute{
				Optional: true, Validators: []validator.String{sqlNameValidator("catalog")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(stringChangedUnlessImportedNull,
					"Changing the catalog runs the statement again.", "Changing the catalog runs the statement again.")},
				MarkdownDescription: "Default catalog of the statement's tables (`current_catalog` in the API), such as " +
					"`dli`. DLI does not report it back: after an import, a configured catalog is adopted without a re-run.",
			},
			"engine": schema.StringAttribute{
				Optional: true, Computed: true, Validators: []validator.String{stringvalidator.OneOf(sqlEngines...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplaceIf(stringChangedUnlessImportedNull,
						"Changing the engine runs the statement again.", "Changing the engine runs the statement again.")},
				MarkdownDescription: "SQL engine (`engine_type` in the API): `spark` (DLI's default, recorded when unset) or " +
					"`hetuEngine`.",
			},
			"conf": schema.MapAttribute{
				Optional: true, ElementType: types.StringType, MarkdownDescription: descSQLConf,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(mapChangedUnlessImportedNull,
					"Changing conf runs the statement again.", "Changing `conf` runs the statement again.")},
				Validators: []validator.Map{mapvalidator.NoNullValues(),
					mapvalidator.KeysAre(confKeyValidator(), sqlSecretKeysKeyValidator()), mapvalidator.ValueStringsAre(confValueValidator())},
			},
			"tags": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Tags of the job (sent as `[{key, value}]`). Keys are 1 to 128 letters, digits, spaces " +
					"and `_ . : + - @`, not starting with `_sys_`; values at most 255 characters. The key `" +
					client.SQLSubmissionMarkerTagKey + "` is reserved for the submission marker.",
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(mapChangedUnlessImportedNull,
					"Changing tags runs the statement again.", "Changing `tags` runs the statement again.")},
				Validators: []validator.Map{mapvalidator.NoNullValues(),
					mapvalidator.KeysAre(tagKeyValidator()), mapvalidator.ValueStringsAre(tagValueValidator())},
			},

			"wait_for": waitForAttribute(waitForFinished, "What `apply` waits for after submitting: `finished` (default: "+
				"the statement ran to its end, so later resources can rely on its effect), `running` (the statement "+
				"started, or already finished) or `submitted` (return at once). A statement that ends `FAILED` or "+
				"`CANCELLED` while apply waits fails the apply with DLI's message and stays in state as tainted. The wait "+
				"is bounded by `timeouts.create`; a job whose wait timed out or was interrupted is healthy and stays in "+
				"state as tainted: `terraform untaint` keeps it.", waitForSubmitted, waitForRunning, waitForFinished),
			"cancel_on_destroy": boolSetting(true, "Whether destroying (or replacing) the resource cancels a statement that "+
				"is still `LAUNCHING` or `RUNNING`. Defaults to `true`. With `false`, the job is left to run and only "+
				"removed from state (with a warning naming it)."),
			"rerun_on_failure": boolSetting(false, "When `true` and the job is `FAILED`, the next plan replaces it, running "+
				"the statement again. Defaults to `false`."),
			"triggers": triggersAttribute("runs the statement again", "Arbitrary values; any change runs the statement "+
				"again (a new job). Use it to re-run an `INSERT` when its input changes. A freshly imported job adopts the "+
				"configured triggers."),
			"timeouts": positiveTimeouts(timeouts.Attributes(ctx, timeouts.Opts{
				Create: true, Delete: true,
				CreateDescription: "How long apply may take to submit the statement and wait for `wait_for` (default `60m`). " + queueWaitNote,
				DeleteDescription: "How long destroy may wait for a cancelled statement to end (default `10m`).",
			})),

			"status": computedString("Job status as last read from DLI: `LAUNCHING`, `RUNNING`, `SCALING`, `FINISHED`, " +
				"`FAILED` or `CANCELLED`."),
			"job_type":        computedString("Job type DLI derived from the statement: `DDL`, `DCL`, `QUERY`, `INSERT`, `IMPORT`, `EXPORT` ..."),
			"job_mode":        computedString("`sync` when DLI answered the submission with the final result (DCL, and DDL with `dli.sql.sqlasync.enabled = \"false\"`), else `async`."),
			"owner":           computedString("User who submitted the job."),
			"start_time":      computedString("When the job started, RFC 3339 in UTC with milliseconds, such as `2026-11-28T09:30:00.000Z`."),
			"end_time":        computedString("When the job ended, in the form of `start_time`; empty while it runs."),
			"duration_ms":     computedInt("How long the job ran, in milliseconds, once it ended; null while it runs."),
			"result_count":    computedInt("Number of result rows, once the job ended; null while it runs."),
			"input_row_count": computedInt("Number of rows scanned, once the job ended; null while it runs."),
			"bad_row_count":   computedInt("Number of malformed rows met, once the job ended; null while it runs."),
			"input_size":      computedInt("Bytes scanned, once the job ended; null while it runs."),
			"result_path":     computedString("OBS path of the job's result, when DLI stores one."),
			"result_schema": schema.ListNestedAttribute{
				Computed: true, PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "Columns of the result (from DLI's `detail`), in order; empty when DLI reports none. " +
					"Read the rows with the `dli_sql_job_result` data source.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Computed: true, MarkdownDescription: "Column name."},
					"type": schema.StringAttribute{Computed: true, MarkdownDescription: "Column type, such as `int` or `string`."},
				}},
			},
		}),
	}
}

const sqlJobDescription = "One SQL statement run on DLI: `terraform apply` submits it, `terraform destroy` cancels it " +
	"if it still runs.\n\n" +
	"Apply submits the statement (`POST /v1.0/{project_id}/jobs/submit-job`, one request) and records the job in " +
	"state at once, before any wait; then, by default, it waits until the statement has finished, so that resources " +
	"depending on it see its effect. The status is polled with a backoff that starts under a second (no fixed delay), " +
	"and a synchronous answer (DCL, or DDL with `dli.sql.sqlasync.enabled = \"false\"`) costs no wait at all. A " +
	"statement that fails leaves the resource tainted with DLI's message in the error.\n\n" +
	"A submitted statement cannot be changed: every job argument forces a replacement (a new job). `wait_for`, " +
	"`cancel_on_destroy`, `rerun_on_failure` and `timeouts` change in place without an API call. A job that ends " +
	"`CANCELLED` outside Terraform did not have its effect: the next plan shows it and runs the statement again.\n\n" +
	"`terraform destroy` cancels a `LAUNCHING` or `RUNNING` job (`DELETE /v1.0/{project_id}/jobs/{job_id}`) and waits " +
	"until DLI reports it ended. A finished job costs no request, a job DLI no longer knows is forgotten with a " +
	"warning, and `cancel_on_destroy = false` forgets the job without cancelling it. Destroying a `CREATE TABLE` job " +
	"does not drop the table.\n\n" +
	"Submitting is not idempotent, so a submission is never re-sent blindly. Each one carries a unique marker, the " +
	"tag `" + client.SQLSubmissionMarkerTagKey + "` with a random UUID: a tag changes nothing in what the statement " +
	"does (unlike a comment in the statement, which DLI may strip) and DLI's job list filters on it. When the outcome " +
	"of a submission is unknown (a dropped connection, a gateway error), the provider lists the jobs started in the " +
	"last 30 minutes (longer than the 15 minutes a request signature stays valid) carrying the marker, checks each " +
	"one's tags, and adopts the job it finds; it submits again only when there is none, and reports an error naming " +
	"the marker when it cannot tell. The marker is not part of `tags` in state.\n\n" +
	"Import takes the job ID. The statement, queue, database, engine, conf and tags are read back from DLI, so an " +
	"imported job plans clean. DLI does not report `catalog`; a configured one is adopted in place."
