package emulator

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

// POST /v3/auth/tokens: the documented 201 answer, and the token signs DLI
// calls within the scope it was issued for.
func TestIAMPasswordToken(t *testing.T) {
	extra := Project{Name: "cn-north-4_sub", ID: "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"}
	w := newIAMWire(t, Options{ExtraProjects: []Project{extra}, TokenTTL: 2 * time.Hour})
	userID := w.h.s.iam.userID(DefaultUserName)
	byID := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"` + userID +
		`","password":"` + DefaultPassword + `"}}},"scope":{"project":{"id":"` + DefaultProjectID + `"}}}}`
	cases := []struct {
		name      string
		body      string
		project   string // token.project.id, "" for a domain scope
		dliStatus int
	}{
		{"project by name", passwordBody(DefaultUserName, DefaultPassword, DefaultDomainName, scopeServed), DefaultProjectID, 200},
		{"project by name and domain", passwordBody(DefaultUserName, DefaultPassword, DefaultDomainName,
			`{"project":{"name":"cn-north-4","domain":{"name":"`+DefaultDomainName+`"}}}`), DefaultProjectID, 200},
		{"project by ID, user by ID", byID, DefaultProjectID, 200},
		{"with totp", strings.Replace(passwordBody(DefaultUserName, DefaultPassword, DefaultDomainName, scopeServed),
			`["password"]`, `["password","totp"]`, 1), DefaultProjectID, 200},
		{"another project", passwordBody(DefaultUserName, DefaultPassword, DefaultDomainName,
			`{"project":{"name":"cn-north-4_sub"}}`), extra.ID, 401},
		{"domain scope", passwordBody(DefaultUserName, DefaultPassword, DefaultDomainName,
			`{"domain":{"name":"`+DefaultDomainName+`"}}`), "", 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.send("POST", "/v3/auth/tokens?nocatalog=true", c.body, nil)
			tok := r.header.Get("X-Subject-Token")
			if r.status != http.StatusCreated || !strings.HasPrefix(tok, "MII") || len(tok) < 64 {
				t.Fatalf("%d %q %s", r.status, tok, r.body)
			}
			if bytes.Contains(r.body, []byte(tok)) || bytes.Contains(r.body, []byte(DefaultPassword)) {
				t.Fatalf("the body holds a secret: %s", r.body)
			}
			b := decodeBody[tokenBody](t, r).Token
			dom := iamNamed{ID: DefaultDomainID, Name: DefaultDomainName}
			if b.IssuedAt != "2024-01-01T00:00:00.000000Z" || b.ExpiresAt != "2024-01-01T02:00:00.000000Z" ||
				strings.Join(b.Methods, ",") != "password" || b.Catalog == nil || len(b.Roles) == 0 ||
				b.User != (tokenUser{Domain: dom, ID: userID, Name: DefaultUserName}) {
				t.Errorf("token %+v", b)
			}
			switch {
			case c.project == "" && (b.Project != nil || b.Domain == nil || *b.Domain != dom):
				t.Errorf("domain scope: %s", r.body)
			case c.project != "" && (b.Domain != nil || b.Project == nil || b.Project.ID != c.project || b.Project.Domain != dom):
				t.Errorf("project scope: %s", r.body)
			}
			if got := w.dliList(withToken(tok)); got.status != c.dliStatus {
				t.Fatalf("DLI with the token: %d %s", got.status, got.body)
			} else if c.dliStatus == 401 {
				wantGatewayError(t, got, subProjectMismatch)
			}
			// Every token reaches IAM, whatever its scope.
			if got := w.send("GET", "/v3/projects?name=cn-north-4", "", withToken(tok)); got.status != 200 {
				t.Fatalf("IAM with the token: %d %s", got.status, got.body)
			}
		})
	}
	// The job owner is the signed-in user.
	tok := w.login()
	r := w.send("POST", pp(""), `{"file":"obs://b/a.jar","queue":"default"}`, withToken(tok))
	if c := decodeBody[createResponse](t, r); r.status != 200 || c.Owner != DefaultUserName {
		t.Fatalf("create with the token: %d %s", r.status, r.body)
	}
}

func TestIAMPasswordTokenRefusals(t *testing.T) {
	w := newIAMWire(t, Options{Users: []User{{Name: "alice", Password: "s3cret!"}}})
	ok := func(user, pw, domain string) string { return passwordBody(user, pw, domain, scopeServed) }
	cases := []struct {
		name   string
		body   string
		status int
		msg    string
	}{
		{"wrong password", ok("alice", "guess", DefaultDomainName), 401, msgWrongPassword},
		{"unknown user", ok("bob", "s3cret!", DefaultDomainName), 401, msgWrongPassword},
		{"demo user not configured", ok(DefaultUserName, DefaultPassword, DefaultDomainName), 401, msgWrongPassword},
		{"other account", ok("alice", "s3cret!", "other-domain"), 401, msgWrongPassword},
		{"unknown user ID", strings.Replace(ok("alice", "s3cret!", ""), `"name":"alice"`, `"id":"0000"`, 1), 401, msgWrongPassword},
		{"unknown project", passwordBody("alice", "s3cret!", DefaultDomainName, `{"project":{"name":"cn-east-3"}}`), 401, msgNeedsAuth},
		{"project of another account", passwordBody("alice", "s3cret!", DefaultDomainName,
			`{"project":{"name":"cn-north-4","domain":{"name":"other"}}}`), 401, msgNeedsAuth},
		{"other domain scope", passwordBody("alice", "s3cret!", DefaultDomainName, `{"domain":{"id":"123"}}`), 401, msgNeedsAuth},
		{"empty project scope", passwordBody("alice", "s3cret!", DefaultDomainName, `{"project":{}}`), 401, msgNeedsAuth},
		{"no scope", passwordBody("alice", "s3cret!", DefaultDomainName, `null`), 400, msgBadTokenBody},
		{"two scopes", passwordBody("alice", "s3cret!", DefaultDomainName,
			`{"project":{"name":"cn-north-4"},"domain":{"name":"`+DefaultDomainName+`"}}`), 400, msgBadTokenBody},
		{"name without a domain", ok("alice", "s3cret!", ""), 400, msgBadTokenBody},
		{"no password", ok("alice", "", DefaultDomainName), 400, msgBadTokenBody},
		{"token method", strings.Replace(ok("alice", "s3cret!", DefaultDomainName), `["password"]`, `["token"]`, 1), 400, msgBadTokenBody},
		{"extra method", strings.Replace(ok("alice", "s3cret!", DefaultDomainName), `["password"]`, `["password","x"]`, 1), 400, msgBadTokenBody},
		{"malformed JSON", `{"auth":`, 400, msgBadTokenBody},
		{"wrong type", `{"auth":{"identity":"password"}}`, 400, msgBadTokenBody},
		{"key twice", `{"auth":{},"auth":{}}`, 400, msgBadTokenBody},
		{"empty body", ``, 400, msgBadTokenBody},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.send("POST", "/v3/auth/tokens", c.body, nil)
			b := decodeBody[keystoneErrorBody](t, r).Error
			if r.status != c.status || b.Code != c.status || b.Message != c.msg || b.Title != http.StatusText(c.status) ||
				r.header.Get("X-Subject-Token") != "" {
				t.Fatalf("got %d %s, want %d %q", r.status, r.body, c.status, c.msg)
			}
		})
	}
	if r := w.send("POST", "/v3/auth/tokens", ok("alice", "s3cret!", DefaultDomainName), nil); r.status != 201 {
		t.Fatalf("alice: %d %s", r.status, r.body)
	}
	// No user, no password sign-in.
	none := newIAMWire(t, Options{Users: []User{}})
	if r := none.send("POST", "/v3/auth/tokens", ok(DefaultUserName, DefaultPassword, DefaultDomainName), nil); r.status != 401 {
		t.Fatalf("no users: %d %s", r.status, r.body)
	}
}

// A token lives Options.TokenTTL on the emulator's clock; once expired the
// gateway says so (401 APIGW.0301 "token expires, expires_at: …") and a
// new sign-in renews it.
func TestIAMTokenExpiry(t *testing.T) {
	w := newIAMWire(t, Options{TokenTTL: time.Hour})
	old := w.login()
	w.h.clock.Advance(59 * time.Minute)
	if r := w.dliList(withToken(old)); r.status != 200 {
		t.Fatalf("before expiry: %d %s", r.status, r.body)
	}
	renewed := w.login() // issued at 00:59, expires at 01:59
	w.h.clock.Advance(time.Minute)
	wantGatewayError(t, w.dliList(withToken(old)), "token expires, expires_at: 2024-01-01T01:00:00.000000Z")
	wantIAMError(t, w.send("GET", "/v3/projects", "", withToken(old)), 401, CodeIAMAuth,
		"The request you have made requires authentication.")
	wantIAMError(t, w.send("POST", "/v3.0/OS-CREDENTIAL/securitytokens", assumeBody(`{"agency_name":"`+DefaultAgency+
		`","domain_name":"`+DefaultDomainName+`"}`), withToken(old)), 401, CodeIAMAuth, "")
	if r := w.dliList(withToken(renewed)); r.status != 200 {
		t.Fatalf("renewed token: %d %s", r.status, r.body)
	}
	// The configured tokens never expire.
	w.h.clock.Advance(1000 * time.Hour)
	if r := w.dliList(withToken(DefaultToken)); r.status != 200 {
		t.Fatalf("configured token: %d %s", r.status, r.body)
	}
	// An unknown token is still "decrypt token fail".
	wantGatewayError(t, w.dliList(withToken("MIIEnotissued")), subBadToken)
}
