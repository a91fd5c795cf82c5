package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var _ resource.ResourceWithIdentity = (*sqlJobResource)(nil)

const exampleSQLJobID = "8ecb0777-9c70-4529-9935-29ea0946039c"

func (r *sqlJobResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchema("SQL job ID (a UUID) assigned by DLI.")
}

// ImportState takes the job ID, from `terraform import`, an import block's id or its identity;
// the Read that follows fills the arguments, and the imported mark lets the configuration's
// values be adopted without running the statement again.
func (r *sqlJobResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := importedID(ctx, req, r.client, "SQL job", "a UUID such as "+exampleSQLJobID, client.ValidSQLJobID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for"), waitForFinished)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("cancel_on_destroy"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("rerun_on_failure"), false)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte("true"))...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, id, req.Identity)...)
}
