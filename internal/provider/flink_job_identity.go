package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var (
	_ resource.ResourceWithIdentity = (*flinkJobResource[flinkSQLJobModel, *flinkSQLJobModel])(nil)
	_ resource.ResourceWithIdentity = (*flinkJobResource[flinkJarJobModel, *flinkJarJobModel])(nil)
)

func (r *flinkJobResource[T, P]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchema(upperFirst(r.kind.name) + " ID (a positive integer such as 148) assigned by DLI.")
}

// ImportState takes the job ID, from `terraform import`, an import block's id or its identity;
// the Read that follows fills the arguments and checks the job is of this resource's kind.
func (r *flinkJobResource[T, P]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := importedID(ctx, req, r.client, "Flink job", "a positive integer such as 148", client.ValidFlinkJobID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for"), waitForRunning)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte("true"))...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, id, req.Identity)...)
}
