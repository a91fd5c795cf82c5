package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

const (
	defaultCreateTimeout = 60 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
	// defaultReadTimeout bounds a refresh: a stalled answer must not hang a plan.
	defaultReadTimeout = 5 * time.Minute
	// finalReadTimeout bounds the one read after a wait whose own context may be over.
	finalReadTimeout = 10 * time.Second
)

var (
	_ resource.Resource                   = (*batchJobResource)(nil)
	_ resource.ResourceWithConfigure      = (*batchJobResource)(nil)
	_ resource.ResourceWithIdentity       = (*batchJobResource)(nil)
	_ resource.ResourceWithImportState    = (*batchJobResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*batchJobResource)(nil)
	_ resource.ResourceWithValidateConfig = (*batchJobResource)(nil)
)

// NewBatchJobResource returns the dli_batch_job resource.
func NewBatchJobResource() resource.Resource {
	return &batchJobResource{}
}

type batchJobResource struct{ specResource[batchJobKind] }

type batchJobKind struct{}

const exampleBatchID = "0a324461-d9d9-45da-a52a-3b3c7a3d809e"

func (batchJobKind) resourceSpec() resourceSpec {
	return resourceSpec{typeName: "_batch_job", schema: batchJobResourceSchema,
		// A batch job's arguments are read back by the Read after an import; the provider-side settings
		// get their defaults, and the imported mark lets the configuration's triggers and
		// secret_conf_version be adopted without a re-run.
		imports: importSpec{kind: "batch job", idDesc: "Batch job ID (a UUID) assigned by DLI.",
			want: "a UUID such as " + exampleBatchID, valid: client.ValidBatchID, waitFor: waitForSubmitted, jobSettings: true, marked: true}}
}

type batchJobResourceModel struct {
	ID types.String `tfsdk:"id"`
	jobArgsModel
	jobSettingsModel
	jobStatusModel
}

func (r *batchJobResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	secretConf.validate(ctx, req.Config, &resp.Diagnostics)
	var feature, image types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("feature"), &feature)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("image"), &image)...)
	if resp.Diagnostics.HasError() || feature.IsUnknown() || image.IsUnknown() {
		return
	}
	switch {
	case feature.ValueString() == "custom" && image.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("image"), "Missing image",
			`feature = "custom" runs your own image: set image to its SWR name, such as "org/spark:3.3.1".`)
	case feature.ValueString() != "custom" && !image.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("image"), "Image without custom feature",
			`image is only used with feature = "custom"; set feature = "custom" or remove image.`)
	}
}

// ModifyPlan replaces a dead job when rerun_on_failure asks for it. Marking state unknown and
// naming it as the cause makes the plan say why: "state forces replacement".
func (r *batchJobResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var rerun types.Bool
	var state types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("rerun_on_failure"), &rerun)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("state"), &state)...)
	if resp.Diagnostics.HasError() || !rerun.ValueBool() || client.ParseJobState(state.ValueString()) != client.StateDead {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("state"), types.StringUnknown())...)
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("state"))
}

func (r *batchJobResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan batchJobResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	secrets, diags := secretConf.fromConfig(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	ctx, cancel, timeout, ok := r.start(ctx, &resp.Diagnostics, plan.Timeouts.Create, defaultCreateTimeout)
	if !ok {
		return
	}
	defer cancel()
	// Every call of this apply masks the secret values in what DLI answers.
	ctx = client.WithSecrets(withConfSecrets(ctx, plan.Conf), secretValues(secrets)...)

	submittedAt := time.Now()
	submission := plan.toCreateRequest()
	submission.Conf = withSecretConf(submission.Conf, secrets)
	var job *client.BatchJob
	err := r.client.SubmitWhenQueueReady(ctx, submission.Queue, func(ctx context.Context) (err error) {
		job, err = r.client.CreateBatchJob(ctx, submission)
		return err
	})
	if unknown := (*client.OutcomeUnknownError)(nil); errors.As(err, &unknown) {
		r.keepPending(ctx, resp, plan, unknown, submittedAt)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error submitting batch job",
			fmt.Sprintf("Could not submit the job to queue %q: %s%s", plan.Queue.ValueString(), err, queueNotReadyHint(err, timeout)))
		return
	}
	plan.ID = types.StringValue(job.ID)
	plan.jobStatusModel = statusFromJob(job)
	// Track the job before waiting: if the wait fails or is interrupted, the job is in state
	// (tainted) rather than orphaned.
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(saveLocation(ctx, resp.Private, r.client)...)
	resp.Diagnostics.Append(saveSecretKeys(ctx, resp.Private, secrets)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, job.ID, nil)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Info(ctx, "submitted batch job", map[string]any{"batch_id": job.ID, "wait_for": plan.WaitFor.ValueString()})

	targets := waitTargets(plan.WaitFor.ValueString())
	if len(targets) == 0 {
		return // the create answer is what DLI last reported
	}
	last, waitErr := r.client.AwaitBatchJob(ctx, job.ID, targets...)

	// Whatever the wait's outcome, one read records the job as DLI last reported it (application
	// ID, times), so the next plan shows no change made "outside of Terraform". The wait's own
	// context may be over (timeout, Ctrl-C): the read gets a short one of its own.
	readCtx, cancelRead := context.WithTimeout(context.WithoutCancel(ctx), finalReadTimeout)
	defer cancelRead()
	if current, err := r.client.GetBatchJob(readCtx, job.ID); err == nil {
		plan.jobStatusModel = statusFromJob(current)
		last = current.State
	} else {
		if last != "" {
			plan.State = types.StringValue(string(last))
		}
		tflog.Warn(ctx, "could not read the job after waiting; its details refresh on the next plan", map[string]any{"batch_id": job.ID, "error": err.Error()})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if waitErr != nil {
		summary, detail := describeWaitError(job.ID, plan.WaitFor.ValueString(), timeout, last, waitErr)
		resp.Diagnostics.AddError(summary, maskValues(detail, secrets))
	}
}

func (r *batchJobResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state batchJobResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, timeout, ok := r.start(ctx, &resp.Diagnostics, state.Timeouts.Read, defaultReadTimeout)
	if !ok {
		return
	}
	defer cancel()
	ctx = withConfSecrets(ctx, state.Conf)
	id, prior := state.ID.ValueString(), state.jobArgsModel
	// Also when the job is kept without being found, and for states written before identities.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, id, req.Identity)...)
	if id == "" {
		r.readPendingJob(ctx, req, resp, state)
		return
	}
	job, err := r.client.GetBatchJob(ctx, id)
	if client.IsNotFound(err) {
		readNotFound(ctx, batchJobTerms, r.client, req, resp, id, client.ParseJobState(state.State.ValueString()))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading batch job", readErrorDetail(ctx, id, timeout, err))
		return
	}
	state.applyJob(job)
	state.Conf = keepNullMap(prior.Conf, withoutSecretConf(state.Conf, savedSecretKeys(ctx, req.Private, &resp.Diagnostics)...))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(saveLocation(ctx, resp.Private, r.client)...)
}

// Update changes provider-side arguments only (wait_for, cancel_on_destroy, rerun_on_failure,
// timeouts), or adopts values after an import.
func (r *batchJobResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateJob(ctx, r.client, req, resp, func(m *batchJobResourceModel) string { return m.ID.ValueString() })
}

// applyJob refreshes the model from what DLI reports, arguments included (from req_body), so
// that an imported job plans clean and out-of-band changes show up as drift.
func (m *batchJobResourceModel) applyJob(job *client.BatchJob) {
	m.ID = types.StringValue(job.ID)
	if job.Request != nil {
		m.jobArgsModel = jobArgsFromRequest(job.Request, job, m.jobArgsModel)
	} else if m.Queue.IsNull() {
		m.Queue = types.StringValue(firstNonEmpty(job.Queue, job.ClusterName))
	}
	m.jobStatusModel = statusFromJob(job)
}

func waitTargets(waitFor string) []client.JobState {
	switch waitFor {
	case waitForRunning:
		return []client.JobState{client.StateRunning, client.StateSuccess}
	case waitForSuccess:
		return []client.JobState{client.StateSuccess}
	case waitForFinished:
		return []client.JobState{client.StateSuccess, client.StateDead}
	default:
		return nil
	}
}
