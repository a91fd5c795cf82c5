package client

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// SDK-HMAC-SHA256 request signing, as Huawei Cloud's API gateway verifies it.
//
// The core below is deliberately independent of net/http: it takes the
// method, the decoded path, the query, a lower-cased header map and an
// explicit list of headers to sign, so that it can reproduce every published
// vector (which differ only in which headers each SDK chooses to sign).

const (
	signAlgorithm      = "SDK-HMAC-SHA256"
	sdkDateLayout      = "20060102T150405Z"
	headerSdkDate      = "X-Sdk-Date"
	headerContentHash  = "X-Sdk-Content-Sha256"
	emptyPayloadSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// signInput is everything that goes into a canonical request.
type signInput struct {
	Method string
	// Path is the decoded URL path ("/v1.0/p/jobs"); each segment is
	// re-encoded for the canonical URI.
	Path  string
	Query url.Values
	// Headers maps lower-cased header names to their values. Only the names
	// listed in SignedHeaders are used.
	Headers map[string][]string
	// SignedHeaders are lower-case header names; they are sorted before use.
	SignedHeaders []string
	Body          []byte
}

// signEscape percent-encodes s byte-wise, leaving only the unreserved
// characters A-Z a-z 0-9 - _ . ~ as they are (upper-case hex).
func signEscape(s string) string {
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
		b.WriteByte(hexDigits[c&0x0f])
	}
	return b.String()
}

// canonicalURI encodes every segment of the decoded path and guarantees a
// trailing slash ("/v1.0/p/jobs" -> "/v1.0/p/jobs/").
func canonicalURI(path string) string {
	segments := strings.Split(path, "/")
	for i, s := range segments {
		segments[i] = signEscape(s)
	}
	uri := strings.Join(segments, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

// canonicalQuery sorts parameters by name (and the values of a repeated
// parameter), encodes names and values with signEscape and joins k=v pairs
// with '&'. The client also sends exactly this string on the wire.
func canonicalQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		values := append([]string(nil), q[k]...)
		sort.Strings(values)
		ek := signEscape(k)
		for _, v := range values {
			parts = append(parts, ek+"="+signEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// sortedSignedHeaders lower-cases, de-duplicates and sorts header names.
func sortedSignedHeaders(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := make([]string, 0, len(names))
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// payloadHash returns the hex SHA-256 of the body, or the value of an
// X-Sdk-Content-Sha256 header when one is present.
func payloadHash(in signInput) string {
	if v := in.Headers[strings.ToLower(headerContentHash)]; len(v) > 0 && v[0] != "" {
		return v[0]
	}
	if len(in.Body) == 0 {
		return emptyPayloadSHA256
	}
	sum := sha256.Sum256(in.Body)
	return hex.EncodeToString(sum[:])
}

// canonicalRequest builds the canonical request and returns it together with
// the SignedHeaders string (sorted, ';'-joined).
func canonicalRequest(in signInput) (string, string) {
	signed := sortedSignedHeaders(in.SignedHeaders)
	var headers strings.Builder
	for _, name := range signed {
		values := make([]string, 0, len(in.Headers[name]))
		for _, v := range in.Headers[name] {
			values = append(values, strings.TrimSpace(v))
		}
		sort.Strings(values)
		for _, v := range values {
			headers.WriteString(name)
			headers.WriteByte(':')
			headers.WriteString(v)
			headers.WriteByte('\n')
		}
	}
	signedHeaders := strings.Join(signed, ";")
	canonical := strings.Join([]string{
		strings.ToUpper(in.Method),
		canonicalURI(in.Path),
		canonicalQuery(in.Query),
		headers.String(),
		signedHeaders,
		payloadHash(in),
	}, "\n")
	return canonical, signedHeaders
}

// stringToSign = algorithm \n X-Sdk-Date \n hex(sha256(canonical request)).
func stringToSign(sdkDate, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return signAlgorithm + "\n" + sdkDate + "\n" + hex.EncodeToString(sum[:])
}

// signString is hex(HMAC-SHA256(key = secret key, msg = string to sign)).
func signString(secretKey, sts string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(sts))
	return hex.EncodeToString(mac.Sum(nil))
}

// authorizationValue formats the Authorization header value.
func authorizationValue(accessKey, signedHeaders, signature string) string {
	return signAlgorithm + " Access=" + accessKey + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature
}

// signAKSK signs in with the given key pair at sdkDate (which must also be
// the value of the x-sdk-date header when that header is signed) and returns
// the Authorization header value.
func signAKSK(in signInput, accessKey, secretKey, sdkDate string) string {
	canonical, signedHeaders := canonicalRequest(in)
	sig := signString(secretKey, stringToSign(sdkDate, canonical))
	return authorizationValue(accessKey, signedHeaders, sig)
}
