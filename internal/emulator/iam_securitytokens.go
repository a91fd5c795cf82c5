package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// POST /v3.0/OS-CREDENTIAL/securitytokens, assume_role method (iam_04_0101,
// CreateTemporaryAccessKeyByAgency), authenticated by X-Auth-Token or
// AK/SK: 201 {"credential":{"access","expires_at","secret","securitytoken"}}.

// Durations of temporary keys: 15 minutes (the default) to 24 hours.
const (
	minKeyDuration = 15 * time.Minute
	maxKeyDuration = 24 * time.Hour
)

type assumeRoleRequest struct {
	Auth *struct {
		Identity *struct {
			Methods    []string `json:"methods"`
			AssumeRole *struct {
				AgencyName      string `json:"agency_name"`
				XRoleName       string `json:"xrole_name"` // the older spelling
				DomainID        string `json:"domain_id"`
				DomainName      string `json:"domain_name"`
				DurationSeconds *int   `json:"duration_seconds"`
			} `json:"assume_role"`
		} `json:"identity"`
	} `json:"auth"`
}

type credentialBody struct {
	Credential credentialJSON `json:"credential"`
}

type credentialJSON struct {
	Access        string `json:"access"`
	ExpiresAt     string `json:"expires_at"`
	Secret        string `json:"secret"`
	SecurityToken string `json:"securitytoken"`
}

const (
	akAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	skAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

func (m *iamService) handleSecurityToken(c *call) response {
	if _, fail := m.caller(c); fail != nil {
		return *fail
	}
	var req assumeRoleRequest
	if _, err := decodeObject(c.body); err != nil || json.Unmarshal(c.body, &req) != nil {
		return iamError(http.StatusBadRequest, CodeIAMBody, "Request body is invalid.")
	}
	if req.Auth == nil || req.Auth.Identity == nil {
		return iamError(http.StatusBadRequest, CodeIAMRequired, "'identity' is a required property.")
	}
	idn := req.Auth.Identity
	if len(idn.Methods) != 1 || !slices.Contains(idn.Methods, "assume_role") {
		// CreateTemporaryAccessKeyByToken (methods ["token"]) is not emulated.
		return invalidField("methods", string(marshal(idn.Methods)))
	}
	ar := idn.AssumeRole
	if ar == nil {
		return iamError(http.StatusBadRequest, CodeIAMRequired, "'assume_role' is a required property.")
	}
	name := ar.AgencyName
	if name == "" {
		name = ar.XRoleName
	}
	if name == "" {
		return iamError(http.StatusBadRequest, CodeIAMRequired, "'agency_name' is a required property.")
	}
	if ar.DomainID == "" && ar.DomainName == "" {
		return iamError(http.StatusBadRequest, CodeIAMRequired, "'domain_id' or 'domain_name' is a required property.")
	}
	d := minKeyDuration
	if ar.DurationSeconds != nil {
		d = time.Duration(*ar.DurationSeconds) * time.Second
		if d < minKeyDuration || d > maxKeyDuration {
			return invalidField("duration_seconds", strconv.Itoa(*ar.DurationSeconds))
		}
	}
	agency, ok := m.findAgency(name, ar.DomainID, ar.DomainName)
	if !ok {
		return iamError(http.StatusForbidden, CodeIAMForbidden, "You are not authorized to perform the requested action.")
	}
	now := m.clock.Now().UTC().Truncate(time.Millisecond) // IAM shows milliseconds
	cred := credentialJSON{
		Access:        randomFrom(akAlphabet, 20),
		ExpiresAt:     iamTime(now.Add(d)),
		Secret:        randomFrom(skAlphabet, 40),
		SecurityToken: "gQ" + randomText(192),
	}
	m.remember(&iamIssued{
		Kind: "temporary_key", ID: cred.Access, AgencyName: agency.Name, DomainName: agency.DomainName,
		IssuedAt: iamTime(now), ExpiresAt: cred.ExpiresAt,
		cred: issuedCredential{
			id:     identity{owner: agency.Name, domain: m.domainID(agency.DomainName)},
			secret: cred.Secret, securityToken: cred.SecurityToken, expires: now.Add(d),
		},
		key: cred.Access,
	}, m.keys)
	return response{status: http.StatusCreated, body: marshal(credentialBody{cred})}
}

// findAgency finds the agency of that name created by the account named by
// ID or name (both must match when both are given).
func (m *iamService) findAgency(name, domainID, domainName string) (Agency, bool) {
	for _, a := range m.opts.Agencies {
		if a.Name == name && (domainName == "" || domainName == a.DomainName) &&
			(domainID == "" || domainID == m.domainID(a.DomainName)) {
			return a, true
		}
	}
	return Agency{}, false
}
