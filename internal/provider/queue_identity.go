package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var _ resource.ResourceWithIdentity = (*queueResource)(nil)

func (r *queueResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = queueImport.schema()
}

// A queue is imported by name; the Read that follows reads everything it has (the imported mark).
var queueImport = importSpec{kind: "queue", idDesc: "Name of the queue (DLI names queues by name, in lower case).",
	valid: client.ValidQueueName, byName: true, marked: true}

func (r *queueResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	queueImport.importState(ctx, r.client, req, resp)
}
