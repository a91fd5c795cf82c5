package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var (
	_ resource.Resource                = (*sqlJobResource)(nil)
	_ resource.ResourceWithConfigure   = (*sqlJobResource)(nil)
	_ resource.ResourceWithIdentity    = (*sqlJobResource)(nil)
	_ resource.ResourceWithImportState = (*sqlJobResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*sqlJobResource)(nil)
)

// NewSQLJobResource returns the dli_sql_job resource.
func NewSQLJobResource() resource.Resource {
	return &sqlJobResource{}
}

type sqlJobResource struct{ specResource[sqlJobKind] }

type sqlJobKind struct{}

const exampleSQLJobID = "8ecb0777-9c70-4529-9935-29ea0946039c"

func (sqlJobKind) resourceSpec() resourceSpec {
	return resourceSpec{typeName: "_sql_job", schema: sqlJobResourceSchema,
		// The Read after an import fills the arguments, and the imported mark lets the configuration's
		// values be adopted without running the statement again.
		imports: importSpec{kind: "SQL job", idDesc: "SQL job ID (a UUID) assigned by DLI.",
			want: "a UUID such as " + exampleSQLJobID, valid: client.ValidSQLJobID, waitFor: waitForFinished, jobSettings: true, marked: true}}
}

type sqlJobResourceModel struct {
	ID types.String `tfsdk:"id"`
	sqlJobArgsModel
	jobSettingsModel
	sqlJobStatusModel
}

// ModifyPlan runs the statement again when its job did not have its effect: FAILED with
// rerun_on_failure, or CANCELLED outside Terraform (drift). Marking status unknown and naming
// it as the cause makes the plan say "status forces replacement".
func (r *sqlJobResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var rerun types.Bool
	var status, id types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("rerun_on_failure"), &rerun)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("status"), &status)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	switch client.ParseSQLJobStatus(status.ValueString()) {
	case client.SQLStatusCancelled:
		resp.Diagnostics.AddWarning("SQL job was cancelled outside Terraform",
			fmt.Sprintf("SQL job %s ended CANCELLED, so its statement did not have its effect; this plan runs it again.", id.ValueString()))
	case client.SQLStatusFailed:
		if !rerun.ValueBool() {
			return
		}
	default:
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), types.StringUnknown())...)
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("status"))
}

func (r *sqlJobResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan sqlJobResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	secrets, diags := secretConf.fromConfig(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	ctx, cancel, timeout, ok := r.start(ctx, &resp.Diagnostics, plan.Timeouts.Create, defaultCreateTimeout)
	if !ok {
		return
	}
	defer cancel()
	ctx = client.WithSecrets(ctx, append(plan.secrets(), secretValues(secrets)...)...)

	creq := plan.toCreateRequest()
	creq.Conf = withSQLSecretConf(creq.Conf, secrets)
	var sub *client.SQLSubmission
	err := r.client.SubmitWhenQueueReady(ctx, creq.Queue, func(ctx context.Context) (err error) {
		sub, err = r.client.CreateSQLJob(ctx, creq)
		return err
	})
	if err != nil {
		resp.Diagnostics.AddError("Error submitting SQL job", fmt.Sprintf("Could not submit the statement%s: %s%s",
			queueSuffix(plan.Queue), err, queueNotReadyHint(err, timeout)))
		return
	}
	plan.ID = types.StringValue(sub.ID)
	plan.sqlJobStatusModel = sqlSubmittedStatus(sub)
	plan.fillUnknownArgs(sub.Adopted)
	// Track the job before any wait: if the wait fails or is interrupted, the job is in state
	// (tainted) rather than orphaned.
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(saveLocation(ctx, resp.Private, r.client)...)
	resp.Diagnostics.Append(saveSecretKeys(ctx, resp.Private, secrets)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, sub.ID, nil)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Info(ctx, "submitted SQL job", map[string]any{"job_id": sub.ID, "job_type": sub.JobType, "wait_for": plan.WaitFor.ValueString()})

	var job *client.SQLJob
	var waitErr error
	if targets := sqlWaitTargets(plan.WaitFor.ValueString()); len(targets) > 0 && !sub.Sync() {
		job, waitErr = r.client.WaitForSQLJob(ctx, sub.ID, targets...)
	}
	if job == nil {
		// One read records the job as DLI reports it (owner, times, status). The wait's context
		// may be over (timeout, Ctrl-C): the read gets a short one of its own.
		readCtx, cancelRead := context.WithTimeout(context.WithoutCancel(ctx), finalReadTimeout)
		defer cancelRead()
		if current, err := r.client.GetSQLJob(readCtx, sub.ID); err == nil {
			job = current
		} else {
			tflog.Warn(ctx, "could not read the SQL job after submitting; its details refresh on the next plan",
				map[string]any{"job_id": sub.ID, "error": err.Error()})
		}
	}
	if job != nil {
		prior := plan.JobMode
		plan.sqlJobStatusModel = sqlStatusFromJob(job)
		plan.keepJobMode(prior)
		plan.fillUnknownArgs(job)
	}
	plan.nullUnknownArgs()
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if waitErr != nil {
		summary, detail := describeSQLWaitError(sub.ID, plan.WaitFor.ValueString(), timeout, plan.Status.ValueString(), waitErr)
		resp.Diagnostics.AddError(summary, detail)
	}
}

// fillUnknownArgs takes the arguments the plan left to DLI (queue, database, engine) from job.
func (m *sqlJobResourceModel) fillUnknownArgs(job *client.SQLJob) {
	if job == nil {
		return
	}
	if m.Queue.IsUnknown() && job.Queue != "" {
		m.Queue = types.StringValue(job.Queue)
	}
	if m.Engine.IsUnknown() {
		// The status API does not report engine_type; spark is DLI's documented default.
		m.Engine = types.StringValue(firstNonEmpty(job.Engine, defaultSQLEngine))
	}
}

// nullUnknownArgs settles what DLI did not report: state holds no unknown values. The
// database is not taken from DLI's database_name, which names the table's database.
func (m *sqlJobResourceModel) nullUnknownArgs() {
	for _, v := range []*types.String{&m.Queue, &m.Database, &m.Engine} {
		if v.IsUnknown() {
			*v = types.StringNull()
		}
	}
}

func (r *sqlJobResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state sqlJobResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	ctx = client.WithSecrets(ctx, state.secrets()...)
	id := state.ID.ValueString()
	// Also when the job is kept without being found, and for states written before identities.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, id, req.Identity)...)
	job, err := r.client.GetSQLJob(ctx, id)
	if client.IsNotFound(err) {
		readNotFound(ctx, sqlJobTerms, r.client, req, resp, id, client.ParseSQLJobStatus(state.Status.ValueString()))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading SQL job", fmt.Sprintf("Could not read SQL job %s: %s", id, err))
		return
	}
	if state.SQL.IsNull() && job.Engine == "" {
		job.Engine = listedSQLEngine(ctx, r.client, id) // an import: the list reports the engine, the status does not
	}
	imported := state.SQL.IsNull()
	state.sqlJobArgsModel = sqlArgsFromJob(job, state.sqlJobArgsModel)
	if imported {
		state.Conf = withoutSQLSecretConf(state.Conf, savedSecretKeys(ctx, req.Private, &resp.Diagnostics)...)
	}
	prior := state.JobMode
	state.sqlJobStatusModel = sqlStatusFromJob(job)
	state.keepJobMode(prior)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(saveLocation(ctx, resp.Private, r.client)...)
}

// listedSQLEngine asks the job list (which reports engine_type, unlike the status API) for the
// job's engine; "" when it cannot tell.
func listedSQLEngine(ctx context.Context, c *client.Client, id string) string {
	jobs, err := c.ListSQLJobs(ctx, client.SQLListOptions{JobID: id, Limit: 1})
	if err != nil {
		tflog.Warn(ctx, "could not list the SQL job to learn its engine", map[string]any{"job_id": id, "error": err.Error()})
		return ""
	}
	for _, j := range jobs {
		if strings.EqualFold(j.ID, id) {
			return j.Engine
		}
	}
	return ""
}

// Update changes provider-side arguments only, or adopts values after an import.
func (r *sqlJobResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateJob(ctx, r.client, req, resp, func(m *sqlJobResourceModel) string {
		m.nullUnknownArgs()
		return m.ID.ValueString()
	})
}

func sqlWaitTargets(waitFor string) []client.SQLJobStatus {
	switch waitFor {
	case waitForRunning:
		return []client.SQLJobStatus{client.SQLStatusRunning, client.SQLStatusFinished}
	case waitForFinished:
		return []client.SQLJobStatus{client.SQLStatusFinished}
	default:
		return nil
	}
}

func queueSuffix(q types.String) string {
	if q.IsNull() || q.IsUnknown() {
		return " to DLI's default queue"
	}
	return fmt.Sprintf(" to queue %q", q.ValueString())
}
