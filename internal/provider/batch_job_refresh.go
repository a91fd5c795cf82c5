package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// withConfSecrets registers the job's conf values as secrets of every call made under ctx, so
// that a server message quoting the request never shows them.
func withConfSecrets(ctx context.Context, conf map[string]string) context.Context {
	values := make([]string, 0, len(conf))
	for _, v := range conf {
		values = append(values, v)
	}
	return client.WithSecrets(ctx, values...)
}

// readErrorDetail explains a failed refresh; one cut short by timeouts.read says so.
func readErrorDetail(ctx context.Context, id string, timeout time.Duration, err error) string {
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Sprintf("Batch job %s could not be read within timeouts.read (%s): %s\n\nThe job stays in state as it "+
			"was. Check that the endpoint answers, or raise timeouts.read.", id, timeout, err)
	}
	return fmt.Sprintf("Could not read batch job %s: %s", id, err)
}

// pendingKey holds, in private state, the submission of a job whose creation could not be
// confirmed (a *client.OutcomeUnknownError): the resource is then in state without an ID, and
// the marker is how the next refresh (or destroy) finds the job, instead of submitting another.
const pendingKey = "pending_submission"

type pendingSubmission struct {
	Marker      string    `json:"marker"`
	SubmittedAt time.Time `json:"submitted_at"`
}

// keepPending records an unconfirmed submission: the planned arguments, no ID, no status, and the
// marker in private state. Terraform keeps the resource as tainted, because of the error.
func (r *batchJobResource) keepPending(ctx context.Context, resp *resource.CreateResponse, plan batchJobResourceModel,
	unknown *client.OutcomeUnknownError, submittedAt time.Time) {
	plan.ID = types.StringNull()
	plan.jobStatusModel = jobStatusModel{}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	b, err := json.Marshal(pendingSubmission{Marker: unknown.Marker, SubmittedAt: submittedAt.UTC()})
	if err == nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, pendingKey, b)...)
	}
	resp.Diagnostics.Append(saveLocation(ctx, resp.Private, r.client)...)
	resp.Diagnostics.AddError("Batch job submission outcome unknown",
		fmt.Sprintf("The submission to queue %q may have created a job, and DLI could not be asked whether it did: %s\n\n"+
			"No job was submitted again. The resource stays in state, tainted and without an ID, with its submission "+
			"marker %s=%s. The next plan or apply looks for the job carrying that marker and records it, or drops the "+
			"resource if there is none, so that no job is left untracked. To keep the job once it is found, rather than "+
			"have the next apply replace it (cancelling it), run `terraform untaint` with this resource's address.",
			plan.Queue.ValueString(), unknown, client.SubmissionMarkerConfKey, unknown.Marker))
}

func readPending(ctx context.Context, private privateGetter, diags *diag.Diagnostics) (pendingSubmission, bool) {
	var p pendingSubmission
	b, d := private.GetKey(ctx, pendingKey)
	diags.Append(d...)
	if len(b) == 0 || json.Unmarshal(b, &p) != nil || p.Marker == "" {
		return p, false
	}
	return p, true
}

// findPending looks for the job of an unconfirmed submission at the job's location. found is
// false when there is nothing to track (no marker, or no job carries it); ok is false, with an
// error added, when the lookup could not decide.
func (r *batchJobResource) findPending(ctx context.Context, private privateGetter, state batchJobResourceModel,
	diags *diag.Diagnostics) (job *client.BatchJob, p pendingSubmission, ok bool) {
	p, pending := readPending(ctx, private, diags)
	if !pending {
		return nil, p, true
	}
	if moved, detail := locationChanged(ctx, private, r.client, diags); moved {
		diags.AddError("Submitted batch job not looked for at the provider's new location",
			fmt.Sprintf("The job submitted with marker %s=%s would live %s. Point the provider back at the job's project "+
				"and endpoint to find it; to forget it on purpose, run `terraform state rm` with this resource's address.",
				client.SubmissionMarkerConfKey, p.Marker, detail))
		return nil, p, false
	}
	job, err := r.client.FindBatchJobBySubmission(ctx, state.Queue.ValueString(), state.Name.ValueString(), p.Marker, p.SubmittedAt)
	if err != nil {
		diags.AddError("Could not look for the submitted batch job",
			fmt.Sprintf("Looking for the job submitted with marker %s=%s failed: %s\n\nThe resource stays in state; the next "+
				"plan looks again.", client.SubmissionMarkerConfKey, p.Marker, err))
		return nil, p, false
	}
	return job, p, true
}

// readPendingJob refreshes a resource whose submission was not confirmed: the job found by its
// marker is recorded; with none, the resource is dropped, to be submitted by the next apply.
func (r *batchJobResource) readPendingJob(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse,
	state batchJobResourceModel) {
	job, p, ok := r.findPending(ctx, req.Private, state, &resp.Diagnostics)
	switch {
	case !ok:
		return
	case job == nil:
		if p.Marker != "" {
			resp.Diagnostics.AddWarning("Submitted batch job not found",
				fmt.Sprintf("No job in queue %q carries the submission marker %s=%s: the submission whose outcome was "+
					"unknown did not create one. The resource is removed from state and will be submitted on the next apply.",
					state.Queue.ValueString(), client.SubmissionMarkerConfKey, p.Marker))
		}
		resp.State.RemoveResource(ctx)
		return
	}
	tflog.Info(ctx, "found the job of an unconfirmed submission", map[string]any{"batch_id": job.ID, "submission_id": p.Marker})
	resp.Diagnostics.AddWarning("Submitted batch job found",
		fmt.Sprintf("Batch job %s carries the submission marker %s=%s of the submission whose outcome was unknown; it is "+
			"now recorded in state.", job.ID, client.SubmissionMarkerConfKey, p.Marker))
	state.applyJob(job)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, job.ID, req.Identity)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, pendingKey, nil)...)
	resp.Diagnostics.Append(saveLocation(ctx, resp.Private, r.client)...)
}
