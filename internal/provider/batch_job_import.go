package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// importedKey marks, in private state, a job imported and not yet updated. DLI does not know
// its triggers, and its copy of the submission leaves out values equal to DLI's defaults, so
// while the mark is set the configured values are adopted instead of re-running the job.
const importedKey = "imported"

// defaultDLIMaxRetryTimes is what DLI applies (and echoes in req_body) when max_retry_times was
// not sent.
const defaultDLIMaxRetryTimes = 20

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

func justImported(ctx context.Context, private privateGetter, diags *diag.Diagnostics) bool {
	if private == nil {
		return false
	}
	v, d := private.GetKey(ctx, importedKey)
	diags.Append(d...)
	return len(v) > 0
}

func triggersChanged(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !justImported(ctx, req.Private, &resp.Diagnostics) || !req.StateValue.IsNull()
}

// The functions below run only when the planned value differs from the state: after an import
// the state holds null where DLI kept nothing, and a configuration that spells out the default
// (or an empty collection) means the same job.

var replaceListUnlessImportedEmpty = []planmodifier.List{listplanmodifier.RequiresReplaceIf(
	func(ctx context.Context, req planmodifier.ListRequest, resp *listplanmodifier.RequiresReplaceIfFuncResponse) {
		adopt := req.StateValue.IsNull() && !req.PlanValue.IsUnknown() && len(req.PlanValue.Elements()) == 0
		resp.RequiresReplace = !adopt || !justImported(ctx, req.Private, &resp.Diagnostics)
	}, "Changing this argument re-runs the job.", "Changing this argument re-runs the job.")}

func mapChangedUnlessImportedEmpty(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	adopt := req.StateValue.IsNull() && !req.PlanValue.IsUnknown() && len(req.PlanValue.Elements()) == 0
	resp.RequiresReplace = !adopt || !justImported(ctx, req.Private, &resp.Diagnostics)
}

func boolChangedUnlessImportedDefault(ctx context.Context, req planmodifier.BoolRequest, resp *boolplanmodifier.RequiresReplaceIfFuncResponse) {
	adopt := req.StateValue.IsNull() && !req.PlanValue.IsUnknown() && !req.PlanValue.ValueBool()
	resp.RequiresReplace = !adopt || !justImported(ctx, req.Private, &resp.Diagnostics)
}

func intChangedUnlessImportedDefault(ctx context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	adopt := req.StateValue.IsNull() && req.PlanValue.ValueInt64() == defaultDLIMaxRetryTimes && !req.PlanValue.IsUnknown()
	resp.RequiresReplace = !adopt || !justImported(ctx, req.Private, &resp.Diagnostics)
}
