package client

import (
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// A fake of IAM (projects by name, password tokens, agency keys) and of one
// DLI route behind the same gateway, written from IAM-NOTES.md. It checks
// every credential it is shown, the way the gateway would.

const (
	fakeDomain    = "acme"
	fakeUser      = "alice"
	fakePassword  = "Correct-Horse-7"
	fakeAgency    = "dli_admin"
	fakeDelegator = "central"
	fakeJobID     = "0a324461-d9d9-45da-a52a-3b3c7a3d809e"
)

type fakeProject struct{ ID, Name string }

type issuedToken struct {
	project string // "" for a domain-scoped token
	expires time.Time
}

type issuedKeys struct {
	secret, token string
	expires       time.Time
}

type fakeIAM struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	now      time.Time // the fake's clock; tests move it
	projects []fakeProject
	// permanent key pairs: AK -> SK.
	keys   map[string]string
	tokens map[string]issuedToken
	temp   map[string]issuedKeys
	// life of tokens and of agency keys without duration_seconds.
	tokenLife, keyLife time.Duration
	// refuse401 makes every DLI call answer 401 (credentials never accepted).
	refuse401 bool
	// down makes every IAM route answer 503.
	down bool

	seq    int
	calls  []string
	bodies map[string][]map[string]interface{}
	// hdrs records, per "METHOD path", the headers of each request.
	hdrs map[string][]http.Header
}

func newFakeIAM(t *testing.T) *fakeIAM {
	t.Helper()
	f := &fakeIAM{
		t: t, now: time.Now(), tokenLife: 24 * time.Hour, keyLife: 15 * time.Minute,
		projects: []fakeProject{{"0123456789abcdef0123456789abcdef", "cn-north-4"}, {"fedcba9876543210fedcba9876543210", "cn-east-3"}},
		keys:     map[string]string{"TESTAK": "TestSecretKeyValue"},
		tokens:   map[string]issuedToken{}, temp: map[string]issuedKeys{},
		bodies: map[string][]map[string]interface{}{}, hdrs: map[string][]http.Header{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeIAM) URL() string { return f.srv.URL }

func (f *fakeIAM) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// count returns how many requests "METHOD path" received.
func (f *fakeIAM) count(call string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == call {
			n++
		}
	}
	return n
}

func (f *fakeIAM) callList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeIAM) body(call string, i int) map[string]interface{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i >= len(f.bodies[call]) {
		f.t.Fatalf("no request %d of %s", i, call)
	}
	return f.bodies[call][i]
}

// header returns the headers of the first request "METHOD path".
func (f *fakeIAM) header(call string) http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.hdrs[call]) == 0 {
		f.t.Fatalf("no request %s", call)
	}
	return f.hdrs[call][0]
}

// scope returns the scope of login number i.
func (f *fakeIAM) scope(i int) string {
	auth, _ := f.body("POST "+pathTokens, i)["auth"].(map[string]interface{})
	return mustJSON(f.t, auth["scope"])
}

const (
	pathTokens   = "/v3/auth/tokens"
	pathKeys     = "/v3.0/OS-CREDENTIAL/securitytokens"
	pathProjects = "/v3/projects"
)

func (f *fakeIAM) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	call := r.Method + " " + r.URL.Path
	if strings.HasPrefix(r.URL.Path, "/v2.0/") {
		call = r.Method + " DLI"
	}
	f.calls = append(f.calls, call)
	f.hdrs[call] = append(f.hdrs[call], r.Header.Clone())
	var decoded map[string]interface{}
	_ = json.Unmarshal(body, &decoded)
	f.bodies[call] = append(f.bodies[call], decoded)

	iamError := func(status int, code, msg string) {
		writeJSON(w, status, map[string]interface{}{"error_msg": msg, "error_code": code})
	}
	isIAM := !strings.HasPrefix(r.URL.Path, "/v2.0/")
	if isIAM {
		if f.down {
			iamError(503, "IAM.0000", "service unavailable")
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json;charset=utf8" {
			f.t.Errorf("%s: Content-Type %q", call, ct)
		}
		if r.Header.Get("X-Project-Id") != "" {
			f.t.Errorf("%s: an IAM call carries X-Project-Id", call)
		}
	}
	switch {
	case call == "POST "+pathTokens:
		f.login(w, r, decoded)
	case call == "POST "+pathKeys:
		who, ok := f.caller(r, body, "")
		if !ok {
			iamError(401, "IAM.0001", "The request you have made requires authentication.")
			return
		}
		f.assume(w, who, decoded)
	case call == "GET "+pathProjects:
		if _, ok := f.caller(r, body, ""); !ok {
			iamError(401, "IAM.0001", "The request you have made requires authentication.")
			return
		}
		var out []map[string]interface{}
		for _, p := range f.projects {
			if p.Name == r.URL.Query().Get("name") {
				out = append(out, map[string]interface{}{"id": p.ID, "name": p.Name, "enabled": true, "domain_id": "d1", "is_domain": false})
			}
		}
		writeJSON(w, 200, map[string]interface{}{"projects": out, "links": map[string]interface{}{"self": "x", "next": nil, "previous": nil}})
	case strings.HasPrefix(r.URL.Path, "/v2.0/") && r.Method == http.MethodGet:
		project := strings.Split(r.URL.Path, "/")[2]
		if _, ok := f.caller(r, body, project); !ok || f.refuse401 {
			writeJSON(w, 401, map[string]string{"error_code": "APIGW.0307", "error_msg": "The token must be updated."})
			return
		}
		writeJSON(w, 200, map[string]string{"id": fakeJobID, "state": "running"})
	default:
		iamError(404, "APIGW.0101", "no route")
	}
}

// login answers a password token request.
func (f *fakeIAM) login(w http.ResponseWriter, r *http.Request, b map[string]interface{}) {
	get := func(path string) interface{} {
		var v interface{} = b
		for _, k := range strings.Split(path, ".") {
			m, ok := v.(map[string]interface{})
			if !ok {
				return nil
			}
			v = m[k]
		}
		return v
	}
	if fmt.Sprint(get("auth.identity.methods")) != "[password]" || get("auth.identity.password.user.name") != fakeUser ||
		get("auth.identity.password.user.password") != fakePassword || get("auth.identity.password.user.domain.name") != fakeDomain {
		writeJSON(w, 401, map[string]interface{}{"error": map[string]interface{}{"code": 401, "title": "Unauthorized", "message": "The username or password is wrong."}})
		return
	}
	if r.URL.Query().Get("nocatalog") != "true" {
		f.t.Errorf("password login without nocatalog=true")
	}
	tok := issuedToken{expires: f.now.Add(f.tokenLife)}
	answer := map[string]interface{}{"expires_at": tok.expires.UTC().Format("2006-01-02T15:04:05.000000Z"), "methods": []string{"password"}}
	switch {
	case get("auth.scope.domain.name") == fakeDomain:
	case get("auth.scope.project.id") != nil || get("auth.scope.project.name") != nil:
		for _, p := range f.projects {
			if p.ID == get("auth.scope.project.id") || (p.Name == get("auth.scope.project.name") && get("auth.scope.project.domain.name") == fakeDomain) {
				tok.project = p.ID
				answer["project"] = map[string]interface{}{"id": p.ID, "name": p.Name, "domain": map[string]string{"name": fakeDomain}}
			}
		}
		if tok.project == "" {
			writeJSON(w, 400, map[string]interface{}{"error": map[string]interface{}{"code": 400, "message": "project not found"}})
			return
		}
	default:
		writeJSON(w, 400, map[string]interface{}{"error": map[string]interface{}{"code": 400, "message": "no scope"}})
		return
	}
	f.seq++
	id := fmt.Sprintf("MIIToken-%d-%s", f.seq, strings.Repeat("x", 20))
	f.tokens[id] = tok
	w.Header().Set("X-Subject-Token", id)
	writeJSON(w, 201, map[string]interface{}{"token": answer})
}

// assume answers an agency key request.
func (f *fakeIAM) assume(w http.ResponseWriter, who string, b map[string]interface{}) {
	auth, _ := b["auth"].(map[string]interface{})
	identity, _ := auth["identity"].(map[string]interface{})
	role, _ := identity["assume_role"].(map[string]interface{})
	if fmt.Sprint(identity["methods"]) != "[assume_role]" || role["agency_name"] != fakeAgency || role["domain_name"] != fakeDelegator {
		writeJSON(w, 403, map[string]interface{}{"error_msg": "agency not found or not allowed for " + who, "error_code": "IAM.0003"})
		return
	}
	life := f.keyLife
	if d, ok := role["duration_seconds"].(float64); ok {
		life = time.Duration(d) * time.Second
	}
	f.seq++
	ak := fmt.Sprintf("TEMPAK%04d", f.seq)
	k := issuedKeys{secret: fmt.Sprintf("TempSecret-%d-abcdef", f.seq), token: fmt.Sprintf("SecurityToken-%d-ghijkl", f.seq), expires: f.now.Add(life)}
	f.temp[ak] = k
	writeJSON(w, 201, map[string]interface{}{"credential": map[string]string{
		"access": ak, "secret": k.secret, "securitytoken": k.token, "expires_at": k.expires.UTC().Format("2006-01-02T15:04:05.000000Z"),
	}})
}

var fakeAuthPattern = regexp.MustCompile(`^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$`)

// caller checks the request's credentials and names who made it. A token
// must be valid now and, for project (DLI) paths, scoped to that project.
func (f *fakeIAM) caller(r *http.Request, body []byte, project string) (string, bool) {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		it, ok := f.tokens[tok]
		if !ok || !f.now.Before(it.expires) || (project != "" && it.project != project) {
			return "", false
		}
		return "token", true
	}
	m := fakeAuthPattern.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return "", false
	}
	ak, signed := m[1], strings.Split(m[2], ";")
	sk, ok := f.keys[ak]
	if k, temp := f.temp[ak]; temp {
		if r.Header.Get("X-Security-Token") != k.token || !f.now.Before(k.expires) {
			return "", false
		}
		sk, ok = k.secret, true
	}
	if !ok {
		return "", false
	}
	headers := map[string][]string{}
	for _, h := range signed {
		if h == "host" {
			headers[h] = []string{r.Host}
		} else {
			headers[h] = r.Header.Values(h)
		}
	}
	want := signAKSK(signInput{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Headers: headers, SignedHeaders: signed, Body: body},
		ak, sk, r.Header.Get("X-Sdk-Date"))
	if !hmac.Equal([]byte(want), []byte(r.Header.Get("Authorization"))) {
		return "", false
	}
	if project != "" && r.Header.Get("X-Project-Id") != project {
		return "", false
	}
	return ak, true
}

// signInConfig is a configuration for the fake: region cn-north-4, both
// endpoints on the fake, no project ID.
func signInConfig(f *fakeIAM, mod func(*Config)) Config {
	cfg := testConfig(f.URL())
	cfg.ProjectID, cfg.IAMEndpoint = "", f.URL()
	if mod != nil {
		mod(&cfg)
	}
	return cfg
}

// passwordMode replaces the key pair with a password login.
func passwordMode(c *Config) {
	c.AccessKey, c.SecretKey = "", ""
	c.UserName, c.Password, c.DomainName = fakeUser, fakePassword, fakeDomain
}

// agencyMode adds the fake's agency.
func agencyMode(d time.Duration) func(*Config) {
	return func(c *Config) {
		c.AssumeRole = &AssumeRole{AgencyName: fakeAgency, DomainName: fakeDelegator, Duration: d}
	}
}
