package provider

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// configArg is how the provider words the problems client.Config.Validate finds with one
// argument: the client owns the rules and says what is wrong, the provider says what to set.
type configArg struct {
	label string // for the summary: "Missing " or "Invalid " + label
	// missing, when set, is the whole detail for an argument left empty.
	missing string
	// fix follows the client's reason.
	fix string
}

// configArgs is keyed by client.ConfigProblem.Field, which names the provider argument.
var configArgs = map[string]configArg{
	"project_id": {label: "project ID",
		missing: "project_id is required: every DLI path is scoped by it. Set region (or " + envRegion + ") so that it is " +
			"found from the region, or set project_id or " + envProjectID + " to the ID of your project in the region " +
			"(IAM console, My Credentials, Projects).",
		fix: "Set project_id or " + envProjectID + " to the ID of your project in the region: 1 to 64 letters and digits."},
	"region": {label: "region",
		missing: "Set region (or " + envRegion + ") to choose the DLI endpoint, or set endpoint (" + envEndpoint + ") explicitly.",
		fix:     "Set region or " + envRegion + " to a region ID, or leave both unset and set endpoint (" + envEndpoint + ")."},
	"endpoint": {label: "endpoint",
		fix: "endpoint (or " + envEndpoint + ") must be an absolute http(s) URL such as https://dli.cn-north-4.myhuaweicloud.com " +
			"and must not carry credentials, a query or a fragment; leave both unset to use the region's endpoint."},
	"max_retries": {label: "max_retries value",
		fix: fmt.Sprintf("max_retries (or %s) must be a whole number between 0 and %d.", envMaxRetries, maxRetriesLimit)},
	attrAccessKey: {label: "access key",
		fix: "Set access_key or " + envAccessKey + " to the ID of an access key (IAM console, My Credentials, Access Keys)."},
	attrSecretKey: {label: "secret key", fix: "Set secret_key or " + envSecretKey + " to the secret of the access key."},
	attrSecurityToken: {label: "security token",
		fix: "security_token (or " + envSecurityToken + ") must be the token issued with temporary AK/SK credentials."},
	attrAuthToken: {label: "auth token", fix: "auth_token (or " + envAuthToken + ") must be an IAM token."},
	"iam_endpoint": {label: "IAM endpoint",
		fix: "iam_endpoint (or " + envIAMEndpoint + ") must be an https URL such as https://iam.cn-north-4.myhuaweicloud.com; " +
			"leave both unset to use the region's IAM endpoint."},
}

// configProblems turns every problem client.Config.Validate reports into a diagnostic on its
// argument. Credential problems are left out when checkCredentials already reported one: its
// message says where each credential came from.
func configProblems(cfg client.Config, origins map[string]string, credentialsReported bool) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, p := range cfg.Validate() {
		if _, isCredential := credentialEnv[p.Field]; isCredential && credentialsReported {
			continue
		}
		if isSignInField(p.Field) && (p.Field != "iam_endpoint" || strings.TrimSpace(cfg.IAMEndpoint) == "") {
			continue // checkSignIn words these, with where each value came from; a bad IAM URL is the client's rule
		}
		arg, ok := configArgs[p.Field]
		if !ok { // a field this provider does not know yet: still on the block, never dropped
			diags.AddError("Invalid DLI provider configuration", upperFirst(p.Message)+".")
			continue
		}
		if arg.missing != "" && configValue(cfg, p.Field) == "" {
			diags.AddAttributeError(path.Root(p.Field), "Missing "+arg.label, arg.missing)
			continue
		}
		detail := upperFirst(p.Message)
		if env := origins[p.Field]; env != "" {
			detail += " (" + p.Field + " from " + env + ")"
		}
		diags.AddAttributeError(path.Root(p.Field), "Invalid "+arg.label, detail+". "+arg.fix)
	}
	return diags
}

// configValue is the value of the location arguments that can be missing.
func configValue(cfg client.Config, field string) string {
	switch field {
	case "project_id":
		return cfg.ProjectID
	case "region":
		return strings.TrimSpace(cfg.Region)
	}
	return "-"
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// isSignInField reports the fields of password login, IAM and assume_role, which checkSignIn
// reports on their own attributes.
func isSignInField(field string) bool {
	switch field {
	case "user_name", "password", "domain_name", "iam_endpoint", "project_name":
		return true
	}
	return field == "assume_role" || strings.HasPrefix(field, "assume_role.")
}
