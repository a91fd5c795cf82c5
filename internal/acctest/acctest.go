// Package acctest holds test-only helpers for the provider's acceptance tests: the DLI target a
// test runs against (an in-process emulator by default, the real service when HW_* credentials
// and DLI_ACC_* are set), provider configuration blocks, and checks on what the API saw.
package acctest

import (
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// NamePrefix starts the name of every job an acceptance test submits, so that the sweeper can
// find what a failed run left behind on a real DLI project.
const NamePrefix = "tf-acc-"

// Environment variables that switch the suite to the real DLI service.
const (
	EnvQueue = "DLI_ACC_QUEUE"
	EnvFile  = "DLI_ACC_FILE"
)

// Target is the DLI service a test talks to.
type Target struct {
	// Emulator is the in-process emulator; nil when the test runs against the real DLI.
	Emulator *emulator.Server
	URL      string
	Region   string

	ProjectID     string
	AccessKey     string
	SecretKey     string
	SecurityToken string
	Token         string

	// Queue and File are a queue that exists and a main program file that runs.
	Queue string
	File  string
}

// Real reports whether the real DLI service is configured in the environment.
func Real() bool {
	for _, name := range []string{"HW_REGION_NAME", "HW_PROJECT_ID", EnvQueue, EnvFile} {
		if os.Getenv(name) == "" {
			return false
		}
	}
	return os.Getenv("HW_AUTH_TOKEN") != "" || (os.Getenv("HW_ACCESS_KEY") != "" && os.Getenv("HW_SECRET_KEY") != "")
}

// FastJobs are emulator timings that keep acceptance tests quick while still passing through
// every state: a job starts in 150ms and runs for 600ms; a cancel takes 100ms.
func FastJobs() emulator.Options {
	return emulator.Options{
		JobStart:    150 * time.Millisecond,
		JobRun:      600 * time.Millisecond,
		CancelDelay: 100 * time.Millisecond,
		Queues:      []string{"default", "etl"},
	}
}

// NewTarget returns the real DLI when configured, otherwise an emulator started with opts.
func NewTarget(t *testing.T, opts emulator.Options) *Target {
	t.Helper()
	if Real() {
		return RealTarget()
	}
	return NewEmulator(t, opts)
}

// RealTarget describes the real DLI service from the environment.
func RealTarget() *Target {
	return &Target{
		Region:        os.Getenv("HW_REGION_NAME"),
		ProjectID:     os.Getenv("HW_PROJECT_ID"),
		AccessKey:     os.Getenv("HW_ACCESS_KEY"),
		SecretKey:     os.Getenv("HW_SECRET_KEY"),
		SecurityToken: os.Getenv("HW_SECURITY_TOKEN"),
		Token:         os.Getenv("HW_AUTH_TOKEN"),
		URL:           os.Getenv("HW_DLI_ENDPOINT"),
		Queue:         os.Getenv(EnvQueue),
		File:          os.Getenv(EnvFile),
	}
}

// NewEmulator starts an in-process emulator on a loopback port, stopped when the test ends.
func NewEmulator(t *testing.T, opts emulator.Options) *Target {
	t.Helper()
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("starting emulator: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		_ = srv.Close()
	})
	projectID := opts.ProjectID
	if projectID == "" {
		projectID = emulator.DefaultProjectID
	}
	queue := emulator.DefaultQueue
	if len(opts.Queues) > 0 {
		queue = opts.Queues[0]
	}
	tg := &Target{
		Emulator:      srv,
		URL:           ts.URL,
		ProjectID:     projectID,
		AccessKey:     firstNonEmpty(opts.AccessKey, emulator.DefaultAccessKey),
		SecretKey:     firstNonEmpty(opts.SecretKey, emulator.DefaultSecretKey),
		SecurityToken: opts.SecurityToken,
		Queue:         queue,
		File:          "obs://dli-demo/jobs/spark-examples.jar",
	}
	if opts.Tokens == nil {
		tg.Token = emulator.DefaultToken
	} else if len(opts.Tokens) > 0 {
		tg.Token = opts.Tokens[0]
	}
	return tg
}

// RequireEmulator skips a test that needs the emulator's clock, faults or request log when the
// suite runs against the real DLI.
func (tg *Target) RequireEmulator(t *testing.T, why string) {
	t.Helper()
	if tg.Emulator == nil {
		t.Skipf("runs only against the emulator: %s", why)
	}
}

// ProviderConfig is a provider block signing with AK/SK (and the security token, if any).
func (tg *Target) ProviderConfig() string {
	var b strings.Builder
	b.WriteString("provider \"dli\" {\n")
	fmt.Fprintf(&b, "  project_id = %q\n", tg.ProjectID)
	tg.writeLocation(&b)
	if tg.AccessKey != "" {
		fmt.Fprintf(&b, "  access_key = %q\n  secret_key = %q\n", tg.AccessKey, tg.SecretKey)
		if tg.SecurityToken != "" {
			fmt.Fprintf(&b, "  security_token = %q\n", tg.SecurityToken)
		}
	} else {
		fmt.Fprintf(&b, "  auth_token = %q\n", tg.Token)
	}
	b.WriteString("  max_retries = 3\n}\n")
	return b.String()
}

// TokenProviderConfig is a provider block authenticating with an IAM token.
func (tg *Target) TokenProviderConfig() string {
	var b strings.Builder
	b.WriteString("provider \"dli\" {\n")
	fmt.Fprintf(&b, "  project_id = %q\n", tg.ProjectID)
	tg.writeLocation(&b)
	fmt.Fprintf(&b, "  auth_token = %q\n}\n", tg.Token)
	return b.String()
}

func (tg *Target) writeLocation(b *strings.Builder) {
	if tg.URL != "" {
		fmt.Fprintf(b, "  endpoint = %q\n", tg.URL)
	}
	if tg.Region != "" {
		fmt.Fprintf(b, "  region = %q\n", tg.Region)
	}
}

// Requests returns what the emulator answered, in order, optionally only for one method.
func (tg *Target) Requests(method string) []emulator.RequestRecord {
	var out []emulator.RequestRecord
	for _, r := range tg.Emulator.Requests() {
		if method == "" || r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

// CountRequests counts the emulator's answers to method on paths ending with suffix.
func (tg *Target) CountRequests(method, suffix string) int {
	n := 0
	for _, r := range tg.Requests(method) {
		if strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// JobName is a unique job name with the sweeper's prefix.
func JobName(t *testing.T) string {
	name := strings.NewReplacer("/", "-", "_", "-").Replace(t.Name())
	suffix := fmt.Sprintf("-%d", time.Now().UnixNano()%1_000_000)
	if limit := 128 - len(NamePrefix) - len(suffix); len(name) > limit {
		name = name[:limit]
	}
	return NamePrefix + strings.ToLower(name) + suffix
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
