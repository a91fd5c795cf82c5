package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Signing in through IAM: the project found by name, password login and agencies. The names of
// the variables are Huawei's, so that a shell set up for its provider works for this one.
const (
	envProjectName      = "HW_PROJECT_NAME"
	envIAMEndpoint      = "HW_IAM_ENDPOINT"
	envUserName         = "HW_USER_NAME"
	envPassword         = "HW_PASSWORD"
	envDomainName       = "HW_DOMAIN_NAME"
	envAgencyName       = "HW_ASSUME_ROLE_AGENCY_NAME"
	envAgencyDomainName = "HW_ASSUME_ROLE_DOMAIN_NAME"
	envAgencyDuration   = "HW_ASSUME_ROLE_DURATION"

	minAgencySeconds = int64(client.MinAssumeRoleDuration / time.Second)
	maxAgencySeconds = int64(client.MaxAssumeRoleDuration / time.Second)
)

// assumeRoleModel is the assume_role block.
type assumeRoleModel struct {
	AgencyName types.String `tfsdk:"agency_name"`
	DomainName types.String `tfsdk:"domain_name"`
	Duration   types.Int64  `tfsdk:"duration"`
}

var assumeRoleAttrTypes = map[string]attr.Type{
	"agency_name": types.StringType, "domain_name": types.StringType, "duration": types.Int64Type,
}

// resolveSignIn fills the IAM part of cfg: project name, IAM endpoint, password login and the
// agency. When the provider block chooses a password login and the key pair or token only
// comes from the environment (or the other way round), the block wins, as in
// chooseCredentials. known is false when a value is not known yet.
func resolveSignIn(m providerModel, env func(string) (string, bool), cfg *client.Config, origins map[string]string) (known bool, diags diag.Diagnostics) {
	known = true
	str := func(v types.String, name string) (string, string) {
		if v.IsUnknown() {
			known = false
			return "", ""
		}
		if s := v.ValueString(); s != "" {
			return s, "the provider block"
		}
		s, _ := env(name)
		return strings.TrimSpace(s), name
	}
	cfg.ProjectName, _ = str(m.ProjectName, envProjectName)
	cfg.IAMEndpoint, _ = str(m.IAMEndpoint, envIAMEndpoint)
	cfg.DomainName, _ = str(m.DomainName, envDomainName)

	inBlock := func(vs ...types.String) bool {
		for _, v := range vs {
			if v.ValueString() != "" {
				return true
			}
		}
		return false
	}
	blockPassword := inBlock(m.UserName, m.Password)
	blockKeys := inBlock(m.AccessKey, m.SecretKey, m.SecurityToken, m.AuthToken)
	if !blockKeys || blockPassword { // a key pair in the block ignores HW_USER_NAME/HW_PASSWORD
		var userFrom, passwordFrom string
		cfg.UserName, userFrom = str(m.UserName, envUserName)
		cfg.Password, passwordFrom = str(m.Password, envPassword)
		if blockPassword && !blockKeys { // and a password in the block ignores the keys of the environment
			cfg.AccessKey, cfg.SecretKey, cfg.SecurityToken, cfg.AuthToken = "", "", "", ""
		}
		if cfg.UserName != "" {
			origins["user_name"] = userFrom
		}
		if cfg.Password != "" {
			origins["password"] = passwordFrom
		}
	}

	role, roleKnown, roleDiags := resolveAssumeRole(m.AssumeRole, env)
	diags.Append(roleDiags...)
	known = known && roleKnown
	cfg.AssumeRole = role
	return known, diags
}

// resolveAssumeRole reads the assume_role block, its attributes falling back to their variables.
// Without a block, both HW_ASSUME_ROLE_AGENCY_NAME and HW_ASSUME_ROLE_DOMAIN_NAME turn it on,
// as they do for Huawei's provider; one of them alone is ignored, with a warning.
func resolveAssumeRole(v types.Object, env func(string) (string, bool)) (*client.AssumeRole, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v.IsUnknown() {
		return nil, false, nil
	}
	fromEnv := func(name string) string { s, _ := env(name); return strings.TrimSpace(s) }
	var m assumeRoleModel
	if v.IsNull() {
		agency, domain := fromEnv(envAgencyName), fromEnv(envAgencyDomainName)
		if agency == "" || domain == "" {
			if agency != "" || domain != "" {
				diags.AddWarning("Incomplete agency in the environment",
					"Only one of "+envAgencyName+" and "+envAgencyDomainName+" is set, so no agency is assumed. Set both, or "+
						"write an assume_role block.")
			}
			return nil, true, diags
		}
		m = assumeRoleModel{AgencyName: types.StringNull(), DomainName: types.StringNull(), Duration: types.Int64Null()}
	} else if d := v.As(context.Background(), &m, basetypes.ObjectAsOptions{}); d.HasError() {
		return nil, true, d
	}
	if m.AgencyName.IsUnknown() || m.DomainName.IsUnknown() || m.Duration.IsUnknown() {
		return nil, false, nil
	}
	role := &client.AssumeRole{AgencyName: m.AgencyName.ValueString(), DomainName: m.DomainName.ValueString()}
	if role.AgencyName == "" {
		role.AgencyName = fromEnv(envAgencyName)
	}
	if role.DomainName == "" {
		role.DomainName = fromEnv(envAgencyDomainName)
	}
	seconds := m.Duration.ValueInt64()
	if m.Duration.IsNull() {
		if s := fromEnv(envAgencyDuration); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < minAgencySeconds || n > maxAgencySeconds {
				diags.AddAttributeError(path.Root("assume_role").AtName("duration"), "Invalid agency duration",
					fmt.Sprintf("%s must be a whole number of seconds between %d and %d, got %q.", envAgencyDuration, minAgencySeconds, maxAgencySeconds, s))
			}
			seconds = n
		}
	}
	role.Duration = time.Duration(seconds) * time.Second
	return role, true, diags
}

// checkSignIn reports the mistakes of the IAM modes, and whether checkCredentials (the key pair
// and token rules) still applies.
func checkSignIn(cfg client.Config, origins map[string]string) (diag.Diagnostics, bool) {
	var diags diag.Diagnostics
	hasKeys := cfg.AccessKey != "" || cfg.SecretKey != "" || cfg.SecurityToken != "" || cfg.AuthToken != ""
	if ar := cfg.AssumeRole; ar != nil {
		if strings.TrimSpace(ar.AgencyName) == "" {
			diags.AddAttributeError(path.Root("assume_role").AtName("agency_name"), "Missing agency name",
				"assume_role needs agency_name (or "+envAgencyName+"): the agency created by the delegating account.")
		}
		if strings.TrimSpace(ar.DomainName) == "" {
			diags.AddAttributeError(path.Root("assume_role").AtName("domain_name"), "Missing agency domain",
				"assume_role needs domain_name (or "+envAgencyDomainName+"): the name of the account that created the agency.")
		}
		if cfg.UserName == "" && cfg.Password == "" && !hasKeys {
			diags.AddAttributeError(path.Root("assume_role"), "Agency without base credentials",
				"An agency is assumed with your own credentials: set access_key and secret_key, auth_token, or user_name and "+
					"password (or their HW_* variables) as well.")
			return diags, false
		}
	}
	if cfg.UserName == "" && cfg.Password == "" {
		return diags, true
	}
	where := func(name string) string {
		if o := origins[name]; o != "" {
			return " (" + name + " from " + o + ")"
		}
		return ""
	}
	switch {
	case hasKeys:
		diags.AddAttributeError(path.Root("password"), "Conflicting DLI credentials",
			"A password login"+where("user_name")+where("password")+" and an access_key/secret_key pair or auth_token are set. "+
				"Choose one authentication method: in the provider block it wins over the environment.")
	case cfg.UserName == "":
		diags.AddAttributeError(path.Root("user_name"), "Missing user name",
			"password is set but user_name is not"+where("password")+". Set user_name or "+envUserName+".")
	case cfg.Password == "":
		diags.AddAttributeError(path.Root("password"), "Missing password",
			"user_name is set but password is not"+where("user_name")+". Set password or "+envPassword+".")
	case cfg.DomainName == "":
		diags.AddAttributeError(path.Root("domain_name"), "Missing domain name",
			"A password login needs the account (domain) name of the user: set domain_name or "+envDomainName+".")
	}
	if cfg.Region == "" && strings.TrimSpace(cfg.IAMEndpoint) == "" {
		diags.AddAttributeError(path.Root("iam_endpoint"), "Missing IAM endpoint",
			"A password login goes through IAM: set region (or "+envRegion+") or iam_endpoint ("+envIAMEndpoint+").")
	}
	return diags, false
}

// signInDiagnostic turns a failure of client.SignIn into an error on the argument to fix.
func signInDiagnostic(err error) diag.Diagnostic {
	var se *client.SignInError
	if !errors.As(err, &se) {
		return diag.NewErrorDiagnostic("Invalid DLI provider configuration", err.Error())
	}
	p, summary := path.Root(se.Field), "DLI sign-in failed"
	switch se.Field {
	case "project_id":
		summary = "Cannot find the DLI project"
	case "password":
		summary = "IAM refused the password login"
	case "assume_role":
		summary = "IAM refused to assume the agency"
	case "iam_endpoint":
		summary = "IAM is unreachable"
	}
	if head, tail, ok := strings.Cut(se.Field, "."); ok {
		p = path.Root(head).AtName(tail)
	}
	return diag.NewAttributeErrorDiagnostic(p, summary, err.Error())
}
