package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Write-only SQL settings (Terraform 1.11 and later), as secret_conf of dli_sql_job (see
// batch_job_secret.go for the idea). DLI returns a SQL job's settings as user_conf, whose format
// is UNCONFIRMED and may be "key=value" entries separated by commas: so the key names of
// secret_conf are listed under sqlSecretKeysConfKey separated by ':', a character no conf key
// holds (confKeyPattern), rather than as JSON.

// sqlSecretKeysConfKey is the SQL setting naming the keys of conf that came from secret_conf.
const sqlSecretKeysConfKey = "spark.terraform.secretConfKeys"

const descSQLSecretConf = "Write-only Spark SQL settings (Terraform 1.11 and later), for passwords and keys a statement " +
	"needs: merged into `conf` when the statement is submitted, and never stored in plan or state, nor shown in " +
	"output, logs or error messages (the provider masks the values in DLI's answers). DLI itself keeps them with the " +
	"job, as it keeps `conf`. The values accept ephemeral values. A key may not be in both `conf` and `secret_conf`. " +
	"Terraform cannot tell that a write-only value changed: change `secret_conf_version` to run the statement again " +
	"with new values. The key names (not the values) are listed in the job's conf under `" + sqlSecretKeysConfKey +
	"`, separated by `:`, which is how reads, imports, data sources and `terraform query` know to leave them out of " +
	"`conf`. Terraform before 1.11 refuses the argument."

var _ resource.ResourceWithValidateConfig = (*sqlJobResource)(nil)

func (r *sqlJobResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	secretConf.validate(ctx, req.Config, &resp.Diagnostics)
}

// withSQLSecretConfAttributes adds secret_conf and secret_conf_version to dli_sql_job.
func withSQLSecretConfAttributes(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	attrs["secret_conf"] = schema.MapAttribute{
		Optional: true, WriteOnly: true, Sensitive: true, ElementType: types.StringType,
		MarkdownDescription: descSQLSecretConf,
		Validators: []validator.Map{mapvalidator.NoNullValues(),
			mapvalidator.KeysAre(confKeyValidator(), sqlSecretKeysKeyValidator()), mapvalidator.ValueStringsAre(confValueValidator())},
	}
	attrs["secret_conf_version"] = schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: "Any number; changing it runs the statement again (cancelling the old job if active), with " +
			"the `secret_conf` values of that apply. Right after an import, the configured version is adopted without " +
			"a re-run.",
		PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplaceIf(secretVersionChanged,
			"Changing secret_conf_version runs the statement again, except right after an import.",
			"Changing `secret_conf_version` runs the statement again, except right after an import.")},
	}
	return attrs
}

// sqlSecretKeysKeyValidator keeps the key list's own key out of conf and secret_conf.
func sqlSecretKeysKeyValidator() validator.String {
	return stringCheck{summary: "Reserved conf key", quote: false,
		ok:   func(s string) bool { return s != sqlSecretKeysConfKey },
		rule: fmt.Sprintf("sets the key %q, which is reserved: the provider lists the key names of secret_conf there", sqlSecretKeysConfKey)}
}

// withSQLSecretConf is a copy of conf with the secret settings merged in and their key names listed.
func withSQLSecretConf(conf, secrets map[string]string) map[string]string {
	return withListedSecrets(sqlSecretKeysConfKey, conf, secrets)
}

// withoutSQLSecretConf is conf as DLI returns it without what came from secret_conf (see
// withoutListedSecrets).
func withoutSQLSecretConf(conf map[string]string, extra ...string) map[string]string {
	return withoutListedSecrets(sqlSecretKeysConfKey, conf, extra...)
}

// withListedSecrets is a copy of conf with secrets merged in and their key names listed under
// listKey, separated by ':'.
func withListedSecrets(listKey string, conf, secrets map[string]string) map[string]string {
	return withSecrets(conf, secrets, listKey, func(keys []string) string { return strings.Join(keys, ":") })
}

// withoutListedSecrets is conf as DLI returns it, without the secret keys (those listed under
// listKey, and extra, from private state) nor the list. nil stays nil, and a conf left empty
// becomes nil (as DLI reports no settings).
func withoutListedSecrets(listKey string, conf map[string]string, extra ...string) map[string]string {
	listed, ok := conf[listKey]
	if !ok && len(extra) == 0 {
		return conf
	}
	drop := map[string]bool{listKey: true}
	for _, n := range append(strings.Split(listed, ":"), extra...) {
		drop[strings.TrimSpace(n)] = true
	}
	out := make(map[string]string, len(conf))
	for k, v := range conf {
		if !drop[k] {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
