package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var (
	_ resource.ResourceWithIdentity = (*flinkJobResource[flinkSQLJobModel, *flinkSQLJobModel])(nil)
	_ resource.ResourceWithIdentity = (*flinkJobResource[flinkJarJobModel, *flinkJarJobModel])(nil)
)

// importSpec: the Read after an import fills the arguments and checks the job is of this
// resource's kind.
func (r *flinkJobResource[T, P]) importSpec() importSpec {
	return importSpec{kind: "Flink job", idDesc: upperFirst(r.kind.name) + " ID (a positive integer such as 148) assigned by DLI.",
		want: "a positive integer such as 148", valid: client.ValidFlinkJobID, waitFor: waitForRunning, marked: true}
}

func (r *flinkJobResource[T, P]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = r.importSpec().schema()
}

func (r *flinkJobResource[T, P]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	r.importSpec().importState(ctx, r.client, req, resp)
}
