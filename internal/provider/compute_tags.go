package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// The tags of queues and pools: sent in the create body, read and changed afterwards through
// DLI's tag API (client.GetTags, DeleteTags, CreateTags), keyed by the object's resource_id.

// computeTagsAttribute is the tags argument of a queue or pool (kind).
func computeTagsAttribute(kind string) schema.MapAttribute {
	return schema.MapAttribute{Optional: true, ElementType: types.StringType,
		Validators: []validator.Map{mapvalidator.NoNullValues(),
			mapvalidator.KeysAre(stringvalidator.LengthBetween(1, maxTagKeyLength)),
			mapvalidator.ValueStringsAre(tagValueValidator())},
		MarkdownDescription: "Tags of the " + kind + ", changed in place: sent with the create request, then changed " +
			"through DLI's tag API (only the keys that change: removed ones deleted, then new ones set). A refresh " +
			"reads them (one more request) when the " + kind + " has tags in state, and after an import, so that " +
			"tags changed outside Terraform show in the plan."}
}

// tagsManaged reports whether a refresh reads the tags: those of an object with tags in state,
// or every tag after an import. Objects without tags in state are not asked about them, so a
// refresh of an untagged queue or pool stays one request.
func tagsManaged(prior types.Map, imported bool) bool { return imported || !prior.IsNull() }

// readTags reads the tags of target for state: DLI's tags, or null when there are none and
// prior (the tags in state) is null, as after an import of an untagged object.
func readTags(ctx context.Context, c *client.Client, target client.TagTarget, prior types.Map, diags *diag.Diagnostics) (types.Map, bool) {
	tags, err := c.GetTags(ctx, target)
	if err != nil {
		diags.AddError("Error reading tags", fmt.Sprintf("Could not read the tags of %s: %s", target, err))
		return prior, false
	}
	if len(tags) == 0 && prior.IsNull() {
		return types.MapNull(types.StringType), true
	}
	m, ds := types.MapValueFrom(ctx, types.StringType, tags)
	diags.Append(ds...)
	return m, !ds.HasError()
}

// tagChanges is what an update sends for tags: del holds the keys gone or given another value
// (with their values in state), add the keys new or given another value. Unchanged keys are in
// neither, so an update touches exactly the changed keys.
func tagChanges(had, want map[string]string) (del, add map[string]string) {
	del, add = map[string]string{}, map[string]string{}
	for k, v := range had {
		if w, ok := want[k]; !ok || w != v {
			del[k] = v
		}
	}
	for k, v := range want {
		if h, ok := had[k]; !ok || h != v {
			add[k] = v
		}
	}
	return del, add
}

// updateTags changes the tags of target from state's to plan's: delete, then create, of the
// changed keys only (nothing is sent when none changed). Once both are done, tags in the
// response's state (st) follow the plan, so that a later failing step does not send them again.
func updateTags(ctx context.Context, c *client.Client, target client.TagTarget, state, plan types.Map, st *tfsdk.State, diags *diag.Diagnostics) bool {
	del, add := tagChanges(stringMapOf(ctx, state, diags), stringMapOf(ctx, plan, diags))
	if diags.HasError() {
		return false
	}
	if err := c.DeleteTags(ctx, target, del); err != nil {
		diags.AddError("Error changing tags", fmt.Sprintf("Could not remove tags from %s: %s", target, err))
		return false
	}
	if err := c.CreateTags(ctx, target, add); err != nil {
		diags.AddError("Error changing tags", fmt.Sprintf("Could not set tags on %s: %s", target, err))
		return false
	}
	if len(del)+len(add) > 0 {
		diags.Append(st.SetAttribute(ctx, path.Root("tags"), plan)...)
	}
	return !diags.HasError()
}
