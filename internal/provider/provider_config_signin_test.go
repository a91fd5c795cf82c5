package provider

import (
	"errors"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

func assumeRoleBlock(agency, domain string, duration int64) types.Object {
	str := func(s string) attr.Value {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	d := types.Int64Null()
	if duration != 0 {
		d = types.Int64Value(duration)
	}
	return types.ObjectValueMust(assumeRoleAttrTypes, map[string]attr.Value{"agency_name": str(agency), "domain_name": str(domain), "duration": d})
}

// signInModel: region cn-north-4, no project, no credentials.
func signInModel(edit func(*providerModel)) providerModel {
	m := nullModel()
	m.Region = types.StringValue("cn-north-4")
	edit(&m)
	return m
}

func withPassword(m *providerModel) {
	m.UserName, m.Password, m.DomainName = types.StringValue("alice"), types.StringValue("Correct-Horse-7"), types.StringValue("acme")
}

func withKeys(m *providerModel) {
	m.AccessKey, m.SecretKey = types.StringValue("AK"), types.StringValue("SK")
}

func TestResolveConfig_signInRules(t *testing.T) {
	t.Parallel()
	checkConfigErrors(t, signInModel, []configErrorCase{
		{"password without user name", func(m *providerModel) { withPassword(m); m.UserName = types.StringNull() }, nil,
			path.Root("user_name"), "password is set but user_name is not (password from the provider block)"},
		{"user name without password", func(m *providerModel) { withPassword(m); m.Password = types.StringNull() }, nil,
			path.Root("password"), "user_name is set but password is not"},
		{"password login without domain", func(m *providerModel) { withPassword(m); m.DomainName = types.StringNull() }, nil,
			path.Root("domain_name"), "needs the account (domain) name"},
		{"password and key pair in the block", func(m *providerModel) { withPassword(m); withKeys(m) }, nil,
			path.Root("password"), "Choose one authentication method"},
		{"password and token in the block", func(m *providerModel) { withPassword(m); m.AuthToken = types.StringValue("tok") }, nil,
			path.Root("password"), "Choose one authentication method"},
		{"password and key pair in the environment", func(*providerModel) {},
			map[string]string{envUserName: "alice", envPassword: "pw", envDomainName: "acme", envAccessKey: "AK", envSecretKey: "SK"},
			path.Root("password"), "(user_name from HW_USER_NAME) (password from HW_PASSWORD) and an access_key/secret_key pair"},
		{"agency without base credentials", func(m *providerModel) { m.AssumeRole = assumeRoleBlock("dli_admin", "central", 0) }, nil,
			path.Root("assume_role"), "An agency is assumed with your own credentials"},
		{"agency from the environment without base credentials", func(*providerModel) {},
			map[string]string{envAgencyName: "dli_admin", envAgencyDomainName: "central"},
			path.Root("assume_role"), "An agency is assumed with your own credentials"},
		{"agency without name", func(m *providerModel) { withKeys(m); m.AssumeRole = assumeRoleBlock("", "central", 0) }, nil,
			path.Root("assume_role").AtName("agency_name"), "assume_role needs agency_name"},
		{"agency without domain", func(m *providerModel) { withKeys(m); m.AssumeRole = assumeRoleBlock("dli_admin", "", 0) }, nil,
			path.Root("assume_role").AtName("domain_name"), "assume_role needs domain_name"},
		{"bad HW_ASSUME_ROLE_DURATION", func(m *providerModel) { withKeys(m); m.AssumeRole = assumeRoleBlock("dli_admin", "central", 0) },
			map[string]string{envAgencyDuration: "60"}, path.Root("assume_role").AtName("duration"), "between 900 and 86400"},
		{"IAM endpoint in clear text", func(m *providerModel) { withKeys(m); m.IAMEndpoint = types.StringValue("http://iam.example.com") }, nil,
			path.Root("iam_endpoint"), "IAM endpoint \"http://iam.example.com\": it uses plain http"},
		{"password login without region or IAM endpoint", func(m *providerModel) {
			withPassword(m)
			m.Region, m.Endpoint, m.ProjectID = types.StringNull(), types.StringValue("http://127.0.0.1:8787"), types.StringValue("p1")
		}, nil, path.Root("iam_endpoint"), "set region (or HW_REGION_NAME) or iam_endpoint"},
		{"no project, no region: nothing to look up", func(m *providerModel) {
			withKeys(m)
			m.Region, m.Endpoint = types.StringNull(), types.StringValue("http://127.0.0.1:8787")
		}, map[string]string{envProjectName: "cn-north-4"}, path.Root("project_id"), "project_id is required"},
	}, "Correct-Horse-7")
}

func TestResolveConfig_signInValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		edit     func(*providerModel)
		env      map[string]string
		check    func(t *testing.T, cfg client.Config)
		warnings int
	}{
		{"keys and region: the project is found", withKeys, nil, func(t *testing.T, cfg client.Config) {
			if cfg.ProjectID != "" || !cfg.CanFindProject() || cfg.AssumeRole != nil || cfg.UserName != "" {
				t.Errorf("config %+v", cfg)
			}
		}, 0},
		{"everything from Huawei's variables", func(*providerModel) {}, map[string]string{
			envUserName: "alice", envPassword: "pw", envDomainName: "acme", envProjectName: "cn-north-4_sub",
			envIAMEndpoint: "https://iam.example.com", envAgencyName: "dli_admin", envAgencyDomainName: "central", envAgencyDuration: "3600",
		}, func(t *testing.T, cfg client.Config) {
			want := client.AssumeRole{AgencyName: "dli_admin", DomainName: "central", Duration: time.Hour}
			if cfg.UserName != "alice" || cfg.Password != "pw" || cfg.DomainName != "acme" || cfg.ProjectName != "cn-north-4_sub" ||
				cfg.IAMEndpoint != "https://iam.example.com" || cfg.AssumeRole == nil || *cfg.AssumeRole != want {
				t.Errorf("config %+v, agency %+v", cfg, cfg.AssumeRole)
			}
		}, 0},
		{"password in the block, keys in the environment", withPassword, map[string]string{envAccessKey: "AK", envSecretKey: "SK", envAuthToken: "tok"},
			func(t *testing.T, cfg client.Config) {
				if cfg.UserName != "alice" || cfg.AccessKey != "" || cfg.SecretKey != "" || cfg.AuthToken != "" {
					t.Errorf("config %+v", cfg)
				}
			}, 0},
		{"keys in the block, password in the environment", withKeys, map[string]string{envUserName: "alice", envPassword: "pw", envDomainName: "acme"},
			func(t *testing.T, cfg client.Config) {
				if cfg.UserName != "" || cfg.Password != "" || cfg.AccessKey != "AK" {
					t.Errorf("config %+v", cfg)
				}
			}, 0},
		{"agency block, domain and duration from the environment", func(m *providerModel) {
			withKeys(m)
			m.AssumeRole = assumeRoleBlock("dli_admin", "", 0)
		}, map[string]string{envAgencyDomainName: "central", envAgencyDuration: "7200"}, func(t *testing.T, cfg client.Config) {
			if a := cfg.AssumeRole; a == nil || a.AgencyName != "dli_admin" || a.DomainName != "central" || a.Duration != 2*time.Hour {
				t.Errorf("agency %+v", a)
			}
		}, 0},
		{"duration in the block wins", func(m *providerModel) {
			withKeys(m)
			m.AssumeRole = assumeRoleBlock("dli_admin", "central", 900)
		}, map[string]string{envAgencyDuration: "7200"}, func(t *testing.T, cfg client.Config) {
			if a := cfg.AssumeRole; a == nil || a.Duration != 15*time.Minute {
				t.Errorf("agency %+v", a)
			}
		}, 0},
		{"half an agency in the environment is ignored", withKeys, map[string]string{envAgencyName: "dli_admin"}, func(t *testing.T, cfg client.Config) {
			if cfg.AssumeRole != nil {
				t.Errorf("agency %+v", cfg.AssumeRole)
			}
		}, 1},
		{"domain name next to a key pair is harmless", func(m *providerModel) { withKeys(m); m.DomainName = types.StringValue("acme") }, nil,
			func(t *testing.T, cfg client.Config) {
				if cfg.UserName != "" || cfg.AccessKey != "AK" {
					t.Errorf("config %+v", cfg)
				}
			}, 0},
		{"private cloud: project by name on an IAM endpoint, no region", func(m *providerModel) {
			withKeys(m)
			m.Region, m.Endpoint = types.StringNull(), types.StringValue("https://dli.example.com")
			m.ProjectName, m.IAMEndpoint = types.StringValue("main"), types.StringValue("https://iam.example.com")
		}, nil, func(t *testing.T, cfg client.Config) {
			if !cfg.CanFindProject() {
				t.Error("cannot find the project")
			}
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, known, diags := resolveConfig(signInModel(tt.edit), mapEnv(tt.env))
			if diags.HasError() || !known || diags.WarningsCount() != tt.warnings {
				t.Fatalf("diagnostics %v (known=%v), want %d warnings", diags, known, tt.warnings)
			}
			if problems := cfg.Validate(); len(problems) > 0 {
				t.Fatalf("the client disagrees: %+v", problems)
			}
			tt.check(t, cfg)
		})
	}
}

func TestResolveConfig_unknownSignInValues(t *testing.T) {
	t.Parallel()
	for name, edit := range map[string]func(*providerModel){
		"password":    func(m *providerModel) { withPassword(m); m.Password = types.StringUnknown() },
		"agency":      func(m *providerModel) { withKeys(m); m.AssumeRole = types.ObjectUnknown(assumeRoleAttrTypes) },
		"agency name": func(m *providerModel) { withKeys(m); m.AssumeRole = unknownAgencyName() },
	} {
		_, known, diags := resolveConfig(signInModel(edit), mapEnv(nil))
		if known || diags.HasError() {
			t.Errorf("%s unknown: known=%v diags=%v; want unknown and no error", name, known, diags)
		}
	}
}

func unknownAgencyName() types.Object {
	return types.ObjectValueMust(assumeRoleAttrTypes, map[string]attr.Value{
		"agency_name": types.StringUnknown(), "domain_name": types.StringValue("central"), "duration": types.Int64Null(),
	})
}

func TestSignInDiagnostic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err     error
		path    path.Path
		summary string
	}{
		{&client.SignInError{Field: "project_id", Err: errors.New("none")}, path.Root("project_id"), "Cannot find the DLI project"},
		{&client.SignInError{Field: "password", Err: errors.New("no")}, path.Root("password"), "IAM refused the password login"},
		{&client.SignInError{Field: "assume_role", Err: errors.New("no")}, path.Root("assume_role"), "IAM refused to assume the agency"},
		{&client.SignInError{Field: "iam_endpoint", Err: errors.New("down")}, path.Root("iam_endpoint"), "IAM is unreachable"},
		{&client.SignInError{Field: "assume_role.duration", Err: errors.New("x")}, path.Root("assume_role").AtName("duration"), "DLI sign-in failed"},
	}
	for _, tt := range tests {
		d := signInDiagnostic(tt.err)
		if !diagOn(d, tt.path) || d.Summary() != tt.summary || d.Detail() != tt.err.Error() {
			t.Errorf("%v: diagnostic %v", tt.err, d)
		}
	}
	if d := signInDiagnostic(errors.New("dli: other")); d.Summary() != "Invalid DLI provider configuration" {
		t.Errorf("plain error: %v", d)
	}
}
