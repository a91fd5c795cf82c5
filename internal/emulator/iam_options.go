package emulator

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Demo defaults of the IAM service (IAM-NOTES.md), used for zero-valued
// Options fields.
const (
	// DefaultProjectName is the name IAM gives ProjectID: by Huawei's
	// convention a project is named after its region.
	DefaultProjectName = "cn-north-4"
	// DefaultDomainName is the account (domain) that owns the project, the
	// users and the agencies.
	DefaultDomainName = "demo-domain"
	// DefaultDomainID is the ID of DefaultDomainName (and of any DomainName
	// when Options.DomainID is empty).
	DefaultDomainID = "fedcba9876543210fedcba9876543210"
	// DefaultUserName and DefaultPassword are the demo IAM user.
	DefaultUserName = "demo-user"
	DefaultPassword = "demo-password"
	// DefaultAgency is the demo agency, created by DomainName.
	DefaultAgency = "demo-agency"
	// DefaultTokenTTL is the lifetime of an IAM token (Huawei: 24 hours).
	DefaultTokenTTL = 24 * time.Hour
)

// Project is one more project of the emulator's domain in IAM (listed and
// usable as a token scope; DLI serves only Options.ProjectID).
type Project struct {
	// ID defaults to a stable 32-hex-digit ID derived from Name and the
	// project's position.
	ID, Name string
}

// User is an IAM user of the emulator's domain who signs in with a
// password (POST /v3/auth/tokens).
type User struct {
	Name, Password string
}

// Agency is an agency that callers may assume (POST
// /v3.0/OS-CREDENTIAL/securitytokens). DomainName is the delegating
// account that created it, default Options.DomainName; temporary keys of
// an agency of another account do not reach the emulator's project.
type Agency struct {
	Name, DomainName string
}

var (
	iamNameRE    = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
	iamProjectRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// normalizeIAM fills the IAM defaults of o and validates them.
func (o *Options) normalizeIAM() error {
	if o.ProjectName == "" {
		o.ProjectName = DefaultProjectName
	}
	if o.DomainName == "" {
		o.DomainName = DefaultDomainName
	}
	if o.DomainID == "" {
		o.DomainID = DefaultDomainID
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = DefaultTokenTTL
	}
	for _, n := range []struct{ what, v string }{{"ProjectName", o.ProjectName}, {"DomainName", o.DomainName}, {"DomainID", o.DomainID}} {
		if !iamNameRE.MatchString(n.v) {
			return fmt.Errorf("emulator: invalid %s %q", n.what, n.v)
		}
	}
	ids := map[string]bool{o.ProjectID: true}
	extra := make([]Project, 0, len(o.ExtraProjects))
	for i, p := range o.ExtraProjects {
		p.Name, p.ID = strings.TrimSpace(p.Name), strings.TrimSpace(p.ID)
		if p.ID == "" {
			p.ID = hexSHA256(fmt.Appendf(nil, "project\x00%s\x00%d", p.Name, i))[:32]
		}
		if !iamNameRE.MatchString(p.Name) || !iamProjectRE.MatchString(p.ID) {
			return fmt.Errorf("emulator: invalid extra project %q (ID %q)", p.Name, p.ID)
		}
		if ids[p.ID] {
			return fmt.Errorf("emulator: the project ID %s is used twice", p.ID)
		}
		ids[p.ID] = true
		extra = append(extra, p)
	}
	o.ExtraProjects = extra
	if o.Users == nil {
		o.Users = []User{{Name: DefaultUserName, Password: DefaultPassword}}
	} else {
		users := make([]User, 0, len(o.Users))
		seen := map[string]bool{}
		for _, u := range o.Users {
			if !iamNameRE.MatchString(u.Name) || u.Password == "" || seen[u.Name] {
				return fmt.Errorf("emulator: invalid or repeated IAM user %q (a password is required)", u.Name)
			}
			seen[u.Name] = true
			users = append(users, u)
		}
		o.Users = users
	}
	if o.Agencies == nil {
		o.Agencies = []Agency{{Name: DefaultAgency}}
	}
	agencies := make([]Agency, 0, len(o.Agencies))
	for _, a := range o.Agencies {
		if a.DomainName == "" {
			a.DomainName = o.DomainName
		}
		if !iamNameRE.MatchString(a.Name) || !iamNameRE.MatchString(a.DomainName) {
			return fmt.Errorf("emulator: invalid agency %q of domain %q", a.Name, a.DomainName)
		}
		agencies = append(agencies, a)
	}
	o.Agencies = agencies
	return nil
}
