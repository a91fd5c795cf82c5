package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

const (
	defaultCreateTimeout = 60 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

var (
	_ resource.Resource                   = (*batchJobResource)(nil)
	_ resource.ResourceWithConfigure      = (*batchJobResource)(nil)
	_ resource.ResourceWithImportState    = (*batchJobResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*batchJobResource)(nil)
	_ resource.ResourceWithValidateConfig = (*batchJobResource)(nil)
)

// NewBatchJobResource returns the dli_batch_job resource.
func NewBatchJobResource() resource.Resource {
	return &batchJobResource{}
}

type batchJobResource struct {
	client *client.Client
}

type batchJobResourceModel struct {
	ID types.String `tfsdk:"id"`
	jobArgsModel
	WaitFor         types.String      `tfsdk:"wait_for"`
	CancelOnDestroy types.Bool        `tfsdk:"cancel_on_destroy"`
	RerunOnFailure  types.Bool        `tfsdk:"rerun_on_failure"`
	Triggers        map[string]string `tfsdk:"triggers"`
	Timeouts        timeouts.Value    `tfsdk:"timeouts"`
	jobStatusModel
}

func (r *batchJobResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_batch_job"
}

func (r *batchJobResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = batchJobResourceSchema(ctx)
}

func (r *batchJobResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	c, ok := req.ProviderData.(*client.Client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected resource configure type",
			fmt.Sprintf("Expected *client.Client, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	r.client = c
}

func (r *batchJobResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
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
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	job, err := r.client.CreateBatchJob(ctx, plan.toCreateRequest())
	if err != nil {
		resp.Diagnostics.AddError("Error submitting batch job",
			fmt.Sprintf("Could not submit the job to queue %q: %s", plan.Queue.ValueString(), err))
		return
	}
	plan.ID = types.StringValue(job.ID)
	plan.jobStatusModel = statusFromJob(job)
	// Track the job before waiting: if the wait fails or is interrupted, the job is in state
	// (tainted) rather than orphaned.
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Info(ctx, "submitted batch job", map[string]any{"batch_id": job.ID, "wait_for": plan.WaitFor.ValueString()})

	targets := waitTargets(plan.WaitFor.ValueString())
	if len(targets) == 0 {
		return
	}
	state, err := r.client.WaitForBatchJob(ctx, job.ID, targets...)
	if err != nil {
		if state != "" {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("state"), string(state))...)
		}
		resp.Diagnostics.AddError("Batch job did not reach "+plan.WaitFor.ValueString(), describeWaitError(job.ID, plan.WaitFor.ValueString(), err))
		return
	}
	// The job has changed since it was submitted (application ID, times): one read records it.
	plan.State = types.StringValue(string(state))
	if current, err := r.client.GetBatchJob(ctx, job.ID); err == nil {
		plan.jobStatusModel = statusFromJob(current)
	} else {
		tflog.Warn(ctx, "could not read the job after waiting; its details refresh on the next plan", map[string]any{"batch_id": job.ID, "error": err.Error()})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *batchJobResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state batchJobResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	id := state.ID.ValueString()
	job, err := r.client.GetBatchJob(ctx, id)
	if client.IsNotFound(err) {
		last := client.ParseJobState(state.State.ValueString())
		if last.IsTerminal() {
			// History was purged; the job ran to its end. Keeping it avoids a surprise re-run.
			resp.Diagnostics.AddWarning("Finished batch job no longer in DLI",
				fmt.Sprintf("Batch job %s was last seen %s and DLI no longer lists it (its history was purged). "+
					"It stays in state as it was, so it is not submitted again; change triggers to re-run it.", id, last))
			return
		}
		resp.Diagnostics.AddWarning("Batch job not found",
			fmt.Sprintf("Batch job %s was not found in DLI; it is removed from state and will be submitted again on the next apply.", id))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading batch job", fmt.Sprintf("Could not read batch job %s: %s", id, err))
		return
	}
	state.applyJob(job)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only changes provider-side arguments (wait_for, cancel_on_destroy, rerun_on_failure,
// timeouts): every job argument forces replacement, so no API call is needed.
func (r *batchJobResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan batchJobResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

// Delete cancels the job if it is still active, then waits until DLI reports it finished.
func (r *batchJobResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state batchJobResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	if !state.CancelOnDestroy.IsNull() && !state.CancelOnDestroy.ValueBool() {
		tflog.Info(ctx, "forgetting batch job without cancelling it (cancel_on_destroy = false)", map[string]any{"batch_id": id})
		return
	}
	if !r.configured(&resp.Diagnostics) {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// The state last read (normally by the refresh just before) spares a request: a finished job
	// needs none, an active one is cancelled straight away.
	final, err := r.client.CancelAndWait(ctx, id, client.ParseJobState(state.State.ValueString()))
	if err != nil {
		resp.Diagnostics.AddError("Error cancelling batch job", fmt.Sprintf("Could not cancel batch job %s: %s", id, err))
		return
	}
	tflog.Info(ctx, "batch job destroyed", map[string]any{"batch_id": id, "final_state": string(final)})
}

func (r *batchJobResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if !uuidPattern.MatchString(id) {
		resp.Diagnostics.AddError("Invalid batch job ID",
			fmt.Sprintf("Import needs the ID of a DLI batch job, a UUID such as 0a324461-d9d9-45da-a52a-3b3c7a3d809e; got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for"), waitForSubmitted)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("cancel_on_destroy"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("rerun_on_failure"), false)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte("true"))...)
}

func (r *batchJobResource) configured(diags interface{ AddError(string, string) }) bool {
	if r.client != nil {
		return true
	}
	diags.AddError("Provider not configured", notConfiguredDetail)
	return false
}

const notConfiguredDetail = "The dli provider has no usable configuration yet, usually because its arguments depend on " +
	"values that are only known after apply. Apply the resources they come from first, or set the arguments directly."

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
	default:
		return nil
	}
}

func describeWaitError(id, waitFor string, err error) string {
	var failed *client.JobFailedError
	if errors.As(err, &failed) {
		msg := fmt.Sprintf("Batch job %s ended %s while apply waited for %s. It stays in state as tainted and "+
			"will be replaced on the next apply.", id, failed.State, waitFor)
		if len(failed.Log) > 0 {
			msg += "\n\nLast lines of the job's log:\n  " + strings.Join(failed.Log, "\n  ")
		}
		return msg
	}
	return fmt.Sprintf("Waiting for batch job %s to reach %s failed: %s\n\nThe job was submitted and stays in state as "+
		"tainted; the next apply replaces it (cancelling it if it is still active).", id, waitFor, err)
}
