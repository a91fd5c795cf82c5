package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Delete cancels a job that is still active, then waits until DLI reports it ended.
func (r *sqlJobResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state sqlJobResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	last := client.ParseSQLJobStatus(state.Status.ValueString())
	if leftRunning(ctx, sqlJobTerms, state.CancelOnDestroy, &resp.Diagnostics, id, id, last) {
		return
	}
	if last.IsTerminal() {
		return // a finished job costs no request
	}
	ctx, cancel, timeout, ok := r.start(ctx, &resp.Diagnostics, state.Timeouts.Delete, defaultDeleteTimeout)
	if !ok {
		return
	}
	defer cancel()
	ctx = client.WithSecrets(ctx, state.secrets()...)

	// At another location a "not found" says nothing about the job: refuse to forget it.
	if movedAway(ctx, sqlJobTerms, r.client, req.Private, &resp.Diagnostics, id, last, func(ctx context.Context, id string) error {
		_, err := r.client.GetSQLJob(ctx, id)
		return err
	}) {
		return
	}

	final, err := r.client.CancelSQLJobAndWait(ctx, id, last)
	if err != nil {
		summary, detail := describeSQLDeleteError(ctx, r.client, id, timeout, err)
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	if final == "" {
		resp.Diagnostics.AddWarning("SQL job no longer in DLI",
			fmt.Sprintf("SQL job %s (last status: %s) is not known to DLI any more; it is removed from state without a cancel.",
				id, statusDesc(last)))
		return
	}
	tflog.Info(ctx, "SQL job destroyed", map[string]any{"job_id": id, "final_status": string(final)})
}

// describeSQLDeleteError tells a cancel DLI refused from one it accepted for a job that had not
// ended within the timeout.
func describeSQLDeleteError(ctx context.Context, c *client.Client, id string, timeout time.Duration, err error) (string, string) {
	var accepted *client.SQLCancelWaitError
	if !errors.As(err, &accepted) || !errors.Is(err, context.DeadlineExceeded) {
		return "Error cancelling SQL job", fmt.Sprintf("Could not cancel SQL job %s: %s", id, err)
	}
	readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finalReadTimeout)
	defer cancel()
	last := "unknown"
	if j, rerr := c.GetSQLJob(readCtx, id); rerr == nil {
		last = string(j.Status)
	}
	return "Cancelled SQL job did not end in time", fmt.Sprintf("DLI accepted the cancel of SQL job %s, but the job had "+
		"not ended within timeouts.delete (%s); its status is now %s. It stays in state. Destroy uses the timeouts stored "+
		"in state: to wait longer, first apply a larger value (such as timeouts = { delete = \"30m\" }), then destroy "+
		"again.", id, timeout, last)
}

// describeSQLWaitError explains why apply did not see the job reach wait_for, and what becomes
// of the job (it is tracked in state as tainted).
func describeSQLWaitError(id, waitFor string, timeout time.Duration, last string, err error) (string, string) {
	var failed *client.SQLJobFailedError
	if errors.As(err, &failed) {
		msg := fmt.Sprintf("SQL job %s ended %s while apply waited for it to be %s. It stays in state as tainted and "+
			"will be replaced (the statement run again) on the next apply.", id, failed.Status, waitFor)
		if failed.Message != "" {
			msg += "\n\nDLI's message: " + failed.Message
		}
		return "SQL job " + string(failed.Status), msg
	}
	keep := "The job itself is not affected: it was submitted, is not cancelled, and stays in state as tainted, so the " +
		"next apply replaces it (cancelling it if it is still active). To keep it instead, run `terraform untaint` " +
		"with this resource's address (shown with this error)."
	if last == "" {
		last = "unknown"
	}
	switch {
	case errors.Is(err, context.Canceled):
		return "Interrupted while waiting for SQL job", fmt.Sprintf("Apply was interrupted while waiting for SQL job %s "+
			"to be %s (last status: %s). %s", id, waitFor, last, keep)
	case errors.Is(err, context.DeadlineExceeded):
		return "SQL job not " + waitFor + " in time", fmt.Sprintf("SQL job %s was not %s within timeouts.create (%s); "+
			"last status: %s. %s To wait longer, raise timeouts.create.", id, waitFor, timeout, last, keep)
	}
	return "SQL job not " + waitFor, fmt.Sprintf("Waiting for SQL job %s to be %s failed: %s\n\n%s", id, waitFor, err, keep)
}
