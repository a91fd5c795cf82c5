package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var (
	_ action.ActionWithConfigure = (*batchJobCancelAction)(nil)
	_ action.ActionWithConfigure = (*batchJobRunAction)(nil)
)

const (
	defaultCancelTimeout = 10 * time.Minute
	defaultRunTimeout    = 60 * time.Minute
	// cleanupTimeout bounds the cancel of a job whose run action was interrupted or timed out.
	cleanupTimeout = 30 * time.Second
)

// NewBatchJobCancelAction returns the dli_batch_job_cancel action.
func NewBatchJobCancelAction() action.Action { return &batchJobCancelAction{} }

type batchJobCancelAction struct{ actionBase }

type batchJobCancelModel struct {
	JobID   types.String `tfsdk:"job_id"`
	Timeout types.String `tfsdk:"timeout"`
}

func (a *batchJobCancelAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_batch_job_cancel"
}

func (a *batchJobCancelAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = actionschema.Schema{
		MarkdownDescription: "Cancels a Spark batch job (Terraform 1.14 and later), whoever submitted it, and waits until DLI " +
			"reports it finished, printing each state it goes through. A job that already finished is left as it is, " +
			"with a warning. Run it with `terraform apply -invoke=action.dli_batch_job_cancel.NAME`, or from a " +
			"resource's `action_trigger`. A cancelled job ends `dead`: a `dli_batch_job` with `rerun_on_failure = true` " +
			"tracking it is then submitted again by the next apply.",
		Attributes: map[string]actionschema.Attribute{
			"job_id":  jobIDAttribute("ID of the batch job to cancel (a UUID).", batchJobIDValidator()),
			"timeout": timeoutAttribute("wait for the cancelled job to end", defaultCancelTimeout),
		},
	}
}

func (a *batchJobCancelAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m batchJobCancelModel
	if !getConfig(ctx, req, &m, &resp.Diagnostics) || !a.ready(&resp.Diagnostics) {
		return
	}
	id, timeout := m.JobID.ValueString(), actionTimeout(m.Timeout, defaultCancelTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	state, err := a.client.GetBatchJobState(ctx, id)
	switch {
	case cancelEnd.lookupFailed(&resp.Diagnostics, a.client, "batch job", "state", id, err):
		return
	case state.IsTerminal():
		progress(resp, "Batch job %s already finished: %s", id, state)
		resp.Diagnostics.AddWarning("Batch job already finished",
			fmt.Sprintf("Batch job %s had already finished (%s); there was nothing to cancel.", id, state))
		return
	}
	progress(resp, "Cancelling batch job %s (state %s)", id, state)
	final, err := a.client.CancelAndWait(observeProgress(ctx, resp), id, state)
	if err != nil {
		cancelEnd.failed(&resp.Diagnostics, "batch job", id, timeout, err)
		return
	}
	progress(resp, "Batch job %s ended %s", id, stateDesc(final))
}

// NewBatchJobRunAction returns the dli_batch_job_run action.
func NewBatchJobRunAction() action.Action { return &batchJobRunAction{} }

type batchJobRunAction struct{ actionBase }

type batchJobRunModel struct {
	jobArgsModel
	Timeout types.String `tfsdk:"timeout"`
}

func (a *batchJobRunAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_batch_job_run"
}

func (a *batchJobRunAction) Schema(ctx context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := argumentAttributes(batchJobResourceSchema(ctx).Attributes, providerSideAttributes...)
	attrs["timeout"] = timeoutAttribute("wait for the job to succeed; when it runs out, the job is cancelled", defaultRunTimeout)
	resp.Schema = actionschema.Schema{
		MarkdownDescription: "Submits a Spark batch job (Terraform 1.14 and later) and waits until it succeeds, printing each " +
			"state it goes through; a job that ends `dead` fails the action with the last lines of its log. Nothing is " +
			"kept in state: this is the job to run after something else changed, from an `action_trigger` (a table " +
			"created, a package uploaded), or by hand with `terraform apply -invoke=action.dli_batch_job_run.NAME`. " +
			"It takes the job arguments of the `dli_batch_job` resource. The submission is exactly-once as the " +
			"resource's: when its outcome is unknown, the job carrying its marker is looked up before anything is " +
			"sent again. On a queue DLI cannot run jobs on yet (one created in the same apply), it is submitted " +
			"again until DLI takes it, within `timeout`. When the action is interrupted or times out, the job is cancelled. Action arguments are " +
			"printed in plans and cannot be write-only, so there is no `secret_conf` here: a job that needs secrets " +
			"is a `dli_batch_job` resource.",
		Attributes: attrs,
	}
}

func (a *batchJobRunAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m batchJobRunModel
	if !getConfig(ctx, req, &m, &resp.Diagnostics) || !a.ready(&resp.Diagnostics) {
		return
	}
	timeout := actionTimeout(m.Timeout, defaultRunTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// A queue created by the same apply may not take jobs yet: submitted again until it does.
	submission := m.toCreateRequest()
	var job *client.BatchJob
	err := a.client.SubmitWhenQueueReady(ctx, submission.Queue, func(ctx context.Context) (err error) {
		job, err = a.client.CreateBatchJob(ctx, submission)
		return err
	})
	if err != nil {
		hint := ""
		if nr := (*client.QueueNotReadyError)(nil); errors.As(err, &nr) {
			hint = fmt.Sprintf("\n\nDLI was still preparing the queue when the action's timeout (%s) ran out; nothing was "+
				"submitted. A new queue can take several minutes to accept jobs: to wait longer, raise timeout.", shortDuration(timeout))
		}
		resp.Diagnostics.AddError("Error submitting batch job", fmt.Sprintf("Could not submit the job%s to queue %q: %s%s",
			nameSuffix(m.Name), m.Queue.ValueString(), err, hint))
		return
	}
	progress(resp, "Submitted batch job %s%s to queue %s; waiting for success", job.ID, nameSuffix(m.Name), m.Queue.ValueString())
	last, err := a.client.WaitForBatchJob(observeProgress(ctx, resp), job.ID, client.StateSuccess)
	if err == nil {
		return
	}
	var failed *client.JobFailedError
	switch {
	case errors.As(err, &failed):
		msg := fmt.Sprintf("Batch job %s%s ended %s.", job.ID, nameSuffix(m.Name), failed.State)
		if len(failed.Log) > 0 {
			tail := "Last lines of the job's log:\n  " + strings.Join(failed.Log, "\n  ")
			progress(resp, "%s", tail)
			msg += "\n\n" + tail
		}
		resp.Diagnostics.AddError("Batch job failed", msg)
	case ctx.Err() != nil:
		how, what := "interrupted", "The action was interrupted"
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			how, what = "timed out", fmt.Sprintf("The job did not succeed within the action's timeout (%s)", shortDuration(timeout))
		}
		resp.Diagnostics.AddError("Batch job run "+how, fmt.Sprintf("%s while batch job %s%s was %s. %s",
			what, job.ID, nameSuffix(m.Name), stateDesc(last), a.cleanUp(ctx, job.ID)))
	default:
		resp.Diagnostics.AddError("Error waiting for batch job", fmt.Sprintf("Waiting for batch job %s%s to succeed failed: %s",
			job.ID, nameSuffix(m.Name), err))
	}
}

// cleanUp cancels the job of an interrupted or timed-out run, which nothing else tracks, and
// says what became of it.
func (a *batchJobRunAction) cleanUp(ctx context.Context, id string) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if err := a.client.CancelBatchJob(ctx, id); err != nil && !client.IsAlreadyFinished(err) && !client.IsNotFound(err) {
		return fmt.Sprintf("It could not be cancelled (%s): cancel it with the dli_batch_job_cancel action.", err)
	}
	return "It was cancelled, since nothing keeps track of it."
}

func nameSuffix(name types.String) string {
	if name.ValueString() == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", name.ValueString())
}
