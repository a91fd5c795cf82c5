package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// iamService is a minimal IAM (IAM-NOTES.md): projects by name, password
// tokens and agency temporary keys, on three public routes that
// authenticate their callers themselves. The gateway accepts the
// credentials it issues on the DLI routes (credentialIssuer).
type iamService struct {
	env
	// identify is the gateway's credential check (Server.identify).
	identify func(r *http.Request, body []byte) (identity, string)

	mu     sync.RWMutex
	tokens map[string]*iamIssued // by SHA-256 of the token
	keys   map[string]*iamIssued // by access key
	order  []*iamIssued          // issue order, at most maxIssued
}

// maxIssued bounds the credentials kept; the oldest are forgotten first.
const maxIssued = 10000

// IAM error codes (iam_30_0001 and the IAM error examples of iam_04_0101's
// neighbours): error bodies {"error_msg","error_code"}, except the password
// token route, which answers Keystone's {"error":{"code","message","title"}}.
const (
	CodeIAMAuth         = "IAM.0001" // 401 authentication required
	CodeIAMForbidden    = "IAM.0002" // 403 not authorized
	CodeIAMBody         = "IAM.0011" // 400 request body is invalid
	CodeIAMRequired     = "IAM.0072" // 400 a required property is missing
	CodeIAMInvalidField = "IAM.0073" // 400 a field has an invalid value
)

// iamIssued is one issued credential and its admin listing (no secret).
type iamIssued struct {
	Kind       string `json:"kind"` // "token" or "temporary_key"
	ID         string `json:"id"`   // the token's fingerprint, or the access key
	UserName   string `json:"user_name,omitempty"`
	ProjectID  string `json:"project_id,omitempty"`
	AgencyName string `json:"agency_name,omitempty"`
	DomainName string `json:"domain_name"`
	IssuedAt   string `json:"issued_at"`
	ExpiresAt  string `json:"expires_at"`

	cred issuedCredential
	key  string // its key in tokens or keys
}

func newIAMService(e env, identify func(*http.Request, []byte) (identity, string)) *iamService {
	return &iamService{env: e, identify: identify, tokens: map[string]*iamIssued{}, keys: map[string]*iamIssued{}}
}

func (m *iamService) register(rt *routes) {
	rt.public("GET /v3/projects", m.handleProjects, false)
	rt.public("POST /v3/auth/tokens", m.handleCreateToken, true)
	rt.public("POST /v3.0/OS-CREDENTIAL/securitytokens", m.handleSecurityToken, true)
}

func (m *iamService) kind() string { return "iam" }

// adminJobs lists the issued credentials, oldest first, without secrets.
func (m *iamService) adminJobs() any {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]iamIssued, len(m.order))
	for i, it := range m.order {
		out[i] = *it
	}
	return out
}

// reset keeps the issued credentials, as the server keeps the configured
// ones: clients holding a token go on working.
func (m *iamService) reset() {}

// Credentials are not written to the state file: after a restart, clients
// sign in again.
func (m *iamService) stateKey() string               { return "iam" }
func (m *iamService) save() (json.RawMessage, error) { return nil, nil }
func (m *iamService) load(json.RawMessage) error     { return nil }

func (m *iamService) issuedToken(tok string) (issuedCredential, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	it, ok := m.tokens[hexSHA256([]byte(tok))]
	if !ok {
		return issuedCredential{}, false
	}
	return it.cred, true
}

func (m *iamService) issuedKey(ak string) (issuedCredential, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	it, ok := m.keys[ak]
	if !ok {
		return issuedCredential{}, false
	}
	return it.cred, true
}

// remember stores a newly issued credential under key in into.
func (m *iamService) remember(it *iamIssued, into map[string]*iamIssued) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.order) >= maxIssued {
		old := m.order[0]
		delete(m.tokens, old.key)
		delete(m.keys, old.key)
		m.order = m.order[1:]
	}
	into[it.key] = it
	m.order = append(m.order, it)
}

// caller authenticates an IAM request with the gateway's rules; any
// failure is IAM's 401.
func (m *iamService) caller(c *call) (identity, *response) {
	id, sub := m.identify(c.r, c.body)
	if sub != "" {
		r := iamError(http.StatusUnauthorized, CodeIAMAuth, "The request you have made requires authentication.")
		return id, &r
	}
	return id, nil
}

// domainID is the ID of an account: the configured one for DomainName,
// else a stable ID derived from the name.
func (m *iamService) domainID(name string) string {
	if name == m.opts.DomainName {
		return m.opts.DomainID
	}
	return hexSHA256([]byte("domain\x00" + name))[:32]
}

// userID is the stable ID of an IAM user of the emulator's account.
func (m *iamService) userID(name string) string {
	return hexSHA256([]byte("user\x00" + m.opts.DomainID + "\x00" + name))[:32]
}

type iamErrorBody struct {
	ErrorMsg  string `json:"error_msg"`
	ErrorCode string `json:"error_code"`
}

// iamError is an IAM error body.
func iamError(status int, code, msg string) response {
	return response{status: status, errorCode: code, body: marshal(iamErrorBody{ErrorMsg: msg, ErrorCode: code})}
}

type keystoneErrorBody struct {
	Error keystoneError `json:"error"`
}

type keystoneError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Title   string `json:"title"`
}

// keystoneFailure is the Keystone-style error body of POST /v3/auth/tokens
// (iam_30_0001); it has no error_code string, so none is recorded.
func keystoneFailure(status int, msg string) response {
	return response{status: status, body: marshal(keystoneErrorBody{keystoneError{
		Code: status, Message: msg, Title: http.StatusText(status),
	}})}
}

// randomText returns n random bytes in unpadded URL-safe base64.
func randomText(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// randomFrom returns n characters drawn from alphabet (len ≤ 256).
func randomFrom(alphabet string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func iamTime(t time.Time) string { return t.UTC().Format(credentialTimeLayout) }
