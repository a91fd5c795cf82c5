package client

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
)

// MaxRetriesLimit is the largest MaxRetries Validate accepts.
const MaxRetriesLimit = 20

// ConfigProblem is one reason a Config is unusable. Field is the provider
// argument it is about: "endpoint", "region", "project_id", "access_key",
// "secret_key", "security_token", "auth_token" or "max_retries".
type ConfigProblem struct {
	Field   string
	Message string
}

var (
	projectIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)+$`)
)

// ValidProjectID reports whether id is 1-64 letters or digits.
func ValidProjectID(id string) bool { return projectIDPattern.MatchString(id) }

// ValidRegion reports whether r looks like a region ID such as cn-north-4.
func ValidRegion(r string) bool { return regionPattern.MatchString(r) }

// Validate checks cfg as New does and returns every problem found, each
// named by the provider argument it concerns (nil when cfg is usable).
// Messages never contain secret values.
func (cfg Config) Validate() []ConfigProblem {
	var out []ConfigProblem
	add := func(field, format string, args ...interface{}) {
		out = append(out, ConfigProblem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	region := strings.TrimSpace(cfg.Region)
	if region != "" && !ValidRegion(region) {
		add("region", "invalid region %q: it must be a region ID such as cn-north-4", truncate(region, 80))
	}
	endpoint := strings.TrimSpace(cfg.Endpoint)
	if endpoint == "" && region == "" {
		add("region", "an endpoint or a region is required")
	} else if endpoint != "" {
		if msg := endpointProblem(endpoint); msg != "" {
			add("endpoint", "%s", msg)
		}
	}
	switch {
	case cfg.ProjectID == "" && !cfg.canFindProject():
		add("project_id", "a project ID is required: every DLI path is scoped by it (without one, a region is needed to find it)")
	case cfg.ProjectID != "" && !ValidProjectID(cfg.ProjectID):
		add("project_id", "invalid project ID %q: it must be 1 to 64 letters or digits", truncate(cfg.ProjectID, 80))
	}
	if field, msg := authProblem(cfg); msg != "" {
		add(field, "%s", msg)
	}
	for _, p := range cfg.signInProblems() {
		add(p.Field, "%s", p.Message)
	}
	switch {
	case cfg.MaxRetries < 0:
		add("max_retries", "max retries must not be negative, got %d", cfg.MaxRetries)
	case cfg.MaxRetries > MaxRetriesLimit:
		add("max_retries", "max retries must be at most %d, got %d", MaxRetriesLimit, cfg.MaxRetries)
	}
	return out
}

// endpointProblem explains why an endpoint is unusable, or returns "".
func endpointProblem(raw string) string {
	u, err := parseEndpoint(raw)
	if err != nil {
		return err.Error()
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Sprintf("invalid endpoint %q: it uses plain http to a non-loopback host; signed requests and "+
			"tokens must not cross a network in clear text: use https (plain http is only accepted for localhost, "+
			"127.0.0.0/8 and ::1)", raw)
	}
	return ""
}

// parseEndpoint parses and normalizes an endpoint URL.
func parseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid endpoint %q: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("invalid endpoint %q: it must be an absolute http:// or https:// URL", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("invalid endpoint %q: no host", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("invalid endpoint: it must not contain user information")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("invalid endpoint %q: it must not contain a query or fragment", raw)
	}
	// Drop a default port so that the Host header sent and the host signed
	// are the same string.
	if p := u.Port(); (u.Scheme == "https" && p == "443") || (u.Scheme == "http" && p == "80") {
		u.Host = u.Hostname()
		if strings.Contains(u.Host, ":") { // IPv6 literal
			u.Host = "[" + u.Host + "]"
		}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// authProblem checks that exactly one authentication mode is configured.
func authProblem(cfg Config) (field, msg string) {
	hasAK, hasSK := cfg.AccessKey != "", cfg.SecretKey != ""
	hasToken := cfg.AuthToken != ""
	if cfg.UserName != "" || cfg.Password != "" {
		return passwordProblem(cfg)
	}
	switch {
	case hasToken && (hasAK || hasSK || cfg.SecurityToken != ""):
		return "auth_token", "configure either an access key/secret key pair or an auth token, not both"
	case hasToken:
		if strings.ContainsAny(cfg.AuthToken, "\r\n") {
			return "auth_token", "the auth token contains a line break"
		}
		return "", ""
	case hasAK && !hasSK:
		return "secret_key", "an access key requires a secret key"
	case hasSK && !hasAK:
		return "access_key", "a secret key requires an access key"
	case !hasAK && cfg.SecurityToken != "":
		return "security_token", "a security token requires an access key and a secret key"
	case !hasAK && cfg.AssumeRole != nil:
		return "assume_role", "an agency is assumed with base credentials: configure an access key and secret key, an auth token, or a user name and password"
	case !hasAK:
		return "access_key", "no credentials: configure an access key and secret key, an auth token, or a user name and password"
	}
	if strings.ContainsAny(cfg.AccessKey, " ,=\t\r\n") {
		return "access_key", "the access key contains spaces, commas or line breaks"
	}
	if strings.ContainsAny(cfg.SecurityToken, "\r\n") {
		return "security_token", "the security token contains a line break"
	}
	return "", ""
}
