package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// listSpec is what tells one list resource from another: F is the model of its filters, O the
// object the client lists.
type listSpec[F, O any] struct {
	typeName    string // after the provider's, such as "_batch_job"
	description string
	filters     func() datasource.DataSource // the plural data source whose filters it takes
	plural      string                       // for errors: "batch jobs"
	// list asks DLI for what the filters select; limit (0: none) is the query's, for APIs that
	// can stop early. Problems with the filters go to diags.
	list func(ctx context.Context, c *client.Client, f *F, limit int64, diags *diag.Diagnostics) ([]O, error)
	// keep makes the checks DLI cannot make. nil, or a nil answer (no such check for these
	// filters), keeps every object: only then may DLI stop listing at the query's limit.
	keep func(f *F) func(o *O) bool
	// id is the object's identity id; display its name in `terraform query`'s output.
	id, display func(o *O) string
	// resource is the object as ImportState and the Read after it make it: a pointer to the
	// resource's model, or nil with an error in diags.
	resource func(ctx context.Context, c *client.Client, o *O, diags *diag.Diagnostics) any
}

// listKind is a type whose zero value names a listSpec, so that the list resource's own zero
// value (as the framework and the tests make it) knows what it lists.
type listKind[F, O any] interface{ listSpec() listSpec[F, O] }

// listResource is a list resource made from the spec of K.
type listResource[K listKind[F, O], F, O any] struct{ listResourceBase }

var _ list.ListResourceWithConfigure = (*listResource[batchJobList, batchJobListModel, client.BatchJob])(nil)

func (l *listResource[K, F, O]) spec() listSpec[F, O] {
	var k K
	return k.listSpec()
}

func (l *listResource[K, F, O]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + l.spec().typeName
}

func (l *listResource[K, F, O]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	s := l.spec()
	resp.Schema = listschema.Schema{MarkdownDescription: s.description, Attributes: filterAttributes(s.filters())}
}

func (l *listResource[K, F, O]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	s := l.spec()
	var f F
	diags := req.Config.Get(ctx, &f)
	if !diags.HasError() {
		l.ready(&diags)
	}
	var objects []O
	var err error
	keep, limit := func(*O) bool { return true }, max(req.Limit, 0)
	if !diags.HasError() {
		if k := s.keeper(&f); k != nil {
			keep, limit = k, 0 // the check must see every page
		}
		objects, err = s.list(ctx, l.client, &f, limit, &diags)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if err != nil {
		*stream = listError("Error listing "+s.plural, fmt.Sprintf("Could not list %s: %s", s.plural, err))
		return
	}
	stream.Results = func(yield func(list.ListResult) bool) {
		push := limited(req.Limit, yield)
		for i := range objects {
			if keep(&objects[i]) && !push(l.result(ctx, req, s, &objects[i])) {
				return
			}
		}
	}
}

// keeper is the check of the objects DLI lists for filters f; nil when there is none.
func (s listSpec[F, O]) keeper(f *F) func(*O) bool {
	if s.keep == nil {
		return nil
	}
	return s.keep(f)
}

// result is one object: its identity, a display name and, when asked, the resource.
func (l *listResource[K, F, O]) result(ctx context.Context, req list.ListRequest, s listSpec[F, O], o *O) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = s.display(o)
	identity, diags := newIdentity(ctx, l.client, s.id(o), nil)
	r.Diagnostics.Append(diags...)
	r.Diagnostics.Append(r.Identity.Set(ctx, identity)...)
	if !req.IncludeResource || r.Diagnostics.HasError() {
		return r
	}
	m := s.resource(ctx, l.client, o, &r.Diagnostics)
	if !r.Diagnostics.HasError() {
		r.Diagnostics.Append(r.Resource.Set(ctx, m)...)
	}
	return r
}

// readError adds the error of a failed read of what (such as "batch job") with the given id.
func readError(diags *diag.Diagnostics, what, id string, err error) {
	diags.AddError("Error reading "+what, fmt.Sprintf("Could not read %s %s: %s", what, id, err))
}
