package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// resourceSpec is what tells a resource's name, schema and import apart from another's.
type resourceSpec struct {
	typeName string // after the provider's, such as "_batch_job"
	schema   func(context.Context) schema.Schema
	imports  importSpec
}

// resourceKind is a type whose zero value names a resourceSpec, so that the resource's own zero
// value (as the framework and the tests make it) knows what it is.
type resourceKind interface{ resourceSpec() resourceSpec }

// specResource gives a resource of kind K its Configure, Metadata, Schema, IdentitySchema and
// ImportState methods; the resource adds the rest.
type specResource[K resourceKind] struct{ resourceBase }

func (r *specResource[K]) spec() resourceSpec {
	var k K
	return k.resourceSpec()
}

func (r *specResource[K]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.spec().typeName
}

func (r *specResource[K]) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.spec().schema(ctx)
}

func (r *specResource[K]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = r.spec().imports.schema()
}

func (r *specResource[K]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	r.spec().imports.importState(ctx, r.client, req, resp)
}
