package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// GET /v3/projects: signed with AK/SK or with a token, filtered by name,
// domain, parent and state, paged by page/per_page, links.next null.
func TestIAMListProjects(t *testing.T) {
	extra := []Project{{Name: "cn-north-4", ID: "dddddddddddddddddddddddddddddddd"}, {Name: "cn-east-3"}}
	w := newIAMWire(t, Options{ExtraProjects: extra})
	tok := w.login()
	eastID := w.h.s.Options().ExtraProjects[1].ID
	cases := []struct {
		name  string
		query string
		a     auth
		want  []string // project IDs, in order
	}{
		{"by region name, AK/SK", "?name=cn-north-4", demoKeys, []string{DefaultProjectID, extra[0].ID}},
		{"by region name, configured token", "?name=cn-north-4", withToken(DefaultToken), []string{DefaultProjectID, extra[0].ID}},
		{"by region name, IAM token", "?name=cn-north-4", withToken(tok), []string{DefaultProjectID, extra[0].ID}},
		{"other name", "?name=cn-east-3", demoKeys, []string{eastID}},
		{"no such name", "?name=ap-southeast-1", demoKeys, nil},
		{"all", "", demoKeys, []string{DefaultProjectID, extra[0].ID, eastID}},
		{"domain and name", "?domain_id=" + DefaultDomainID + "&name=cn-east-3", demoKeys, []string{eastID}},
		{"other domain", "?domain_id=00000000000000000000000000000000", demoKeys, nil},
		{"parent", "?parent_id=" + DefaultDomainID, demoKeys, []string{DefaultProjectID, extra[0].ID, eastID}},
		{"enabled", "?enabled=true&is_domain=false", demoKeys, []string{DefaultProjectID, extra[0].ID, eastID}},
		{"disabled ones", "?enabled=false", demoKeys, nil},
		{"domains", "?is_domain=true", demoKeys, nil},
		{"page 2 of 1", "?page=2&per_page=1", demoKeys, []string{extra[0].ID}},
		{"per_page alone", "?per_page=2", demoKeys, []string{DefaultProjectID, extra[0].ID}},
		{"past the end", "?page=9&per_page=2", demoKeys, nil},
		{"page alone", "?page=3", demoKeys, []string{DefaultProjectID, extra[0].ID, eastID}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.send("GET", "/v3/projects"+c.query, "", c.a)
			if r.status != http.StatusOK {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if !strings.Contains(string(r.body), `"previous":null,"next":null`) {
				t.Errorf("links: %s", r.body)
			}
			b := decodeBody[projectsBody](t, r)
			if b.Links.Self != w.ts.URL+"/v3/projects"+c.query || b.Projects == nil {
				t.Errorf("self %q, projects %v", b.Links.Self, b.Projects)
			}
			var got []string
			for _, p := range b.Projects {
				got = append(got, p.ID)
				if p.DomainID != DefaultDomainID || p.ParentID != DefaultDomainID || !p.Enabled || p.IsDomain ||
					p.Links.Self != w.ts.URL+"/v3/projects/"+p.ID || p.Name == "" {
					t.Errorf("project %+v", p)
				}
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// The documented shape of one project, key by key.
func TestIAMProjectShape(t *testing.T) {
	w := newIAMWire(t, Options{})
	r := w.send("GET", "/v3/projects?name=cn-north-4", "", demoKeys)
	base := w.ts.URL
	want := `{"links":{"self":"` + base + `/v3/projects?name=cn-north-4","previous":null,"next":null},"projects":[` +
		`{"is_domain":false,"description":"","links":{"self":"` + base + `/v3/projects/` + DefaultProjectID + `"},` +
		`"enabled":true,"id":"` + DefaultProjectID + `","parent_id":"` + DefaultDomainID + `","domain_id":"` +
		DefaultDomainID + `","name":"cn-north-4"}]}`
	if string(r.body) != want {
		t.Fatalf("got  %s\nwant %s", r.body, want)
	}
}

func TestIAMListProjectsRefusals(t *testing.T) {
	w := newIAMWire(t, Options{ProjectName: "eu-west-101"})
	cases := []struct {
		name   string
		query  string
		a      auth
		status int
		code   string
	}{
		{"no credentials", "?name=eu-west-101", nil, 401, CodeIAMAuth},
		{"unknown token", "?name=eu-west-101", withToken("nope"), 401, CodeIAMAuth},
		{"wrong secret", "?name=eu-west-101", signedBy(DefaultAccessKey, "wrong", ""), 401, CodeIAMAuth},
		{"unknown access key", "?name=eu-west-101", signedBy("NOSUCHKEY", DefaultSecretKey, ""), 401, CodeIAMAuth},
		{"per_page 0", "?per_page=0", demoKeys, 400, CodeIAMInvalidField},
		{"per_page too large", "?per_page=5001", demoKeys, 400, CodeIAMInvalidField},
		{"page 0", "?page=0&per_page=1", demoKeys, 400, CodeIAMInvalidField},
		{"page not a number", "?page=x", demoKeys, 400, CodeIAMInvalidField},
		{"enabled not a boolean", "?enabled=yes", demoKeys, 400, CodeIAMInvalidField},
		{"is_domain not a boolean", "?is_domain=1", demoKeys, 400, CodeIAMInvalidField},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantIAMError(t, w.send("GET", "/v3/projects"+c.query, "", c.a), c.status, c.code, "")
		})
	}
	// The configured project name is the one found.
	b := decodeBody[projectsBody](t, w.send("GET", "/v3/projects?name=eu-west-101", "", demoKeys))
	if len(b.Projects) != 1 || b.Projects[0].ID != DefaultProjectID {
		t.Fatalf("%+v", b)
	}
	// Every IAM request is in the request log, with IAM's error code.
	var codes []string
	for _, rec := range w.h.s.Requests() {
		if rec.Path == "/v3/projects" && rec.Status == 401 {
			codes = append(codes, rec.ErrorCode)
		}
	}
	if strings.Join(codes, ",") != "IAM.0001,IAM.0001,IAM.0001,IAM.0001" {
		t.Fatalf("request log codes %v", codes)
	}
}
