package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Write-only Spark properties (Terraform 1.11 and later). Their values only exist in the
// configuration of the apply that submits the job: merged into conf at submission, they are never
// in plan, state or any message. DLI keeps the submission, values included, and returns it with
// every read; so that no read brings them back into state, the submission also lists their key
// names under secretKeysConfKey, and every conf rebuilt from DLI (resource, import, list results,
// data sources) leaves those keys out. The names are kept in private state too.

// secretKeysConfKey is the Spark property naming, as a JSON array, the keys of conf that came
// from secret_conf. In the spark.* namespace like the submission marker, so Spark ignores it.
const secretKeysConfKey = "spark.terraform.secretConfKeys"

// secretKeysPrivateKey holds, in private state, the key names of secret_conf (never values).
const secretKeysPrivateKey = "secret_conf_keys"

const descSecretConf = "Write-only Spark properties (Terraform 1.11 and later), for JDBC passwords, access keys and " +
	"the like: merged into `conf` when the job is submitted, and never stored in plan or state, nor shown in output, " +
	"logs or error messages (the provider masks the values in DLI's answers). DLI itself keeps them with the job, " +
	"as it keeps `conf`. The values accept ephemeral values. A key may not be in both `conf` and `secret_conf`. " +
	"Terraform cannot tell that a write-only value changed: change `secret_conf_version` to submit the job again " +
	"with new values. The key names (not the values) are listed in the job's conf under `" + secretKeysConfKey +
	"`, which is how reads, imports and `terraform query` know to leave them out of `conf`. Terraform before 1.11 " +
	"refuses the argument."

// withSecretConfAttributes adds secret_conf and secret_conf_version to a job's attributes.
func withSecretConfAttributes(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	for name, a := range secretConfAttributes() {
		attrs[name] = a
	}
	return attrs
}

func secretConfAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"secret_conf": schema.MapAttribute{
			Optional: true, WriteOnly: true, Sensitive: true, ElementType: types.StringType,
			MarkdownDescription: descSecretConf,
			Validators: []validator.Map{
				mapvalidator.NoNullValues(),
				mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1), reservedConfKeyValidator(), secretKeysKeyValidator()),
			},
		},
		"secret_conf_version": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: "Any number; changing it submits the job again (cancelling the old one if active), with " +
				"the `secret_conf` values of that apply. Right after an import, the configured version is adopted " +
				"without a re-run.",
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplaceIf(secretVersionChanged,
				"Changing secret_conf_version re-runs the job, except right after an import.",
				"Changing `secret_conf_version` re-runs the job, except right after an import.")},
		},
	}
}

func secretVersionChanged(ctx context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull() || !justImported(ctx, req.Private, &resp.Diagnostics)
}

// secretKeysKeyValidator keeps the key list's own key out of conf and secret_conf.
func secretKeysKeyValidator() validator.String {
	return stringCheck{summary: "Reserved conf key", quote: false,
		ok:   func(s string) bool { return s != secretKeysConfKey },
		rule: fmt.Sprintf("sets the key %q, which is reserved: the provider lists the key names of secret_conf there", secretKeysConfKey)}
}

// withSecretConf is a copy of conf with the secret properties merged in and their key names listed.
func withSecretConf(conf, secrets map[string]string) map[string]string {
	return withSecrets(conf, secrets, secretKeysConfKey, func(keys []string) string { return string(mustJSON(keys)) })
}

// withoutSecretConf is conf as DLI returns it, without the properties that came from
// secret_conf (those listed under secretKeysConfKey, and extra, from private state) nor the list.
func withoutSecretConf(conf map[string]string, extra ...string) map[string]string {
	listed, ok := conf[secretKeysConfKey]
	if !ok && len(extra) == 0 {
		return conf
	}
	var names []string
	if ok && json.Unmarshal([]byte(listed), &names) != nil {
		names = nil // not ours to read; the key itself still goes
	}
	drop := map[string]bool{secretKeysConfKey: true}
	for _, n := range append(names, extra...) {
		drop[n] = true
	}
	out := make(map[string]string, len(conf))
	for k, v := range conf {
		if !drop[k] {
			out[k] = v
		}
	}
	return out
}

func saveSecretKeys(ctx context.Context, private privateSetter, secrets map[string]string) diag.Diagnostics {
	if len(secrets) == 0 {
		return private.SetKey(ctx, secretKeysPrivateKey, nil)
	}
	return private.SetKey(ctx, secretKeysPrivateKey, mustJSON(sortedKeys(secrets)))
}

func savedSecretKeys(ctx context.Context, private privateGetter, diags *diag.Diagnostics) []string {
	b, d := private.GetKey(ctx, secretKeysPrivateKey)
	diags.Append(d...)
	var names []string
	if len(b) > 0 && json.Unmarshal(b, &names) != nil {
		return nil
	}
	return names
}

// maskValues replaces the secret values in s (a job's log lines, shown on failure, are not
// scrubbed by the client, which only masks DLI's own messages).
func maskValues(s string, secrets map[string]string) string {
	values := make([]string, 0, len(secrets))
	for _, v := range secrets {
		if v != "" {
			values = append(values, v)
		}
	}
	sort.Slice(values, func(i, j int) bool { return len(values[i]) > len(values[j]) })
	for _, v := range values {
		s = strings.ReplaceAll(s, v, "***")
	}
	return s
}

func secretValues(secrets map[string]string) []string {
	out := make([]string, 0, len(secrets))
	for _, v := range secrets {
		out = append(out, v)
	}
	return out
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

func mustJSON(v []string) []byte {
	b, _ := json.Marshal(v) // a []string always encodes
	return b
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
