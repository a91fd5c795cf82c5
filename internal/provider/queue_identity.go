package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var _ resource.ResourceWithIdentity = (*queueResource)(nil)

func (r *queueResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchema("Name of the queue (DLI names queues by name, in lower case).")
}

// ImportState takes the queue's name, from `terraform import`, an import block's id or its
// identity; the Read that follows reads everything the queue has (the imported mark).
func (r *queueResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name := importedName(ctx, req, r.client, "queue", client.ValidQueueName, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte("true"))...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, name, req.Identity)...)
}

// importedName is the lower-case name an import of a queue or pool (kind) names, checked by
// valid; the identity's location is checked as for jobs.
func importedName(ctx context.Context, req resource.ImportStateRequest, c *client.Client, kind string,
	valid func(string) bool, diags *diag.Diagnostics,
) string {
	name := importedID(ctx, req, c, kind, "", func(string) bool { return true }, diags)
	if diags.HasError() {
		return ""
	}
	if !valid(name) {
		given := req.ID
		if strings.TrimSpace(req.ID) == "" {
			given = name
		}
		diags.AddError("Invalid "+kind+" name",
			fmt.Sprintf("Import needs the name of a DLI %s (letters, digits and '_'); got %q.", kind, given))
		return ""
	}
	return strings.ToLower(name)
}
