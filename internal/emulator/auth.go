package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Signing constants of SDK-HMAC-SHA256 (reference §10.2).
const (
	signAlgorithm     = "SDK-HMAC-SHA256"
	sdkDateLayout     = "20060102T150405Z"
	headerSdkDate     = "X-Sdk-Date"
	headerContentHash = "X-Sdk-Content-Sha256"
	headerSecToken    = "X-Security-Token"
	headerAuthToken   = "X-Auth-Token"
	headerProjectID   = "X-Project-Id"
	unsignedPayload   = "UNSIGNED-PAYLOAD"
	maxClockSkew      = 15 * time.Minute
)

// Sub-messages of the 401 APIGW.0301 bodies, one per cause. Each is appended
// to "Incorrect IAM authentication information: ".
const (
	subNoCredentials   = "x-auth-token not found"
	subBadToken        = "decrypt token fail"
	subMalformedAuth   = "verify aksk signature fail, the Authorization header is malformed or uses an unsupported algorithm"
	subUnknownAK       = "Get secretKey failed"
	subNoDate          = "verify aksk signature fail, the X-Sdk-Date header is missing or malformed"
	subDateNotSigned   = "verify aksk signature fail, x-sdk-date must be a signed header"
	subDateSkew        = "verify aksk signature fail, the X-Sdk-Date is more than 15 minutes away from the server time"
	subBadContentHash  = "verify aksk signature fail, X-Sdk-Content-Sha256 does not match the body"
	subSignature       = "verify aksk signature fail"
	subNoSecToken      = "security token not found, temporary credentials require the X-Security-Token header"
	subBadSecToken     = "decrypt security token fail"
	subProjectMismatch = "the project in the request does not belong to the credentials"
	// Credentials the IAM service issued, past their expiry (the
	// expires_at time follows).
	subTokenExpired    = "token expires, expires_at: "
	subSecTokenExpired = "security token expires, expires_at: "
)

var signatureRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// sigAuth is a parsed Authorization header.
type sigAuth struct {
	access        string
	signedHeaders string
	signature     string
}

// parseAuthorization parses
// "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex".
// It tolerates extra blanks around the commas.
func parseAuthorization(h string) (sigAuth, bool) {
	var a sigAuth
	rest, ok := strings.CutPrefix(h, signAlgorithm+" ")
	if !ok {
		return a, false
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || seen[k] {
			return a, false
		}
		seen[k] = true
		switch k {
		case "Access":
			a.access = v
		case "SignedHeaders":
			a.signedHeaders = v
		case "Signature":
			a.signature = v
		default:
			return a, false
		}
	}
	if a.access == "" || a.signedHeaders == "" || !signatureRE.MatchString(a.signature) {
		return a, false
	}
	return a, true
}

// sdkEscape percent-encodes everything but the unreserved characters
// A-Z a-z 0-9 - _ . ~ (upper-case hex, byte-wise), as the SDK signers do.
func sdkEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// canonicalURI decodes then re-encodes each path segment of the received
// request and appends a trailing slash.
func canonicalURI(u *url.URL) string {
	segs := strings.Split(u.EscapedPath(), "/")
	for i, s := range segs {
		if d, err := url.PathUnescape(s); err == nil {
			s = d
		}
		segs[i] = sdkEscape(s)
	}
	p := strings.Join(segs, "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// canonicalQuery decodes the received query, sorts names (and the values of
// each name) and re-encodes them.
func canonicalQuery(rawQuery string) string {
	vals := map[string][]string{}
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if d, err := url.QueryUnescape(k); err == nil {
			k = d
		}
		if d, err := url.QueryUnescape(v); err == nil {
			v = d
		}
		vals[k] = append(vals[k], v)
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		vs := vals[k]
		sort.Strings(vs)
		for _, v := range vs {
			out = append(out, sdkEscape(k)+"="+sdkEscape(v))
		}
	}
	return strings.Join(out, "&")
}

// canonicalHeaders renders the headers listed in signedHeaders, in that
// order, as "name:trimmed-value\n" lines (several values of one header:
// sorted, one line each; an absent header contributes no line). "host" is
// taken from r.Host.
func canonicalHeaders(r *http.Request, signedHeaders []string) string {
	lower := make(map[string][]string, len(r.Header))
	for k, v := range r.Header {
		lk := strings.ToLower(k)
		lower[lk] = append(lower[lk], v...)
	}
	var b strings.Builder
	for _, name := range signedHeaders {
		var values []string
		if name == "host" {
			if r.Host != "" {
				values = []string{r.Host}
			} else {
				values = lower["host"]
			}
		} else {
			values = append([]string(nil), lower[name]...)
		}
		sort.Strings(values)
		for _, v := range values {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// canonicalRequest builds the canonical request of a received request.
func canonicalRequest(r *http.Request, signedHeaders string, payloadHash string) string {
	names := strings.Split(signedHeaders, ";")
	for i := range names {
		names[i] = strings.ToLower(strings.TrimSpace(names[i]))
	}
	return strings.Join([]string{
		strings.ToUpper(r.Method),
		canonicalURI(r.URL),
		canonicalQuery(r.URL.RawQuery),
		canonicalHeaders(r, names),
		signedHeaders,
		payloadHash,
	}, "\n")
}

func stringToSign(canonical, sdkDate string) string {
	return signAlgorithm + "\n" + sdkDate + "\n" + hexSHA256([]byte(canonical))
}

func hmacHex(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// verifySignature checks the SDK-HMAC-SHA256 signature of r (whose body has
// already been read into body) at time now. lookup maps an AK to its SK.
// It returns the AK on success, or the sub-message of the 401 body.
func verifySignature(r *http.Request, body []byte, now time.Time, lookup func(ak string) (string, bool)) (string, string) {
	a, ok := parseAuthorization(r.Header.Get("Authorization"))
	if !ok {
		return "", subMalformedAuth
	}
	sk, ok := lookup(a.access)
	if !ok {
		return "", subUnknownAK
	}
	dateStr := r.Header.Get(headerSdkDate)
	date, err := time.Parse(sdkDateLayout, dateStr)
	if err != nil {
		return "", subNoDate
	}
	signed := false
	for _, h := range strings.Split(a.signedHeaders, ";") {
		if strings.EqualFold(strings.TrimSpace(h), headerSdkDate) {
			signed = true
		}
	}
	if !signed {
		return "", subDateNotSigned
	}
	if skew := now.Sub(date); skew > maxClockSkew || skew < -maxClockSkew {
		return "", subDateSkew
	}
	payloadHash := hexSHA256(body)
	if v, present := r.Header[http.CanonicalHeaderKey(headerContentHash)]; present && len(v) > 0 {
		claimed := strings.TrimSpace(v[0])
		if claimed != unsignedPayload && !strings.EqualFold(claimed, payloadHash) {
			return "", subBadContentHash
		}
		payloadHash = claimed
	}
	want := hmacHex(sk, stringToSign(canonicalRequest(r, a.signedHeaders, payloadHash), dateStr))
	if subtle.ConstantTimeCompare([]byte(want), []byte(a.signature)) != 1 {
		return "", subSignature
	}
	return a.access, ""
}

// identity is an authenticated caller.
type identity struct {
	owner string
	// domain is the caller's account ID. project is the only project its
	// credential may act in ("": any project of its account); domainScoped
	// marks an IAM token scoped to the whole account, which project APIs
	// refuse.
	domain, project string
	domainScoped    bool
}

// issuedCredential is a token or temporary access key that a service
// issued (the IAM service). Lookups return expired ones too, so that the
// answer can say so.
type issuedCredential struct {
	id            identity
	secret        string // SK of a temporary access key
	securityToken string // its X-Security-Token
	expires       time.Time
}

// credentialIssuer is a service whose issued credentials the gateway
// accepts besides the configured ones.
type credentialIssuer interface {
	issuedToken(tok string) (issuedCredential, bool)
	issuedKey(ak string) (issuedCredential, bool)
}

// credentialTimeLayout renders expiry times, as IAM does (UTC, microseconds).
const credentialTimeLayout = "2006-01-02T15:04:05.000000Z"

func (s *Server) issued(lookup func(credentialIssuer) (issuedCredential, bool)) (issuedCredential, bool) {
	for _, svc := range s.services {
		if ci, ok := svc.(credentialIssuer); ok {
			if c, ok := lookup(ci); ok {
				return c, true
			}
		}
	}
	return issuedCredential{}, false
}

// identify checks the credential of r (whose body has been read into
// body): a configured or issued X-Auth-Token, else an SDK-HMAC-SHA256
// signature by the configured or an issued (temporary) access key. It
// returns the caller or the sub-message of a 401 APIGW.0301 body.
func (s *Server) identify(r *http.Request, body []byte) (identity, string) {
	now := s.clock.Now()
	if tok := r.Header.Get(headerAuthToken); tok != "" {
		for _, t := range s.opts.Tokens {
			if subtle.ConstantTimeCompare([]byte(t), []byte(tok)) == 1 {
				return identity{owner: OwnerForToken(t), domain: s.opts.DomainID}, ""
			}
		}
		c, ok := s.issued(func(ci credentialIssuer) (issuedCredential, bool) { return ci.issuedToken(tok) })
		if !ok {
			return identity{}, subBadToken
		}
		if !now.Before(c.expires) {
			return identity{}, subTokenExpired + c.expires.UTC().Format(credentialTimeLayout)
		}
		return c.id, ""
	}
	if r.Header.Get("Authorization") == "" {
		return identity{}, subNoCredentials
	}
	var temp *issuedCredential
	ak, sub := verifySignature(r, body, now, func(ak string) (string, bool) {
		if subtle.ConstantTimeCompare([]byte(ak), []byte(s.opts.AccessKey)) == 1 {
			return s.opts.SecretKey, true
		}
		if c, ok := s.issued(func(ci credentialIssuer) (issuedCredential, bool) { return ci.issuedKey(ak) }); ok {
			temp = &c
			return c.secret, true
		}
		return "", false
	})
	if sub != "" {
		return identity{}, sub
	}
	want := s.opts.SecurityToken
	if temp != nil {
		want = temp.securityToken
	}
	if want != "" {
		got := r.Header.Get(headerSecToken)
		if got == "" {
			return identity{}, subNoSecToken
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return identity{}, subBadSecToken
		}
	}
	if temp != nil {
		if !now.Before(temp.expires) {
			return identity{}, subSecTokenExpired + temp.expires.UTC().Format(credentialTimeLayout)
		}
		return temp.id, ""
	}
	return identity{owner: OwnerForAccessKey(ak), domain: s.opts.DomainID}, ""
}

// authenticate applies the gateway rules of §10 to r. It returns the caller
// or the sub-message of a 401 APIGW.0301 body. The project (of the path,
// and X-Project-Id when sent) must be the configured one and within reach
// of the credential: of its account, and its token's project if scoped.
func (s *Server) authenticate(r *http.Request, body []byte, project string) (identity, string) {
	id, sub := s.identify(r, body)
	if sub != "" {
		return id, sub
	}
	if project != s.opts.ProjectID || id.domain != s.opts.DomainID || id.domainScoped ||
		(id.project != "" && id.project != project) {
		return id, subProjectMismatch
	}
	if p := r.Header.Get(headerProjectID); p != "" && p != s.opts.ProjectID {
		return id, subProjectMismatch
	}
	return id, ""
}

// OwnerForAccessKey is the job owner (user name) the emulator derives from
// an access key: "user_" + the AK in lower case, non-alphanumerics as "_".
func OwnerForAccessKey(ak string) string {
	var b strings.Builder
	b.WriteString("user_")
	for _, c := range strings.ToLower(ak) {
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// OwnerForToken is the job owner the emulator derives from an X-Auth-Token:
// "token_user_" + the first 8 hex digits of its SHA-256.
func OwnerForToken(tok string) string {
	return "token_user_" + hexSHA256([]byte(tok))[:8]
}
