package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Write-only Flink runtime configuration (Terraform 1.11 and later), as secret_conf of the
// batch and SQL jobs: merged into runtime_config at creation and at every full update (a Flink
// job changes in place, and a full update replaces DLI's runtime_config), the key names listed
// under flinkSecretKeysConfigKey, and left out of every runtime_config read back.

// flinkSecretKeysConfigKey names, ':'-separated, the keys of runtime_config from secret_runtime_config.
const flinkSecretKeysConfigKey = "terraform.secretRuntimeConfigKeys"

const descFlinkSecretConfig = "Write-only Flink runtime configuration (Terraform 1.11 and later), for passwords and keys: " +
	"merged into `runtime_config` when the job is created and whenever an update sends the whole job, and never " +
	"stored in plan or state, nor shown in output, logs or error messages. DLI itself keeps the values with the job. " +
	"The values accept ephemeral values. A key may not be in both `runtime_config` and `secret_runtime_config`. " +
	"Terraform cannot tell that a write-only value changed: change `secret_runtime_config_version` to send new values " +
	"(an update that stops the job, with a savepoint as `savepoint_on_update` says, and runs it again). The key names " +
	"(not the values) are listed in DLI's runtime configuration under `" + flinkSecretKeysConfigKey + "`, separated by " +
	"`:`, which is how reads, imports, data sources and `terraform query` leave them out of `runtime_config`. Terraform " +
	"before 1.11 refuses the argument."

// flinkSecretModel holds the write-only arguments (null everywhere but in the configuration)
// and their version, a job argument: changing it is a full update.
type flinkSecretModel struct {
	SecretRuntimeConfig        map[string]string `tfsdk:"secret_runtime_config"`
	SecretRuntimeConfigVersion types.Int64       `tfsdk:"secret_runtime_config_version"`
}

func withFlinkSecretAttributes(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	attrs["secret_runtime_config"] = schema.MapAttribute{
		Optional: true, WriteOnly: true, Sensitive: true, ElementType: types.StringType,
		MarkdownDescription: descFlinkSecretConfig,
		Validators: []validator.Map{mapvalidator.NoNullValues(),
			mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1), flinkReservedKeyValidator(), flinkSecretKeysKeyValidator())},
	}
	attrs["secret_runtime_config_version"] = schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: "Any number; changing it updates the job with the `secret_runtime_config` values of that " +
			"apply (stopping and running it again, like any change other than the few DLI applies to a running job).",
	}
	return attrs
}

// flinkSecretKeysKeyValidator keeps the key list's own key out of both maps.
func flinkSecretKeysKeyValidator() validator.String {
	return stringCheck{summary: "Reserved runtime_config key", quote: false,
		ok: func(s string) bool { return s != flinkSecretKeysConfigKey },
		rule: fmt.Sprintf("sets the key %q, which is reserved: the provider lists the key names of secret_runtime_config there",
			flinkSecretKeysConfigKey)}
}

// flinkSecretsFromConfig reads secret_runtime_config from the configuration (flink_job_resource.go
// and flink_job_update.go call it by this name).
func flinkSecretsFromConfig(ctx context.Context, config tfsdk.Config) (map[string]string, diag.Diagnostics) {
	return secretRuntimeConfig.fromConfig(ctx, config)
}

// validateFlinkSecrets: see secretMap.validate.
func validateFlinkSecrets(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	secretRuntimeConfig.validate(ctx, config, diags)
}

// withConfigSecrets is the context of a create or update: bounded by timeout, and scrubbing this
// apply's secret_runtime_config values from everything the client logs or returns. With an
// error already in diags it reads nothing; the caller still defers cancel.
func withConfigSecrets(ctx context.Context, config tfsdk.Config, timeout time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc, map[string]string) {
	var secrets map[string]string
	if !diags.HasError() {
		var ds diag.Diagnostics
		secrets, ds = flinkSecretsFromConfig(ctx, config)
		diags.Append(ds...)
	}
	ctx, cancel := context.WithTimeout(client.WithSecrets(ctx, secretValues(secrets)...), timeout)
	return ctx, cancel, secrets
}
