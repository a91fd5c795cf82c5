package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func signIn(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := SignIn(context.Background(), cfg)
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	return c
}

func getState(t *testing.T, c *Client) {
	t.Helper()
	if _, err := c.GetBatchJobState(context.Background(), fakeJobID); err != nil {
		t.Fatalf("DLI call: %v", err)
	}
}

func TestDefaultIAMEndpoint(t *testing.T) {
	for region, want := range map[string]string{
		"cn-north-4":  "https://iam.cn-north-4.myhuaweicloud.com",
		"eu-west-101": "https://iam.eu-west-101.myhuaweicloud.eu",
	} {
		if got := DefaultIAMEndpoint(region); got != want {
			t.Errorf("DefaultIAMEndpoint(%s) = %s, want %s", region, got, want)
		}
	}
}

// TestSignInFindsProject: without project_id, one signed (or token)
// GET /v3/projects?name={region or project_name} finds it, and DLI paths use it.
func TestSignInFindsProject(t *testing.T) {
	tests := []struct {
		name, want string
		mod        func(*Config)
	}{
		{"AK/SK, by region", "0123456789abcdef0123456789abcdef", nil},
		{"AK/SK, by project_name", "fedcba9876543210fedcba9876543210", func(c *Config) { c.ProjectName = "cn-east-3" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIAM(t)
			c := signIn(t, signInConfig(f, tt.mod))
			if c.ProjectID() != tt.want {
				t.Fatalf("project %q, want %q", c.ProjectID(), tt.want)
			}
			getState(t, c)
			if got := strings.Join(f.callList(), ","); got != "GET /v3/projects,GET DLI" {
				t.Fatalf("calls %s", got)
			}
			if h := f.header("GET " + pathProjects); !strings.HasPrefix(h.Get("Authorization"), "SDK-HMAC-SHA256 Access=TESTAK,") {
				t.Errorf("project lookup not signed with the key pair: %q", h.Get("Authorization"))
			}
		})
	}
	t.Run("token", func(t *testing.T) {
		f := newFakeIAM(t)
		f.tokens["StaticTokenValue"] = issuedToken{project: "0123456789abcdef0123456789abcdef", expires: f.now.Add(time.Hour)}
		c := signIn(t, signInConfig(f, func(c *Config) { c.AccessKey, c.SecretKey, c.AuthToken = "", "", "StaticTokenValue" }))
		getState(t, c)
		if h := f.header("GET " + pathProjects); h.Get("X-Auth-Token") != "StaticTokenValue" || h.Get("Authorization") != "" {
			t.Errorf("project lookup not made with the token: %v", h)
		}
	})
	t.Run("project_id set: no lookup", func(t *testing.T) {
		f := newFakeIAM(t)
		c := signIn(t, signInConfig(f, func(c *Config) { c.ProjectID = "0123456789abcdef0123456789abcdef" }))
		getState(t, c)
		if f.count("GET "+pathProjects) != 0 {
			t.Error("looked the project up although project_id is set")
		}
	})
}

// TestSignInErrors: each failure is a *SignInError naming the argument to fix,
// with no secret in its text.
func TestSignInErrors(t *testing.T) {
	tests := []struct {
		name      string
		setUp     func(*fakeIAM)
		mod       func(*Config)
		field     string
		text      string
		unreached bool // IAM is not running
	}{
		{"no project of that name", nil, func(c *Config) { c.ProjectName = "ap-southeast-9" }, "project_id", "no project of that name", false},
		{"several projects", func(f *fakeIAM) {
			f.projects = append(f.projects, fakeProject{"aaaabbbbccccddddaaaabbbbccccdddd", "cn-north-4"})
		}, nil, "project_id", "2 projects of that name (0123456789abcdef0123456789abcdef, aaaabbbbccccddddaaaabbbbccccdddd)", false},
		{"key pair unknown to IAM", nil, func(c *Config) { c.AccessKey = "OTHERAK" }, "project_id", "HTTP 401", false},
		{"wrong password", nil, func(c *Config) { passwordMode(c); c.Password = "Wrong-Horse-8" }, "password", "The username or password is wrong", false},
		{"agency refused", nil, func(c *Config) { agencyMode(0)(c); c.AssumeRole.AgencyName = "other" }, "assume_role", "agency not found", false},
		{"agency refused for a password user", nil, func(c *Config) {
			passwordMode(c)
			agencyMode(0)(c)
			c.AssumeRole.DomainName = "elsewhere"
		}, "assume_role", "HTTP 403", false},
		{"IAM unavailable", func(f *fakeIAM) { f.down = true }, passwordMode, "iam_endpoint", "HTTP 503", false},
		{"IAM unreachable", nil, passwordMode, "iam_endpoint", "no answer", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIAM(t)
			if tt.setUp != nil {
				tt.setUp(f)
			}
			cfg := signInConfig(f, tt.mod)
			cfg.MaxRetries = 1
			if tt.unreached {
				f.srv.Close()
			}
			_, err := SignIn(context.Background(), cfg)
			var se *SignInError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want a *SignInError", err, err)
			}
			if se.Field != tt.field || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("error on %q: %v; want %q containing %q", se.Field, err, tt.field, tt.text)
			}
			for _, secret := range []string{fakePassword, "Wrong-Horse-8", "TestSecretKeyValue"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error leaks %q: %v", secret, err)
				}
			}
		})
	}
}

// TestPasswordLogin: a token scoped to the project named after the region,
// whose ID comes from IAM's answer; DLI calls carry it as X-Auth-Token.
func TestPasswordLogin(t *testing.T) {
	f := newFakeIAM(t)
	c := signIn(t, signInConfig(f, passwordMode))
	getState(t, c)
	if c.ProjectID() != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("project %q", c.ProjectID())
	}
	if got := strings.Join(f.callList(), ","); got != "POST /v3/auth/tokens,GET DLI" {
		t.Fatalf("calls %s (the token names the project: no lookup expected)", got)
	}
	want := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"domain":{"name":"acme"},"name":"alice","password":"Correct-Horse-7"}}},` +
		`"scope":{"project":{"domain":{"name":"acme"},"name":"cn-north-4"}}}}`
	if got := mustJSON(t, f.body("POST "+pathTokens, 0)); got != want {
		t.Errorf("login body\n%s\nwant\n%s", got, want)
	}
	if tok := f.header("GET DLI").Get("X-Auth-Token"); !strings.HasPrefix(tok, "MIIToken-1-") {
		t.Errorf("DLI call token %q", tok)
	}
}

// TestPasswordTokenRenewedOn401: a token IAM no longer accepts (expired by
// its clock, not ours) is renewed once and the call succeeds; the renewal
// asks for the project by ID.
func TestPasswordTokenRenewedOn401(t *testing.T) {
	f := newFakeIAM(t)
	c := signIn(t, signInConfig(f, passwordMode))
	getState(t, c)
	f.advance(25 * time.Hour)
	getState(t, c)
	if got := strings.Join(f.callList(), ","); got != "POST /v3/auth/tokens,GET DLI,GET DLI,POST /v3/auth/tokens,GET DLI" {
		t.Fatalf("calls %s", got)
	}
	if scope := f.scope(1); scope != `{"project":{"id":"0123456789abcdef0123456789abcdef"}}` {
		t.Errorf("renewal scope %s", scope)
	}
}

// TestRenewedOnlyOnce: when fresh credentials are refused too, the 401 is
// the answer (one renewal per call, no loop).
func TestRenewedOnlyOnce(t *testing.T) {
	f := newFakeIAM(t)
	c := signIn(t, signInConfig(f, passwordMode))
	f.refuse401 = true
	_, err := c.GetBatchJobState(context.Background(), fakeJobID)
	if !IsAuthFailed(err) {
		t.Fatalf("error %v, want the 401", err)
	}
	if got := strings.Join(f.callList(), ","); got != "POST /v3/auth/tokens,GET DLI,POST /v3/auth/tokens,GET DLI" {
		t.Fatalf("calls %s", got)
	}
}

// TestRenewedBeforeExpiry: credentials close to their expires_at (by our
// clock) are replaced before the call, which is never refused.
func TestRenewedBeforeExpiry(t *testing.T) {
	tests := []struct {
		name       string
		mod        func(*Config)
		path       string
		early, due time.Duration // moves that must not / must renew
	}{
		{"password token (24h)", passwordMode, pathTokens, 23 * time.Hour, 56 * time.Minute},
		{"agency keys (IAM default 15m)", agencyMode(0), pathKeys, 11 * time.Minute, 30 * time.Second},
		{"agency keys (1h)", agencyMode(time.Hour), pathKeys, 54 * time.Minute, 2 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIAM(t)
			clock := &testClock{t: f.now}
			cfg := signInConfig(f, tt.mod)
			cfg.Now = clock.now
			c := signIn(t, cfg)
			getState(t, c)
			for _, d := range []time.Duration{tt.early, tt.due} {
				clock.advance(d)
				f.advance(d)
				getState(t, c)
			}
			if n := f.count("POST " + tt.path); n != 2 {
				t.Errorf("%d credential requests, want 2 (the first and one renewal)", n)
			}
			for _, call := range f.callList() {
				if call == "GET DLI" {
					continue
				}
				if !strings.HasPrefix(call, "POST ") && call != "GET /v3/projects" {
					t.Errorf("unexpected call %s", call)
				}
			}
		})
	}
}

// TestAssumeRole: the base key pair signs the agency request; its
// temporary keys (and security token) sign the project lookup and DLI calls.
func TestAssumeRole(t *testing.T) {
	f := newFakeIAM(t)
	c := signIn(t, signInConfig(f, agencyMode(2*time.Hour)))
	getState(t, c)
	if got := strings.Join(f.callList(), ","); got != "POST "+pathKeys+",GET /v3/projects,GET DLI" {
		t.Fatalf("calls %s", got)
	}
	want := `{"auth":{"identity":{"assume_role":{"agency_name":"dli_admin","domain_name":"central","duration_seconds":7200},"methods":["assume_role"]}}}`
	if got := mustJSON(t, f.body("POST "+pathKeys, 0)); got != want {
		t.Errorf("agency body\n%s\nwant\n%s", got, want)
	}
	if h := f.header("POST " + pathKeys); !strings.Contains(h.Get("Authorization"), "Access=TESTAK,") || h.Get("X-Security-Token") != "" {
		t.Errorf("agency request not signed by the base keys: %v", h)
	}
	for _, call := range []string{"GET " + pathProjects, "GET DLI"} {
		h := f.header(call)
		if !strings.Contains(h.Get("Authorization"), "Access=TEMPAK0001,") || h.Get("X-Security-Token") != "SecurityToken-1-ghijkl" ||
			!strings.Contains(h.Get("Authorization"), "x-security-token") {
			t.Errorf("%s not signed by the temporary keys: %v", call, h)
		}
	}
	t.Run("duration left to IAM", func(t *testing.T) {
		f := newFakeIAM(t)
		signIn(t, signInConfig(f, agencyMode(0)))
		if got := mustJSON(t, f.body("POST "+pathKeys, 0)); strings.Contains(got, "duration_seconds") {
			t.Errorf("duration_seconds sent: %s", got)
		}
	})
	t.Run("with a password login", func(t *testing.T) {
		f := newFakeIAM(t)
		c := signIn(t, signInConfig(f, func(c *Config) { passwordMode(c); agencyMode(0)(c) }))
		getState(t, c)
		if scope := f.scope(0); scope != `{"domain":{"name":"acme"}}` {
			t.Errorf("base token scope %s, want the account", scope)
		}
		if tok := f.header("POST " + pathKeys).Get("X-Auth-Token"); !strings.HasPrefix(tok, "MIIToken-") {
			t.Errorf("agency request not made with the password token: %q", tok)
		}
		if !strings.Contains(f.header("GET DLI").Get("Authorization"), "Access=TEMPAK") {
			t.Error("DLI call not signed by the agency's keys")
		}
	})
	t.Run("revoked keys renewed on 401", func(t *testing.T) {
		f := newFakeIAM(t)
		c := signIn(t, signInConfig(f, agencyMode(0)))
		f.mu.Lock()
		f.temp = map[string]issuedKeys{}
		f.mu.Unlock()
		getState(t, c)
		if n := f.count("POST " + pathKeys); n != 2 {
			t.Errorf("%d agency requests, want 2", n)
		}
	})
}

// TestConcurrentRenewal: calls that all find the credentials stale wait for
// one login instead of each starting their own.
func TestConcurrentRenewal(t *testing.T) {
	f := newFakeIAM(t)
	clock := &testClock{t: f.now}
	cfg := signInConfig(f, passwordMode)
	cfg.Now = clock.now
	c := signIn(t, cfg)
	clock.advance(24 * time.Hour)
	f.advance(24 * time.Hour)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.GetBatchJobState(context.Background(), fakeJobID)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count("POST " + pathTokens); n != 2 {
		t.Fatalf("%d logins, want 2 (the first and one shared renewal)", n)
	}
}

// TestSignInNeverLogsSecrets: at TRACE, nothing IAM issued or was shown
// appears in the logs: password, tokens, temporary keys, signatures.
func TestSignInNeverLogsSecrets(t *testing.T) {
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	f := newFakeIAM(t)
	cfg := signInConfig(f, func(c *Config) { passwordMode(c); agencyMode(0)(c) })
	c, err := SignIn(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetBatchJobState(ctx, fakeJobID); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.temp = map[string]issuedKeys{}
	f.mu.Unlock()
	if _, err := c.GetBatchJobState(ctx, fakeJobID); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "/v3.0/OS-CREDENTIAL/securitytokens") || !strings.Contains(out, "credentials refused, renewed them") {
		t.Fatalf("expected IAM calls and the renewal in the log:\n%s", out)
	}
	secrets := []string{fakePassword, "MIIToken-", "TempSecret-", "SecurityToken-", "Signature="}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log contains %q", s)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

// TestNewStillNeedsAProject: New makes no network call, so without a project
// ID it refuses; password and agency modes sign in on the first request.
func TestNewStillNeedsAProject(t *testing.T) {
	f := newFakeIAM(t)
	if _, err := New(signInConfig(f, nil)); err == nil || !strings.Contains(err.Error(), "SignIn finds it") {
		t.Fatalf("New without a project: %v", err)
	}
	cfg := signInConfig(f, func(c *Config) { passwordMode(c); agencyMode(0)(c) })
	cfg.ProjectID = "0123456789abcdef0123456789abcdef"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.callList()); n != 0 {
		t.Fatalf("New made %d calls", n)
	}
	getState(t, c)
	if got := fmt.Sprint(f.callList()); got != "[POST /v3/auth/tokens POST /v3.0/OS-CREDENTIAL/securitytokens GET DLI]" {
		t.Fatalf("calls %s", got)
	}
}
