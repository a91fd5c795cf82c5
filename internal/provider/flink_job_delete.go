package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Delete stops a job that runs (with a savepoint when savepoint_on_destroy), waits until it is
// stopped, then deletes it. A job DLI no longer knows is gone: destroy succeeds.
func (r *flinkJobResource[T, P]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m T
	p := P(&m)
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	sid, _, set, st := p.parts()
	id := sid.ValueString()
	timeout, diags := set.Timeouts.Delete(ctx, defaultFlinkDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// At another location a "not found" says nothing about the job: refuse to forget it.
	if moved, detail := locationChanged(ctx, req.Private, r.client, &resp.Diagnostics); moved {
		if _, err := r.client.GetFlinkJob(ctx, id); client.IsNotFound(err) {
			resp.Diagnostics.AddError(r.kind.name+" not found at the provider's new location",
				fmt.Sprintf("%s %s lives %s. Destroy cannot stop it from here and does not forget it. Point the provider "+
					"back at the job's project and endpoint to destroy it; to forget it on purpose, run `terraform state rm`.",
					r.kind.name, id, detail))
			return
		}
	}
	savepoint := savepointWanted(set.SavepointOnDestroy, p.hasStorage())
	last := client.ParseFlinkJobStatus(st.Status.ValueString())
	err := r.client.StopAndDeleteFlinkJob(ctx, id, savepoint, last)
	if err == nil {
		tflog.Info(ctx, "Flink job destroyed", map[string]any{"job_id": id, "savepoint": savepoint})
		return
	}
	if errors.Is(err, context.DeadlineExceeded) {
		resp.Diagnostics.AddError(r.kind.name+" did not stop in time", fmt.Sprintf("%s %s was not stopped within "+
			"timeouts.delete (%s), so it was not deleted: %s. It stays in state. Destroy uses the timeouts stored in "+
			"state: to wait longer, first apply a larger value (such as timeouts = { delete = \"40m\" }), then destroy again.",
			r.kind.name, id, timeout, err))
		return
	}
	resp.Diagnostics.AddError("Error destroying "+r.kind.name, fmt.Sprintf("Could not stop and delete %s %s: %s", r.kind.name, id, err))
}
