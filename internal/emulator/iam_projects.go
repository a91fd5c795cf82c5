package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// GET /v3/projects (iam_06_0001, KeystoneListProjects), signed with AK/SK
// or with a token: the projects of the caller's account, filtered.

type projectsBody struct {
	Links    pageLinks     `json:"links"`
	Projects []projectJSON `json:"projects"`
}

// pageLinks: previous and next are always null (one page answers all).
type pageLinks struct {
	Self     string  `json:"self"`
	Previous *string `json:"previous"`
	Next     *string `json:"next"`
}

type projectJSON struct {
	IsDomain    bool         `json:"is_domain"`
	Description string       `json:"description"`
	Links       projectLinks `json:"links"`
	Enabled     bool         `json:"enabled"`
	ID          string       `json:"id"`
	ParentID    string       `json:"parent_id"`
	DomainID    string       `json:"domain_id"`
	Name        string       `json:"name"`
}

type projectLinks struct {
	Self string `json:"self"`
}

func invalidField(key, value string) response {
	return iamError(http.StatusBadRequest, CodeIAMInvalidField,
		fmt.Sprintf("Invalid input for field '%s'. The value is '%s'.", key, value))
}

// boolParam reads an optional true/false query parameter.
func boolParam(q url.Values, key string) (v, set bool, bad *response) {
	s := q.Get(key)
	if s == "" {
		return false, false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil || (s != "true" && s != "false") {
		r := invalidField(key, s)
		return false, false, &r
	}
	return b, true, nil
}

// intParam reads an optional integer query parameter within [lo,hi].
func intParam(q url.Values, key string, lo, hi int) (int, bool, *response) {
	s := q.Get(key)
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		r := invalidField(key, s)
		return 0, false, &r
	}
	return n, true, nil
}

// baseURL is the scheme and host the caller used.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (m *iamService) handleProjects(c *call) response {
	id, fail := m.caller(c)
	if fail != nil {
		return *fail
	}
	q := c.r.URL.Query()
	enabled, enabledSet, bad := boolParam(q, "enabled")
	if bad != nil {
		return *bad
	}
	isDomain, _, bad := boolParam(q, "is_domain")
	if bad != nil {
		return *bad
	}
	page, pageSet, bad := intParam(q, "page", 1, 1<<31-1)
	if bad != nil {
		return *bad
	}
	perPage, perPageSet, bad := intParam(q, "per_page", 1, 5000)
	if bad != nil {
		return *bad
	}
	base := baseURL(c.r)
	self := base + "/v3/projects"
	if c.r.URL.RawQuery != "" {
		self += "?" + c.r.URL.RawQuery
	}
	out := projectsBody{Links: pageLinks{Self: self}, Projects: []projectJSON{}}
	var match []Project
	if id.domain == m.opts.DomainID && !isDomain && (!enabledSet || enabled) {
		for _, p := range m.projects() {
			if name := q.Get("name"); name != "" && p.Name != name {
				continue
			}
			if d := q.Get("domain_id"); d != "" && d != m.opts.DomainID {
				continue
			}
			if par := q.Get("parent_id"); par != "" && par != m.opts.DomainID {
				continue
			}
			match = append(match, p)
		}
	}
	// per_page alone pages from 1; page alone is ignored (no page size).
	if perPageSet {
		if !pageSet {
			page = 1
		}
		from := min(len(match), (page-1)*perPage)
		match = match[from:min(len(match), from+perPage)]
	}
	for _, p := range match {
		out.Projects = append(out.Projects, projectJSON{
			Links: projectLinks{Self: base + "/v3/projects/" + p.ID}, Enabled: true,
			ID: p.ID, ParentID: m.opts.DomainID, DomainID: m.opts.DomainID, Name: p.Name,
		})
	}
	return okJSON(out)
}
