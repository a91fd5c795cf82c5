package provider

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Environment variables, named as in Huawei's own tools so existing shells keep working.
const (
	envRegion        = "HW_REGION_NAME"
	envProjectID     = "HW_PROJECT_ID"
	envAccessKey     = "HW_ACCESS_KEY"
	envSecretKey     = "HW_SECRET_KEY"
	envSecurityToken = "HW_SECURITY_TOKEN"
	envAuthToken     = "HW_AUTH_TOKEN"
	envEndpoint      = "HW_DLI_ENDPOINT"
	envInsecure      = "HW_INSECURE"
	envMaxRetries    = "HW_MAX_RETRIES"

	defaultMaxRetries = 5
	maxRetriesLimit   = client.MaxRetriesLimit
)

func lookupEnv(name string) (string, bool) { return os.LookupEnv(name) }

// resolveConfig merges the provider block with its environment fallbacks and checks the result
// with client.Config.Validate, so that the rules are the client's and the diagnostics, on the
// offending argument, say where a value came from. known is false when a value comes from a
// resource that is not applied yet: the checks are skipped and no client is built.
func resolveConfig(m providerModel, env func(string) (string, bool)) (cfg client.Config, known bool, diags diag.Diagnostics) {
	known = true
	origins := map[string]string{} // argument -> the environment variable its value came from
	str := func(v types.String, attr, name string) string {
		if v.IsUnknown() {
			known = false
			return ""
		}
		if s := v.ValueString(); s != "" {
			return s
		}
		s, _ := env(name)
		if s = strings.TrimSpace(s); s != "" {
			origins[attr] = name
		}
		return s
	}

	cfg.Region = str(m.Region, "region", envRegion)
	cfg.ProjectID = str(m.ProjectID, "project_id", envProjectID)
	creds, credOrigins := chooseCredentials(m, env)
	if creds == nil {
		known = false
	} else {
		cfg.AccessKey, cfg.SecretKey = creds[attrAccessKey], creds[attrSecretKey]
		cfg.SecurityToken, cfg.AuthToken = creds[attrSecurityToken], creds[attrAuthToken]
		for name, origin := range credOrigins {
			if origin != inTheBlock {
				origins[name] = origin
			}
		}
	}
	cfg.Endpoint = str(m.Endpoint, "endpoint", envEndpoint)

	switch {
	case m.Insecure.IsUnknown():
		known = false
	case !m.Insecure.IsNull():
		cfg.Insecure = m.Insecure.ValueBool()
	default:
		if s, ok := env(envInsecure); ok && strings.TrimSpace(s) != "" {
			b, err := strconv.ParseBool(strings.TrimSpace(s))
			if err != nil {
				diags.AddAttributeError(path.Root("insecure"), "Invalid insecure value",
					fmt.Sprintf("%s must be true or false, got %q.", envInsecure, s))
			}
			cfg.Insecure = b
		}
	}

	cfg.MaxRetries = defaultMaxRetries
	switch {
	case m.MaxRetries.IsUnknown():
		known = false
	case !m.MaxRetries.IsNull():
		cfg.MaxRetries = int(m.MaxRetries.ValueInt64())
	default:
		if s, ok := env(envMaxRetries); ok && strings.TrimSpace(s) != "" {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				diags.AddAttributeError(path.Root("max_retries"), "Invalid max_retries value",
					fmt.Sprintf("%s is %q. %s", envMaxRetries, s, configArgs["max_retries"].fix))
			} else {
				cfg.MaxRetries, origins["max_retries"] = n, envMaxRetries // the range is checked by Validate
			}
		}
	}

	if origins != nil {
		signInKnown, signInDiags := resolveSignIn(m, env, &cfg, origins)
		diags.Append(signInDiags...)
		known = known && signInKnown
	}

	if !known {
		return cfg, false, diags
	}
	signInDiags, keyRules := checkSignIn(cfg, origins)
	diags.Append(signInDiags...)
	credReported := signInDiags.HasError()
	if keyRules {
		credDiags := checkCredentials(cfg, credOrigins)
		diags.Append(credDiags...)
		credReported = credReported || credDiags.HasError()
	}
	diags.Append(configProblems(cfg, origins, credReported)...)
	if cfg.Endpoint == "" && cfg.Region != "" {
		cfg.Endpoint = client.DefaultEndpoint(cfg.Region)
	}
	return cfg, true, diags
}

// Credential attributes, with the environment variable each one falls back to.
const (
	attrAccessKey     = "access_key"
	attrSecretKey     = "secret_key"
	attrSecurityToken = "security_token"
	attrAuthToken     = "auth_token"
)

// inTheBlock is the origin of a credential set in the provider block.
const inTheBlock = "the provider block"

var credentialEnv = map[string]string{
	attrAccessKey: envAccessKey, attrSecretKey: envSecretKey, attrSecurityToken: envSecurityToken, attrAuthToken: envAuthToken,
}

// chooseCredentials picks the authentication method. A method set in the provider block wins
// over one that only comes from the environment: a token in the block ignores HW_ACCESS_KEY and
// the rest of the pair, and a key pair in the block ignores HW_AUTH_TOKEN (its missing halves
// still fall back to their variables). Conflicts are only possible inside one source, and are
// left to checkCredentials. origins says where each chosen value came from. The map is nil when
// a value in the block is not known yet.
func chooseCredentials(m providerModel, env func(string) (string, bool)) (creds, origins map[string]string) {
	block := map[string]types.String{
		attrAccessKey: m.AccessKey, attrSecretKey: m.SecretKey, attrSecurityToken: m.SecurityToken, attrAuthToken: m.AuthToken,
	}
	inBlock := map[string]string{}
	for name, v := range block {
		if v.IsUnknown() {
			return nil, nil
		}
		if v.ValueString() != "" {
			inBlock[name] = v.ValueString()
		}
	}
	fromEnv := func(name string) string {
		s, _ := env(credentialEnv[name])
		return strings.TrimSpace(s)
	}
	creds, origins = map[string]string{}, map[string]string{}
	use := func(name string, fallback bool) {
		if v, ok := inBlock[name]; ok {
			creds[name], origins[name] = v, inTheBlock
		} else if v := fromEnv(name); fallback && v != "" {
			creds[name], origins[name] = v, credentialEnv[name]
		}
	}
	_, blockToken := inBlock[attrAuthToken]
	blockPair := len(inBlock) > 0 && (!blockToken || len(inBlock) > 1)
	switch {
	case blockToken && !blockPair:
		use(attrAuthToken, false)
		use(attrSecurityToken, false)
	case blockPair && !blockToken:
		for _, name := range []string{attrAccessKey, attrSecretKey, attrSecurityToken} {
			use(name, true)
		}
	default: // all from the block (a conflict there, if any) or all from the environment
		for name := range credentialEnv {
			use(name, len(inBlock) == 0)
		}
	}
	return creds, origins
}

func checkCredentials(cfg client.Config, origins map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	from := func(names ...string) string {
		var parts []string
		for _, n := range names {
			if o := origins[n]; o != "" {
				parts = append(parts, n+" from "+o)
			}
		}
		return " (" + strings.Join(parts, ", ") + ")"
	}
	hasAK, hasSK := cfg.AccessKey != "", cfg.SecretKey != ""
	switch {
	case cfg.AuthToken != "" && (hasAK || hasSK):
		where := "in the provider block: remove auth_token or access_key/secret_key there."
		if origins[attrAuthToken] != inTheBlock {
			where = "in the environment and the provider block sets no credentials: unset " + envAuthToken + " or " +
				envAccessKey + "/" + envSecretKey + ", or set the method to use in the provider block (it wins over the environment)."
		}
		diags.AddAttributeError(path.Root("auth_token"), "Conflicting DLI credentials",
			"Both auth_token and an access_key/secret_key pair are set"+from(attrAuthToken, attrAccessKey, attrSecretKey)+
				". Choose one authentication method "+where)
	case cfg.AuthToken != "" && cfg.SecurityToken != "":
		diags.AddAttributeError(path.Root("security_token"), "Security token without access key",
			"security_token belongs to temporary AK/SK credentials and needs access_key and secret_key; "+
				"it cannot be combined with auth_token"+from(attrAuthToken, attrSecurityToken)+".")
	case cfg.AuthToken != "":
		// token mode
	case !hasAK && !hasSK && cfg.SecurityToken != "":
		diags.AddAttributeError(path.Root("security_token"), "Security token without access key",
			"security_token is only used with temporary AK/SK credentials: set access_key and secret_key "+
				"("+envAccessKey+", "+envSecretKey+") as well"+from(attrSecurityToken)+".")
	case !hasAK && !hasSK:
		diags.AddAttributeError(path.Root("access_key"), "Missing DLI credentials",
			"No credentials were found. Set access_key and secret_key (or "+envAccessKey+" and "+envSecretKey+
				"), optionally with security_token for temporary credentials, or set auth_token ("+envAuthToken+").")
	case hasAK && !hasSK:
		diags.AddAttributeError(path.Root("secret_key"), "Missing secret key",
			"access_key is set but secret_key is not"+from(attrAccessKey)+". Set secret_key or "+envSecretKey+".")
	case !hasAK && hasSK:
		diags.AddAttributeError(path.Root("access_key"), "Missing access key",
			"secret_key is set but access_key is not"+from(attrSecretKey)+". Set access_key or "+envAccessKey+".")
	}
	return diags
}
