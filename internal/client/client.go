package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Defaults applied by New when the corresponding Config field is zero.
const (
	DefaultRetryWaitMin    = 1 * time.Second
	DefaultRetryWaitMax    = 30 * time.Second
	DefaultPollInterval    = 300 * time.Millisecond
	DefaultPollIntervalMax = 10 * time.Second
	DefaultUserAgent       = "terraform-provider-dli"

	// defaultResponseHeaderTimeout bounds one attempt of a request on the
	// transport New builds itself (an injected HTTPClient is used as is).
	defaultResponseHeaderTimeout = 2 * time.Minute
	// maxResponseBody bounds how much of a response body is read.
	maxResponseBody = 32 << 20
)

// Config configures a Client. Exactly one authentication mode must be set:
// AccessKey+SecretKey (optionally with SecurityToken), or AuthToken.
type Config struct {
	// Endpoint is the base URL, e.g. https://dli.cn-north-4.myhuaweicloud.com.
	// A trailing slash is not needed; a path prefix, if any, is kept. When
	// empty, DefaultEndpoint(Region) is used (Region must then be set).
	Endpoint  string
	ProjectID string
	Region    string

	AccessKey string
	SecretKey string
	// SecurityToken marks AccessKey/SecretKey as temporary credentials; it is
	// sent as X-Security-Token and signed.
	SecurityToken string
	// AuthToken selects IAM token mode: X-Auth-Token, no signing.
	AuthToken string

	// Insecure skips TLS certificate verification.
	Insecure bool
	// MaxRetries is the number of retries after the first attempt (0 = no
	// retries; the provider's default is 5). Negative values are rejected.
	MaxRetries int
	// UserAgent, e.g. "terraform-provider-dli/1.0.0 Terraform/1.9.0".
	UserAgent string
	// HTTPClient is optional (tests inject one). Its Transport is wrapped;
	// redirects are never followed.
	HTTPClient *http.Client
	// Now is an optional clock used for X-Sdk-Date and submission times.
	Now func() time.Time

	// RetryWaitMin and RetryWaitMax bound the exponential retry backoff
	// (defaults 1s and 30s). A Retry-After header is honoured up to
	// RetryWaitMax.
	RetryWaitMin, RetryWaitMax time.Duration
	// PollInterval and PollIntervalMax shape the waiter's backoff (defaults
	// 300ms, doubling, capped at 10s).
	PollInterval, PollIntervalMax time.Duration
}

// Client talks to the DLI v2.0 batch API. It is safe for concurrent use.
type Client struct {
	endpoint   *url.URL
	projectID  string
	region     string
	accessKey  string
	secretKey  string
	secToken   string
	authToken  string
	userAgent  string
	maxRetries int
	now        func() time.Time

	retryWaitMin, retryWaitMax    time.Duration
	pollInterval, pollIntervalMax time.Duration

	// reconcileWindow is how far before a submission the reconciliation
	// lookup starts listing (server clocks may differ from ours).
	reconcileWindow time.Duration
	// reconcileTimeout bounds the reconciliation lookup when the caller's
	// context is already done.
	reconcileTimeout time.Duration

	httpClient *http.Client
	secrets    []string
}

var (
	projectIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)
	batchIDPattern   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// ValidBatchID reports whether id has the UUID form DLI uses for batch jobs.
func ValidBatchID(id string) bool { return batchIDPattern.MatchString(id) }

// ValidProjectID reports whether id is 1-64 letters or digits.
func ValidProjectID(id string) bool { return projectIDPattern.MatchString(id) }

// DefaultEndpoint returns https://dli.{region}.myhuaweicloud.com (the
// eu-west-101 region lives under myhuaweicloud.eu).
func DefaultEndpoint(region string) string {
	region = strings.TrimSpace(region)
	if region == "eu-west-101" {
		return "https://dli." + region + ".myhuaweicloud.eu"
	}
	return "https://dli." + region + ".myhuaweicloud.com"
}

// New validates cfg and builds a Client. It makes no network calls.
func New(cfg Config) (*Client, error) {
	endpoint := strings.TrimSpace(cfg.Endpoint)
	if endpoint == "" {
		if strings.TrimSpace(cfg.Region) == "" {
			return nil, errors.New("dli: an endpoint or a region is required")
		}
		endpoint = DefaultEndpoint(cfg.Region)
	}
	u, err := parseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	if !ValidProjectID(cfg.ProjectID) {
		return nil, fmt.Errorf("dli: invalid project ID %q: it must be 1 to 64 letters or digits", cfg.ProjectID)
	}
	if err := validateAuth(cfg); err != nil {
		return nil, err
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("dli: max retries must not be negative, got %d", cfg.MaxRetries)
	}

	c := &Client{
		endpoint:         u,
		projectID:        cfg.ProjectID,
		region:           cfg.Region,
		accessKey:        cfg.AccessKey,
		secretKey:        cfg.SecretKey,
		secToken:         cfg.SecurityToken,
		authToken:        cfg.AuthToken,
		userAgent:        strings.TrimSpace(cfg.UserAgent),
		maxRetries:       cfg.MaxRetries,
		now:              cfg.Now,
		retryWaitMin:     cfg.RetryWaitMin,
		retryWaitMax:     cfg.RetryWaitMax,
		pollInterval:     cfg.PollInterval,
		pollIntervalMax:  cfg.PollIntervalMax,
		reconcileWindow:  10 * time.Minute,
		reconcileTimeout: 30 * time.Second,
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.retryWaitMin <= 0 {
		c.retryWaitMin = DefaultRetryWaitMin
	}
	if c.retryWaitMax <= 0 {
		c.retryWaitMax = DefaultRetryWaitMax
	}
	if c.retryWaitMax < c.retryWaitMin {
		c.retryWaitMax = c.retryWaitMin
	}
	if c.pollInterval <= 0 {
		c.pollInterval = DefaultPollInterval
	}
	if c.pollIntervalMax <= 0 {
		c.pollIntervalMax = DefaultPollIntervalMax
	}
	if c.pollIntervalMax < c.pollInterval {
		c.pollIntervalMax = c.pollInterval
	}
	for _, s := range []string{cfg.SecretKey, cfg.SecurityToken, cfg.AuthToken} {
		if s != "" {
			c.secrets = append(c.secrets, s)
		}
	}
	c.httpClient = c.buildHTTPClient(cfg)
	return c, nil
}

func parseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("dli: invalid endpoint %q: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("dli: invalid endpoint %q: it must be an absolute http:// or https:// URL", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("dli: invalid endpoint %q: no host", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("dli: invalid endpoint: it must not contain user information")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("dli: invalid endpoint %q: it must not contain a query or fragment", raw)
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

func validateAuth(cfg Config) error {
	hasAK, hasSK := cfg.AccessKey != "", cfg.SecretKey != ""
	hasToken := cfg.AuthToken != ""
	switch {
	case hasToken && (hasAK || hasSK || cfg.SecurityToken != ""):
		return errors.New("dli: configure either an access key/secret key pair or an auth token, not both")
	case hasToken:
		if strings.ContainsAny(cfg.AuthToken, "\r\n") {
			return errors.New("dli: the auth token contains a line break")
		}
		return nil
	case hasAK && !hasSK:
		return errors.New("dli: an access key requires a secret key")
	case hasSK && !hasAK:
		return errors.New("dli: a secret key requires an access key")
	case !hasAK && cfg.SecurityToken != "":
		return errors.New("dli: a security token requires an access key and a secret key")
	case !hasAK:
		return errors.New("dli: no credentials: configure an access key and secret key, or an auth token")
	}
	if strings.ContainsAny(cfg.AccessKey, " ,=\t\r\n") {
		return errors.New("dli: the access key contains spaces, commas or line breaks")
	}
	if strings.ContainsAny(cfg.SecurityToken, "\r\n") {
		return errors.New("dli: the security token contains a line break")
	}
	return nil
}

func (c *Client) buildHTTPClient(cfg Config) *http.Client {
	var base http.RoundTripper
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		*hc = *cfg.HTTPClient
		base = cfg.HTTPClient.Transport
		if base == nil {
			base = http.DefaultTransport
		}
		if cfg.Insecure {
			if t, ok := base.(*http.Transport); ok {
				t = t.Clone()
				if t.TLSClientConfig == nil {
					t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
				}
				t.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // explicitly requested by the user
				base = t
			}
		}
	} else {
		t := cleanhttp.DefaultPooledTransport()
		t.ResponseHeaderTimeout = defaultResponseHeaderTimeout
		t.TLSClientConfig = &tls.Config{
			MinVersion:         tls.VersionTLS12,
			InsecureSkipVerify: cfg.Insecure, //nolint:gosec // explicitly requested by the user
		}
		base = t
	}
	hc.Transport = &authTransport{c: c, base: base}
	// Never follow redirects: credentials must not travel to another host.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return hc
}

// ProjectID returns the configured project ID.
func (c *Client) ProjectID() string { return c.projectID }

// Region returns the configured region (may be empty).
func (c *Client) Region() string { return c.region }

// Endpoint returns the normalized base URL.
func (c *Client) Endpoint() string { return c.endpoint.String() }

// apiCall describes one logical API call (which may take several attempts).
type apiCall struct {
	op      string // e.g. "get batch job"
	batchID string
	method  string
	// segments below /v2.0/{project_id}/, unescaped, e.g. ["batches", id, "state"];
	// each is escaped on its own, so a segment can never add a path level.
	segments []string
	query    url.Values
	body     []byte
	// idempotent calls (GET, DELETE) are retried on 5xx and any connection
	// error; non-idempotent ones (POST) only when provably not processed.
	idempotent bool
}

// apiResult is the final answer of a call.
type apiResult struct {
	status int
	header http.Header
	body   []byte
	state  *callState
}

func (c *Client) url(segments []string, query url.Values) string {
	u := *c.endpoint
	decoded := []string{c.endpoint.Path, "v2.0", c.projectID}
	escaped := []string{c.endpoint.EscapedPath(), "v2.0", url.PathEscape(c.projectID)}
	for _, s := range segments {
		decoded = append(decoded, s)
		escaped = append(escaped, url.PathEscape(s))
	}
	u.Path = strings.Join(decoded, "/")
	u.RawPath = strings.Join(escaped, "/")
	u.RawQuery = canonicalQuery(query)
	return u.String()
}

// logContext adds masking of every configured secret to ctx's loggers.
func (c *Client) logContext(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "authorization", "x-auth-token", "x-security-token", "secret_key", "security_token", "auth_token")
	if len(c.secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, c.secrets...)
		ctx = tflog.MaskMessageStrings(ctx, c.secrets...)
	}
	return ctx
}

// execute runs a call through the retrying transport. It returns an apiResult
// for every HTTP answer (2xx or not) and an error only when no answer was
// obtained (connection failure, context end, ...). The callState is returned
// in both cases.
func (c *Client) execute(ctx context.Context, call apiCall) (*apiResult, *callState, error) {
	ctx = c.logContext(ctx)
	st := &callState{c: c, idempotent: call.idempotent}
	ctx = context.WithValue(ctx, callStateKey{}, st)

	var body interface{}
	if call.body != nil {
		body = call.body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, call.method, c.url(call.segments, call.query), body)
	if err != nil {
		return nil, st, fmt.Errorf("dli: %s: building request: %w", describe(call.op, call.batchID), err)
	}
	if call.body != nil && tflog.IsTrace(ctx) {
		tflog.Trace(ctx, "DLI API request body", map[string]interface{}{
			"method": call.method, "path": req.URL.Path, "body": c.redactBody(call.body),
		})
	}
	rc := &retryablehttp.Client{
		HTTPClient:   c.httpClient,
		Logger:       leveledLogger{ctx: ctx},
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		RetryMax:     c.maxRetries,
		CheckRetry:   st.checkRetry,
		Backoff:      st.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	resp, err := rc.Do(req)
	if err != nil {
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		return nil, st, fmt.Errorf("dli: %s: %w", describe(call.op, call.batchID), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		// The status line arrived but the body was cut: for a POST this is
		// as ambiguous as a dropped connection.
		st.lastMaybeProcessed = true
		return nil, st, fmt.Errorf("dli: %s: reading response: %w", describe(call.op, call.batchID), err)
	}
	if tflog.IsTrace(ctx) {
		tflog.Trace(ctx, "DLI API response body", map[string]interface{}{
			"method": call.method, "path": req.URL.Path, "status": resp.StatusCode, "body": c.redactBody(data),
		})
	}
	return &apiResult{status: resp.StatusCode, header: resp.Header, body: data, state: st}, st, nil
}

// do executes a call and decodes a 2xx JSON answer into out (if non-nil).
// Non-2xx answers become *APIError.
func (c *Client) do(ctx context.Context, call apiCall, out interface{}) (*apiResult, error) {
	res, _, err := c.execute(ctx, call)
	if err != nil {
		return nil, err
	}
	if res.status < 200 || res.status > 299 {
		return res, c.apiError(call, res)
	}
	if out != nil {
		if len(bytes.TrimSpace(res.body)) == 0 {
			return res, fmt.Errorf("dli: %s: empty response body (HTTP %d)", describe(call.op, call.batchID), res.status)
		}
		if err := json.Unmarshal(res.body, out); err != nil {
			return res, fmt.Errorf("dli: %s: decoding response (HTTP %d): %w", describe(call.op, call.batchID), res.status, err)
		}
	}
	return res, nil
}

func (c *Client) apiError(call apiCall, res *apiResult) *APIError {
	e := newAPIError(call.op, call.batchID, res.status, res.header, []byte(c.scrub(string(res.body))))
	// Decoding can undo JSON escapes that hid a secret from the scrub above, and the request ID
	// may come from a header: scrub every field the error text shows.
	e.Message, e.Code, e.RequestID = c.scrub(e.Message), c.scrub(e.Code), c.scrub(e.RequestID)
	return e
}

func describe(op, batchID string) string {
	if batchID == "" {
		return op
	}
	return op + " " + batchID
}

// checkBatchID validates a batch job ID before any request is built.
func checkBatchID(op, id string) error {
	if !ValidBatchID(id) {
		return fmt.Errorf("dli: %s: %w %q: it must be a UUID", op, ErrInvalidBatchID, truncate(id, 80))
	}
	return nil
}
