package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ action.ActionWithConfigure = (*flinkJobStopAction)(nil)

// NewFlinkJobStopAction returns the dli_flink_job_stop action.
func NewFlinkJobStopAction() action.Action { return &flinkJobStopAction{} }

type flinkJobStopAction struct{ actionBase }

type flinkJobStopModel struct {
	JobID     types.String `tfsdk:"job_id"`
	Savepoint types.Bool   `tfsdk:"savepoint"`
	Timeout   types.String `tfsdk:"timeout"`
}

func (a *flinkJobStopAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_flink_job_stop"
}

func (a *flinkJobStopAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = actionschema.Schema{
		MarkdownDescription: "Stops a Flink job, SQL or Jar (Terraform 1.14 and later), whoever created it, optionally " +
			"taking a savepoint first, and waits until DLI reports it stopped, printing each status it goes through. A " +
			"job that is not running is left as it is, with a warning. Run it with " +
			"`terraform apply -invoke=action.dli_flink_job_stop.NAME`, or from a resource's `action_trigger`. A " +
			"`dli_flink_sql_job` or `dli_flink_jar_job` with `desired_state = \"running\"` tracking the job runs it again " +
			"on the next apply.",
		Attributes: map[string]actionschema.Attribute{
			"job_id": jobIDAttribute("ID of the Flink job to stop (an integer, as a string).", flinkJobIDValidator()),
			"savepoint": actionschema.BoolAttribute{Optional: true,
				MarkdownDescription: "Take a savepoint before stopping (default `false`); the job needs checkpoint storage " +
					"(`obs_bucket`, or `checkpoint_path` for Jar jobs). Its path is printed when the job stopped."},
			"timeout": timeoutAttribute("wait for the job to stop", defaultCancelTimeout),
		},
	}
}

func (a *flinkJobStopAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m flinkJobStopModel
	if !getConfig(ctx, req, &m, &resp.Diagnostics) || !a.ready(&resp.Diagnostics) {
		return
	}
	id, savepoint, timeout := m.JobID.ValueString(), m.Savepoint.ValueBool(), actionTimeout(m.Timeout, defaultCancelTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	job, err := a.client.GetFlinkJob(ctx, id)
	switch {
	case stopEnd.lookupFailed(&resp.Diagnostics, a.client, "Flink job", "status", id, err):
		return
	case job.Status.IsStopped():
		progress(resp, "Flink job %s is not running: %s", id, job.Status)
		resp.Diagnostics.AddWarning("Flink job not running",
			fmt.Sprintf("Flink job %s was already stopped (%s); there was nothing to stop.", id, job.Status))
		return
	}
	how := "without a savepoint"
	if savepoint {
		how = "with a savepoint"
	}
	progress(resp, "Stopping Flink job %s %q (status %s) %s", id, job.Name, job.Status, how)
	final, err := a.client.StopFlinkJobAndWait(observeProgress(ctx, resp), id, savepoint, job.Status)
	if err != nil {
		stopEnd.failed(&resp.Diagnostics, "Flink job", id, timeout, err)
		return
	}
	if final == nil {
		progress(resp, "Flink job %s stopped", id)
		return
	}
	if savepoint && final.SavepointPath != "" {
		progress(resp, "Flink job %s ended %s; savepoint %s", id, final.Status, final.SavepointPath)
		return
	}
	progress(resp, "Flink job %s ended %s", id, final.Status)
}
