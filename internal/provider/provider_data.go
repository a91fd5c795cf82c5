package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// providerData is what the provider's Configure hands to every resource, data source (and,
// later, action and list resource). Each embeds a base below instead of repeating the type
// assertion and the "not configured" check.
type providerData struct {
	client *client.Client
}

// fromProviderData takes the client out of a Configure request's ProviderData. nil data (the
// provider is not configured yet, as during validation) is not an error.
func fromProviderData(data any, diags *diag.Diagnostics) *client.Client {
	if data == nil {
		return nil
	}
	c, ok := data.(*client.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *client.Client, got %T. Please report this issue to the provider developers.", data))
		return nil
	}
	return c
}

// ready reports whether a client is configured, adding the "not configured" error if not.
func (p *providerData) ready(diags *diag.Diagnostics) bool {
	if p.client != nil {
		return true
	}
	diags.AddError("Provider not configured", notConfiguredDetail)
	return false
}

const notConfiguredDetail = "The dli provider has no usable configuration yet, usually because its arguments depend on " +
	"values that are only known after apply. Apply the resources they come from first, or set the arguments directly."

// resourceBase gives a resource its Configure method and client.
type resourceBase struct{ providerData }

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.client = fromProviderData(req.ProviderData, &resp.Diagnostics)
}

// timeoutOf is one timeouts.Value method (Create, Update, Delete) of the operation's model.
type timeoutOf func(ctx context.Context, def time.Duration) (time.Duration, diag.Diagnostics)

// start begins an operation once its models are read into diags: the provider must be
// configured and the operation's timeout (def unless configured) readable. ok false: return at
// once; otherwise the caller defers cancel, and ctx ends after timeout.
func (b *resourceBase) start(ctx context.Context, diags *diag.Diagnostics, of timeoutOf, def time.Duration) (
	_ context.Context, cancel context.CancelFunc, timeout time.Duration, ok bool,
) {
	if diags.HasError() || !b.ready(diags) {
		return ctx, func() {}, 0, false
	}
	timeout, ds := of(ctx, def)
	diags.Append(ds...)
	if diags.HasError() {
		return ctx, func() {}, 0, false
	}
	ctx, cancel = context.WithTimeout(ctx, timeout)
	return ctx, cancel, timeout, true
}

// dataSourceBase gives a data source its Configure method and client.
type dataSourceBase struct{ providerData }

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.client = fromProviderData(req.ProviderData, &resp.Diagnostics)
}
