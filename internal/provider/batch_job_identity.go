package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var _ resource.ResourceWithIdentity = (*batchJobResource)(nil)

const exampleBatchID = "0a324461-d9d9-45da-a52a-3b3c7a3d809e"

func (r *batchJobResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchema("Batch job ID (a UUID) assigned by DLI.")
}

// ImportState takes the job ID, from `terraform import`, an import block's id or its identity.
// The arguments are read back by the Read that follows; the provider-side settings get their
// defaults, and the imported mark lets the configuration's triggers and secret_conf_version be
// adopted without a re-run.
func (r *batchJobResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := importedID(ctx, req, r.client, "batch job", "a UUID such as "+exampleBatchID, client.ValidBatchID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for"), waitForSubmitted)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("cancel_on_destroy"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("rerun_on_failure"), false)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte("true"))...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, id, req.Identity)...)
}
