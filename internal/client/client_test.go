package client

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewValidation(t *testing.T) {
	base := testConfig("https://dli.cn-north-4.myhuaweicloud.com")
	tests := []struct {
		name    string
		mod     func(*Config)
		wantErr string
	}{
		{name: "valid AK/SK", mod: func(*Config) {}},
		{name: "valid token", mod: func(c *Config) { c.AccessKey, c.SecretKey, c.AuthToken = "", "", "tok" }},
		{name: "valid temporary AK/SK", mod: func(c *Config) { c.SecurityToken = "sts" }},
		{name: "endpoint from region", mod: func(c *Config) { c.Endpoint = "" }},
		{name: "endpoint with path prefix", mod: func(c *Config) { c.Endpoint = "http://127.0.0.1:8787/prefix/" }},
		{name: "no endpoint no region", mod: func(c *Config) { c.Endpoint, c.Region = "", "" }, wantErr: "endpoint or a region"},
		{name: "relative endpoint", mod: func(c *Config) { c.Endpoint = "dli.example.com" }, wantErr: "absolute http"},
		{name: "ftp endpoint", mod: func(c *Config) { c.Endpoint = "ftp://dli.example.com" }, wantErr: "absolute http"},
		{name: "endpoint without host", mod: func(c *Config) { c.Endpoint = "https://" }, wantErr: "no host"},
		{name: "endpoint with query", mod: func(c *Config) { c.Endpoint = "https://h/?a=b" }, wantErr: "query"},
		{name: "endpoint with user info", mod: func(c *Config) { c.Endpoint = "https://u:p@h" }, wantErr: "user information"},
		{name: "unparseable endpoint", mod: func(c *Config) { c.Endpoint = "http://[::1" }, wantErr: "invalid endpoint"},
		{name: "empty project", mod: func(c *Config) { c.ProjectID = "" }, wantErr: "project ID"},
		{name: "project with slash", mod: func(c *Config) { c.ProjectID = "../queues" }, wantErr: "project ID"},
		{name: "project too long", mod: func(c *Config) { c.ProjectID = strings.Repeat("a", 65) }, wantErr: "project ID"},
		{name: "no credentials", mod: func(c *Config) { c.AccessKey, c.SecretKey = "", "" }, wantErr: "no credentials"},
		{name: "AK without SK", mod: func(c *Config) { c.SecretKey = "" }, wantErr: "requires a secret key"},
		{name: "SK without AK", mod: func(c *Config) { c.AccessKey = "" }, wantErr: "requires an access key"},
		{name: "token and AK/SK", mod: func(c *Config) { c.AuthToken = "tok" }, wantErr: "not both"},
		{name: "security token alone", mod: func(c *Config) { c.AccessKey, c.SecretKey, c.SecurityToken = "", "", "sts" }, wantErr: "security token requires"},
		{name: "AK with comma", mod: func(c *Config) { c.AccessKey = "a,b" }, wantErr: "access key contains"},
		{name: "token with newline", mod: func(c *Config) { c.AccessKey, c.SecretKey, c.AuthToken = "", "", "a\nb" }, wantErr: "line break"},
		{name: "security token with newline", mod: func(c *Config) { c.SecurityToken = "a\nb" }, wantErr: "line break"},
		{name: "negative retries", mod: func(c *Config) { c.MaxRetries = -1 }, wantErr: "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.mod(&cfg)
			c, err := New(cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if c == nil {
					t.Fatal("nil client")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
			}
			if cfg.SecretKey != "" && strings.Contains(err.Error(), cfg.SecretKey) {
				t.Fatalf("error leaks the secret key: %v", err)
			}
		})
	}
}

func TestNewDefaultsAndAccessors(t *testing.T) {
	c, err := New(Config{Region: "eu-west-101", ProjectID: "p1", AuthToken: "t", RetryWaitMin: time.Minute, RetryWaitMax: time.Second,
		PollInterval: time.Minute, PollIntervalMax: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if c.Endpoint() != "https://dli.eu-west-101.myhuaweicloud.eu" || c.ProjectID() != "p1" || c.Region() != "eu-west-101" {
		t.Fatalf("accessors: %s %s %s", c.Endpoint(), c.ProjectID(), c.Region())
	}
	if c.retryWaitMax != time.Minute || c.pollIntervalMax != time.Minute {
		t.Fatalf("max below min not raised: %v %v", c.retryWaitMax, c.pollIntervalMax)
	}
	if c.userAgent != DefaultUserAgent {
		t.Fatalf("user agent %q", c.userAgent)
	}
	c2, _ := New(Config{Endpoint: "https://h:443/", ProjectID: "p1", AuthToken: "t"})
	if c2.Endpoint() != "https://h" || c2.retryWaitMin != DefaultRetryWaitMin || c2.retryWaitMax != DefaultRetryWaitMax ||
		c2.pollInterval != DefaultPollInterval || c2.pollIntervalMax != DefaultPollIntervalMax {
		t.Fatalf("defaults: %s %v %v %v %v", c2.Endpoint(), c2.retryWaitMin, c2.retryWaitMax, c2.pollInterval, c2.pollIntervalMax)
	}
	c3, _ := New(Config{Endpoint: "http://[::1]:80", ProjectID: "p1", AuthToken: "t"})
	if c3.Endpoint() != "http://[::1]" {
		t.Fatalf("ipv6 default port: %s", c3.Endpoint())
	}
}

func TestDefaultEndpoint(t *testing.T) {
	tests := map[string]string{
		"cn-north-4":       "https://dli.cn-north-4.myhuaweicloud.com",
		"eu-west-101":      "https://dli.eu-west-101.myhuaweicloud.eu",
		" ap-southeast-1 ": "https://dli.ap-southeast-1.myhuaweicloud.com",
	}
	for region, want := range tests {
		if got := DefaultEndpoint(region); got != want {
			t.Errorf("DefaultEndpoint(%q) = %q, want %q", region, got, want)
		}
	}
}

// captureRT is a fake base transport that records requests and answers them.
type captureRT struct {
	mu      sync.Mutex
	reqs    []*http.Request
	bodies  []string
	respond func(r *http.Request, n int) (*http.Response, error)
}

func (c *captureRT) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
	}
	c.mu.Lock()
	n := len(c.reqs)
	c.reqs = append(c.reqs, r)
	c.bodies = append(c.bodies, string(body))
	c.mu.Unlock()
	if c.respond != nil {
		return c.respond(r, n)
	}
	return textResponse(r, 200, `{"from":0,"total":0,"sessions":[]}`), nil
}

func textResponse(r *http.Request, status int, body string) *http.Response {
	return &http.Response{
		StatusCode: status,
		Status:     http.StatusText(status),
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    r,
	}
}

// TestSignedRequestMatchesD2 drives a real list call through the client with
// a fixed clock and checks the Authorization header against vector D2.
func TestSignedRequestMatchesD2(t *testing.T) {
	rt := &captureRT{}
	c, err := New(Config{
		Endpoint:   "https://" + dliHost,
		ProjectID:  dliProject,
		AccessKey:  "AccessKey",
		SecretKey:  "SecretKey",
		HTTPClient: &http.Client{Transport: rt},
		Now:        func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListBatchJobs(context.Background(), ListOptions{Queue: "my_queue", State: "Running", PageSize: 10}); err != nil {
		t.Fatal(err)
	}
	if len(rt.reqs) != 1 {
		t.Fatalf("%d requests", len(rt.reqs))
	}
	r := rt.reqs[0]
	want := "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=d296f488ebb2bedda1846ca3318cc3b15494c2f8f4d8e846fe8e885ea90050a4"
	if got := r.Header.Get("Authorization"); got != want {
		t.Fatalf("Authorization\n got %s\nwant %s", got, want)
	}
	if r.URL.RawQuery != "from=0&queue_name=my_queue&size=10&state=running" {
		t.Fatalf("wire query %q", r.URL.RawQuery)
	}
	if r.Header.Get("X-Sdk-Date") != dliDate || r.Header.Get("X-Project-Id") != dliProject ||
		r.Header.Get("Content-Type") != "application/json" || r.Header.Get("X-Auth-Token") != "" {
		t.Fatalf("headers %v", r.Header)
	}
}

func TestAuthHeadersPerMode(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*Config)
		check func(t *testing.T, h http.Header)
	}{
		{
			name: "AK/SK",
			mod:  func(*Config) {},
			check: func(t *testing.T, h http.Header) {
				a := h.Get("Authorization")
				if !strings.Contains(a, "Access=TESTAK, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=") {
					t.Errorf("Authorization %q", a)
				}
				if h.Get("X-Security-Token") != "" || h.Get("X-Auth-Token") != "" {
					t.Errorf("unexpected token headers %v", h)
				}
			},
		},
		{
			name: "temporary AK/SK",
			mod:  func(c *Config) { c.SecurityToken = "STS-TOKEN" },
			check: func(t *testing.T, h http.Header) {
				if !strings.Contains(h.Get("Authorization"), "SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token,") {
					t.Errorf("Authorization %q", h.Get("Authorization"))
				}
				if h.Get("X-Security-Token") != "STS-TOKEN" {
					t.Errorf("X-Security-Token %q", h.Get("X-Security-Token"))
				}
			},
		},
		{
			name: "IAM token",
			mod:  func(c *Config) { c.AccessKey, c.SecretKey, c.AuthToken = "", "", "IAM-TOKEN" },
			check: func(t *testing.T, h http.Header) {
				if h.Get("X-Auth-Token") != "IAM-TOKEN" || h.Get("Authorization") != "" || h.Get("X-Sdk-Date") != "" {
					t.Errorf("headers %v", h)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeDLI(t)
			j := f.addJob(&fakeJob{Queue: "q"})
			c := newTestClient(t, f.URL(), tt.mod)
			if _, err := c.GetBatchJobState(context.Background(), j.ID); err != nil {
				t.Fatal(err)
			}
			h := f.requests()[0].Header
			if h.Get("Content-Type") != "application/json" || h.Get("User-Agent") != "terraform-provider-dli/test Terraform/test" ||
				h.Get("X-Project-Id") != testProject {
				t.Errorf("common headers %v", h)
			}
			tt.check(t, h)
		})
	}
}

// TestResignEveryAttempt: a retried request carries a fresh X-Sdk-Date and
// a signature computed for it.
func TestResignEveryAttempt(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Minute)
		return now
	}
	f := newFakeDLI(t)
	j := f.addJob(&fakeJob{})
	f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
		if n == 0 {
			writeJSON(w, 503, map[string]string{"error_code": "DLI.0999", "error_msg": "busy"})
			return true
		}
		return false
	}
	c := newTestClient(t, f.URL(), func(c *Config) { c.Now = clock })
	if _, err := c.GetBatchJob(context.Background(), j.ID); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	d1, d2 := reqs[0].Header.Get("X-Sdk-Date"), reqs[1].Header.Get("X-Sdk-Date")
	if d1 == d2 || d1 == "" {
		t.Fatalf("X-Sdk-Date not refreshed: %q %q", d1, d2)
	}
	if reqs[0].Header.Get("Authorization") == reqs[1].Header.Get("Authorization") {
		t.Fatal("signature not recomputed")
	}
	// The second signature must be valid for the second request.
	h := reqs[1].Header
	u := f.srv.URL
	host := strings.TrimPrefix(u, "http://")
	in := signInput{
		Method: "GET", Path: reqs[1].Path,
		Headers: map[string][]string{
			"content-type": {h.Get("Content-Type")}, "host": {host},
			"x-project-id": {h.Get("X-Project-Id")}, "x-sdk-date": {h.Get("X-Sdk-Date")},
		},
		SignedHeaders: []string{"content-type", "host", "x-project-id", "x-sdk-date"},
	}
	if want := signAKSK(in, "TESTAK", "TestSecretKeyValue", d2); want != h.Get("Authorization") {
		t.Fatalf("signature of attempt 2\n got %s\nwant %s", h.Get("Authorization"), want)
	}
}

func TestEndpointPathPrefixAndEscaping(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1/api/dli/")
	got, err := c.url("v2.0", []string{"batches", "../queues", "a b"}, nil)
	want := "http://127.0.0.1:1/api/dli/v2.0/" + testProject + "/batches/..%2Fqueues/a%20b"
	if err != nil || got != want {
		t.Fatalf("url\n got %s\nwant %s", got, want)
	}
}

// TestInvalidBatchIDSendsNothing: every ID-taking call validates before
// building a request, so "../queues" can never reach another route.
func TestInvalidBatchIDSendsNothing(t *testing.T) {
	f := newFakeDLI(t)
	c := newTestClient(t, f.URL())
	ctx := context.Background()
	bad := []string{"", "../queues", "0a324461-d9d9-45da-a52a-3b3c7a3d809e/../x", "0a324461d9d945daa52a3b3c7a3d809e", "not-a-uuid", "0a324461-d9d9-45da-a52a-3b3c7a3d809g"}
	for _, id := range bad {
		calls := map[string]func() error{
			"GetBatchJob":      func() error { _, err := c.GetBatchJob(ctx, id); return err },
			"GetBatchJobState": func() error { _, err := c.GetBatchJobState(ctx, id); return err },
			"GetBatchJobLog":   func() error { _, err := c.GetBatchJobLog(ctx, id, LogOptions{}); return err },
			"CancelBatchJob":   func() error { return c.CancelBatchJob(ctx, id) },
			"WaitForBatchJob":  func() error { _, err := c.WaitForBatchJob(ctx, id); return err },
			"CancelAndWait":    func() error { _, err := c.CancelAndWait(ctx, id, ""); return err },
		}
		for name, call := range calls {
			if err := call(); !errors.Is(err, ErrInvalidBatchID) {
				t.Errorf("%s(%q): error %v, want ErrInvalidBatchID", name, id, err)
			}
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Fatalf("%d requests were sent", n)
	}
	if !ValidBatchID("0A324461-D9D9-45DA-A52A-3B3C7A3D809E") {
		t.Fatal("upper-case UUID rejected")
	}
}

func TestRedirectsNotFollowed(t *testing.T) {
	var hits int
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		writeJSON(w, 200, map[string]string{"state": "running"})
	}))
	defer target.Close()
	f := newFakeDLI(t)
	f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
		http.Redirect(w, r, target.URL+r.URL.Path, http.StatusFound)
		return true
	}
	c := newTestClient(t, f.URL())
	_, err := c.GetBatchJobState(context.Background(), "0a324461-d9d9-45da-a52a-3b3c7a3d809e")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusFound {
		t.Fatalf("error %v, want an APIError 302", err)
	}
	if hits != 0 {
		t.Fatal("redirect was followed")
	}
}

func TestTLSVerificationAndInsecure(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]string{"id": "x", "state": "running"})
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	id := "0a324461-d9d9-45da-a52a-3b3c7a3d809e"

	// Verification on: the self-signed certificate fails, and is not retried.
	c := newTestClient(t, srv.URL)
	if _, err := c.GetBatchJobState(context.Background(), id); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("error %v, want a certificate error", err)
	}
	// Insecure on the transport New builds.
	c = newTestClient(t, srv.URL, func(c *Config) { c.Insecure = true })
	if st, err := c.GetBatchJobState(context.Background(), id); err != nil || st != StateRunning {
		t.Fatalf("insecure: %v %v", st, err)
	}
	// Insecure applied to an injected *http.Transport.
	c = newTestClient(t, srv.URL, func(c *Config) {
		c.Insecure = true
		c.HTTPClient = &http.Client{Transport: &http.Transport{}}
	})
	if st, err := c.GetBatchJobState(context.Background(), id); err != nil || st != StateRunning {
		t.Fatalf("insecure injected: %v %v", st, err)
	}
	// An injected client without a transport uses (a clone of) the default one.
	c = newTestClient(t, srv.URL, func(c *Config) { c.HTTPClient = &http.Client{} })
	if _, err := c.GetBatchJobState(context.Background(), id); err == nil {
		t.Fatal("default transport accepted a self-signed certificate")
	}
	c = newTestClient(t, srv.URL, func(c *Config) { c.Insecure = true; c.HTTPClient = &http.Client{} })
	if _, err := c.GetBatchJobState(context.Background(), id); err != nil {
		t.Fatalf("insecure default transport: %v", err)
	}
}
