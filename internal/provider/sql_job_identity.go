package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var _ resource.ResourceWithIdentity = (*sqlJobResource)(nil)

const exampleSQLJobID = "8ecb0777-9c70-4529-9935-29ea0946039c"

func (r *sqlJobResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = sqlJobImport.schema()
}

// The Read after an import fills the arguments, and the imported mark lets the configuration's
// values be adopted without running the statement again.
var sqlJobImport = importSpec{kind: "SQL job", idDesc: "SQL job ID (a UUID) assigned by DLI.",
	want: "a UUID such as " + exampleSQLJobID, valid: client.ValidSQLJobID, waitFor: waitForFinished, jobSettings: true, marked: true}

func (r *sqlJobResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	sqlJobImport.importState(ctx, r.client, req, resp)
}
