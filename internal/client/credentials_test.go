package client

import (
	"strings"
	"testing"
	"time"
)

func TestCredentialExpiry(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &Client{now: func() time.Time { return now }}
	tests := map[string]time.Time{
		"2024-01-01T01:00:00.000000Z": now.Add(time.Hour),
		"2024-01-01T01:00:00Z":        now.Add(time.Hour),
		"2024-01-01T01:00:00.5+00:00": now.Add(time.Hour + 500*time.Millisecond),
		"2024-01-01T01:00:00.123456":  now.Add(time.Hour + 123456*time.Microsecond),
		"2024-01-01T00:00:30Z":        {}, // our clock sees it (nearly) passed: unknown
		"2023-12-31T00:00:00Z":        {},
		"tomorrow":                    {},
		"":                            {},
	}
	for in, want := range tests {
		if got := c.credentialExpiry(in); !got.Equal(want) {
			t.Errorf("credentialExpiry(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestValidateSignIn(t *testing.T) {
	base := testConfig("https://dli.cn-north-4.myhuaweicloud.com")
	base.ProjectID = ""
	tests := []struct {
		name   string
		mod    func(*Config)
		fields string
		text   string
	}{
		{"project found from the region", func(*Config) {}, "", ""},
		{"project found by name on a private IAM", func(c *Config) {
			c.Region, c.ProjectName, c.IAMEndpoint = "", "p", "https://iam.example.com"
		}, "", ""},
		{"no region, no project", func(c *Config) { c.Region = "" }, "project_id", "a region is needed to find it"},
		{"password login", passwordMode, "", ""},
		{"password without user", func(c *Config) { passwordMode(c); c.UserName = "" }, "user_name", "a password requires a user name"},
		{"user without password", func(c *Config) { passwordMode(c); c.Password = "" }, "password", "a user name requires a password"},
		{"password without domain", func(c *Config) { passwordMode(c); c.DomainName = "" }, "domain_name", "domain (account) name"},
		{"password and key pair", func(c *Config) { passwordMode(c); c.AccessKey, c.SecretKey = "AK", "SK" }, "password", "not several"},
		{"password and token", func(c *Config) { passwordMode(c); c.AuthToken = "tok" }, "password", "not several"},
		{"domain name with a key pair is ignored", func(c *Config) { c.DomainName = "acme" }, "", ""},
		{"password without region or IAM endpoint", func(c *Config) {
			passwordMode(c)
			c.Region, c.ProjectID = "", "0123456789abcdef0123456789abcdef"
		}, "iam_endpoint", "needs an IAM endpoint or a region"},
		{"IAM endpoint in clear text", func(c *Config) { c.IAMEndpoint = "http://iam.example.com" }, "iam_endpoint", "invalid IAM endpoint"},
		{"agency", agencyMode(time.Hour), "", ""},
		{"agency on a token", func(c *Config) { agencyMode(0)(c); c.AccessKey, c.SecretKey, c.AuthToken = "", "", "tok" }, "", ""},
		{"agency without base credentials", func(c *Config) { agencyMode(0)(c); c.AccessKey, c.SecretKey = "", "" }, "assume_role", "base credentials"},
		{"agency without name", func(c *Config) { agencyMode(0)(c); c.AssumeRole.AgencyName = " " }, "assume_role.agency_name", "name of the agency"},
		{"agency without domain", func(c *Config) { agencyMode(0)(c); c.AssumeRole.DomainName = "" }, "assume_role.domain_name", "domain (account) name"},
		{"agency too short", agencyMode(10 * time.Minute), "assume_role.duration", "15 minutes to 24 hours, got 10m0s"},
		{"agency too long", agencyMode(25 * time.Hour), "assume_role.duration", "15 minutes to 24 hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.mod(&cfg)
			if cfg.AssumeRole != nil {
				ar := *cfg.AssumeRole
				cfg.AssumeRole = &ar
			}
			var fields, msgs []string
			for _, p := range cfg.Validate() {
				fields, msgs = append(fields, p.Field), append(msgs, p.Message)
			}
			if strings.Join(fields, ",") != tt.fields || !strings.Contains(strings.Join(msgs, "|"), tt.text) {
				t.Fatalf("problems %v %v, want %q with %q", fields, msgs, tt.fields, tt.text)
			}
			if strings.Contains(strings.Join(msgs, "|"), fakePassword) {
				t.Fatal("a message shows the password")
			}
		})
	}
}
