package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// dliNamePattern is DLI's rule for the names of new queues and pools (dli_02_0194,
// dli_02_0326), in lower case: DLI lower-cases names, and a name written in upper case would
// show as a difference on every plan.
var (
	dliNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_]{0,127}$`)
	onlyDigits     = regexp.MustCompile(`^[0-9]+$`)
	timeOfDay      = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$`)
)

// dliNameAttribute is the name of a queue or pool (what, in validation errors; short, in the
// description), which DLI cannot change.
func dliNameAttribute(what, short string) schema.StringAttribute {
	return schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		Validators: []validator.String{dliNameValidator(what)},
		MarkdownDescription: upperFirst(short) + " name: 1 to 128 lower-case letters, digits and `_`, not only digits, " +
			"not starting with `_`. Changing it replaces the " + short + "."}
}

// dliNameValidator checks the name of a new queue or pool.
func dliNameValidator(what string) validator.String {
	return stringCheck{summary: "Invalid " + what + " name", quote: true,
		ok: func(s string) bool { return dliNamePattern.MatchString(s) && !onlyDigits.MatchString(s) },
		rule: "must be 1 to 128 lower-case letters, digits and '_', not only digits and not starting with '_' " +
			"(DLI stores names in lower case, so write them that way)"}
}

// queueProperties are the v3 queue properties DLI documents; true: a whole number.
var queueProperties = map[string]bool{
	"computeEngine.maxInstance":         true,
	"computeEngine.maxPrefetchInstance": true,
	"job.maxConcurrent":                 true,
	"job.savepoint.enabled":             false,
	"computeEngine.spark.nativeEnabled": false,
	"network.cidrInVpc":                 false,
}

var wholeNumber = regexp.MustCompile(`^[0-9]+$`)

// queuePropertiesValidator checks the keys and, for the numeric ones, the values.
type queuePropertiesValidator struct{}

func (queuePropertiesValidator) Description(context.Context) string {
	return "keys must be documented queue properties; the numeric ones take whole numbers"
}
func (v queuePropertiesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (queuePropertiesValidator) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	values := map[string]types.String{}
	resp.Diagnostics.Append(req.ConfigValue.ElementsAs(ctx, &values, false)...)
	for k, v := range values {
		whole, known := queueProperties[k]
		switch {
		case !known:
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Unknown queue property",
				fmt.Sprintf("Attribute %s has the key %q, which is not a queue property DLI documents: use one of "+
					"computeEngine.maxInstance, computeEngine.maxPrefetchInstance, job.maxConcurrent, job.savepoint.enabled, "+
					"computeEngine.spark.nativeEnabled, network.cidrInVpc.", req.Path, k))
		case whole && !v.IsUnknown() && !wholeNumber.MatchString(v.ValueString()):
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid queue property",
				fmt.Sprintf("Attribute %s: %s takes a whole number, got %q.", req.Path, k, v.ValueString()))
		}
	}
}

func queueResourceSchema(ctx context.Context) schema.Schema {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	return schema.Schema{
		MarkdownDescription: queueDescription,
		Attributes: map[string]schema.Attribute{
			"id":   computedString("The queue's name, which is its ID from the start."),
			"name": dliNameAttribute("queue", "queue"),
			"type": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("sql"),
				PlanModifiers: replace, Validators: []validator.String{stringvalidator.OneOf("sql", "general")},
				MarkdownDescription: "`sql` (default; SQL jobs) or `general` (Spark batch and Flink jobs). Changing it replaces the queue."},
			"cu_count": schema.Int64Attribute{Required: true,
				Validators: []validator.Int64{int64validator.AtLeast(16), multipleOf(16)},
				MarkdownDescription: "Compute units. A new queue has 16, 64 or 256; afterwards any multiple of 16: " +
					"a change scales the queue out or in by the difference, in place, and apply waits until DLI reports the new size. " +
					"Queues in an elastic resource pool are sized by `scaling_policies` instead."},
			"description": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(""),
				PlanModifiers: replace, MarkdownDescription: "Description. Changing it replaces the queue."},
			"platform": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("x86_64"),
				PlanModifiers: replace, Validators: []validator.String{stringvalidator.OneOf("x86_64", "aarch64")},
				MarkdownDescription: "CPU architecture: `x86_64` (default) or `aarch64`. Changing it replaces the queue."},
			"resource_mode": schema.Int64Attribute{Optional: true, Computed: true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplaceIfConfigured(), int64planmodifier.UseStateForUnknown()},
				Validators:          []validator.Int64{int64validator.OneOf(0, 1)},
				MarkdownDescription: "`0` shared or `1` dedicated resources; DLI's choice when unset. Changing it replaces the queue."},
			"feature": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("basic"),
				PlanModifiers: replace, Validators: []validator.String{stringvalidator.OneOf("basic", "ai")},
				MarkdownDescription: "`basic` (default) or `ai` (dedicated x86_64 SQL queues only). Changing it replaces the queue."},
			"labels": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				PlanModifiers:       []planmodifier.List{listplanmodifier.RequiresReplace()},
				Validators:          []validator.List{listvalidator.ValueStringsAre(stringvalidator.OneOf("multi_az=2"))},
				MarkdownDescription: "Queue labels; the only one is `multi_az=2` (dual-AZ). Changing them replaces the queue."},
			"engine": schema.StringAttribute{Optional: true, Computed: true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplaceIfConfigured(), stringplanmodifier.UseStateForUnknown()},
				Validators:          []validator.String{stringvalidator.OneOf("spark", "hetuEngine")},
				MarkdownDescription: "Engine of a SQL queue: `spark` (DLI's default) or `hetuEngine`; null for general queues. Changing it replaces the queue."},
			"tags": computeTagsAttribute("queue"),
			"elastic_resource_pool": schema.StringAttribute{Optional: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(poolChangeReplaces,
					poolChangeDescription, poolChangeDescription)},
				Validators: []validator.String{queueNameValidator()},
				MarkdownDescription: "Name of the elastic resource pool the queue belongs to (the pool must be `AVAILABLE`). " +
					"Set on a queue in no pool, the queue joins that pool in place (and takes `scaling_policies`, if set). " +
					poolChangeDescription},
			"scaling_policies": schema.ListNestedAttribute{Optional: true,
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"priority": schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.Between(1, 100)},
						MarkdownDescription: "1 to 100; the highest priority wins where windows meet."},
					"impact_start_time": schema.StringAttribute{Required: true, Validators: []validator.String{timeOfDayValidator()},
						MarkdownDescription: "Start of the window, `HH:MM`."},
					"impact_stop_time": schema.StringAttribute{Required: true, Validators: []validator.String{timeOfDayValidator()},
						MarkdownDescription: "End of the window, `HH:MM` up to `24:00`."},
					"min_cu": schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.AtLeast(0), multipleOf(16)},
						MarkdownDescription: "Fewest CUs in the window, a multiple of 16."},
					"max_cu": schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.AtLeast(0), multipleOf(16)},
						MarkdownDescription: "Most CUs in the window, a multiple of 16."},
				}},
				MarkdownDescription: "Scaling policies of a queue in an elastic resource pool, changed in place. DLI's rules, " +
					"checked at plan time: one default policy covers `00:00`–`24:00`; the other windows do not overlap " +
					"one another; `min_cu` ≤ `max_cu`. Unset: DLI's default policy is kept and not managed."},
			"properties": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				Validators: []validator.Map{mapvalidator.NoNullValues(), queuePropertiesValidator{}},
				MarkdownDescription: "Queue properties (v3), changed in place, such as `computeEngine.maxInstance`, " +
					"`job.maxConcurrent` or `computeEngine.maxPrefetchInstance` (whole numbers). Only the keys set here " +
					"are managed; a key removed from here is reset to DLI's default."},
			"timeouts": positiveTimeouts(timeouts.Attributes(ctx, timeouts.Opts{
				Create: true, Update: true, Delete: true,
				CreateDescription: "How long apply may take to create the queue and set its policies and properties (default `30m`).",
				UpdateDescription: "How long apply may wait for a scaling to show (default `45m`).",
				DeleteDescription: "How long destroy may wait for the queue to go (default `30m`).",
			})),
			"resource_id": computedString("DLI's resource ID (UUID) of the queue."),
			"owner":       computedString("User who created the queue."),
			"create_time": computedString("Creation time, RFC 3339 in UTC with milliseconds."),
		},
	}
}

const queueDescription = "A DLI queue: the compute that SQL, Spark batch and Flink jobs run on.\n\n" +
	"The ID is the queue's name from the start, and a refresh reads the queue with one request (its detail), " +
	"plus one for its tags when it has tags in state. " +
	"Apply does not sleep after creating a queue: a new queue may take some minutes before DLI runs jobs on it, " +
	"and jobs submitted to it wait for that themselves. `cu_count` changes in place: the queue is scaled out or in " +
	"by the difference and apply waits until DLI reports the new size. `scaling_policies`, `properties` and `tags` " +
	"also change in place, and a queue in no elastic resource pool joins one in place; every other argument " +
	"replaces the queue.\n\n" +
	"Destroy deletes the queue and waits until it is gone; a queue DLI no longer knows is simply forgotten. DLI " +
	"refuses to delete a queue with running jobs: the error lists them. Import takes the queue name."

// multipleOf refuses integers that are not a multiple of n.
type multipleOfValidator struct{ n int64 }

func multipleOf(n int64) validator.Int64 { return multipleOfValidator{n} }

func (v multipleOfValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a multiple of %d", v.n)
}
func (v multipleOfValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (v multipleOfValidator) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueInt64()%v.n == 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid CU count",
		fmt.Sprintf("Attribute %s must be a multiple of %d, got %d.", req.Path, v.n, req.ConfigValue.ValueInt64()))
}

func timeOfDayValidator() validator.String {
	return stringCheck{summary: "Invalid time of day", quote: true, ok: timeOfDay.MatchString,
		rule: "must be a time of day HH:MM, from 00:00 to 24:00"}
}

const poolChangeDescription = "Moving the queue to another pool, or out of its pool, replaces the queue."

// poolChangeReplaces: a queue already in a pool is replaced when its pool changes (DLI moves no
// queue between pools); one in no pool joins its new pool in place (Update).
func poolChangeReplaces(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull()
}
