package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

func TestParseIAMFlags(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		env   map[string]string
		err   bool
		check func(t *testing.T, o emulator.Options)
	}{
		{"defaults", nil, nil, false, func(t *testing.T, o emulator.Options) {
			if o.ProjectName != emulator.DefaultProjectName || o.DomainName != emulator.DefaultDomainName ||
				o.TokenTTL != emulator.DefaultTokenTTL || len(o.ExtraProjects) != 0 ||
				len(o.Users) != 1 || o.Users[0] != (emulator.User{Name: emulator.DefaultUserName, Password: emulator.DefaultPassword}) ||
				len(o.Agencies) != 1 || o.Agencies[0] != (emulator.Agency{Name: emulator.DefaultAgency}) {
				t.Fatalf("%+v", o)
			}
		}},
		{"every IAM flag", []string{"-project-name", "eu-west-101", "-extra-projects", "eu-west-101, cn-east-3=abc,",
			"-domain-name", "acme", "-user-name", "ops", "-password", "pw", "-agency", "a1,a2@central", "-token-ttl", "90s"},
			nil, false, func(t *testing.T, o emulator.Options) {
				if o.ProjectName != "eu-west-101" || o.DomainName != "acme" || o.TokenTTL != 90*time.Second ||
					len(o.ExtraProjects) != 2 || o.ExtraProjects[0] != (emulator.Project{Name: "eu-west-101"}) ||
					o.ExtraProjects[1] != (emulator.Project{Name: "cn-east-3", ID: "abc"}) ||
					len(o.Users) != 1 || o.Users[0] != (emulator.User{Name: "ops", Password: "pw"}) ||
					len(o.Agencies) != 2 || o.Agencies[1] != (emulator.Agency{Name: "a2", DomainName: "central"}) {
					t.Fatalf("%+v", o)
				}
			}},
		{"environment", nil, map[string]string{"DLI_EMULATOR_PROJECT_NAME": "cn-south-1", "DLI_EMULATOR_TOKEN_TTL": "1m",
			"DLI_EMULATOR_AGENCY": "env-agency"}, false, func(t *testing.T, o emulator.Options) {
			if o.ProjectName != "cn-south-1" || o.TokenTTL != time.Minute || o.Agencies[0].Name != "env-agency" {
				t.Fatalf("%+v", o)
			}
		}},
		{"no password, no agency", []string{"-password", "", "-agency", ""}, nil, false, func(t *testing.T, o emulator.Options) {
			if o.Users == nil || len(o.Users) != 0 || o.Agencies == nil || len(o.Agencies) != 0 {
				t.Fatalf("%+v", o)
			}
		}},
		{"zero token TTL", []string{"-token-ttl", "0"}, nil, true, nil},
		{"bad token TTL", []string{"-token-ttl", "day"}, nil, true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parse(c.args, envFrom(c.env), io.Discard)
			if (err != nil) != c.err {
				t.Fatalf("err = %v", err)
			}
			if c.check != nil {
				c.check(t, cfg.opts)
			}
		})
	}
	// Options the server refuses are exit code 2.
	if code := run(context.Background(), []string{"-agency", "bad name"}, envFrom(nil), io.Discard, io.Discard); code != 2 {
		t.Fatalf("bad agency: exit %d", code)
	}
}

func TestHelpDocumentsIAMFlags(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, envFrom(nil), io.Discard, &out); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, f := range []string{"project-name", "extra-projects", "domain-name", "user-name", "password", "agency", "token-ttl"} {
		if !strings.Contains(out.String(), "  -"+f+" ") || !strings.Contains(out.String(), envName(f)) {
			t.Errorf("-h does not document -%s / %s", f, envName(f))
		}
	}
	if !strings.Contains(out.String(), "/v3.0/OS-CREDENTIAL/securitytokens") {
		t.Errorf("-h does not name the IAM routes")
	}
}

// The banner tells how to sign in through IAM, and the IAM routes answer
// on the command's address.
func TestRunServesIAM(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-project-name", "eu-west-101", "-user-name", "ops"}, envFrom(nil), pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var lines []string
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "queues:") {
		lines = append(lines, sc.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := firstLineRE.FindStringSubmatch(lines[0])
	if m == nil {
		t.Fatalf("first line %q", lines[0])
	}
	banner := strings.Join(lines, "\n")
	for _, want := range []string{"HW_IAM_ENDPOINT=" + m[1], "HW_REGION_NAME=eu-west-101", "HW_USER_NAME=ops",
		"HW_DOMAIN_NAME=" + emulator.DefaultDomainName, "HW_ASSUME_ROLE_AGENCY_NAME=" + emulator.DefaultAgency} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	req, _ := http.NewRequest("GET", m[1]+"/v3/projects?name=eu-west-101", nil)
	req.Header.Set("X-Auth-Token", emulator.DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"id":"`+emulator.DefaultProjectID+`"`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
}
