package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Attribute builders the resource schemas share.

// computedString is a value DLI reports, kept in plans until it is read again.
func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

// computedInt is computedString for a number.
func computedInt(desc string) schema.Int64Attribute {
	return schema.Int64Attribute{Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
}

// The job resources' own settings (jobSettingsModel), which change in place.

// waitForAttribute is wait_for: one of values, def when unset.
func waitForAttribute(def, desc string, values ...string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(def),
		Validators: []validator.String{stringvalidator.OneOf(values...)}, MarkdownDescription: desc}
}

// boolSetting is a setting such as cancel_on_destroy, def when unset.
func boolSetting(def bool, desc string) schema.BoolAttribute {
	return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(def), MarkdownDescription: desc}
}

// triggersAttribute is triggers, whose change reruns the job (says what that does: "re-runs the
// job"), except right after an import.
func triggersAttribute(reruns, desc string) schema.MapAttribute {
	const imported = ", except when the job was just imported: its triggers are adopted."
	return schema.MapAttribute{
		Optional: true, ElementType: types.StringType, Validators: []validator.Map{mapvalidator.NoNullValues()},
		PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(triggersChanged,
			"Changing triggers "+reruns+imported, "Changing `triggers` "+reruns+imported)},
		MarkdownDescription: desc,
	}
}
