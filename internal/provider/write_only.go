package provider

import (
	"context"
	"fmt"
	"maps"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// secretMap names a write-only map of secrets (Terraform 1.11 and later), its plain twin that
// DLI gets the values merged into, and the version that rotates them.
type secretMap struct {
	plain, secret, version string
	keys                   string // what the keys are, for messages: "The Spark properties"
	sentWhen               string // when new values reach DLI: "when the job is submitted again"
}

var (
	secretConf          = secretMap{plain: "conf", secret: "secret_conf", version: "secret_conf_version", keys: "The Spark properties", sentWhen: "when the job is submitted again"}
	secretRuntimeConfig = secretMap{plain: "runtime_config", secret: "secret_runtime_config", version: "secret_runtime_config_version",
		keys: "The keys", sentWhen: "with the next update of the whole job"}
)

// fromConfig reads the secrets from the configuration, the only place that has them.
func (s secretMap) fromConfig(ctx context.Context, config tfsdk.Config) (map[string]string, diag.Diagnostics) {
	var m map[string]string
	diags := config.GetAttribute(ctx, path.Root(s.secret), &m)
	return m, diags
}

// validate: no key in both maps; a version to rotate the values with.
func (s secretMap) validate(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	var plain, secret types.Map
	var version types.Int64
	diags.Append(config.GetAttribute(ctx, path.Root(s.plain), &plain)...)
	diags.Append(config.GetAttribute(ctx, path.Root(s.secret), &secret)...)
	diags.Append(config.GetAttribute(ctx, path.Root(s.version), &version)...)
	if diags.HasError() || secret.IsNull() || secret.IsUnknown() {
		return
	}
	if !plain.IsUnknown() {
		var both []string
		for k := range secret.Elements() {
			if _, ok := plain.Elements()[k]; ok {
				both = append(both, k)
			}
		}
		if len(both) > 0 {
			sort.Strings(both)
			diags.AddAttributeError(path.Root(s.secret), fmt.Sprintf("Key in both %s and %s", s.plain, s.secret),
				fmt.Sprintf("%s %s are set in %s and in %s; set each in one of them.", s.keys, quoteAll(both), s.plain, s.secret))
		}
	}
	if version.IsNull() {
		diags.AddAttributeWarning(path.Root(s.version), fmt.Sprintf("%s without %s", s.secret, s.version),
			fmt.Sprintf("Terraform cannot see a change of a write-only value, so new %s values are only sent %s. Set %s, "+
				"and change it whenever the values change.", s.secret, s.sentWhen, s.version))
	}
}

// withSecrets is a copy of conf with secrets merged in and list (their key names) under listKey;
// conf itself when there are no secrets.
func withSecrets(conf, secrets map[string]string, listKey string, list func([]string) string) map[string]string {
	if len(secrets) == 0 {
		return conf
	}
	out := make(map[string]string, len(conf)+len(secrets)+1)
	maps.Copy(out, conf)
	maps.Copy(out, secrets)
	out[listKey] = list(sortedKeys(secrets))
	return out
}
