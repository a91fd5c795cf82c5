package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Delete cancels the job if it is still active, then waits until DLI reports it finished.
func (r *batchJobResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state batchJobResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	last := client.ParseJobState(state.State.ValueString())
	if leftRunning(ctx, batchJobTerms, state.CancelOnDestroy, &resp.Diagnostics, id,
		firstNonEmpty(id, "(its submission's outcome unknown)")+jobNameSuffix(state), last) {
		return
	}
	ctx, cancel, timeout, ok := r.start(ctx, &resp.Diagnostics, state.Timeouts.Delete, defaultDeleteTimeout)
	if !ok {
		return
	}
	defer cancel()
	ctx = withConfSecrets(ctx, state.Conf)
	if id == "" { // a submission whose outcome was unknown: its job, if any, is found by its marker
		job, _, ok := r.findPending(ctx, req.Private, state, &resp.Diagnostics)
		if !ok || job == nil {
			return
		}
		id, last = job.ID, job.State
	}

	// At another location a "not found" says nothing about the job: refuse to forget it.
	if movedAway(ctx, batchJobTerms, r.client, req.Private, &resp.Diagnostics, id, last, func(ctx context.Context, id string) error {
		_, err := r.client.GetBatchJobState(ctx, id)
		return err
	}) {
		return
	}

	// The state last read (normally by the refresh just before) spares a request: a finished job
	// needs none, an active one is cancelled straight away.
	final, err := r.client.StopBatchJob(ctx, id, last)
	if err != nil {
		summary, detail := describeDeleteError(ctx, r.client, id, timeout, err)
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	tflog.Info(ctx, "batch job destroyed", map[string]any{"batch_id": id, "final_state": string(final)})
}

func jobNameSuffix(m batchJobResourceModel) string {
	if name := m.Name.ValueString(); name != "" {
		return fmt.Sprintf(" (%q)", name)
	}
	return ""
}

// describeDeleteError tells a cancel DLI refused from one it accepted for a job that had not
// ended when destroy stopped waiting (timeouts.delete, an interrupt, a failed poll).
func describeDeleteError(ctx context.Context, c *client.Client, id string, timeout time.Duration, err error) (string, string) {
	var accepted *client.CancelAcceptedError
	if !errors.As(err, &accepted) {
		return "Error cancelling batch job", fmt.Sprintf("Could not cancel batch job %s: %s", id, err)
	}
	readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finalReadTimeout)
	defer cancel()
	last := stateDesc(client.JobState(accepted.LastState))
	if s, serr := c.GetBatchJobState(readCtx, id); serr == nil {
		last = string(s)
	}
	var ended *client.WaitEndedError
	switch {
	case errors.As(err, &ended) && ended.Interrupted:
		return "Interrupted while waiting for the cancelled batch job", fmt.Sprintf("DLI accepted the cancel of batch job "+
			"%s; destroy was interrupted before the job ended (its state is now %s). It stays in state: destroy again to "+
			"wait for its end.", id, last)
	case ended != nil:
		return "Cancelled batch job did not end in time", fmt.Sprintf("DLI accepted the cancel of batch job %s, but the job "+
			"had not ended within timeouts.delete (%s); its state is now %s. It stays in state. Destroy uses the timeouts "+
			"stored in state: to wait longer, first apply a larger value (such as timeouts = { delete = \"30m\" }), then "+
			"destroy again.", id, timeout, last)
	}
	return "Cancelled batch job: its end was not confirmed", fmt.Sprintf("DLI accepted the cancel of batch job %s, but "+
		"waiting for its end failed (its state is now %s): %s\n\nIt stays in state: destroy again to wait for its end.",
		id, last, accepted.Err)
}

// describeWaitError explains why apply did not see the job reach wait_for, and what becomes of
// the job (it is tracked in state as tainted).
func describeWaitError(id, waitFor string, timeout time.Duration, last client.JobState, err error) (string, string) {
	var failed *client.JobFailedError
	if errors.As(err, &failed) {
		msg := fmt.Sprintf("Batch job %s ended %s while apply waited for %s. It stays in state as tainted and "+
			"will be replaced on the next apply.", id, failed.State, waitFor)
		if len(failed.Log) > 0 {
			msg += "\n\nLast lines of the job's log:\n  " + strings.Join(failed.Log, "\n  ")
		}
		return "Batch job did not reach " + waitFor, msg
	}
	keep := "The job itself is not affected: it was submitted, is not cancelled, and stays in state as tainted, so the " +
		"next apply replaces it (cancelling it if it is still active). To keep it instead, run `terraform untaint` " +
		"with this resource's address (shown with this error)."
	var ended *client.WaitEndedError
	switch {
	case errors.As(err, &ended) && ended.Interrupted:
		return "Interrupted while waiting for batch job", fmt.Sprintf("Apply was interrupted while waiting for batch job "+
			"%s to reach %s (last state: %s). %s", id, waitFor, stateDesc(last), keep)
	case ended != nil:
		return "Batch job did not reach " + waitFor, fmt.Sprintf("Batch job %s did not reach %s within timeouts.create "+
			"(%s); last state: %s. %s To wait longer, raise timeouts.create.", id, waitFor, timeout, stateDesc(last), keep)
	}
	return "Batch job did not reach " + waitFor, fmt.Sprintf("Waiting for batch job %s to reach %s failed: %s\n\n%s",
		id, waitFor, err, keep)
}
