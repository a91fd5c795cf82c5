package client

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Where the credentials of each attempt come from.
//
// A static configuration (AK/SK, temporary AK/SK, a token) never changes.
// Password login and agencies get their credentials from IAM (iam.go) on
// first use and keep them until shortly before they expire, or until the
// service refuses them with a 401: the attempt is then repeated once with
// fresh ones (transport.go). Every value ever issued is scrubbed from logs
// and error texts.

// AssumeRole names the agency whose temporary keys sign the DLI calls.
type AssumeRole struct {
	// AgencyName is the agency, created by the delegating account.
	AgencyName string
	// DomainName is the name of the delegating account.
	DomainName string
	// Duration is how long each set of keys is valid. Zero asks for IAM's
	// default (15 minutes); otherwise 15 minutes to 24 hours.
	Duration time.Duration
}

// Bounds of AssumeRole.Duration, as IAM accepts them.
const (
	MinAssumeRoleDuration = 15 * time.Minute
	MaxAssumeRoleDuration = 24 * time.Hour
)

const (
	// renewMargin is how long before their expiry credentials are renewed
	// (at most a quarter of their lifetime), so that a signature made just
	// before the expiry is not refused in flight.
	renewMargin = 5 * time.Minute
	// keptSecrets bounds how many issued credentials stay in the scrub list.
	keptSecrets = 16
)

// credentials authorize one attempt: a key pair (with a security token when
// temporary), a token, or nothing (password login itself).
type credentials struct {
	accessKey, secretKey, securityToken string
	token                               string
	// expiresAt is zero when unknown: valid until a 401 says otherwise.
	expiresAt time.Time
	// projectID is the project a password token is scoped to, from IAM.
	projectID string
}

func (cr credentials) same(o credentials) bool {
	return cr.accessKey == o.accessKey && cr.secretKey == o.secretKey &&
		cr.securityToken == o.securityToken && cr.token == o.token
}

func (cr credentials) signs() bool { return cr.accessKey != "" }

// credentialSource supplies the credentials of each attempt.
type credentialSource interface {
	// get returns credentials that are valid now, obtaining them if needed.
	get(ctx context.Context) (credentials, error)
	// reject says the service refused cr: the next get obtains new ones
	// (unless another caller already did).
	reject(cr credentials)
	// renewable reports whether reject can lead to other credentials.
	renewable() bool
	// secrets lists the secret values issued so far.
	secrets() []string
}

// staticSource holds configured credentials.
type staticSource struct{ cr credentials }

func (s staticSource) get(context.Context) (credentials, error) { return s.cr, nil }
func (staticSource) reject(credentials)                         {}
func (staticSource) renewable() bool                            { return false }
func (staticSource) secrets() []string                          { return nil }

// renewingSource caches what fetch obtains from IAM. One fetch runs at a
// time; the others wait for it (or for their context).
type renewingSource struct {
	now   func() time.Time
	fetch func(ctx context.Context) (credentials, error)
	lock  chan struct{}

	mu        sync.Mutex // guards the fields below
	cur       credentials
	valid     bool
	fetchedAt time.Time
	issued    []string
}

func newRenewingSource(now func() time.Time, fetch func(ctx context.Context) (credentials, error)) *renewingSource {
	return &renewingSource{now: now, fetch: fetch, lock: make(chan struct{}, 1)}
}

func (s *renewingSource) cached() (credentials, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.valid || s.cur.expiresAt.IsZero() {
		return s.cur, s.valid
	}
	margin := renewMargin
	if life := s.cur.expiresAt.Sub(s.fetchedAt); life/4 < margin {
		margin = life / 4
	}
	return s.cur, s.now().Before(s.cur.expiresAt.Add(-margin))
}

func (s *renewingSource) get(ctx context.Context) (credentials, error) {
	if cr, ok := s.cached(); ok {
		return cr, nil
	}
	select {
	case s.lock <- struct{}{}:
	case <-ctx.Done():
		return credentials{}, ctx.Err()
	}
	defer func() { <-s.lock }()
	if cr, ok := s.cached(); ok { // renewed while we waited
		return cr, nil
	}
	cr, err := s.fetch(ctx)
	if err != nil {
		return credentials{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur, s.valid, s.fetchedAt = cr, true, s.now()
	for _, v := range []string{cr.secretKey, cr.securityToken, cr.token} {
		if v != "" {
			s.issued = append(s.issued, v)
		}
	}
	if len(s.issued) > keptSecrets {
		s.issued = append([]string(nil), s.issued[len(s.issued)-keptSecrets:]...)
	}
	return cr, nil
}

func (s *renewingSource) reject(cr credentials) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.valid && s.cur.same(cr) {
		s.valid = false
	}
}

func (s *renewingSource) renewable() bool { return true }

func (s *renewingSource) secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// chainSource is an agency's keys (outer) obtained with base credentials.
type chainSource struct {
	outer *renewingSource
	base  credentialSource
}

func (s chainSource) get(ctx context.Context) (credentials, error) { return s.outer.get(ctx) }
func (s chainSource) reject(cr credentials)                        { s.outer.reject(cr) }
func (s chainSource) renewable() bool                              { return true }
func (s chainSource) secrets() []string                            { return append(s.outer.secrets(), s.base.secrets()...) }

// anonymous authorizes nothing: password login carries its proof in the body.
var anonymous credentialSource = staticSource{}

// setUpSignIn chooses the credential source New's Client uses.
func (c *Client) setUpSignIn(cfg Config) error {
	base := staticSource{cr: credentials{
		accessKey: cfg.AccessKey, secretKey: cfg.SecretKey, securityToken: cfg.SecurityToken, token: cfg.AuthToken,
	}}
	c.creds = base
	if !cfg.needsIAM() {
		return nil
	}
	raw := strings.TrimSpace(cfg.IAMEndpoint)
	if raw == "" {
		raw = DefaultIAMEndpoint(cfg.Region)
	}
	u, err := parseEndpoint(raw)
	if err != nil {
		return fmt.Errorf("dli: iam_endpoint: %w", err)
	}
	c.iam = u
	var src credentialSource = base
	if cfg.UserName != "" {
		login := passwordLogin{user: cfg.UserName, password: cfg.Password, domain: cfg.DomainName,
			projectID: cfg.ProjectID, projectName: cfg.projectName(), domainScoped: cfg.AssumeRole != nil}
		src = newRenewingSource(c.clock, func(ctx context.Context) (credentials, error) { return c.passwordToken(ctx, &login) })
	}
	if ar := cfg.AssumeRole; ar != nil {
		role := *ar
		baseSrc := src
		src = chainSource{base: baseSrc, outer: newRenewingSource(c.clock, func(ctx context.Context) (credentials, error) {
			return c.agencyKeys(ctx, role, baseSrc)
		})}
	}
	c.creds = src
	return nil
}

// clock is c.now, read late so that tests may replace it after New.
func (c *Client) clock() time.Time { return c.now() }

// needsIAM reports whether the configuration signs in through IAM.
func (cfg Config) needsIAM() bool {
	return cfg.UserName != "" || cfg.Password != "" || cfg.AssumeRole != nil || cfg.ProjectID == ""
}

// projectName is the project to look up or to scope a token to.
func (cfg Config) projectName() string {
	if n := strings.TrimSpace(cfg.ProjectName); n != "" {
		return n
	}
	return strings.TrimSpace(cfg.Region)
}

// canFindProject reports whether SignIn can look the project up.
func (cfg Config) canFindProject() bool {
	return cfg.projectName() != "" && (strings.TrimSpace(cfg.IAMEndpoint) != "" || strings.TrimSpace(cfg.Region) != "")
}

// passwordProblem checks password login (user name, password, domain) and
// that no other base credentials are configured with it.
func passwordProblem(cfg Config) (field, msg string) {
	switch {
	case cfg.AccessKey != "" || cfg.SecretKey != "" || cfg.SecurityToken != "" || cfg.AuthToken != "":
		return "password", "configure one way to sign in: a user name and password, an access key/secret key pair, or an auth token, not several"
	case cfg.UserName == "":
		return "user_name", "a password requires a user name"
	case cfg.Password == "":
		return "password", "a user name requires a password"
	case cfg.DomainName == "":
		return "domain_name", "password login requires the domain (account) name of the user"
	}
	return "", ""
}

// signInProblems checks what only IAM sign-in uses: the IAM endpoint and
// the agency.
func (cfg Config) signInProblems() []ConfigProblem {
	var out []ConfigProblem
	add := func(field, msg string) { out = append(out, ConfigProblem{Field: field, Message: msg}) }
	iam := strings.TrimSpace(cfg.IAMEndpoint)
	switch {
	case iam != "":
		if msg := endpointProblem(iam); msg != "" {
			add("iam_endpoint", strings.Replace(msg, "invalid endpoint", "invalid IAM endpoint", 1))
		}
	case strings.TrimSpace(cfg.Region) == "" && (cfg.UserName != "" || cfg.AssumeRole != nil):
		add("iam_endpoint", "signing in through IAM needs an IAM endpoint or a region")
	}
	ar := cfg.AssumeRole
	if ar == nil {
		return out
	}
	if strings.TrimSpace(ar.AgencyName) == "" {
		add("assume_role.agency_name", "assume_role requires the name of the agency")
	}
	if strings.TrimSpace(ar.DomainName) == "" {
		add("assume_role.domain_name", "assume_role requires the domain (account) name that created the agency")
	}
	if ar.Duration != 0 && (ar.Duration < MinAssumeRoleDuration || ar.Duration > MaxAssumeRoleDuration) {
		add("assume_role.duration", fmt.Sprintf("the agency's keys can last 15 minutes to 24 hours, got %s", ar.Duration))
	}
	return out
}

// CanFindProject reports whether SignIn can look the project up when
// ProjectID is empty: a project name (or region) and an IAM endpoint (or
// region) are known.
func (cfg Config) CanFindProject() bool { return cfg.canFindProject() }
