package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// What the batch and SQL job resources share around a job that runs once: their own settings,
// and the steps (and messages) of a Read that does not find the job, of an Update and of a
// destroy that does not cancel.

// jobSettingsModel holds a job resource's own settings, not part of the job.
type jobSettingsModel struct {
	WaitFor         types.String      `tfsdk:"wait_for"`
	CancelOnDestroy types.Bool        `tfsdk:"cancel_on_destroy"`
	RerunOnFailure  types.Bool        `tfsdk:"rerun_on_failure"`
	Triggers        map[string]string `tfsdk:"triggers"`
	Timeouts        timeouts.Value    `tfsdk:"timeouts"`
	// Write-only: null everywhere but in the configuration (see write_only.go).
	SecretConf        map[string]string `tfsdk:"secret_conf"`
	SecretConfVersion types.Int64       `tfsdk:"secret_conf_version"`
}

// adoptDefaults gives an imported job the settings' defaults, waitFor for wait_for.
func (s *jobSettingsModel) adoptDefaults(waitFor string) {
	s.WaitFor, s.CancelOnDestroy, s.RerunOnFailure = types.StringValue(waitFor), types.BoolValue(true), types.BoolValue(false)
}

// jobTerms are the words in which the job resources' messages differ.
type jobTerms struct {
	kind    string // "batch job"
	logKey  string // the log field of the job's ID
	stateIs string // the attribute of the job's last state: "state"
	// what would run a second time, and how: "it" is "submitted", "the statement" is "run".
	subject, rerun string
}

var (
	batchJobTerms = jobTerms{kind: "batch job", logKey: "batch_id", stateIs: "state", subject: "it", rerun: "submitted"}
	sqlJobTerms   = jobTerms{kind: "SQL job", logKey: "job_id", stateIs: "status", subject: "the statement", rerun: "run"}
)

// jobState is the last state of a job as DLI reports it (client.JobState, client.SQLJobStatus).
type jobState interface {
	~string
	IsTerminal() bool
}

// orUnknown names a state that was never read.
func orUnknown[S ~string](s S) string {
	if s == "" {
		return "unknown"
	}
	return string(s)
}

func stateDesc(s client.JobState) string      { return orUnknown(s) }
func statusDesc(s client.SQLJobStatus) string { return orUnknown(s) }

// purgeNotedKey marks, in private state, that the user was told a finished job is no longer
// listed by DLI, so that the warning is not repeated on every plan.
const purgeNotedKey = "purge_noted"

// readNotFound is the Read of job id, last seen in state last, that DLI does not know. A finished
// job was purged from DLI's history: it is kept, so that it does not run again by surprise. An
// active one is kept too when the provider points elsewhere than where it was recorded, where
// "not found" says nothing about it. Otherwise it is forgotten, to run again on the next apply.
func readNotFound[S jobState](ctx context.Context, t jobTerms, c *client.Client, req resource.ReadRequest,
	resp *resource.ReadResponse, id string, last S,
) {
	kind := upperFirst(t.kind)
	if last.IsTerminal() {
		noted, diags := req.Private.GetKey(ctx, purgeNotedKey)
		resp.Diagnostics.Append(diags...)
		if len(noted) == 0 {
			resp.Diagnostics.AddWarning("Finished "+t.kind+" no longer in DLI",
				fmt.Sprintf("%s %s was last seen %s and DLI no longer knows it (its history was purged). It stays in state "+
					"as it was, so %s is not %s again; change triggers to re-run it. This warning is not repeated.",
					kind, id, last, t.subject, t.rerun))
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, purgeNotedKey, []byte(`true`))...)
		}
		return
	}
	if moved, detail := locationChanged(ctx, req.Private, c, &resp.Diagnostics); moved {
		resp.Diagnostics.AddError(kind+" not found at the provider's new location",
			fmt.Sprintf("%s %s (last %s: %s) lives %s. It stays in state, so that %s is not %s a second time while it "+
				"may still run there. Point the provider back at the job's project and endpoint (a provider alias works) "+
				"to manage or destroy it; to forget it on purpose, run `terraform state rm` with this resource's address.",
				kind, id, t.stateIs, orUnknown(last), detail, t.subject, t.rerun))
		return
	}
	resp.Diagnostics.AddWarning(kind+" not found",
		fmt.Sprintf("%s %s was not found in DLI; it is removed from state and %s is %s again on the next apply.",
			kind, id, t.subject, t.rerun))
	resp.State.RemoveResource(ctx)
}

// updateJob is the Update of a job resource. Only its own settings change in place, or values are
// adopted after an import (every job argument otherwise forces replacement), so no API call is
// needed: the plan, settled by settle (which returns the job's ID), becomes the state, and the
// import mark is dropped.
func updateJob[M any](ctx context.Context, c *client.Client, req resource.UpdateRequest, resp *resource.UpdateResponse,
	settle func(*M) string,
) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := settle(&plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
	// Clients before Terraform 1.12 keep no identity, so none may come with the request.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, c, id, req.Identity)...)
}

// leftRunning reports whether destroy only forgets the job (cancel_on_destroy = false), warning
// when it may still run. who names the job in the warning, id in the log.
func leftRunning[S jobState](ctx context.Context, t jobTerms, cancelOnDestroy types.Bool, diags *diag.Diagnostics,
	id, who string, last S,
) bool {
	if cancelOnDestroy.IsNull() || cancelOnDestroy.ValueBool() {
		return false
	}
	tflog.Info(ctx, "forgetting "+t.kind+" without cancelling it (cancel_on_destroy = false)", map[string]any{t.logKey: id})
	if !last.IsTerminal() {
		diags.AddWarning(upperFirst(t.kind)+" left running",
			fmt.Sprintf("%s %s was removed from state without being cancelled (cancel_on_destroy = false); its last %s "+
				"was %s and it may still be running in DLI. Cancel it there, or import it again to manage it.",
				upperFirst(t.kind), who, t.stateIs, orUnknown(last)))
	}
	return true
}

// movedAway reports whether destroy refuses to forget active job id (adding the error): the
// provider points elsewhere than where the job was recorded, and DLI there does not know it
// (probe's answer), which says nothing about the job.
func movedAway[S jobState](ctx context.Context, t jobTerms, c *client.Client, private privateGetter, diags *diag.Diagnostics,
	id string, last S, probe func(ctx context.Context, id string) error,
) bool {
	if last.IsTerminal() {
		return false
	}
	moved, detail := locationChanged(ctx, private, c, diags)
	if !moved || !client.IsNotFound(probe(ctx, id)) {
		return false
	}
	kind := upperFirst(t.kind)
	diags.AddError(kind+" not found at the provider's new location",
		fmt.Sprintf("%s %s (last %s: %s) lives %s. Destroy cannot cancel it from here and does not forget it. Point the "+
			"provider back at the job's project and endpoint to destroy it; to forget it on purpose (it keeps running), "+
			"run `terraform state rm` with this resource's address.", kind, id, t.stateIs, orUnknown(last), detail))
	return true
}
