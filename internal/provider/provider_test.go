package provider_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
	"github.com/dli-tf/terraform-provider-dli/internal/provider"
)

var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"dli": providerserver.NewProtocol6WithError(provider.New("test")()),
}

func TestMain(m *testing.M) {
	resource.AddTestSweepers("dli_batch_job", &resource.Sweeper{Name: "dli_batch_job", F: sweepBatchJobs})
	resource.TestMain(m)
}

// sweepBatchJobs cancels every active job an acceptance run left on a real DLI project.
func sweepBatchJobs(_ string) error {
	if !acctest.Real() {
		return nil
	}
	tg := acctest.RealTarget()
	c, err := tg.Client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	jobs, err := c.ListBatchJobs(ctx, client.ListOptions{Queue: tg.Queue})
	if err != nil {
		return err
	}
	for _, job := range jobs {
		if !strings.HasPrefix(job.Name, acctest.NamePrefix) || !job.State.IsActive() {
			continue
		}
		if _, err := c.CancelAndWait(ctx, job.ID, job.State); err != nil {
			return fmt.Errorf("sweeping %s: %w", job.ID, err)
		}
	}
	return nil
}

func TestProvider_schemaIsValid(t *testing.T) {
	t.Parallel()
	p := provider.New("test")()
	resp := &fwprovider.SchemaResponse{}
	p.Schema(context.Background(), fwprovider.SchemaRequest{}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("schema implementation: %v", diags)
	}
	for _, name := range []string{"secret_key", "security_token", "auth_token"} {
		if !resp.Schema.Attributes[name].IsSensitive() {
			t.Errorf("%s must be sensitive", name)
		}
	}
}

// A provider block with valid credentials plans cleanly; each invalid one fails at plan time
// with its message, before any request reaches DLI.
func TestAccProvider_configuration(t *testing.T) {
	withoutEnv(t)
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	dataSource := `
data "dli_batch_jobs" "all" {
  queue = "default"
}
`
	var steps []resource.TestStep
	invalid := []struct {
		provider string
		want     string
	}{
		{`provider "dli" {
  project_id = "p1"
  endpoint   = "http://127.0.0.1:1"
}`, `No credentials were found`},
		{`provider "dli" {
  project_id = "p1"
  endpoint   = "http://127.0.0.1:1"
  access_key = "AK"
}`, `access_key is set but secret_key is not`},
		{`provider "dli" {
  project_id = "p1"
  endpoint   = "http://127.0.0.1:1"
  secret_key = "SK"
}`, `secret_key is set but access_key is not`},
		{`provider "dli" {
  project_id     = "p1"
  endpoint       = "http://127.0.0.1:1"
  security_token = "ST"
}`, `only used with temporary AK/SK credentials`},
		{`provider "dli" {
  project_id = "p1"
  endpoint   = "http://127.0.0.1:1"
  access_key = "AK"
  secret_key = "SK"
  auth_token = "tok"
}`, `Choose one authentication method`},
		{`provider "dli" {
  endpoint   = "http://127.0.0.1:1"
  auth_token = "tok"
}`, `project_id is required`},
		{`provider "dli" {
  project_id = "p1"
  auth_token = "tok"
}`, `Set region`},
		{`provider "dli" {
  project_id = "p1"
  auth_token = "tok"
  endpoint   = "dli.cn-north-4.myhuaweicloud.com"
}`, `absolute http(s) URL`},
		{`provider "dli" {
  project_id = "p1"
  auth_token = "tok"
  endpoint   = "http://dli.cn-north-4.myhuaweicloud.com"
}`, `plain http to a non-loopback host`},
		{`provider "dli" {
  project_id  = "p1"
  auth_token  = "tok"
  region      = "cn-north-4"
  max_retries = 99
}`, `max_retries value must be between 0 and 20`},
	}
	for _, tc := range invalid {
		steps = append(steps, resource.TestStep{
			Config:      tc.provider + dataSource,
			PlanOnly:    true,
			ExpectError: expectText(tc.want),
		})
	}
	// Last, so that the post-test destroy runs with a valid provider.
	steps = append(steps, resource.TestStep{Config: tg.ProviderConfig() + dataSource})
	// The invalid blocks point at a closed port: had one reached the network, its error would
	// be a connection failure instead of the expected message.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    steps,
	})
}

// expectText matches an error message however Terraform wraps its lines.
func expectText(text string) *regexp.Regexp {
	words := strings.Fields(text)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// withoutEnv blanks the HW_* variables for one (serial) test so a developer's shell cannot leak in.
func withoutEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "HW_") {
			t.Setenv(name, "")
		}
	}
}

// wrapped compiles a pattern whose spaces match any run of whitespace, as Terraform wraps long
// error lines.
func wrapped(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}
