package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// iamWire is an emulator behind a real listener (the requests go over the
// wire through the gateway) with the harness's ManualClock.
type iamWire struct {
	t  *testing.T
	h  *harness
	ts *httptest.Server
}

func newIAMWire(t *testing.T, opts Options) *iamWire {
	t.Helper()
	h := newHarness(t, opts)
	ts := httptest.NewServer(h.s)
	t.Cleanup(ts.Close)
	return &iamWire{t: t, h: h, ts: ts}
}

type wireResp struct {
	status int
	header http.Header
	body   []byte
}

// auth produces the credential headers of a request.
type auth func(w *iamWire, method, path, body string) http.Header

func (w *iamWire) send(method, path, body string, a auth) wireResp {
	w.t.Helper()
	var hdr http.Header
	if a != nil {
		hdr = a(w, method, path, body)
	}
	req, err := http.NewRequest(method, w.ts.URL+path, strings.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := w.ts.Client().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return wireResp{status: resp.StatusCode, header: resp.Header, body: b}
}

// withToken authenticates with an X-Auth-Token.
func withToken(tok string) auth {
	return func(*iamWire, string, string, string) http.Header {
		return http.Header{"X-Auth-Token": {tok}, "Content-Type": {"application/json"}}
	}
}

// signedBy signs with ak/sk at the emulator's time, adding secTok (signed)
// when set, as the Go SDK does with temporary credentials.
func signedBy(ak, sk, secTok string) auth {
	return func(w *iamWire, method, path, body string) http.Header {
		u, err := url.Parse(w.ts.URL + path)
		if err != nil {
			w.t.Fatal(err)
		}
		hdr := http.Header{"Content-Type": {"application/json"}}
		names := []string{"content-type", "host", "x-sdk-date"}
		if secTok != "" {
			hdr.Set("X-Security-Token", secTok)
			names = append(names, "x-security-token")
		}
		hdr.Set("X-Sdk-Date", w.h.clock.Now().UTC().Format(sdkDateLayout))
		hdr.Set("Authorization", testAuthorization(method, u, u.Host, hdr, signOpts{
			ak: ak, sk: sk, headers: names, body: []byte(body),
		}))
		return hdr
	}
}

var demoKeys = signedBy(DefaultAccessKey, DefaultSecretKey, "")

// dliList lists batch jobs of the served project: a DLI route behind the
// gateway's authentication.
func (w *iamWire) dliList(a auth) wireResp {
	w.t.Helper()
	return w.send("GET", pp(""), "", a)
}

// passwordBody is a POST /v3/auth/tokens body; scope is the JSON of the
// scope object.
func passwordBody(user, password, domain, scope string) string {
	u := map[string]any{"name": user, "password": password}
	if domain != "" {
		u["domain"] = map[string]string{"name": domain}
	}
	b, _ := json.Marshal(map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": u}},
		"scope":    json.RawMessage(scope),
	}})
	return string(b)
}

const scopeServed = `{"project":{"name":"cn-north-4"}}`

// login signs the demo user in to the served project and returns the token.
func (w *iamWire) login() string {
	w.t.Helper()
	r := w.send("POST", "/v3/auth/tokens", passwordBody(DefaultUserName, DefaultPassword, DefaultDomainName, scopeServed), nil)
	if r.status != http.StatusCreated || r.header.Get("X-Subject-Token") == "" {
		w.t.Fatalf("login: %d %s", r.status, r.body)
	}
	return r.header.Get("X-Subject-Token")
}

func assumeBody(assumeRole string) string {
	return `{"auth":{"identity":{"methods":["assume_role"],"assume_role":` + assumeRole + `}}}`
}

// assume assumes an agency with the base credentials a; it fails the test
// unless IAM answers 201.
func (w *iamWire) assume(a auth, assumeRole string) credentialJSON {
	w.t.Helper()
	r := w.send("POST", "/v3.0/OS-CREDENTIAL/securitytokens", assumeBody(assumeRole), a)
	if r.status != http.StatusCreated {
		w.t.Fatalf("assume %s: %d %s", assumeRole, r.status, r.body)
	}
	return decodeBody[credentialBody](w.t, r).Credential
}

func decodeBody[T any](t *testing.T, r wireResp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %T from %q: %v", v, r.body, err)
	}
	return v
}

// wantIAMError checks an IAM error answer: status, error_code, error_msg.
func wantIAMError(t *testing.T, r wireResp, status int, code, msg string) {
	t.Helper()
	b := decodeBody[iamErrorBody](t, r)
	if r.status != status || b.ErrorCode != code || (msg != "" && b.ErrorMsg != msg) {
		t.Fatalf("got %d %s, want %d %s %q", r.status, r.body, status, code, msg)
	}
}

// wantGatewayError checks a 401 APIGW.0301 whose message contains sub.
func wantGatewayError(t *testing.T, r wireResp, sub string) {
	t.Helper()
	b := decodeBody[apigErrorBody](t, r)
	if r.status != http.StatusUnauthorized || b.ErrorCode != CodeAuth || !strings.Contains(b.ErrorMsg, sub) {
		t.Fatalf("got %d %s, want 401 %s containing %q", r.status, r.body, CodeAuth, sub)
	}
}
