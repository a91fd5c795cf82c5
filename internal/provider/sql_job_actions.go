package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var _ action.ActionWithConfigure = (*sqlJobCancelAction)(nil)

// NewSQLJobCancelAction returns the dli_sql_job_cancel action.
func NewSQLJobCancelAction() action.Action { return &sqlJobCancelAction{} }

type sqlJobCancelAction struct{ actionBase }

type jobActionModel struct {
	JobID   types.String `tfsdk:"job_id"`
	Timeout types.String `tfsdk:"timeout"`
}

func (a *sqlJobCancelAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sql_job_cancel"
}

func (a *sqlJobCancelAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = actionschema.Schema{
		MarkdownDescription: "Cancels a SQL job (Terraform 1.14 and later), whoever submitted it, and waits until DLI " +
			"reports it finished, printing each status it goes through. A job that already finished is left as it is, " +
			"with a warning. Run it with `terraform apply -invoke=action.dli_sql_job_cancel.NAME`, or from a " +
			"resource's `action_trigger`. A `dli_sql_job` tracking the job sees it `CANCELLED` on the next plan, which " +
			"runs its statement again.",
		Attributes: map[string]actionschema.Attribute{
			"job_id":  jobIDAttribute("ID of the SQL job to cancel (a UUID).", sqlJobIDValidator()),
			"timeout": timeoutAttribute("wait for the cancelled job to end", defaultCancelTimeout),
		},
	}
}

func (a *sqlJobCancelAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m jobActionModel
	if !getConfig(ctx, req, &m, &resp.Diagnostics) || !a.ready(&resp.Diagnostics) {
		return
	}
	id, timeout := m.JobID.ValueString(), actionTimeout(m.Timeout, defaultCancelTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	job, err := a.client.GetSQLJob(ctx, id)
	switch {
	case cancelEnd.lookupFailed(&resp.Diagnostics, a.client, "SQL job", "status", id, err):
		return
	case job.Status.IsTerminal():
		progress(resp, "SQL job %s already finished: %s", id, job.Status)
		resp.Diagnostics.AddWarning("SQL job already finished",
			fmt.Sprintf("SQL job %s had already finished (%s); there was nothing to cancel.", id, job.Status))
		return
	}
	// The statement and conf values stay out of DLI's messages as they do for the resource.
	ctx = client.WithSecrets(ctx, client.SQLJobSecrets(&client.CreateSQLJobRequest{SQL: job.Statement, Conf: job.Conf})...)
	progress(resp, "Cancelling SQL job %s (status %s)", id, job.Status)
	final, err := a.client.CancelSQLJobAndWait(observeProgress(ctx, resp), id, job.Status)
	if err != nil {
		cancelEnd.failed(&resp.Diagnostics, "SQL job", id, timeout, err)
		return
	}
	progress(resp, "SQL job %s ended %s", id, statusDesc(final))
}
