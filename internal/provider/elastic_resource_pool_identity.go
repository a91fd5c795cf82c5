package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var _ resource.ResourceWithIdentity = (*poolResource)(nil)

func (r *poolResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = poolImport.schema()
}

// A pool is imported by name.
var poolImport = importSpec{kind: "elastic resource pool",
	idDesc: "Name of the elastic resource pool (DLI names pools by name, in lower case).", valid: client.ValidPoolName, byName: true}

func (r *poolResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	poolImport.importState(ctx, r.client, req, resp)
}
