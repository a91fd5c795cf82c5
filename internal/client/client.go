package client

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// Defaults applied by New when the corresponding Config field is zero.
const (
	DefaultRetryWaitMin    = 1 * time.Second
	DefaultRetryWaitMax    = 30 * time.Second
	DefaultPollInterval    = 300 * time.Millisecond
	DefaultPollIntervalMax = 10 * time.Second
	DefaultUserAgent       = "terraform-provider-dli"
	// DefaultAttemptTimeout bounds one attempt of a request, reading the
	// whole answer included.
	DefaultAttemptTimeout = 2 * time.Minute

	// defaultResponseHeaderTimeout bounds the wait for the status line on the
	// transport New builds itself (an injected HTTPClient is used as is).
	defaultResponseHeaderTimeout = 2 * time.Minute
	// maxResponseBody bounds how much of a response body is read.
	maxResponseBody = 32 << 20

	// The reconciliation lookup after an ambiguous submission: it looks back
	// further than the ±15 minutes a signature stays valid (a server clock
	// that far behind still accepts us), has its own budget for transient
	// failures, and is bounded when it must run after the caller's context
	// ended.
	defaultReconcileWindow  = 30 * time.Minute
	defaultReconcileTimeout = 60 * time.Second
	defaultReconcileRetries = 5
)

// Config configures a Client. Exactly one base authentication mode must be
// set: AccessKey+SecretKey (optionally with SecurityToken), AuthToken, or
// UserName+Password+DomainName (password login). AssumeRole then optionally
// trades the base credentials for an agency's temporary keys.
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

	// UserName, Password and DomainName (the account name) select password
	// login: IAM issues a project-scoped token, renewed when it expires (see
	// credentials.go).
	UserName, Password, DomainName string
	// AssumeRole, when set, signs with the temporary keys of an agency,
	// obtained with the base credentials above and renewed before they expire.
	AssumeRole *AssumeRole
	// IAMEndpoint is the base URL of IAM, used for password login, agency
	// keys and the project lookup (default DefaultIAMEndpoint(Region)).
	IAMEndpoint string
	// ProjectName is the project SignIn looks up when ProjectID is empty
	// (default: Region).
	ProjectName string

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
	// AttemptTimeout bounds each attempt from sending to the last byte of the
	// answer (default 2 minutes), so that a stalled body cannot hang a call
	// whose context has no deadline. A timed-out attempt counts as a
	// connection error: retried for reads and cancels, reconciled for creates.
	AttemptTimeout time.Duration
}

// Client talks to the DLI APIs. It is safe for concurrent use.
type Client struct {
	endpoint   *url.URL
	iam        *url.URL
	creds      credentialSource
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
	attemptTimeout                time.Duration

	// reconcileWindow is how far before a submission the reconciliation
	// lookup starts listing (server clocks may differ from ours).
	reconcileWindow time.Duration
	// reconcileTimeout bounds the reconciliation lookup when the caller's
	// context is already done.
	reconcileTimeout time.Duration
	// reconcileRetries is the lookup's own budget for transient failures,
	// independent of maxRetries (which may be 0).
	reconcileRetries int

	httpClient *http.Client
	secrets    []string
}

// DefaultEndpoint returns https://dli.{region}.myhuaweicloud.com (the
// eu-west-101 region lives under myhuaweicloud.eu).
func DefaultEndpoint(region string) string {
	region = strings.TrimSpace(region)
	if region == "eu-west-101" {
		return "https://dli." + region + ".myhuaweicloud.eu"
	}
	return "https://dli." + region + ".myhuaweicloud.com"
}

// New validates cfg (see Config.Validate) and builds a Client. It makes no
// network calls: password login and agency keys happen on the first request.
// It needs a ProjectID; SignIn can find one.
func New(cfg Config) (*Client, error) {
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	if c.projectID == "" {
		return nil, errors.New("dli: a project ID is required to build a client without signing in (SignIn finds it from the region)")
	}
	return c, nil
}

// newClient is New without the project requirement (SignIn fills it in).
func newClient(cfg Config) (*Client, error) {
	if problems := cfg.Validate(); len(problems) > 0 {
		msgs := make([]string, len(problems))
		for i, p := range problems {
			msgs[i] = p.Message
		}
		return nil, errors.New("dli: " + strings.Join(msgs, "; "))
	}
	endpoint := strings.TrimSpace(cfg.Endpoint)
	if endpoint == "" {
		endpoint = DefaultEndpoint(cfg.Region)
	}
	u, err := parseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}

	c := &Client{
		endpoint:         u,
		projectID:        cfg.ProjectID,
		region:           strings.TrimSpace(cfg.Region),
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
		attemptTimeout:   cfg.AttemptTimeout,
		reconcileWindow:  defaultReconcileWindow,
		reconcileTimeout: defaultReconcileTimeout,
		reconcileRetries: defaultReconcileRetries,
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
	if c.attemptTimeout <= 0 {
		c.attemptTimeout = DefaultAttemptTimeout
	}
	for _, s := range []string{cfg.SecretKey, cfg.SecurityToken, cfg.AuthToken, cfg.Password} {
		if s != "" {
			c.secrets = append(c.secrets, s)
		}
	}
	if err := c.setUpSignIn(cfg); err != nil {
		return nil, err
	}
	c.httpClient = c.buildHTTPClient(cfg)
	return c, nil
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
