package emulator

import (
	"strings"
	"testing"
	"time"
)

func TestIAMOptions(t *testing.T) {
	o, err := Options{}.normalize()
	if err != nil {
		t.Fatal(err)
	}
	if o.ProjectName != DefaultProjectName || o.DomainName != DefaultDomainName || o.DomainID != DefaultDomainID ||
		o.TokenTTL != DefaultTokenTTL || len(o.ExtraProjects) != 0 ||
		len(o.Users) != 1 || o.Users[0] != (User{DefaultUserName, DefaultPassword}) ||
		len(o.Agencies) != 1 || o.Agencies[0] != (Agency{DefaultAgency, DefaultDomainName}) {
		t.Fatalf("defaults %+v", o)
	}
	o, err = Options{
		DomainName: "acme", Users: []User{}, Agencies: []Agency{{Name: "a"}, {Name: "b", DomainName: "other"}},
		ExtraProjects: []Project{{Name: "x"}, {Name: "x"}, {Name: "y", ID: "abc"}}, TokenTTL: -time.Second,
	}.normalize()
	if err != nil {
		t.Fatal(err)
	}
	ex := o.ExtraProjects
	if o.Users == nil || len(o.Users) != 0 || o.Agencies[0].DomainName != "acme" || o.Agencies[1].DomainName != "other" ||
		len(ex) != 3 || len(ex[0].ID) != 32 || ex[0].ID == ex[1].ID || ex[2].ID != "abc" || o.TokenTTL != DefaultTokenTTL {
		t.Fatalf("normalized %+v", o)
	}
	// The same configuration gives the same derived IDs.
	again, _ := Options{ExtraProjects: []Project{{Name: "x"}}}.normalize()
	if again.ExtraProjects[0].ID != ex[0].ID {
		t.Fatalf("derived IDs differ: %s %s", again.ExtraProjects[0].ID, ex[0].ID)
	}
	bad := []struct {
		name string
		o    Options
		want string
	}{
		{"project name", Options{ProjectName: "a b"}, "ProjectName"},
		{"domain name", Options{DomainName: strings.Repeat("d", 65)}, "DomainName"},
		{"domain ID", Options{DomainID: "x/y"}, "DomainID"},
		{"extra without a name", Options{ExtraProjects: []Project{{ID: "abc"}}}, "extra project"},
		{"extra ID of the served project", Options{ExtraProjects: []Project{{Name: "x", ID: DefaultProjectID}}}, "used twice"},
		{"extra ID twice", Options{ExtraProjects: []Project{{Name: "x", ID: "a1"}, {Name: "y", ID: "a1"}}}, "used twice"},
		{"user without a password", Options{Users: []User{{Name: "u"}}}, "IAM user"},
		{"user twice", Options{Users: []User{{"u", "p"}, {"u", "q"}}}, "IAM user"},
		{"agency name", Options{Agencies: []Agency{{Name: "a@b"}}}, "agency"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			if _, err := New(c.o); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one naming %q", err, c.want)
			}
		})
	}
}

// Options returns copies: changing them changes nothing in the server, and
// an empty list stays empty (disabled) when fed back to New.
func TestIAMOptionsAreCopies(t *testing.T) {
	s, err := New(Options{Users: []User{}, ExtraProjects: []Project{{Name: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	o := s.Options()
	o.ExtraProjects[0].Name = "changed"
	o.Agencies[0].Name = "changed"
	if p := s.Options(); p.ExtraProjects[0].Name != "x" || p.Agencies[0].Name != DefaultAgency || p.Users == nil || len(p.Users) != 0 {
		t.Fatalf("%+v", p)
	}
}

// With -security-token the configured pair is temporary; IAM's temporary
// keys still need their own security token, not the configured one.
func TestIAMKeysBesideAConfiguredSecurityToken(t *testing.T) {
	w := newIAMWire(t, Options{SecurityToken: "configured-st"})
	base := signedBy(DefaultAccessKey, DefaultSecretKey, "configured-st")
	cr := w.assume(base, demoAgency)
	if r := w.dliList(signedBy(cr.Access, cr.Secret, cr.SecurityToken)); r.status != 200 {
		t.Fatalf("temporary keys: %d %s", r.status, r.body)
	}
	wantGatewayError(t, w.dliList(signedBy(cr.Access, cr.Secret, "configured-st")), subBadSecToken)
	wantGatewayError(t, w.dliList(signedBy(DefaultAccessKey, DefaultSecretKey, cr.SecurityToken)), subBadSecToken)
	wantIAMError(t, w.send("POST", "/v3.0/OS-CREDENTIAL/securitytokens", assumeBody(demoAgency), demoKeys), 401, CodeIAMAuth, "")
}
