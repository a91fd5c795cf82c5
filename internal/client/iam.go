package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The IAM collection: password tokens, an agency's temporary keys and the
// project lookup. Wire shapes and sources are in IAM-NOTES.md.

// iamContentType is what IAM's reference asks every request to declare.
const iamContentType = "application/json;charset=utf8"

// DefaultIAMEndpoint returns https://iam.{region}.myhuaweicloud.com (the
// .eu domain where DefaultEndpoint uses it).
func DefaultIAMEndpoint(region string) string {
	return strings.Replace(DefaultEndpoint(region), "https://dli.", "https://iam.", 1)
}

// SignInError is a failure to sign in through IAM or to find the project.
// Field names the provider argument to look at: "password", "assume_role",
// "project_id" or "iam_endpoint". Its text never contains a secret.
type SignInError struct {
	Field string
	Err   error
}

func (e *SignInError) Error() string { return e.Err.Error() }
func (e *SignInError) Unwrap() error { return e.Err }

// signInError attributes err to field, or to iam_endpoint when IAM did not
// answer at all or only with server errors. An error already attributed
// keeps its field.
func signInError(field string, err error) error {
	var se *SignInError
	if errors.As(err, &se) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var na *noAnswerError
	if e, ok := asAPIError(err); errors.As(err, &na) || (ok && (e.StatusCode >= 500 || IsThrottled(err))) {
		field = "iam_endpoint"
	}
	return &SignInError{Field: field, Err: err}
}

// SignIn builds a Client like New, then signs in at once: it obtains the
// first password token or agency keys, and asks IAM for the project named
// ProjectName (default: Region) when ProjectID is empty. Errors are
// *SignInError (or the problems of Validate).
func SignIn(ctx context.Context, cfg Config) (*Client, error) {
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	ctx = c.logContext(ctx)
	cr, err := c.creds.get(ctx)
	if err != nil {
		return nil, err
	}
	if c.projectID == "" {
		c.projectID = cr.projectID // a token scoped by project name says which one
	}
	if c.projectID == "" {
		id, err := c.findProject(ctx, cfg.projectName())
		if err != nil {
			return nil, err
		}
		c.projectID = id
	}
	return c, nil
}

// iamCall is an unscoped call to the IAM endpoint, authorized by src.
func (c *Client) iamCall(op, method, version string, segments []string, src credentialSource) apiCall {
	return apiCall{
		op: op, method: method, version: version, segments: segments, base: c.iam,
		contentType: iamContentType, creds: src, redact: iamRedaction,
		// Asking again for a token or keys has no effect worth avoiding.
		idempotent: true,
	}
}

// iamRedaction shows names and dates in trace logs; keys, tokens and
// passwords are masked by their key names anyway.
var iamRedaction = newRedaction([]string{"name", "id", "methods", "agency_name", "domain_name", "expires_at", "issued_at", "title", "enabled"}, nil, nil)

// passwordLogin is what a password token is requested with. projectID is
// filled in after the first login scoped by name.
type passwordLogin struct {
	user, password, domain string
	projectID, projectName string
	// domainScoped asks for a token of the whole account (to assume an
	// agency with) instead of one project.
	domainScoped bool
}

type iamName struct {
	Name string `json:"name"`
}

type iamScope struct {
	Project *iamProjectScope `json:"project,omitempty"`
	Domain  *iamName         `json:"domain,omitempty"`
}

type iamProjectScope struct {
	ID     string   `json:"id,omitempty"`
	Name   string   `json:"name,omitempty"`
	Domain *iamName `json:"domain,omitempty"`
}

type passwordTokenRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Name     string  `json:"name"`
					Password string  `json:"password"`
					Domain   iamName `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope iamScope `json:"scope"`
	} `json:"auth"`
}

type tokenAnswer struct {
	Token struct {
		ExpiresAt string `json:"expires_at"`
		Project   *struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"project"`
	} `json:"token"`
}

// passwordToken logs in (POST /v3/auth/tokens); the token is the answer's
// X-Subject-Token header.
func (c *Client) passwordToken(ctx context.Context, l *passwordLogin) (credentials, error) {
	var req passwordTokenRequest
	id := &req.Auth.Identity
	id.Methods = []string{"password"}
	id.Password.User.Name, id.Password.User.Password, id.Password.User.Domain.Name = l.user, l.password, l.domain
	switch {
	case l.domainScoped:
		req.Auth.Scope.Domain = &iamName{Name: l.domain}
	case l.projectID != "":
		req.Auth.Scope.Project = &iamProjectScope{ID: l.projectID}
	default:
		req.Auth.Scope.Project = &iamProjectScope{Name: l.projectName, Domain: &iamName{Name: l.domain}}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return credentials{}, err
	}
	call := c.iamCall("sign in with a password as", http.MethodPost, "v3", []string{"auth", "tokens"}, anonymous)
	call.subject, call.body, call.query = l.user, body, url.Values{"nocatalog": {"true"}}
	var answer tokenAnswer
	res, err := c.do(ctx, call, &answer)
	if err != nil {
		return credentials{}, signInError("password", err)
	}
	token := strings.TrimSpace(res.header.Get("X-Subject-Token"))
	if token == "" || strings.ContainsAny(token, "\r\n") {
		return credentials{}, signInError("password", fmt.Errorf("dli: sign in with a password as %s: IAM answered HTTP %d without a token (X-Subject-Token)", l.user, res.status))
	}
	cr := credentials{token: token, expiresAt: c.credentialExpiry(answer.Token.ExpiresAt)}
	if p := answer.Token.Project; p != nil && !l.domainScoped && ValidProjectID(p.ID) {
		cr.projectID = p.ID
		l.projectID = p.ID // renewals ask for the same project by ID
	}
	return cr, nil
}

type agencyRequest struct {
	Auth struct {
		Identity struct {
			Methods    []string `json:"methods"`
			AssumeRole struct {
				AgencyName      string `json:"agency_name"`
				DomainName      string `json:"domain_name"`
				DurationSeconds int64  `json:"duration_seconds,omitempty"`
			} `json:"assume_role"`
		} `json:"identity"`
	} `json:"auth"`
}

type agencyAnswer struct {
	Credential struct {
		Access        string `json:"access"`
		Secret        string `json:"secret"`
		SecurityToken string `json:"securitytoken"`
		ExpiresAt     string `json:"expires_at"`
	} `json:"credential"`
}

// agencyKeys asks IAM for the agency's temporary keys
// (POST /v3.0/OS-CREDENTIAL/securitytokens), authorized by base.
func (c *Client) agencyKeys(ctx context.Context, role AssumeRole, base credentialSource) (credentials, error) {
	var req agencyRequest
	id := &req.Auth.Identity
	id.Methods = []string{"assume_role"}
	id.AssumeRole.AgencyName, id.AssumeRole.DomainName = role.AgencyName, role.DomainName
	id.AssumeRole.DurationSeconds = int64(role.Duration / time.Second)
	body, err := json.Marshal(req)
	if err != nil {
		return credentials{}, err
	}
	call := c.iamCall("assume agency", http.MethodPost, "v3.0", []string{"OS-CREDENTIAL", "securitytokens"}, base)
	call.subject, call.body = role.DomainName+"/"+role.AgencyName, body
	var answer agencyAnswer
	res, err := c.do(ctx, call, &answer)
	if err != nil {
		return credentials{}, signInError("assume_role", err)
	}
	k := answer.Credential
	if k.Access == "" || k.Secret == "" || k.SecurityToken == "" ||
		strings.ContainsAny(k.Access, " ,=\t\r\n") || strings.ContainsAny(k.SecurityToken, "\r\n") {
		return credentials{}, signInError("assume_role", fmt.Errorf("dli: assume agency %s: IAM answered HTTP %d without usable temporary keys", call.subject, res.status))
	}
	return credentials{accessKey: k.Access, secretKey: k.Secret, securityToken: k.SecurityToken,
		expiresAt: c.credentialExpiry(k.ExpiresAt)}, nil
}

// credentialExpiry parses IAM's expires_at. An unreadable time, or one our
// clock already sees (nearly) passed, is treated as unknown: the
// credentials are then kept until a 401 says otherwise, instead of being
// renewed on every call.
func (c *Client) credentialExpiry(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999", "2006-01-02T15:04:05.999999Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			if !t.After(c.now().Add(time.Minute)) {
				return time.Time{}
			}
			return t
		}
	}
	return time.Time{}
}

type projectsAnswer struct {
	Projects []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"projects"`
}

// findProject returns the ID of the only project called name that the
// DLI credentials see (GET /v3/projects?name=).
func (c *Client) findProject(ctx context.Context, name string) (string, error) {
	call := c.iamCall("find project", http.MethodGet, "v3", []string{"projects"}, c.creds)
	call.subject, call.query = name, url.Values{"name": {name}}
	var answer projectsAnswer
	if _, err := c.do(ctx, call, &answer); err != nil {
		return "", signInError("project_id", err)
	}
	var ids []string
	for _, p := range answer.Projects {
		if p.Name == name { // IAM filters by name; a server that does not is not trusted
			ids = append(ids, p.ID)
		}
	}
	switch {
	case len(ids) == 0:
		return "", &SignInError{Field: "project_id", Err: fmt.Errorf("dli: find project %s: IAM knows no project of that name visible to these credentials: set project_id, or project_name to the project's name", name)}
	case len(ids) > 1:
		return "", &SignInError{Field: "project_id", Err: fmt.Errorf("dli: find project %s: IAM has %d projects of that name (%s): set project_id to the one to use", name, len(ids), strings.Join(ids, ", "))}
	case !ValidProjectID(ids[0]):
		return "", &SignInError{Field: "project_id", Err: fmt.Errorf("dli: find project %s: IAM answered an invalid project ID %q", name, truncate(ids[0], 80))}
	}
	return ids[0], nil
}
