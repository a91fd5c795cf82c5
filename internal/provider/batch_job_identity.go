package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var _ resource.ResourceWithIdentity = (*batchJobResource)(nil)

const exampleBatchID = "0a324461-d9d9-45da-a52a-3b3c7a3d809e"

func (r *batchJobResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = batchJobImport.schema()
}

// A batch job's arguments are read back by the Read after an import; the provider-side settings
// get their defaults, and the imported mark lets the configuration's triggers and
// secret_conf_version be adopted without a re-run.
var batchJobImport = importSpec{kind: "batch job", idDesc: "Batch job ID (a UUID) assigned by DLI.",
	want: "a UUID such as " + exampleBatchID, valid: client.ValidBatchID, waitFor: waitForSubmitted, jobSettings: true, marked: true}

func (r *batchJobResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	batchJobImport.importState(ctx, r.client, req, resp)
}
