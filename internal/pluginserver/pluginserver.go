// Package pluginserver serves the provider over plugin protocol 6, working around two costs of
// the plugin libraries that grow with the number of requests a provider process answers:
//
//   - terraform-plugin-framework (v1.19.0) keeps the cancel function of every request's context
//     until StopProvider, which Terraform sends only on interrupt. Each one keeps the request's
//     whole context alive (loggers, gRPC stream): a destroy of 500 jobs held about 90 MB. Here
//     every request gets a context that lets go of the real one when the request is answered.
//   - With no logging asked for, the plugin libraries still write trace-level JSON to stderr,
//     which Terraform parses and throws away: a third of the provider's CPU time at scale. It is
//     switched off only when none of Terraform's logging variables is set.
//
// The wrapper keeps every optional protocol interface of the server it wraps (actions, list
// resources, state stores: terraform-plugin-go v0.31 has them outside ProviderServer), which
// tf6server looks for by type assertion; see Releasing.
package pluginserver

import (
	"os"
	"strings"

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
	return serve(address, newProvider, opts...)
}

// serve is Serve without the environment: the tests serve their own providers with it.
func serve(address string, newProvider func() provider.Provider, opts ...tf6server.ServeOpt) error {
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
