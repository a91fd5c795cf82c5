package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// dataSourceSpec is what tells one data source from another; M is its model.
type dataSourceSpec[M any] struct {
	typeName    string // after the provider's, such as "_batch_job"
	description string
	attributes  func() map[string]dsschema.Attribute
	key         map[string]dsschema.Attribute // the arguments that name the object, over attributes
	// read fills m, which holds the configuration, from DLI; an error in diags keeps m out of state.
	read func(ctx context.Context, c *client.Client, m *M, diags *diag.Diagnostics)
}

// dataSourceKind is a type whose zero value names a dataSourceSpec, so that the data source's
// own zero value (as the framework and the tests make it) knows what it reads.
type dataSourceKind[M any] interface{ dataSourceSpec() dataSourceSpec[M] }

// dataSource is a data source made from the spec of K.
type dataSource[K dataSourceKind[M], M any] struct{ dataSourceBase }

var _ datasource.DataSourceWithConfigure = (*batchJobDataSource)(nil)

func (d *dataSource[K, M]) spec() dataSourceSpec[M] {
	var k K
	return k.dataSourceSpec()
}

func (d *dataSource[K, M]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.spec().typeName
}

func (d *dataSource[K, M]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	s := d.spec()
	attrs := s.attributes()
	maps.Copy(attrs, s.key)
	resp.Schema = dsschema.Schema{MarkdownDescription: s.description, Attributes: attrs}
}

func (d *dataSource[K, M]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m M
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics) {
		return
	}
	d.spec().read(ctx, d.client, &m, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}

// lookupError adds the error of a failed read of what (such as "batch job") with the given id,
// with a summary that says so when DLI does not know it.
func lookupError(diags *diag.Diagnostics, what, id string, err error) {
	summary := "Error reading " + what
	if client.IsNotFound(err) {
		summary = upperFirst(what) + " not found"
	}
	diags.AddError(summary, fmt.Sprintf("Could not read %s %s: %s", what, id, err))
}

// collect is what a plural data source shows of the objects keep accepts (nil: every one):
// their ids and their models, in DLI's order.
func collect[O, M any](objects []O, keep func(*O) bool, id func(*O) string, model func(*O) M) ([]string, []M) {
	ids, models := make([]string, 0, len(objects)), make([]M, 0, len(objects))
	for i := range objects {
		if keep == nil || keep(&objects[i]) {
			ids = append(ids, id(&objects[i]))
			models = append(models, model(&objects[i]))
		}
	}
	return ids, models
}

// keyAttribute is the required argument, checked by v, that names the object a data source reads.
func keyAttribute(name, desc string, v validator.String) map[string]dsschema.Attribute {
	return map[string]dsschema.Attribute{name: dsschema.StringAttribute{Required: true, MarkdownDescription: desc,
		Validators: []validator.String{v}}}
}

// Attributes that plural data sources share.

func filterString(desc string, validators ...validator.String) dsschema.StringAttribute {
	return dsschema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: validators}
}

func filterTags(desc string, validators ...validator.Map) dsschema.MapAttribute {
	return dsschema.MapAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: desc, Validators: validators}
}

// tagsFilter is the filter of plural (such as "queues") by tags, which DLI applies.
func tagsFilter(plural string) dsschema.MapAttribute {
	return filterTags("Only "+plural+" that carry every one of these tags (filtered by DLI).", mapvalidator.NoNullValues())
}

func listedIDs(desc string) dsschema.ListAttribute {
	return dsschema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
}

func listedObjects(desc string, attrs map[string]dsschema.Attribute) dsschema.ListNestedAttribute {
	return dsschema.ListNestedAttribute{Computed: true, MarkdownDescription: desc,
		NestedObject: dsschema.NestedAttributeObject{Attributes: attrs}}
}

// ownerFilter is the filter by the user who submitted a job.
func ownerFilter() dsschema.StringAttribute {
	return filterString("Only jobs submitted by this user.", stringvalidator.LengthAtLeast(1))
}
