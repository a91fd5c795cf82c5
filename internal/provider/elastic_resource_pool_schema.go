package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func poolResourceSchema(ctx context.Context) schema.Schema {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	return schema.Schema{
		MarkdownDescription: poolDescription,
		Attributes: map[string]schema.Attribute{
			"id":   computedString("The pool's name."),
			"name": dliNameAttribute("elastic resource pool", "pool"),
			"min_cu": schema.Int64Attribute{Required: true,
				MarkdownDescription: "Fewest CUs; changed in place (the pool is `SCALING` meanwhile). At least the sum of its queues' minimums; " +
					"standard edition 64 to 32000, basic and developer editions 16 to 64."},
			"max_cu": schema.Int64Attribute{Required: true,
				MarkdownDescription: "Most CUs, at least `min_cu`; changed in place, within the same edition limits."},
			"description": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(""),
				Validators:          []validator.String{stringvalidator.LengthAtMost(256)},
				MarkdownDescription: "Description (up to 256 characters), changed in place."},
			"cidr_in_vpc": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: append(replace, keep...),
				MarkdownDescription: "CIDR block of the pool in its VPC (DLI's default `172.16.0.0/12`). Changing it replaces the pool."},
			"label": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
				Validators:    []validator.Map{mapvalidator.NoNullValues()},
				MarkdownDescription: "Edition: `{ spec = \"basic\" }` for the basic edition, `{ billing_spec_code = \"developer\" }` " +
					"for the developer edition; unset for the standard edition. Changing it replaces the pool."},
			"tags": computeTagsAttribute("pool"),
			"timeouts": positiveTimeouts(timeouts.Attributes(ctx, timeouts.Opts{
				Create: true, Update: true, Delete: true,
				CreateDescription: "How long apply may wait for the pool to be `AVAILABLE` (default `60m`).",
				UpdateDescription: "How long apply may wait for a change of CUs (default `60m`).",
				DeleteDescription: "How long destroy may wait for the pool to go (default `30m`).",
			})),
			"status":      schema.StringAttribute{Computed: true, MarkdownDescription: "`CREATING`, `AVAILABLE`, `SCALING` or `FAILED`."},
			"actual_cu":   schema.Int64Attribute{Computed: true, MarkdownDescription: "CUs the pool has."},
			"current_cu":  schema.Int64Attribute{Computed: true, MarkdownDescription: "CUs the pool uses now."},
			"resource_id": computedString("DLI's resource ID of the pool."),
			"create_time": computedString("Creation time, RFC 3339 in UTC with milliseconds."),
			"fail_reason": schema.StringAttribute{Computed: true, MarkdownDescription: "Why DLI could not create the pool, when `status` is `FAILED`."},
			"queues": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Names of the queues in the pool."},
		},
	}
}

const poolDescription = "A DLI elastic resource pool: CUs that the queues created in it share.\n\n" +
	"Create waits until DLI reports the pool `AVAILABLE` (a `FAILED` pool is an error showing DLI's " +
	"`fail_reason`; it stays in state as tainted so that the next apply replaces it). `min_cu`, `max_cu` and " +
	"`description` change in place, waiting through `SCALING`; `tags` change in place too. Destroy deletes the " +
	"pool and waits until DLI no longer lists it; a pool DLI no longer knows is forgotten. DLI has no request to " +
	"read one pool: the provider finds it in the list by name (and reads its tags with one more request when it " +
	"has tags in state). Import takes the pool name."

// checkPoolCUs applies min_cu <= max_cu and the edition limits (dli_02_0326).
func checkPoolCUs(ctx context.Context, minCU, maxCU types.Int64, label types.Map, diags *diag.Diagnostics) {
	if minCU.IsUnknown() || maxCU.IsUnknown() || label.IsUnknown() {
		return
	}
	edition, lo, hi := "standard", int64(64), int64(32000)
	labels := map[string]string{}
	if !label.IsNull() {
		_ = label.ElementsAs(ctx, &labels, false)
	}
	switch {
	case labels["spec"] == "basic":
		edition, lo, hi = "basic", 16, 64
	case labels["billing_spec_code"] == "developer":
		edition, lo, hi = "developer", 16, 64
	}
	for _, a := range []struct {
		name string
		v    types.Int64
	}{{"min_cu", minCU}, {"max_cu", maxCU}} {
		if v := a.v.ValueInt64(); v < lo || v > hi {
			diags.AddAttributeError(path.Root(a.name), "Invalid CU count",
				fmt.Sprintf("Attribute %s must be between %d and %d for the %s edition, got %d.", a.name, lo, hi, edition, v))
		}
	}
	if minCU.ValueInt64() > maxCU.ValueInt64() {
		diags.AddAttributeError(path.Root("min_cu"), "Invalid CU range",
			fmt.Sprintf("min_cu (%d) must not be more than max_cu (%d).", minCU.ValueInt64(), maxCU.ValueInt64()))
	}
}
