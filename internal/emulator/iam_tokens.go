package emulator

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// POST /v3/auth/tokens, password method (iam_30_0001,
// KeystoneCreateUserTokenByPassword): 201, the token in X-Subject-Token.

// iamRef names an account in a request, by ID or name.
type iamRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type tokenRequest struct {
	Auth *struct {
		Identity *struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User *struct {
					ID       string  `json:"id"`
					Name     string  `json:"name"`
					Password string  `json:"password"`
					Domain   *iamRef `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope *struct {
			Project *struct {
				ID     string  `json:"id"`
				Name   string  `json:"name"`
				Domain *iamRef `json:"domain"`
			} `json:"project"`
			Domain *iamRef `json:"domain"`
		} `json:"scope"`
	} `json:"auth"`
}

type iamNamed struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type tokenBody struct {
	Token tokenJSON `json:"token"`
}

type tokenJSON struct {
	Catalog   []struct{}    `json:"catalog"`
	Domain    *iamNamed     `json:"domain,omitempty"`
	ExpiresAt string        `json:"expires_at"`
	IssuedAt  string        `json:"issued_at"`
	Methods   []string      `json:"methods"`
	Project   *tokenProject `json:"project,omitempty"`
	Roles     []iamNamed    `json:"roles"`
	User      tokenUser     `json:"user"`
}

type tokenProject struct {
	Domain iamNamed `json:"domain"`
	ID     string   `json:"id"`
	Name   string   `json:"name"`
}

type tokenUser struct {
	Domain            iamNamed `json:"domain"`
	ID                string   `json:"id"`
	Name              string   `json:"name"`
	PasswordExpiresAt string   `json:"password_expires_at"`
}

const (
	msgBadTokenBody  = "The request body is invalid"
	msgWrongPassword = "The username or password is wrong."
	msgNeedsAuth     = "The request you have made requires authentication."
)

// matchesDomain tells whether ref (nil: not given) names the emulator's
// account by ID or name; with both, both must match.
func (m *iamService) matchesDomain(ref *iamRef) bool {
	return ref != nil && (ref.ID != "" || ref.Name != "") &&
		(ref.ID == "" || ref.ID == m.opts.DomainID) && (ref.Name == "" || ref.Name == m.opts.DomainName)
}

func (m *iamService) handleCreateToken(c *call) response {
	bad := keystoneFailure(http.StatusBadRequest, msgBadTokenBody)
	var req tokenRequest
	if _, err := decodeObject(c.body); err != nil || json.Unmarshal(c.body, &req) != nil {
		return bad
	}
	a := req.Auth
	if a == nil || a.Identity == nil || !slices.Contains(a.Identity.Methods, "password") ||
		a.Identity.Password == nil || a.Identity.Password.User == nil || a.Scope == nil {
		return bad
	}
	for _, meth := range a.Identity.Methods {
		if meth != "password" && meth != "totp" { // MFA is not emulated: totp is ignored
			return bad
		}
	}
	u := a.Identity.Password.User
	if u.Password == "" || (u.ID == "" && (u.Name == "" || u.Domain == nil)) {
		return bad
	}
	user, ok := m.passwordUser(u.ID, u.Name, u.Domain, u.Password)
	if !ok {
		return keystoneFailure(http.StatusUnauthorized, msgWrongPassword)
	}
	sc := a.Scope
	if (sc.Project == nil) == (sc.Domain == nil) {
		return bad
	}
	domain := iamNamed{ID: m.opts.DomainID, Name: m.opts.DomainName}
	now := m.clock.Now().UTC().Truncate(time.Millisecond) // IAM shows milliseconds
	body := tokenJSON{
		Catalog:   []struct{}{},
		ExpiresAt: iamTime(now.Add(m.opts.TokenTTL)),
		IssuedAt:  iamTime(now),
		Methods:   []string{"password"},
		Roles:     []iamNamed{{ID: "0", Name: "te_admin"}},
		User:      tokenUser{Domain: domain, ID: m.userID(user), Name: user},
	}
	id := identity{owner: user, domain: m.opts.DomainID}
	if p := sc.Project; p != nil {
		if (p.ID == "" && p.Name == "") || (p.Domain != nil && !m.matchesDomain(p.Domain)) {
			return keystoneFailure(http.StatusUnauthorized, msgNeedsAuth)
		}
		proj, ok := m.findProject(p.ID, p.Name)
		if !ok {
			return keystoneFailure(http.StatusUnauthorized, msgNeedsAuth)
		}
		id.project = proj.ID
		body.Project = &tokenProject{Domain: domain, ID: proj.ID, Name: proj.Name}
	} else {
		if !m.matchesDomain(sc.Domain) {
			return keystoneFailure(http.StatusUnauthorized, msgNeedsAuth)
		}
		id.domainScoped = true
		body.Domain = &domain
	}
	tok := "MIIE" + randomText(96)
	key := hexSHA256([]byte(tok))
	m.remember(&iamIssued{
		Kind: "token", ID: key[:8], UserName: user, ProjectID: id.project, DomainName: m.opts.DomainName,
		IssuedAt: body.IssuedAt, ExpiresAt: body.ExpiresAt,
		cred: issuedCredential{id: id, expires: now.Add(m.opts.TokenTTL)}, key: key,
	}, m.tokens)
	return response{
		status: http.StatusCreated,
		header: http.Header{"X-Subject-Token": {tok}},
		body:   marshal(tokenBody{body}),
	}
}

// passwordUser finds the user (by ID, or by name in the named account) and
// checks the password; it returns the user's name.
func (m *iamService) passwordUser(id, name string, domain *iamRef, password string) (string, bool) {
	found := ""
	for _, u := range m.opts.Users {
		byID := id != "" && id == m.userID(u.Name)
		byName := id == "" && name == u.Name && m.matchesDomain(domain)
		if (byID || byName) && subtle.ConstantTimeCompare([]byte(u.Password), []byte(password)) == 1 {
			found = u.Name
		}
	}
	return found, found != ""
}

// findProject finds a project of the account by ID, or by name (the first
// of that name).
func (m *iamService) findProject(id, name string) (Project, bool) {
	for _, p := range m.projects() {
		if (id == "" || p.ID == id) && (name == "" || p.Name == name) {
			return p, true
		}
	}
	return Project{}, false
}

// projects lists the account's projects: the served one, then the extras.
func (m *iamService) projects() []Project {
	return append([]Project{{ID: m.opts.ProjectID, Name: m.opts.ProjectName}}, m.opts.ExtraProjects...)
}
