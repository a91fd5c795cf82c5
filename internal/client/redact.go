package client

import (
	"context"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
)

// Redaction of bodies for trace logging, and scrubbing of secrets out of
// every text a server sends back.
//
// A logged body shows only what its collection vouches for: every string
// leaf is masked unless the collection allow-lists its key (a redaction).
// Numbers, booleans and null are kept, except under opaque keys (a Spark
// conf, application arguments), whose whole value is masked. A key that
// looks like a credential is masked even when allow-listed. Map keys are
// never masked, so a reviewer still sees which conf entries were sent.
//
// Independently, scrub removes from any text: the secret key, security
// token and auth token of the configuration; strings the caller registered
// for the call (WithSecrets, e.g. the request's conf values); and anything
// that looks like an SDK-HMAC-SHA256 signature.

const (
	masked          = "***"
	maxLoggedBody   = 16 << 10
	maxLoggedString = 2048
	// minScrubbedLen is the shortest registered value scrub replaces: shorter
	// ones ("1", "2g", "true") would mangle unrelated text and carry no secret.
	minScrubbedLen = 6
)

// redaction is one collection's policy for logged bodies. Keys are
// compared case-insensitively.
type redaction struct {
	// allow: keys whose string values are shown.
	allow map[string]bool
	// opaque: keys whose whole value, numbers included, is masked.
	opaque map[string]bool
	// embedded: keys whose string value is a JSON document of the same
	// collection, redacted with this policy (unparseable: masked).
	embedded map[string]bool
}

// envelopeKeys are shown for every collection: they carry the outcome and the
// server's message (scrubbed), never request data.
var envelopeKeys = []string{"is_success", "message", "error_code", "error_msg", "msg", "request_id", "code", "errorcode", "errormessage"}

// newRedaction builds a collection's policy.
func newRedaction(allow, opaque, embedded []string) *redaction {
	set := func(keys ...[]string) map[string]bool {
		m := map[string]bool{}
		for _, ks := range keys {
			for _, k := range ks {
				m[strings.ToLower(k)] = true
			}
		}
		return m
	}
	return &redaction{allow: set(envelopeKeys, allow), opaque: set(opaque), embedded: set(embedded)}
}

// genericRedaction applies to calls without a policy of their own.
var genericRedaction = newRedaction(nil, nil, nil)

var sensitiveKeyParts = []string{
	"password", "passwd", "pwd", "secret", "token", "credential", "authorization", "private", "access_key", "accesskey",
}

func sensitiveKey(key string) bool {
	k := strings.ToLower(key)
	for _, p := range sensitiveKeyParts {
		if strings.Contains(k, p) {
			return true
		}
	}
	return k == "ak" || k == "sk"
}

// redactBody renders a request or response body for a trace log entry.
func (c *Client) redactBody(ctx context.Context, body []byte, policy *redaction) string {
	if policy == nil {
		policy = genericRedaction
	}
	var v interface{}
	if err := json.Unmarshal(body, &v); err != nil {
		return truncate(c.scrub(ctx, string(body)), maxLoggedString)
	}
	v = c.redactValue(ctx, policy, "", v)
	out, err := json.Marshal(v)
	if err != nil { // cannot happen for decoded JSON
		return "(unloggable body)"
	}
	return truncate(string(out), maxLoggedBody)
}

// redactValue walks a decoded JSON value. key is the member name under which
// v was found ("" at the top level); array elements inherit their array's key.
func (c *Client) redactValue(ctx context.Context, p *redaction, key string, v interface{}) interface{} {
	lk := strings.ToLower(key)
	if p.opaque[lk] {
		return maskAll(v)
	}
	switch x := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(x))
		for k, val := range x {
			if sensitiveKey(k) {
				out[k] = masked
				continue
			}
			out[k] = c.redactValue(ctx, p, k, val)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(x))
		for i, e := range x {
			out[i] = c.redactValue(ctx, p, key, e)
		}
		return out
	case string:
		if p.embedded[lk] {
			var inner interface{}
			if err := json.Unmarshal([]byte(x), &inner); err == nil {
				b, _ := json.Marshal(c.redactValue(ctx, p, "", inner))
				return string(b)
			}
			return masked
		}
		if !p.allow[lk] {
			return masked
		}
		return c.scrub(ctx, x)
	default:
		return v
	}
}

// maskAll masks every scalar below v, keeping the shape and map keys.
func maskAll(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(x))
		for k, val := range x {
			out[k] = maskAll(val)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(x))
		for i, e := range x {
			out[i] = maskAll(e)
		}
		return out
	case nil:
		return nil
	default:
		return masked
	}
}

type secretsKey struct{}

// WithSecrets returns a context under which every call also scrubs values
// (6 bytes or longer) from server messages, error texts and logs: a caller
// registers what it sent that must never be shown back, such as conf values
// or write-only arguments.
func WithSecrets(ctx context.Context, values ...string) context.Context {
	prev := secretsFrom(ctx)
	all := make([]string, 0, len(prev)+len(values))
	all = append(all, prev...)
	for _, v := range values {
		if len(v) >= minScrubbedLen {
			all = append(all, v)
		}
	}
	return context.WithValue(ctx, secretsKey{}, all)
}

func secretsFrom(ctx context.Context) []string {
	if ctx == nil {
		return nil
	}
	s, _ := ctx.Value(secretsKey{}).([]string)
	return s
}

// signaturePattern matches the signature of an SDK-HMAC-SHA256
// Authorization header echoed by a server (the whole header when present).
var signaturePattern = regexp.MustCompile(`(?i)(SDK-HMAC-SHA256\s+Access=[^\s,]*,\s*SignedHeaders=[^\s,]*,\s*)?Signature=[0-9a-f]*`)

// scrub replaces every configured and registered secret, and signatures, in s.
// Longer secrets go first, so that one containing another is masked whole.
func (c *Client) scrub(ctx context.Context, s string) string {
	for _, secret := range c.allSecrets(ctx) {
		s = strings.ReplaceAll(s, secret, masked)
	}
	// The regexp is only run where it can match (bodies may be megabytes).
	if strings.Contains(s, "ignature=") || strings.Contains(strings.ToLower(s), "signature=") {
		s = signaturePattern.ReplaceAllString(s, masked)
	}
	return s
}

// allSecrets lists the configured and registered secrets, longest first.
func (c *Client) allSecrets(ctx context.Context) []string {
	extra := secretsFrom(ctx)
	var issued []string // tokens and keys obtained from IAM
	if c.creds != nil {
		issued = c.creds.secrets()
	}
	all := make([]string, 0, len(c.secrets)+len(extra)+len(issued))
	for _, list := range [][]string{c.secrets, extra, issued} {
		for _, s := range list {
			if s == "" {
				continue
			}
			all = append(all, s)
			// The same value as it appears inside a JSON string (a quoted
			// req_body echo), when escaping changes it.
			if q, err := json.Marshal(s); err == nil && string(q[1:len(q)-1]) != s {
				all = append(all, string(q[1:len(q)-1]))
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
	return all
}
