package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Data sources show the objects the resources manage, under the same names. Their attributes
// are derived from the resource schema, all computed, so that an argument is described once.

// computedAttributes converts resource attributes to computed data-source attributes,
// leaving out the names in skip.
func computedAttributes(attrs map[string]schema.Attribute, skip ...string) map[string]dsschema.Attribute {
	out := make(map[string]dsschema.Attribute, len(attrs))
	for name, a := range attrs {
		if !slices.Contains(skip, name) {
			out[name] = computedAttribute(a)
		}
	}
	return out
}

// replacesSentence is what a resource argument says about changing it, which means nothing on a
// data source, where every attribute is read only.
var replacesSentence = regexp.MustCompile(` ?Changing (it|them) replaces the [a-z ]+\.`)

func computedAttribute(a schema.Attribute) dsschema.Attribute {
	desc, sensitive := replacesSentence.ReplaceAllString(a.GetMarkdownDescription(), ""), a.IsSensitive()
	switch a := a.(type) {
	case schema.StringAttribute:
		return dsschema.StringAttribute{Computed: true, Sensitive: sensitive, MarkdownDescription: desc}
	case schema.Int64Attribute:
		return dsschema.Int64Attribute{Computed: true, Sensitive: sensitive, MarkdownDescription: desc}
	case schema.BoolAttribute:
		return dsschema.BoolAttribute{Computed: true, Sensitive: sensitive, MarkdownDescription: desc}
	case schema.ListAttribute:
		return dsschema.ListAttribute{Computed: true, Sensitive: sensitive, MarkdownDescription: desc, ElementType: a.ElementType}
	case schema.MapAttribute:
		return dsschema.MapAttribute{Computed: true, Sensitive: sensitive, MarkdownDescription: desc, ElementType: a.ElementType}
	case schema.ListNestedAttribute:
		return dsschema.ListNestedAttribute{Computed: true, Sensitive: sensitive, MarkdownDescription: desc,
			NestedObject: dsschema.NestedAttributeObject{Attributes: computedAttributes(a.NestedObject.Attributes)}}
	default:
		// A new attribute kind needs a case here; the schema unit tests call this for every attribute.
		panic(fmt.Sprintf("no data source form for resource attribute type %T", a))
	}
}

// jobDataSourceAttributes describes a batch job as the data sources expose it: the resource's
// attributes without its provider-side settings, plus the last lines of the log.
func jobDataSourceAttributes() map[string]dsschema.Attribute {
	attrs := computedAttributes(batchJobResourceSchema(context.Background()).Attributes, providerSideAttributes...)
	attrs["log"] = dsschema.ListAttribute{Computed: true, ElementType: types.StringType,
		MarkdownDescription: "The last lines (up to 10) of the job's log."}
	return attrs
}
