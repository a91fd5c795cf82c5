package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// configErrorCase is a configuration (a base model, edited, and the environment) with one
// error, on wantPath, whose detail holds wantText.
type configErrorCase struct {
	name     string
	edit     func(*providerModel)
	env      map[string]string
	wantPath path.Path
	wantText string
}

// checkConfigErrors runs each case on the model base(edit) as a parallel subtest; no detail
// may show any of notShown.
func checkConfigErrors(t *testing.T, base func(edit func(*providerModel)) providerModel, tests []configErrorCase, notShown ...string) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := oneConfigError(t, base(tt.edit), tt.env, tt.wantPath)
			if !strings.Contains(d.Detail(), tt.wantText) {
				t.Errorf("detail %q does not contain %q", d.Detail(), tt.wantText)
			}
			for _, secret := range notShown {
				if strings.Contains(d.Detail(), secret) {
					t.Errorf("detail shows a secret: %q", d.Detail())
				}
			}
		})
	}
}

// oneConfigError resolves a configuration that must be known and hold exactly one error, on
// the attribute at want, and returns that error.
func oneConfigError(t *testing.T, m providerModel, env map[string]string, want path.Path) diag.Diagnostic {
	t.Helper()
	_, known, diags := resolveConfig(m, mapEnv(env))
	if !known {
		t.Fatal("expected a known configuration")
	}
	if diags.ErrorsCount() != 1 {
		t.Fatalf("want exactly one error, got %d: %v", diags.ErrorsCount(), diags)
	}
	d := diags.Errors()[0]
	if !diagOn(d, want) {
		t.Errorf("error is on %v, want %v", d, want)
	}
	return d
}

// diagOn tells whether the diagnostic is attached to the attribute at p.
func diagOn(d diag.Diagnostic, p path.Path) bool {
	withPath, ok := d.(interface{ Path() path.Path })
	return ok && withPath.Path().Equal(p)
}

// keyPairModel: region cn-north-4, a project ID and an AK/SK pair, edited.
func keyPairModel(edit func(*providerModel)) providerModel {
	m := nullModel()
	m.Region, m.ProjectID = types.StringValue("cn-north-4"), types.StringValue("0123456789abcdef0123456789abcdef")
	m.AccessKey, m.SecretKey = types.StringValue("AK"), types.StringValue("SK")
	edit(&m)
	return m
}

func TestResolveConfig_rules(t *testing.T) {
	t.Parallel()
	checkConfigErrors(t, keyPairModel, []configErrorCase{
		{"no credentials at all", func(m *providerModel) { m.AccessKey, m.SecretKey = types.StringNull(), types.StringNull() }, nil,
			path.Root("access_key"), "No credentials were found"},
		{"access key without secret key", func(m *providerModel) { m.SecretKey = types.StringNull() }, nil,
			path.Root("secret_key"), "access_key is set but secret_key is not"},
		{"secret key without access key", func(m *providerModel) { m.AccessKey = types.StringNull() }, nil,
			path.Root("access_key"), "secret_key is set but access_key is not"},
		{"security token without access key", func(m *providerModel) {
			m.AccessKey, m.SecretKey, m.SecurityToken = types.StringNull(), types.StringNull(), types.StringValue("st")
		}, nil, path.Root("security_token"), "only used with temporary AK/SK credentials"},
		{"security token with auth token", func(m *providerModel) {
			m.AccessKey, m.SecretKey = types.StringNull(), types.StringNull()
			m.SecurityToken, m.AuthToken = types.StringValue("st"), types.StringValue("tok")
		}, nil, path.Root("security_token"), "cannot be combined with auth_token"},
		{"token and AK/SK pair", func(m *providerModel) { m.AuthToken = types.StringValue("tok") }, nil,
			path.Root("auth_token"), "Choose one authentication method"},
		{"token and AK/SK pair both from the environment", func(m *providerModel) { m.AccessKey, m.SecretKey = types.StringNull(), types.StringNull() },
			map[string]string{envAuthToken: "tok", envAccessKey: "AK", envSecretKey: "SK"},
			path.Root("auth_token"), "auth_token from HW_AUTH_TOKEN, access_key from HW_ACCESS_KEY, secret_key from HW_SECRET_KEY). Choose one authentication method"},
		{"token and AK/SK pair both in the block", func(m *providerModel) { m.AuthToken = types.StringValue("tok") }, map[string]string{envAuthToken: "env-tok"},
			path.Root("auth_token"), "set (auth_token from the provider block, access_key from the provider block, secret_key from the provider block). Choose one authentication method in the provider block"},
		{"half a pair in the block, token in the environment", func(m *providerModel) { m.SecretKey = types.StringNull() }, map[string]string{envAuthToken: "tok"},
			path.Root("secret_key"), "access_key is set but secret_key is not (access_key from the provider block)"},
		// Issue 15: with a region the project is found through IAM, so it is only missing without one.
		{"missing project id", func(m *providerModel) {
			m.ProjectID, m.Region, m.Endpoint = types.StringNull(), types.StringNull(), types.StringValue("http://127.0.0.1:8787")
		}, nil, path.Root("project_id"), "project_id is required"},
		{"malformed project id", func(m *providerModel) { m.ProjectID = types.StringValue("../queues") }, nil,
			path.Root("project_id"), "1 to 64 letters and digits"},
		{"missing region without endpoint", func(m *providerModel) { m.Region = types.StringNull() }, nil,
			path.Root("region"), "Set region"},
		{"malformed region", func(m *providerModel) { m.Region = types.StringValue("North 4") }, nil,
			path.Root("region"), "region ID such as cn-north-4"},
		{"relative endpoint", func(m *providerModel) { m.Endpoint = types.StringValue("dli.example.com") }, nil,
			path.Root("endpoint"), "absolute http(s) URL"},
		{"ftp endpoint", func(m *providerModel) { m.Endpoint = types.StringValue("ftp://dli.example.com") }, nil,
			path.Root("endpoint"), "absolute http(s) URL"},
		{"plain http to a remote host", func(m *providerModel) { m.Endpoint = types.StringValue("http://dli.example.com") }, nil,
			path.Root("endpoint"), "plain http to a non-loopback host"},
		{"plain http to a private address", func(m *providerModel) { m.Endpoint = types.StringValue("http://10.0.0.8:8787") }, nil,
			path.Root("endpoint"), "plain http to a non-loopback host"},
		{"endpoint with credentials", func(m *providerModel) { m.Endpoint = types.StringValue("https://u:p@dli.example.com") }, nil,
			path.Root("endpoint"), "must not carry credentials"},
		{"bad HW_MAX_RETRIES", func(*providerModel) {}, map[string]string{envMaxRetries: "many"},
			path.Root("max_retries"), "whole number between 0 and 20"},
		{"bad HW_INSECURE", func(*providerModel) {}, map[string]string{envInsecure: "perhaps"},
			path.Root("insecure"), "must be true or false"},
	})
}

func TestResolveConfig_valid(t *testing.T) {
	t.Parallel()
	type validCase struct {
		name         string
		model        providerModel
		env          map[string]string
		wantEndpoint string
		wantRetries  int
		wantAuth     string // "token", "aksk" or "temporary-aksk"; empty: not checked
	}
	tests := []validCase{
		{
			name:         "everything from the environment",
			model:        nullModel(),
			env:          map[string]string{envRegion: "cn-north-4", envProjectID: "p1", envAccessKey: "AK", envSecretKey: "SK", envMaxRetries: "2"},
			wantEndpoint: "https://dli.cn-north-4.myhuaweicloud.com",
			wantRetries:  2,
		},
		{
			name: "token and loopback emulator, no region",
			model: func() providerModel {
				m := nullModel()
				m.ProjectID, m.AuthToken, m.Endpoint = types.StringValue("p1"), types.StringValue("tok"), types.StringValue("http://127.0.0.1:8787")
				return m
			}(),
			wantEndpoint: "http://127.0.0.1:8787",
			wantRetries:  defaultMaxRetries,
		},
		{
			name: "temporary credentials, localhost by name",
			model: func() providerModel {
				m := nullModel()
				m.ProjectID, m.Endpoint = types.StringValue("p1"), types.StringValue("http://localhost:1234")
				m.AccessKey, m.SecretKey, m.SecurityToken = types.StringValue("AK"), types.StringValue("SK"), types.StringValue("ST")
				m.MaxRetries = types.Int64Value(0)
				return m
			}(),
			wantEndpoint: "http://localhost:1234",
			wantRetries:  0,
		},
		{
			name: "config wins over environment",
			model: func() providerModel {
				m := nullModel()
				m.Region, m.ProjectID, m.AuthToken = types.StringValue("eu-west-101"), types.StringValue("p2"), types.StringValue("tok")
				return m
			}(),
			env:          map[string]string{envRegion: "cn-north-4", envProjectID: "p1"},
			wantEndpoint: "https://dli.eu-west-101.myhuaweicloud.eu",
			wantRetries:  defaultMaxRetries,
		},
	}
	block := func(edit func(*providerModel)) providerModel {
		m := nullModel()
		m.ProjectID, m.Endpoint = types.StringValue("p1"), types.StringValue("http://127.0.0.1:8787")
		edit(&m)
		return m
	}
	tests = append(tests, []validCase{
		// Credentials in the provider block beat another method that only comes from the environment.
		{"token in the block, key pair in the environment", block(func(m *providerModel) { m.AuthToken = types.StringValue("tok") }),
			map[string]string{envAccessKey: "AK", envSecretKey: "SK", envSecurityToken: "ST"}, "http://127.0.0.1:8787", defaultMaxRetries, "token"},
		{"key pair in the block, token in the environment", block(func(m *providerModel) {
			m.AccessKey, m.SecretKey = types.StringValue("AK"), types.StringValue("SK")
		}), map[string]string{envAuthToken: "tok"}, "http://127.0.0.1:8787", defaultMaxRetries, "aksk"},
		{"access key in the block, its secret from the environment", block(func(m *providerModel) { m.AccessKey = types.StringValue("AK") }),
			map[string]string{envSecretKey: "SK", envSecurityToken: "ST", envAuthToken: "tok"}, "http://127.0.0.1:8787", defaultMaxRetries, "temporary-aksk"},
	}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, known, diags := resolveConfig(tt.model, mapEnv(tt.env))
			if tt.wantAuth != "" && authMode(cfg) != tt.wantAuth {
				t.Errorf("auth mode = %s, want %s", authMode(cfg), tt.wantAuth)
			}
			if diags.HasError() || !known {
				t.Fatalf("unexpected diagnostics %v (known=%v)", diags, known)
			}
			if cfg.Endpoint != tt.wantEndpoint {
				t.Errorf("endpoint = %q, want %q", cfg.Endpoint, tt.wantEndpoint)
			}
			if cfg.MaxRetries != tt.wantRetries {
				t.Errorf("max retries = %d, want %d", cfg.MaxRetries, tt.wantRetries)
			}
		})
	}
}

func TestResolveConfig_unknownValuesAreAllowed(t *testing.T) {
	t.Parallel()
	m := nullModel()
	m.ProjectID = types.StringUnknown()
	_, known, diags := resolveConfig(m, mapEnv(nil))
	if known || diags.HasError() {
		t.Fatalf("unknown project_id: known=%v diags=%v; want unknown and no error", known, diags)
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	if got := userAgent("1.2.3", "1.5.7"); got != "terraform-provider-dli/1.2.3 Terraform/1.5.7" {
		t.Errorf("user agent = %q", got)
	}
}

func nullModel() providerModel {
	return providerModel{
		Region: types.StringNull(), ProjectID: types.StringNull(), AccessKey: types.StringNull(),
		SecretKey: types.StringNull(), SecurityToken: types.StringNull(), AuthToken: types.StringNull(),
		Endpoint: types.StringNull(), Insecure: types.BoolNull(), MaxRetries: types.Int64Null(),
	}
}

func mapEnv(env map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
}

// The rules are client.Config.Validate's: problems only the client checks (a space in the access
// key, a line break in a token) land on their argument, and a value taken from the environment
// is named as such.
func TestResolveConfig_clientRulesOnTheArgument(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		edit     func(*providerModel)
		env      map[string]string
		wantPath path.Path
		wantText []string
	}{
		{"region from the environment", func(m *providerModel) { m.Region = types.StringNull() }, map[string]string{envRegion: "North 4"},
			path.Root("region"), []string{"region ID such as cn-north-4", "(region from HW_REGION_NAME)", "Set region or HW_REGION_NAME"}},
		{"project id from the environment", func(m *providerModel) { m.ProjectID = types.StringNull() }, map[string]string{envProjectID: "a/b"},
			path.Root("project_id"), []string{`"a/b"`, "(project_id from HW_PROJECT_ID)", "1 to 64 letters and digits"}},
		{"endpoint from the environment", func(*providerModel) {}, map[string]string{envEndpoint: "http://dli.example.com"},
			path.Root("endpoint"), []string{"plain http to a non-loopback host", "(endpoint from HW_DLI_ENDPOINT)"}},
		{"max_retries above the limit from the environment", func(*providerModel) {}, map[string]string{envMaxRetries: "25"},
			path.Root("max_retries"), []string{"at most 20, got 25", "(max_retries from HW_MAX_RETRIES)", "between 0 and 20"}},
		{"access key with a space", func(m *providerModel) { m.AccessKey = types.StringValue("A K") }, nil,
			path.Root("access_key"), []string{"spaces", "Set access_key or HW_ACCESS_KEY"}},
		{"secret key from the environment", func(m *providerModel) { m.AccessKey, m.SecretKey = types.StringNull(), types.StringNull() },
			map[string]string{envAccessKey: "A,K", envSecretKey: "SK"}, path.Root("access_key"), []string{"(access_key from HW_ACCESS_KEY)"}},
		{"auth token with a line break", func(m *providerModel) {
			m.AccessKey, m.SecretKey, m.AuthToken = types.StringNull(), types.StringNull(), types.StringValue("tok\nen")
		}, nil, path.Root("auth_token"), []string{"line break", "must be an IAM token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := oneConfigError(t, keyPairModel(tt.edit), tt.env, tt.wantPath)
			for _, want := range tt.wantText {
				if !strings.Contains(d.Detail(), want) {
					t.Errorf("detail %q does not contain %q", d.Detail(), want)
				}
			}
			for _, secret := range []string{"tok\nen", "SK"} {
				if strings.Contains(d.Detail(), secret) {
					t.Errorf("detail %q shows a secret", d.Detail())
				}
			}
		})
	}
}
