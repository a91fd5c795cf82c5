// Package pluginserver serves the provider over plugin protocol 6, working around two costs of
// the plugin libraries that grow with the number of requests a provider process answers:
//
//   - terraform-plugin-framework (v1.19.0) keeps the cancel function of every request's context
//     until StopProvider, which Terraform sends only on interrupt. Each one keeps the request's
//     whole context alive (loggers, gRPC stream): a destroy of 500 jobs held about 90 MB. Here
//     every request gets a context that lets go of the real one when the request returns.
//   - With no logging asked for, the plugin libraries still write trace-level JSON to stderr,
//     which Terraform parses and throws away: a third of the provider's CPU time at scale. It is
//     switched off only when none of Terraform's logging variables is set.
package pluginserver

import (
	"context"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Serve serves the provider at address until Terraform stops it.
func Serve(address string, newProvider func() provider.Provider, debug bool) error {
	QuietLogsUnlessRequested(os.LookupEnv, os.Setenv)
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	return tf6server.Serve(address, func() tfprotov6.ProviderServer {
		return Releasing(providerserver.NewProtocol6(newProvider())())
	}, opts...)
}

// loggingVariables are the variables through which a user asks for provider logs.
var loggingVariables = []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_DLI"}

// QuietLogsUnlessRequested turns the plugin libraries' logs off when no logging variable is
// set, because Terraform then discards them anyway. Any of them set keeps full logging.
func QuietLogsUnlessRequested(lookup func(string) (string, bool), set func(string, string) error) {
	for _, name := range loggingVariables {
		if v, ok := lookup(name); ok && strings.TrimSpace(v) != "" {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_DLI"} {
		_ = set(name, "off")
	}
}

// Releasing wraps a provider server so that the contexts the framework keeps do not keep the
// requests' contexts: the methods Terraform calls per resource get a context that delegates to
// the real one while the request runs and is released when it returns. The other methods are
// rare (once per process or never) and pass through.
func Releasing(s tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	return releasingServer{s}
}

type releasingServer struct {
	tfprotov6.ProviderServer
}

func call[Req, Resp any](ctx context.Context, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newReleasableContext(ctx)
	defer rc.release()
	return f(rc, req)
}

func (s releasingServer) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return call(ctx, req, s.ProviderServer.GetMetadata)
}

func (s releasingServer) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return call(ctx, req, s.ProviderServer.GetProviderSchema)
}

func (s releasingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return call(ctx, req, s.ProviderServer.ValidateProviderConfig)
}

func (s releasingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return call(ctx, req, s.ProviderServer.ConfigureProvider)
}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, req, s.ProviderServer.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, req, s.ProviderServer.UpgradeResourceState)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, req, s.ProviderServer.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, req, s.ProviderServer.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, req, s.ProviderServer.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, req, s.ProviderServer.ImportResourceState)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, req, s.ProviderServer.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, req, s.ProviderServer.ReadDataSource)
}

// releasedContext is what a released context delegates to: cancelled and empty.
var releasedContext = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

// releasableContext delegates to a request's context until released.
type releasableContext struct {
	inner atomic.Pointer[context.Context]
}

func newReleasableContext(ctx context.Context) *releasableContext {
	rc := &releasableContext{}
	rc.inner.Store(&ctx)
	return rc
}

func (c *releasableContext) release() { c.inner.Store(&releasedContext) }

func (c *releasableContext) get() context.Context { return *c.inner.Load() }

func (c *releasableContext) Deadline() (time.Time, bool) { return c.get().Deadline() }
func (c *releasableContext) Done() <-chan struct{}       { return c.get().Done() }
func (c *releasableContext) Err() error                  { return c.get().Err() }
func (c *releasableContext) Value(key any) any           { return c.get().Value(key) }
