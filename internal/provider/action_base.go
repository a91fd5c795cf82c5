package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Actions (Terraform 1.14 and later) act on jobs without keeping anything in state. They stream
// what they see as progress messages, which Terraform prints as the action runs.

// actionBase gives an action its Configure method and client.
type actionBase struct{ providerData }

func (b *actionBase) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	b.client = fromProviderData(req.ProviderData, &resp.Diagnostics)
}

// argumentAttributes converts the arguments of a resource schema (what is Required or Optional,
// leaving out the names in skip and what only DLI sets) to action attributes, so that an
// action taking a job's arguments describes and validates them as the resource does.
func argumentAttributes(attrs map[string]schema.Attribute, skip ...string) map[string]actionschema.Attribute {
	out := make(map[string]actionschema.Attribute, len(attrs))
	for name, a := range attrs {
		if slices.Contains(skip, name) || !a.IsRequired() && !a.IsOptional() {
			continue
		}
		out[name] = argumentAttribute(a)
	}
	return out
}

func argumentAttribute(a schema.Attribute) actionschema.Attribute {
	req, opt, desc := a.IsRequired(), a.IsOptional(), a.GetMarkdownDescription()
	switch a := a.(type) {
	case schema.StringAttribute:
		return actionschema.StringAttribute{Required: req, Optional: opt, MarkdownDescription: desc, Validators: a.Validators}
	case schema.Int64Attribute:
		return actionschema.Int64Attribute{Required: req, Optional: opt, MarkdownDescription: desc, Validators: a.Validators}
	case schema.BoolAttribute:
		return actionschema.BoolAttribute{Required: req, Optional: opt, MarkdownDescription: desc, Validators: a.Validators}
	case schema.ListAttribute:
		return actionschema.ListAttribute{Required: req, Optional: opt, MarkdownDescription: desc, Validators: a.Validators, ElementType: a.ElementType}
	case schema.MapAttribute:
		return actionschema.MapAttribute{Required: req, Optional: opt, MarkdownDescription: desc, Validators: a.Validators, ElementType: a.ElementType}
	case schema.ListNestedAttribute:
		return actionschema.ListNestedAttribute{Required: req, Optional: opt, MarkdownDescription: desc, Validators: a.Validators,
			NestedObject: actionschema.NestedAttributeObject{Attributes: argumentAttributes(a.NestedObject.Attributes)}}
	default:
		// A new attribute kind needs a case here; the action schema tests run this on every attribute.
		panic(fmt.Sprintf("no action form for resource attribute type %T", a))
	}
}

// timeoutAttribute is the optional bound of an action's wait.
func timeoutAttribute(what string, def time.Duration) actionschema.StringAttribute {
	return actionschema.StringAttribute{Optional: true,
		MarkdownDescription: fmt.Sprintf("How long the action may %s, as a Go duration such as `30m` (default `%s`).", what, shortDuration(def)),
		Validators:          []validator.String{durationValidator(), positiveDurationValidator()}}
}

// actionTimeout is the configured timeout, or def when unset (the validators checked it).
func actionTimeout(v types.String, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(v.ValueString()); err == nil && d > 0 {
		return d
	}
	return def
}

func durationValidator() validator.String {
	return stringCheck{summary: "Invalid duration", rule: "must be a Go duration such as 90s, 30m or 2h", quote: true,
		ok: func(s string) bool { _, err := time.ParseDuration(s); return err == nil }}
}

func shortDuration(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%dm", int(d/time.Minute))
	}
	return d.String()
}

// progress sends a progress message, if the framework gave a way to.
func progress(resp *action.InvokeResponse, format string, args ...any) {
	if resp.SendProgress != nil {
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf(format, args...)})
	}
}

// observeProgress streams each state a client wait sees as a progress message.
func observeProgress(ctx context.Context, resp *action.InvokeResponse) context.Context {
	return client.WithStateObserver(ctx, func(subject, state string) {
		progress(resp, "%s is %s", upperFirst(subject), state)
	})
}

// getConfig reads an action's configuration into model.
func getConfig(ctx context.Context, req action.InvokeRequest, model any, diags *diag.Diagnostics) bool {
	diags.Append(req.Config.Get(ctx, model)...)
	return !diags.HasError()
}

// jobEnd names how an action ends a job, for its messages.
type jobEnd struct {
	do, doing string // "cancel", "cancelling"
	done      string // "Cancelled", of the job
	end, ends string // what the job does then: "end", "ended"
}

var (
	cancelEnd = jobEnd{do: "cancel", doing: "cancelling", done: "Cancelled", end: "end", ends: "ended"}
	stopEnd   = jobEnd{do: "stop", doing: "stopping", done: "Stopped", end: "stop", ends: "stopped"}
)

// lookupFailed adds the error of an action that could not read the job (what, such as "batch
// job") it was to end, reading its field ("state"); false when err is nil.
func (e jobEnd) lookupFailed(diags *diag.Diagnostics, c *client.Client, what, field, id string, err error) bool {
	switch {
	case client.IsNotFound(err):
		diags.AddError(upperFirst(what)+" not found", fmt.Sprintf("%s %s is not known to DLI in project %s: %s", upperFirst(what), id, c.ProjectID(), err))
	case err != nil:
		diags.AddError("Error "+e.doing+" "+what, fmt.Sprintf("Could not read the %s of %s %s: %s", field, what, id, err))
	default:
		return false
	}
	return true
}

// failed adds the error of an action whose cancel or stop of a job failed, or whose wait for the
// job's end ran out of its timeout.
func (e jobEnd) failed(diags *diag.Diagnostics, what, id string, timeout time.Duration, err error) {
	if errors.Is(err, context.DeadlineExceeded) {
		diags.AddError(fmt.Sprintf("%s %s did not %s in time", e.done, what, e.end), fmt.Sprintf("%s %s had not %s "+
			"within the action's timeout (%s): %s. Raise timeout to wait longer.", upperFirst(what), id, e.ends, shortDuration(timeout), err))
		return
	}
	diags.AddError("Error "+e.doing+" "+what, fmt.Sprintf("Could not %s %s %s: %s", e.do, what, id, err))
}

// jobIDAttribute is the job_id argument of an action on a job.
func jobIDAttribute(desc string, v validator.String) actionschema.StringAttribute {
	return actionschema.StringAttribute{Required: true, MarkdownDescription: desc, Validators: []validator.String{v}}
}
