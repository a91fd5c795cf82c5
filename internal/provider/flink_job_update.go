package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// wantsAction reports whether the job's status differs from desired_state: a job that should
// run and does not (stopped outside Terraform, failed), or one that should be stopped and runs.
// A job that finished by itself is not run again unless something changes.
func wantsAction(desired string, status client.FlinkJobStatus) bool {
	if desired == desiredStopped {
		return status.IsActive() || status == client.FlinkCanceling
	}
	return !status.IsActive() && status != client.FlinkFinish
}

// ModifyPlan makes the plan say what apply will do to a live job: the status becomes unknown
// when apply will act on the job (an argument changes, or the job is not in desired_state), and
// a warning names the arguments that force a restart.
func (r *flinkJobResource[T, P]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var plan, state T
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, pargs, pset, _ := P(&plan).parts()
	sid, sargs, sset, sst := P(&state).parts()
	keepDerivedSlots(ctx, req, resp, pargs, sargs)
	status := client.ParseFlinkJobStatus(sst.Status.ValueString())
	restart, live := changedArguments(&plan, &state)
	restart = withoutAdoptedVersion(ctx, req.Private, req.Config, restart, pset.SecretRuntimeConfigVersion,
		sset.SecretRuntimeConfigVersion, &resp.Diagnostics)
	drift := pset.DesiredState.IsUnknown() || wantsAction(pset.DesiredState.ValueString(), status)
	if len(restart)+len(live) == 0 && !drift {
		return
	}
	for _, name := range []string{"status", "status_description", "start_time", "savepoint_path"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), types.StringUnknown())...)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("restart_times"), types.Int64Unknown())...)
	if len(restart) == 0 || !status.IsActive() || pset.DesiredState.ValueString() == desiredStopped {
		return
	}
	if pargs.TMSlotCount.IsUnknown() {
		// Derived by DLI from the sizing: not a cause of its own.
		restart = slices.DeleteFunc(restart, func(n string) bool { return n == "tm_slot_count" })
	}
	how := "stops it with a savepoint, waits until it is stopped, updates it and runs it again resuming from the savepoint"
	if !savepointWanted(pset.SavepointOnUpdate, P(&state).hasStorage()) {
		how = "stops it without a savepoint (savepoint_on_update is false, or the job has no checkpoint storage), updates " +
			"it and runs it again from scratch: its state is lost"
	}
	resp.Diagnostics.AddWarning(r.kind.name+" will be restarted",
		fmt.Sprintf("%s %s is %s, and DLI does not change %s on a running job: apply %s. Only %s change without a restart.",
			r.kind.name, sid.ValueString(), status, strings.Join(restart, ", "), how, strings.Join(flinkLive, ", ")+" and tags"))
}

// keepDerivedSlots plans the state's tm_slot_count when it is not configured and the sizing it
// is derived from does not change; otherwise DLI derives it again (known after apply).
func keepDerivedSlots(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, plan, state *flinkArgsModel) {
	var configured types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("tm_slot_count"), &configured)...)
	if !configured.IsNull() || !plan.TMSlotCount.IsUnknown() || !plan.CUCount.Equal(state.CUCount) ||
		!plan.ManagerCUCount.Equal(state.ManagerCUCount) || !plan.Parallelism.Equal(state.Parallelism) || !plan.TMCUCount.Equal(state.TMCUCount) {
		return
	}
	plan.TMSlotCount = state.TMSlotCount
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("tm_slot_count"), state.TMSlotCount)...)
}

func (r *flinkJobResource[T, P]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state T
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	pp, sp := P(&plan), P(&state)
	pid, pargs, pset, _ := pp.parts()
	sid, sargs, sset, sst := sp.parts()
	*pid = *sid
	id := sid.ValueString()
	// Terraform before 1.12 plans no identity.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, id, req.Identity)...)
	timeout, diags := pset.Timeouts.Update(ctx, defaultFlinkUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel, secrets := withConfigSecrets(ctx, req.Config, timeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	planned := plan
	restart, live := changedArguments(&plan, &state)
	restart = withoutAdoptedVersion(ctx, req.Private, req.Config, restart, pset.SecretRuntimeConfigVersion,
		sset.SecretRuntimeConfigVersion, &resp.Diagnostics)
	fail := func(what string, err error) {
		resp.Diagnostics.AddError("Error updating "+r.kind.name, fmt.Sprintf("Could not %s %s %s: %s", what, r.kind.name, id, err))
	}
	// Tags first, as they need no stop: once changed, the response's state has them, so a later
	// failing step does not send them again.
	if !pargs.Tags.Equal(sargs.Tags) &&
		!updateTags(ctx, r.client, client.FlinkJobTags(id), sargs.Tags, pargs.Tags, &resp.State, &resp.Diagnostics) {
		return
	}

	// The prior state is what the plan's refresh read: its status decides, without a read of
	// its own. Under -refresh=false it may be stale: a stop of a job already stopped is judged by
	// the job's status (StopFlinkJob), and the next refresh shows the rest.
	cur, savepointPath := client.ParseFlinkJobStatus(sst.Status.ValueString()), sst.SavepointPath.ValueString()
	var last *client.FlinkJob // the latest detail this update got
	if !cur.IsKnown() {
		job, err := r.client.GetFlinkJob(ctx, id)
		if err != nil {
			fail("read", err)
			return
		}
		last, cur, savepointPath = job, job.Status, job.SavepointPath
	}
	wantRunning := pset.DesiredState.ValueString() != desiredStopped
	savepoint := savepointWanted(pset.SavepointOnUpdate, sp.hasStorage())
	stopped := false
	if cur == client.FlinkCanceling || cur.IsActive() && (len(restart) > 0 || !wantRunning) {
		tflog.Info(ctx, "stopping Flink job", map[string]any{"job_id": id, "savepoint": savepoint, "changed": restart})
		after, err := r.client.StopFlinkJobAndWait(ctx, id, savepoint, cur)
		if err != nil {
			fail("stop", err)
			return
		}
		stopped, last, cur = true, after, after.Status
	}
	sent := true
	var err error
	switch {
	case len(restart) > 0 || len(live) > 0 && !cur.IsActive():
		full := pargs.request(ctx, r.kind.client, forUpdate)
		pp.fillKind(ctx, full, forUpdate)
		// A full update replaces DLI's runtime_config: the secrets of this apply go with it.
		full.RuntimeConfig = withListedSecrets(flinkSecretKeysConfigKey, full.RuntimeConfig, secrets)
		err = r.client.UpdateFlinkJob(ctx, id, full)
	case len(live) > 0:
		err = r.client.UpdateFlinkJob(ctx, id, pargs.liveRequest(r.kind.client, live))
	default:
		sent = false
	}
	if err != nil {
		fail("update", err)
		if stopped {
			resp.Diagnostics.AddWarning(r.kind.name+" left stopped", fmt.Sprintf("%s %s was stopped for the update "+
				"and is not running now; the next apply runs it again.", r.kind.name, id))
			// The stop's wait read the job last: its answer is the status to keep.
			*sst = flinkStatusFrom(last)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		}
		return
	}
	var runErr error
	changed := len(restart)+len(live) > 0
	if wantRunning && !cur.IsActive() && (stopped || changed || cur != client.FlinkFinish) {
		resume := savepoint && (stopped || cur == client.FlinkCancelSuccess && savepointPath != "")
		tflog.Info(ctx, "running Flink job", map[string]any{"job_id": id, "resume_savepoint": resume})
		var running *client.FlinkJob
		running, runErr = r.run(ctx, id, resume, pset.WaitFor.ValueString())
		// The wait's last answer; without one (wait_for = submitted, a failed run) one read.
		r.record(ctx, &planned, &plan, id, running)
	} else {
		r.recordKnown(ctx, &planned, &plan, id, *sst, last, sent)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, flinkImportedVersionKey, nil)...)
	if runErr != nil {
		_, _, _, st := pp.parts()
		summary, detail := r.describeRunError(id, "timeouts.update", timeout, st.Status.ValueString(), runErr)
		resp.Diagnostics.AddError(summary, detail+" The update itself was applied; the next apply runs the job again.")
	}
}

// recordKnown fills the state of an update that did not run the job from what is known without
// a read: the plan's arguments (a PUT answers with its update_time only, dli_02_0229) and the
// status the stop's wait read last or, without a stop, the refresh's. An argument DLI derives
// (tm_slot_count after a sizing change) is known only by reading the job after the PUT: once.
func (r *flinkJobResource[T, P]) recordKnown(ctx context.Context, planned, m *T, id string, prior flinkStatusModel, last *client.FlinkJob, sent bool) {
	if sent && unknownArgument(planned) {
		r.record(ctx, planned, m, id, nil)
		return
	}
	known := *planned
	_, _, _, st := P(&known).parts()
	*st = prior
	if last != nil {
		*st = flinkStatusFrom(last)
	}
	*m = *planned
	fillUnknowns(m, &known)
	nullUnknowns(m)
}

// unknownArgument reports a job argument the plan leaves to DLI.
func unknownArgument[T any](m *T) bool {
	for name, fv := range fieldsOf(m) {
		if slices.Contains(flinkSettings, name) || slices.Contains(flinkComputed, name) {
			continue
		}
		if v, ok := fv.Interface().(attr.Value); ok && v.IsUnknown() {
			return true
		}
	}
	return false
}

// describeRunError explains a run that did not reach wait_for.
func (r *flinkJobResource[T, P]) describeRunError(id, timeoutName string, timeout time.Duration, last string, err error) (string, string) {
	var failed *client.FlinkJobFailedError
	if last == "" {
		last = "unknown"
	}
	switch {
	case errors.As(err, &failed):
		detail := fmt.Sprintf("%s %s reached %s instead of running.", r.kind.name, id, failed.Status)
		if failed.Description != "" {
			detail += " DLI says: " + failed.Description
		}
		return r.kind.name + " did not run", detail
	case errors.Is(err, context.Canceled):
		return "Interrupted while waiting for " + r.kind.name, fmt.Sprintf("Apply was interrupted while running %s %s "+
			"(last status: %s). The job itself is not affected.", r.kind.name, id, last)
	case errors.Is(err, context.DeadlineExceeded):
		return r.kind.name + " did not run in time", fmt.Sprintf("%s %s was not running within %s (%s); last status: %s. "+
			"Raise %s to wait longer.", r.kind.name, id, timeoutName, timeout, last, timeoutName)
	}
	return "Error running " + r.kind.name, fmt.Sprintf("Running %s %s failed: %s.", r.kind.name, id, err)
}

// flinkImportedVersionKey holds, in private state from an import until the first update, the
// secret key names DLI listed for the job (a JSON array). DLI does not know
// secret_runtime_config_version: while every configured secret key is among them, a configured
// version is adopted without sending the job again (DLI keeps the values it was given), as batch
// and SQL jobs adopt secret_conf_version after an import. A key DLI lacks is sent, by an update.
const flinkImportedVersionKey = "imported_secret_keys"

// importedSecretKeys is the mark's value for a job DLI reports.
func importedSecretKeys(job *client.FlinkJob) []byte {
	names := []string{}
	for _, n := range strings.Split(job.Config.RuntimeConfig[flinkSecretKeysConfigKey], ":") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	b, _ := json.Marshal(names)
	return b
}

// withoutAdoptedVersion drops secret_runtime_config_version from the restart causes while it is
// adopted: right after an import, from null to a configured value, every configured secret key
// being one DLI holds.
func withoutAdoptedVersion(ctx context.Context, private privateGetter, config tfsdk.Config, restart []string,
	planned, prior types.Int64, diags *diag.Diagnostics) []string {
	var secrets types.Map
	diags.Append(config.GetAttribute(ctx, path.Root("secret_runtime_config"), &secrets)...)
	return withoutAdoptedVersionOf(ctx, private, secrets, restart, planned, prior, diags)
}

func withoutAdoptedVersionOf(ctx context.Context, private privateGetter, secrets types.Map, restart []string,
	planned, prior types.Int64, diags *diag.Diagnostics) []string {
	const version = "secret_runtime_config_version"
	if !slices.Contains(restart, version) || !prior.IsNull() || planned.IsUnknown() || private == nil {
		return restart
	}
	mark, d := private.GetKey(ctx, flinkImportedVersionKey)
	diags.Append(d...)
	var held []string
	if len(mark) == 0 || json.Unmarshal(mark, &held) != nil {
		return restart
	}
	if secrets.IsUnknown() {
		return restart
	}
	for k := range secrets.Elements() {
		if !slices.Contains(held, k) {
			return restart
		}
	}
	return slices.DeleteFunc(slices.Clone(restart), func(n string) bool { return n == version })
}
