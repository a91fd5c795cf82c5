package provider_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// Issue 15: sign in like Huawei's tools, against the emulator's IAM on the same gateway.

// signInProvider is a provider block with the region and both endpoints on the emulator, no
// project_id, and the given credentials.
func signInProvider(tg *acctest.Target, credentials string) string {
	return fmt.Sprintf(`provider "dli" {
  region       = "cn-north-4"
  endpoint     = %[1]q
  iam_endpoint = %[1]q
  max_retries  = 2
%[2]s
}
`, tg.URL, credentials)
}

func keyPair(tg *acctest.Target) string {
	return fmt.Sprintf("  access_key = %q\n  secret_key = %q\n", tg.AccessKey, tg.SecretKey)
}

func signInJob(tg *acctest.Target, waitFor string) string {
	return fmt.Sprintf(`
resource "dli_batch_job" "test" {
  queue    = %q
  file     = %q
  wait_for = %q
  conf     = { "emulator.run_duration" = "10m" }
}
`, tg.Queue, tg.File, waitFor)
}

// refused lists the answers of the emulator that refused credentials.
func refused(tg *acctest.Target) []string {
	var out []string
	for _, r := range tg.Requests("") {
		if r.Status == 401 || r.Status == 403 {
			out = append(out, fmt.Sprintf("%s %s %d %s", r.Method, r.Path, r.Status, r.ErrorCode))
		}
	}
	return out
}

// The project is found from the region (GET /v3/projects?name=cn-north-4, signed), and a
// lookup finding none or several fails the plan on project_id.
func TestAccProvider_signInFindsProjectByRegion(t *testing.T) {
	opts := acctest.FastJobs()
	opts.ExtraProjects = []emulator.Project{{Name: "cn-east-3"}, {Name: "cn-east-3"}}
	tg := acctest.NewEmulator(t, opts)
	data := `
data "dli_batch_jobs" "all" {
  queue = "default"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{
			{
				Config:      signInProvider(tg, keyPair(tg)+`  project_name = "ap-southeast-9"`) + data,
				PlanOnly:    true,
				ExpectError: wrapped(`(?s)Cannot find the DLI project.*no project of that name.*set project_id`),
			},
			{
				Config:      signInProvider(tg, keyPair(tg)+`  project_name = "cn-east-3"`) + data,
				PlanOnly:    true,
				ExpectError: wrapped(`(?s)Cannot find the DLI project.*2 projects of that name.*set project_id to the one to use`),
			},
			{
				Config: signInProvider(tg, keyPair(tg)) + signInJob(tg, "submitted"),
				ConfigStateChecks: checks(
					stateIs(jobAddress, "state", knownvalue.StringExact("starting")),
				),
			},
		},
	})
	if n := tg.CountRequests("GET", "/v3/projects"); n < 3 {
		t.Errorf("%d project lookups, want one per configuration of the provider", n)
	}
	if jobs := tg.Emulator.Jobs(); len(jobs) != 1 {
		t.Errorf("%d jobs in the emulator's project, want 1", len(jobs))
	}
	if r := refused(tg); len(r) != 0 {
		t.Errorf("refused: %v", r)
	}
}

// A password login's token, expired during a long apply (the emulator's clock jumps 25 hours
// while the provider waits for the job), is renewed once and the apply succeeds.
func TestAccProvider_passwordLoginRenewsToken(t *testing.T) {
	clock := emulator.NewManualClock(time.Now())
	opts := acctest.FastJobs()
	opts.Clock = clock
	tg := acctest.NewEmulator(t, opts)
	password := fmt.Sprintf("  user_name   = %q\n  password    = %q\n  domain_name = %q\n",
		emulator.DefaultUserName, emulator.DefaultPassword, emulator.DefaultDomainName)

	jumped, stop := make(chan struct{}), make(chan struct{})
	go func() { // the job only moves when the clock does: jump once it was submitted
		defer close(jumped)
		// No deadline of its own: a parallel test may wait for a free slot for minutes on a
		// loaded machine; the test's own timeout bounds the wait.
		for len(tg.Emulator.Jobs()) == 0 {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
		clock.Advance(25 * time.Hour)
	}()
	defer func() { close(stop); <-jumped }()
	// No CheckDestroy: it signs with the key pair, whose dates the jumped clock now refuses; the
	// job succeeded, so destroy had nothing to cancel.
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: signInProvider(tg, password) + signInJob(tg, "success"),
			ConfigStateChecks: checks(
				stateIs(jobAddress, "state", knownvalue.StringExact("success")),
				stateIs(jobAddress, "owner", knownvalue.StringExact(emulator.DefaultUserName)),
			),
		}},
	})
	// The refused call, then a new login, then the same call again.
	var seq []string
	for _, r := range tg.Requests("") {
		switch {
		case r.Path == "/v3/auth/tokens":
			seq = append(seq, "login")
		case r.Status == 401:
			seq = append(seq, "401")
		}
	}
	if got := strings.Join(seq, ","); !strings.Contains(got, "login,401,login") {
		t.Errorf("logins and refusals %s, want a renewal after the expired token's 401", got)
	}
	if n := tg.CountRequests("GET", "/v3/projects"); n != 0 {
		t.Errorf("%d project lookups: the password token names the project", n)
	}
}

// An agency's temporary keys, obtained with the key pair, sign the DLI calls: the job's owner
// is the agency.
func TestAccProvider_assumeRoleSignsWithAgencyKeys(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	agency := fmt.Sprintf("  assume_role {\n    agency_name = %q\n    domain_name = %q\n    duration    = 3600\n  }\n",
		emulator.DefaultAgency, emulator.DefaultDomainName)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             tg.CheckDestroyCancelled,
		Steps: []resource.TestStep{{
			Config: signInProvider(tg, keyPair(tg)+agency) + signInJob(tg, "submitted"),
			ConfigStateChecks: checks(
				stateIs(jobAddress, "owner", knownvalue.StringExact(emulator.DefaultAgency)),
			),
		}},
	})
	if n := tg.CountRequests("POST", "/v3.0/OS-CREDENTIAL/securitytokens"); n == 0 {
		t.Error("no agency keys were requested")
	}
	if r := refused(tg); len(r) != 0 {
		t.Errorf("refused: %v", r)
	}
}

// The sign-in rules fail the plan on their argument, before anything reaches IAM.
func TestAccProvider_signInRules(t *testing.T) {
	withoutEnv(t)
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	data := `
data "dli_batch_jobs" "all" {
  queue = "default"
}
`
	cases := []struct{ credentials, want string }{
		{`  password = "p"`, `password is set but user_name is not`},
		{`  user_name = "u"
  password  = "p"`, `A password login needs the account (domain) name`},
		{`  user_name  = "u"
  password   = "p"
  domain_name = "d"
  access_key = "AK"
  secret_key = "SK"`, `Choose one authentication method`},
		{`  assume_role {
    agency_name = "a"
    domain_name = "d"
  }`, `An agency is assumed with your own credentials`},
		{keyPair(tg) + `  assume_role {
    domain_name = "d"
  }`, `assume_role needs agency_name`},
		{keyPair(tg) + `  assume_role {
    agency_name = "a"
    domain_name = "d"
    duration    = 60
  }`, `value must be between 900 and 86400`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: signInProvider(tg, c.credentials) + data, PlanOnly: true, ExpectError: expectText(c.want)})
	}
	steps = append(steps, resource.TestStep{Config: signInProvider(tg, keyPair(tg)) + data})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
	for _, r := range tg.Requests("") {
		if strings.HasPrefix(r.Path, "/v3/auth") || strings.HasPrefix(r.Path, "/v3.0/") {
			t.Errorf("a refused configuration reached IAM: %s %s", r.Method, r.Path)
		}
	}
}
