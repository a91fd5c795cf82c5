package client

import (
	"encoding/json"
	"strings"
)

// Redaction of bodies for trace logging.
//
// Spark conf values routinely carry passwords and keys, and application
// arguments often do too, so they are always masked; so is any value whose
// key looks like a credential. The secret key, security token and auth token
// of the client configuration are replaced wherever they appear.

const (
	masked          = "***"
	maxLoggedBody   = 16 << 10
	maxLoggedString = 2048
)

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
func (c *Client) redactBody(body []byte) string {
	var v interface{}
	if err := json.Unmarshal(body, &v); err != nil {
		return truncate(c.scrub(string(body)), maxLoggedString)
	}
	v = c.redactValue("", v)
	out, err := json.Marshal(v)
	if err != nil { // cannot happen for decoded JSON
		return "(unloggable body)"
	}
	return truncate(string(out), maxLoggedBody)
}

// redactValue walks a decoded JSON value. key is the member name under which
// v was found ("" at the top level and inside arrays of plain values).
func (c *Client) redactValue(key string, v interface{}) interface{} {
	lk := strings.ToLower(key)
	switch x := v.(type) {
	case map[string]interface{}:
		if lk == "conf" {
			out := make(map[string]interface{}, len(x))
			for k := range x {
				out[k] = masked
			}
			return out
		}
		out := make(map[string]interface{}, len(x))
		for k, val := range x {
			if sensitiveKey(k) {
				out[k] = masked
				continue
			}
			out[k] = c.redactValue(k, val)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(x))
		for i, e := range x {
			if lk == "args" {
				out[i] = masked
				continue
			}
			out[i] = c.redactValue("", e)
		}
		return out
	case string:
		if lk == "conf" || lk == "args" {
			return masked
		}
		if lk == "req_body" {
			// The original submission, embedded as a JSON string.
			var inner interface{}
			if err := json.Unmarshal([]byte(x), &inner); err == nil {
				b, _ := json.Marshal(c.redactValue("", inner))
				return string(b)
			}
			return masked
		}
		return c.scrub(x)
	default:
		return v
	}
}

// scrub replaces every configured secret in s.
func (c *Client) scrub(s string) string {
	for _, secret := range c.secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, masked)
		}
	}
	return s
}
