package pluginserver

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"google.golang.org/grpc"
)

// fakeProvider is the smallest framework provider with one action (fake_wait) and one list
// resource (fake_thing, of the resource of that name). Both stop after their first event
// until the test has received it, then report whether their context is still alive: the work
// of both runs while Terraform consumes the stream, after the RPC method has returned.
//
// Alive means not done and still reaching the request's values. A context released early
// stays undone in the framework (which derived its own before the release) but loses the
// values: here gRPC's method name, in a real provider the loggers tflog writes to.
type fakeProvider struct{ seen *fakeSeen }

type fakeSeen struct {
	validateAction, planAction, validateList atomic.Int32
	proceedAction, proceedList               chan struct{}
}

func newFakeSeen() *fakeSeen {
	return &fakeSeen{proceedAction: make(chan struct{}), proceedList: make(chan struct{})}
}

var (
	_ provider.ProviderWithActions       = fakeProvider{}
	_ provider.ProviderWithListResources = fakeProvider{}
)

func (fakeProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "fake"
}
func (fakeProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (fakeProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (fakeProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (fakeProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return fakeThing{} }}
}
func (p fakeProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{func() action.Action { return fakeWait(p) }}
}
func (p fakeProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{func() list.ListResource { return fakeThingList(p) }}
}

// fakeThing is the managed resource that the list resource lists; it has an identity.
type fakeThing struct{}

func (fakeThing) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}
func (fakeThing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = resourceschema.Schema{Attributes: map[string]resourceschema.Attribute{
		"id": resourceschema.StringAttribute{Computed: true},
	}}
}
func (fakeThing) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"id": identityschema.StringAttribute{RequiredForImport: true},
	}}
}
func (fakeThing) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (fakeThing) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (fakeThing) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (fakeThing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

type fakeWait fakeProvider

func (fakeWait) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_wait"
}
func (fakeWait) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = actionschema.Schema{Attributes: map[string]actionschema.Attribute{
		"label": actionschema.StringAttribute{Optional: true},
	}}
}
func (a fakeWait) ValidateConfig(context.Context, action.ValidateConfigRequest, *action.ValidateConfigResponse) {
	a.seen.validateAction.Add(1)
}
func (a fakeWait) ModifyPlan(context.Context, action.ModifyPlanRequest, *action.ModifyPlanResponse) {
	a.seen.planAction.Add(1)
}
func (a fakeWait) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var label types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("label"), &label)...)
	resp.SendProgress(action.InvokeProgressEvent{Message: "started " + label.ValueString()})
	select {
	case <-a.seen.proceedAction:
	case <-ctx.Done():
	}
	if err := requestAlive(ctx); err != nil {
		resp.Diagnostics.AddError("context released while the stream is consumed", err.Error())
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: "context alive"})
}

type fakeThingList fakeProvider

func (fakeThingList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}
func (fakeThingList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{}
}
func (l fakeThingList) ValidateListResourceConfig(context.Context, list.ValidateConfigRequest, *list.ValidateConfigResponse) {
	l.seen.validateList.Add(1)
}
func (l fakeThingList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	stream.Results = func(push func(list.ListResult) bool) {
		result := func(name string) list.ListResult {
			r := req.NewListResult(ctx)
			r.DisplayName = name
			r.Diagnostics.Append(r.Identity.SetAttribute(ctx, path.Root("id"), name)...)
			return r
		}
		if !push(result("first")) {
			return
		}
		select {
		case <-l.seen.proceedList:
		case <-ctx.Done():
		}
		if err := requestAlive(ctx); err != nil {
			r := result("context released")
			r.Diagnostics.AddError("context released while the stream is consumed", err.Error())
			push(r)
			return
		}
		push(result("context alive"))
	}
}

func requestAlive(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, ok := grpc.Method(ctx); !ok {
		return errors.New("the context no longer carries the gRPC request's values")
	}
	return nil
}
