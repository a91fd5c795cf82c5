package emulator

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

const demoAgency = `{"agency_name":"` + DefaultAgency + `","domain_name":"` + DefaultDomainName + `","duration_seconds":3600}`

var (
	tempAKRE = regexp.MustCompile(`^[A-Z0-9]{20}$`)
	tempSKRE = regexp.MustCompile(`^[A-Za-z0-9]{40}$`)
)

// POST /v3.0/OS-CREDENTIAL/securitytokens with assume_role, by every kind
// of base credential and spelling: 201 and temporary keys that sign DLI
// calls with their X-Security-Token.
func TestIAMAssumeRole(t *testing.T) {
	w := newIAMWire(t, Options{})
	tok := w.login()
	cases := []struct {
		name   string
		base   auth
		body   string
		expiry string
	}{
		{"AK/SK, domain name", demoKeys, demoAgency, "2024-01-01T01:00:00.000000Z"},
		{"configured token", withToken(DefaultToken), demoAgency, "2024-01-01T01:00:00.000000Z"},
		{"IAM token", withToken(tok), demoAgency, "2024-01-01T01:00:00.000000Z"},
		{"domain ID", demoKeys, `{"agency_name":"` + DefaultAgency + `","domain_id":"` + DefaultDomainID + `"}`, "2024-01-01T00:15:00.000000Z"},
		{"both, legacy xrole_name", demoKeys, `{"xrole_name":"` + DefaultAgency + `","domain_id":"` + DefaultDomainID +
			`","domain_name":"` + DefaultDomainName + `","duration_seconds":86400,"session_user":{"name":"SessionUser"}}`, "2024-01-02T00:00:00.000000Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.send("POST", "/v3.0/OS-CREDENTIAL/securitytokens", assumeBody(c.body), c.base)
			want := `^\{"credential":\{"access":"[A-Z0-9]{20}","expires_at":"` + regexp.QuoteMeta(c.expiry) +
				`","secret":"[A-Za-z0-9]{40}","securitytoken":"[A-Za-z0-9_-]{64,}"\}\}$`
			if r.status != http.StatusCreated || !regexp.MustCompile(want).Match(r.body) {
				t.Fatalf("%d %s", r.status, r.body)
			}
			cr := decodeBody[credentialBody](t, r).Credential
			temp := signedBy(cr.Access, cr.Secret, cr.SecurityToken)
			if got := w.dliList(temp); got.status != 200 {
				t.Fatalf("DLI with the temporary keys: %d %s", got.status, got.body)
			}
			// The security token may be sent unsigned, as golangsdk does.
			unsigned := func(w *iamWire, method, path, body string) http.Header {
				h := signedBy(cr.Access, cr.Secret, "")(w, method, path, body)
				h.Set("X-Security-Token", cr.SecurityToken)
				return h
			}
			if got := w.dliList(unsigned); got.status != 200 {
				t.Fatalf("unsigned security token: %d %s", got.status, got.body)
			}
			wantGatewayError(t, w.dliList(signedBy(cr.Access, cr.Secret, "")), subNoSecToken)
			wantGatewayError(t, w.dliList(signedBy(cr.Access, cr.Secret, "gQwrong")), subBadSecToken)
			wantGatewayError(t, w.dliList(signedBy(cr.Access, "wrong-secret", cr.SecurityToken)), subSignature)
			if got := w.send("GET", "/v3/projects?name=cn-north-4", "", temp); got.status != 200 ||
				len(decodeBody[projectsBody](t, got).Projects) != 1 {
				t.Fatalf("IAM with the temporary keys: %d %s", got.status, got.body)
			}
		})
	}
	// Temporary keys name the agency as the job owner.
	cr := w.assume(demoKeys, demoAgency)
	r := w.send("POST", pp(""), `{"file":"obs://b/a.jar","queue":"default"}`, signedBy(cr.Access, cr.Secret, cr.SecurityToken))
	if c := decodeBody[createResponse](t, r); r.status != 200 || c.Owner != DefaultAgency {
		t.Fatalf("create with temporary keys: %d %s", r.status, r.body)
	}
}

// Temporary keys expire on the emulator's clock; renewed ones work on.
func TestIAMTemporaryKeyExpiry(t *testing.T) {
	w := newIAMWire(t, Options{})
	first := w.assume(demoKeys, `{"agency_name":"`+DefaultAgency+`","domain_name":"`+DefaultDomainName+`"}`)
	w.h.clock.Advance(14 * time.Minute)
	second := w.assume(demoKeys, demoAgency)
	if r := w.dliList(signedBy(first.Access, first.Secret, first.SecurityToken)); r.status != 200 {
		t.Fatalf("before expiry: %d %s", r.status, r.body)
	}
	w.h.clock.Advance(time.Minute)
	wantGatewayError(t, w.dliList(signedBy(first.Access, first.Secret, first.SecurityToken)),
		"security token expires, expires_at: 2024-01-01T00:15:00.000000Z")
	wantIAMError(t, w.send("GET", "/v3/projects", "", signedBy(first.Access, first.Secret, first.SecurityToken)), 401, CodeIAMAuth, "")
	if r := w.dliList(signedBy(second.Access, second.Secret, second.SecurityToken)); r.status != 200 {
		t.Fatalf("renewed keys: %d %s", r.status, r.body)
	}
}

func TestIAMAssumeRoleRefusals(t *testing.T) {
	w := newIAMWire(t, Options{Agencies: []Agency{{Name: "ops"}, {Name: "ops", DomainName: "central"}}})
	ops := func(extra string) string {
		return `{"agency_name":"ops","domain_name":"` + DefaultDomainName + `"` + extra + `}`
	}
	path := "/v3.0/OS-CREDENTIAL/securitytokens"
	cases := []struct {
		name   string
		body   string
		a      auth
		status int
		code   string
	}{
		{"no credentials", assumeBody(ops("")), nil, 401, CodeIAMAuth},
		{"unknown token", assumeBody(ops("")), withToken("nope"), 401, CodeIAMAuth},
		{"bad signature", assumeBody(ops("")), signedBy(DefaultAccessKey, "wrong", ""), 401, CodeIAMAuth},
		{"default agency not configured", assumeBody(demoAgency), demoKeys, 403, CodeIAMForbidden},
		{"unknown agency", assumeBody(`{"agency_name":"nope","domain_name":"` + DefaultDomainName + `"}`), demoKeys, 403, CodeIAMForbidden},
		{"other account", assumeBody(`{"agency_name":"ops","domain_name":"elsewhere"}`), demoKeys, 403, CodeIAMForbidden},
		{"ID and name disagree", assumeBody(ops(`,"domain_id":"00000000000000000000000000000000"`)), demoKeys, 403, CodeIAMForbidden},
		{"no agency name", assumeBody(`{"domain_name":"` + DefaultDomainName + `"}`), demoKeys, 400, CodeIAMRequired},
		{"no domain", assumeBody(`{"agency_name":"ops"}`), demoKeys, 400, CodeIAMRequired},
		{"no assume_role", `{"auth":{"identity":{"methods":["assume_role"]}}}`, demoKeys, 400, CodeIAMRequired},
		{"no identity", `{"auth":{}}`, demoKeys, 400, CodeIAMRequired},
		{"too short", assumeBody(ops(`,"duration_seconds":899`)), demoKeys, 400, CodeIAMInvalidField},
		{"too long", assumeBody(ops(`,"duration_seconds":86401`)), demoKeys, 400, CodeIAMInvalidField},
		{"token method", `{"auth":{"identity":{"methods":["token"],"token":{"duration_seconds":900}}}}`, demoKeys, 400, CodeIAMInvalidField},
		{"two methods", `{"auth":{"identity":{"methods":["assume_role","token"],"assume_role":` + ops("") + `}}}`, demoKeys, 400, CodeIAMInvalidField},
		{"duration as text", assumeBody(ops(`,"duration_seconds":"900"`)), demoKeys, 400, CodeIAMBody},
		{"malformed JSON", `{"auth":`, demoKeys, 400, CodeIAMBody},
		{"key twice", assumeBody(ops(`,"agency_name":"ops"`)), demoKeys, 400, CodeIAMBody},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantIAMError(t, w.send("POST", path, c.body, c.a), c.status, c.code, "")
		})
	}
	// An agency of another account gives keys that IAM accepts but that do
	// not reach the emulator's project, and see none of its projects.
	cr := w.assume(demoKeys, `{"agency_name":"ops","domain_name":"central"}`)
	temp := signedBy(cr.Access, cr.Secret, cr.SecurityToken)
	wantGatewayError(t, w.dliList(temp), subProjectMismatch)
	if r := w.send("GET", "/v3/projects", "", temp); r.status != 200 || len(decodeBody[projectsBody](t, r).Projects) != 0 {
		t.Fatalf("projects of another account: %d %s", r.status, r.body)
	}
	// Temporary keys may assume an agency in turn.
	own := w.assume(demoKeys, ops(""))
	if next := w.assume(signedBy(own.Access, own.Secret, own.SecurityToken), ops("")); !tempAKRE.MatchString(next.Access) ||
		!tempSKRE.MatchString(next.Secret) {
		t.Fatalf("chained: %+v", next)
	}
}

// The admin listing shows what IAM issued, and neither it, the access log
// nor the request log holds a secret.
func TestIAMIssuedCredentialsStaySecret(t *testing.T) {
	var log bytes.Buffer
	w := newIAMWire(t, Options{AccessLog: &log})
	tok := w.login()
	cr := w.assume(withToken(tok), demoAgency)
	w.send("POST", "/v3/auth/tokens", passwordBody(DefaultUserName, "not-"+DefaultPassword, DefaultDomainName, scopeServed), nil)
	w.dliList(signedBy(cr.Access, cr.Secret, "gQwrong"))
	w.h.s.Reset() // keeps issued credentials
	if r := w.dliList(withToken(tok)); r.status != 200 {
		t.Fatalf("token after reset: %d %s", r.status, r.body)
	}
	resp, err := http.Get(w.ts.URL + "/_emulator/jobs/iam")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	admin, _ := io.ReadAll(resp.Body)
	list := decodeBody[[]iamIssued](t, wireResp{body: admin})
	if len(list) != 2 || list[0].Kind != "token" || list[0].UserName != DefaultUserName || list[0].ProjectID != DefaultProjectID ||
		list[1].Kind != "temporary_key" || list[1].ID != cr.Access || list[1].AgencyName != DefaultAgency ||
		list[1].ExpiresAt != cr.ExpiresAt || list[0].ID != hexSHA256([]byte(tok))[:8] {
		t.Fatalf("admin listing %s", admin)
	}
	records := string(marshal(w.h.s.Requests()))
	for _, secret := range []string{tok, cr.Secret, cr.SecurityToken, DefaultPassword} {
		for where, text := range map[string]string{"admin": string(admin), "access log": log.String(), "request log": records} {
			if strings.Contains(text, secret) {
				t.Errorf("the %s holds a secret", where)
			}
		}
	}
}
