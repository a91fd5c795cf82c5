package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// TestLogRedaction captures the tflog output of real calls at TRACE level and
// checks that no credential, conf value or argument appears, while the debug
// request lines carry the documented fields.
func TestLogRedaction(t *testing.T) {
	secrets := []string{
		"TestSecretKeyValue", "SecurityTokenValue", "IAMTokenValue", // credentials
		"hunter2", "plainconfvalue", "argsecret", // conf values and arguments
		"Signature=", "SDK-HMAC-SHA256", // the Authorization header
	}
	modes := map[string]struct {
		mod  func(*Config)
		echo string // a configured secret the fake server echoes back
	}{
		"AK/SK":     {func(c *Config) { c.SecurityToken = "SecurityTokenValue"; c.SecretKey = "TestSecretKeyValue" }, "TestSecretKeyValue"},
		"IAM token": {func(c *Config) { c.AccessKey, c.SecretKey, c.AuthToken = "", "", "IAMTokenValue" }, "IAMTokenValue"},
	}
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &buf)
			f := newFakeDLI(t)
			var echoed bool
			f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
				if n == 1 { // one transient failure, so that retry logging happens too
					writeJSON(w, 503, map[string]string{"error_code": "DLI.0999", "error_msg": "busy"})
					return true
				}
				if strings.HasSuffix(r.URL.Path, "/log") && !echoed {
					echoed = true
					// A server echoing credentials in an error body.
					writeJSON(w, 400, map[string]string{"error_code": "DLI.0001",
						"error_msg": "bad request from token " + r.Header.Get("X-Auth-Token") + r.Header.Get("X-Security-Token") + " " + mode.echo})
					return true
				}
				return false
			}
			c := newTestClient(t, f.URL(), mode.mod)
			req := &CreateBatchJobRequest{
				File: "obs://b/app.jar", Queue: "q", Name: "n",
				Args: []string{"--password", "argsecret"},
				Conf: map[string]string{"spark.jdbc.password": "hunter2", "spark.plain": "plainconfvalue"},
			}
			job, err := c.CreateBatchJob(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetBatchJob(ctx, job.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ListBatchJobs(ctx, ListOptions{Queue: "q"}); err != nil {
				t.Fatal(err)
			}
			_, err = c.GetBatchJobLog(ctx, job.ID, LogOptions{})
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v", err)
			}
			for _, s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Fatalf("error text leaks %q: %s", s, err)
				}
			}

			out := buf.String()
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Fatalf("log output contains %q:\n%s", s, out)
				}
			}
			entries, err := tflogtest.MultilineJSONDecode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			var debugLines, traceBodies, retryLines int
			for _, e := range entries {
				switch e["@message"] {
				case "DLI API request":
					debugLines++
					if e["@level"] != "debug" {
						t.Errorf("level %v", e["@level"])
					}
					for _, k := range []string{"method", "path", "status", "attempt", "duration_ms", "request_id"} {
						if _, ok := e[k]; !ok {
							t.Errorf("debug entry lacks %q: %v", k, e)
						}
					}
					if e["authorization"] != nil || e["x-auth-token"] != nil {
						t.Errorf("credential field logged: %v", e)
					}
				case "DLI API request body", "DLI API response body":
					traceBodies++
					if e["@level"] != "trace" {
						t.Errorf("body logged at %v", e["@level"])
					}
				case "retryablehttp: retrying request":
					retryLines++
				}
			}
			if debugLines < 5 || traceBodies < 5 || retryLines != 1 {
				t.Fatalf("debug=%d trace bodies=%d retries=%d\n%s", debugLines, traceBodies, retryLines, out)
			}
			// Conf keys stay visible, values do not.
			if !strings.Contains(out, "spark.jdbc.password") || !strings.Contains(out, `\"spark.plain\":\"***\"`) {
				t.Fatalf("conf keys not logged as expected:\n%s", out)
			}
		})
	}
}

func TestRedactBody(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", func(c *Config) { c.SecretKey = "SKVALUE" })
	tests := []struct {
		name, in, want string
	}{
		{"conf values masked", `{"conf":{"a":"1","b":2}}`, `{"conf":{"a":"***","b":"***"}}`},
		{"args masked", `{"args":["x","y"],"file":"f"}`, `{"args":["***","***"],"file":"f"}`},
		{"conf and args as strings", `{"conf":"a=b","args":"x"}`, `{"args":"***","conf":"***"}`},
		// "name" is on the batch allow-list; a credential-like key is masked even if it were.
		{"sensitive keys", `{"password":"p","nested":{"auth_token":"t","AccessKey":"a","sk":"s","name":"v"}}`,
			`{"nested":{"AccessKey":"***","auth_token":"***","name":"v","sk":"***"},"password":"***"}`},
		{"req_body string redacted inside", `{"sessions":[{"req_body":"{\"conf\":{\"k\":\"v\"},\"file\":\"f\"}"}]}`,
			`{"sessions":[{"req_body":"{\"conf\":{\"k\":\"***\"},\"file\":\"f\"}"}]}`},
		{"unparseable req_body", `{"req_body":"{oops"}`, `{"req_body":"***"}`},
		{"secret scrubbed in strings", `{"error_msg":"key SKVALUE"}`, `{"error_msg":"key ***"}`},
		{"non-JSON scrubbed", `oops SKVALUE`, `oops ***`},
		{"numbers and null kept", `{"from":1,"x":null,"y":true}`, `{"from":1,"x":null,"y":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.redactBody(context.Background(), []byte(tt.in), batchRedaction); got != tt.want {
				t.Fatalf("redactBody\n got %s\nwant %s", got, tt.want)
			}
		})
	}
	long := `"` + strings.Repeat("a", 3*maxLoggedBody) + `"`
	if got := c.redactBody(context.Background(), []byte(long), batchRedaction); len(got) > maxLoggedBody+3 {
		t.Fatalf("long body not truncated: %d", len(got))
	}
	if got := c.redactBody(context.Background(), []byte(strings.Repeat("b", 5000)), batchRedaction); len(got) != maxLoggedString+3 {
		t.Fatalf("long text not truncated: %d", len(got))
	}
}

func TestKVFields(t *testing.T) {
	got := kvFields([]interface{}{"error", errors.New("boom"), "n", 3, "s", stringer{}, "dangling"})
	want := map[string]interface{}{"error": "boom", "n": 3, "s": "str", "dangling": "(missing)"}
	if mustJSON(t, got) != mustJSON(t, want) {
		t.Fatalf("kvFields = %v", got)
	}
	// Every level of the adapter is usable without a logger in the context.
	l := leveledLogger{ctx: context.Background()}
	l.Error("e")
	l.Warn("w")
	l.Info("i")
	l.Debug("d")
	var buf bytes.Buffer
	l = leveledLogger{ctx: tflogtest.RootLogger(context.Background(), &buf)}
	l.Error("failed", "k", "v")
	l.Info("info")
	var e map[string]interface{}
	if err := json.Unmarshal([]byte(strings.SplitN(buf.String(), "\n", 2)[0]), &e); err != nil {
		t.Fatal(err)
	}
	if e["@level"] != "warn" || e["@message"] != "retryablehttp: failed" || e["k"] != "v" {
		t.Fatalf("entry %v", e)
	}
}

type stringer struct{}

func (stringer) String() string { return "str" }
