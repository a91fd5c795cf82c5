package provider_test

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// Secret hygiene: a real Terraform CLI runs apply and destroy with TF_LOG=TRACE, under temporary
// AK/SK credentials (with a security token) and under an IAM token, then once with wrong
// credentials. Neither the log file nor anything Terraform prints may contain the secret key, a
// token, a request signature or a Spark conf value; the state file holds no credential.

// signatureRecorder wraps the emulator and remembers the signature of every signed request, so
// that the test can look for each one in the logs.
type signatureRecorder struct {
	next http.Handler
	mu   sync.Mutex
	sigs map[string]bool
}

var signatureValue = regexp.MustCompile(`Signature=([0-9A-Fa-f]+)`)

func (s *signatureRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if m := signatureValue.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		s.mu.Lock()
		s.sigs[m[1]] = true
		s.mu.Unlock()
	}
	s.next.ServeHTTP(w, r)
}

func (s *signatureRecorder) signatures() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.sigs))
	for sig := range s.sigs {
		out = append(out, sig)
	}
	return out
}

func randomHex(t *testing.T) string {
	t.Helper()
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// secretsTarget starts an emulator that accepts temporary AK/SK credentials and an IAM token,
// all with values unique to this run, behind a signature recorder.
func secretsTarget(t *testing.T) (*acctest.Target, *signatureRecorder) {
	t.Helper()
	opts := acctest.FastJobs()
	opts.AccessKey = "AKSECRETHYGIENE"
	opts.SecretKey = "sk-Secret-" + randomHex(t)
	opts.SecurityToken = "sts-Token-" + randomHex(t)
	opts.Tokens = []string{"iam-Token-" + randomHex(t)}
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	rec := &signatureRecorder{next: srv, sigs: map[string]bool{}}
	ts := httptest.NewServer(rec)
	t.Cleanup(func() {
		ts.Close()
		_ = srv.Close()
	})
	return &acctest.Target{
		Emulator: srv, URL: ts.URL, ProjectID: emulator.DefaultProjectID,
		AccessKey: opts.AccessKey, SecretKey: opts.SecretKey, SecurityToken: opts.SecurityToken, Token: opts.Tokens[0],
		Queue: opts.Queues[0], File: "obs://dli-demo/jobs/spark-examples.jar",
	}, rec
}

// secretsJobConfig is one job whose conf carries a password and whose args carry one too. conf
// shows in plans, so the password is wrapped in sensitive(), as the resource docs advise.
func secretsJobConfig(tg *acctest.Target, providerBlock, confValue, argValue string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    dli = {
      source = "dli-tf/dli"
    }
  }
}

%s
resource "dli_batch_job" "secret" {
  queue    = %q
  file     = %q
  name     = "%ssecrets"
  args     = ["--db-password", %q]
  wait_for = "running"
  conf = {
    "spark.datasource.password" = sensitive(%q)
    "emulator.run_duration"     = "1h"
  }
}
`, providerBlock, tg.Queue, tg.File, acctest.NamePrefix, argValue, confValue)
}

// tracedRun runs terraform with TF_LOG=TRACE into a log file and returns the log, the combined
// output and whether the command succeeded.
func tracedRun(t *testing.T, ws *acctest.Workspace, name string, args ...string) (logText, output string, ok bool) {
	t.Helper()
	logPath := filepath.Join(ws.Dir, name+".log")
	out, err := ws.Command([]string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath}, args...).CombinedOutput()
	b, rerr := os.ReadFile(logPath)
	if rerr != nil {
		t.Fatalf("terraform %s wrote no log: %v\n%s", name, rerr, out)
	}
	return string(b), string(out), err == nil
}

// checkNoSecrets reports every secret, signature-like text and recorded signature found in text.
func checkNoSecrets(t *testing.T, where, text string, secrets map[string]string, signatures []string) {
	t.Helper()
	for what, secret := range secrets {
		if i := strings.Index(text, secret); i >= 0 {
			t.Errorf("%s contains the %s: ...%s...", where, what, excerpt(text, i))
		}
	}
	if loc := signatureValue.FindStringIndex(text); loc != nil {
		t.Errorf("%s contains a request signature: ...%s...", where, excerpt(text, loc[0]))
	}
	for _, sig := range signatures {
		if i := strings.Index(text, sig); i >= 0 {
			t.Errorf("%s contains the signature %s of a request: ...%s...", where, sig, excerpt(text, i))
		}
	}
}

func excerpt(s string, i int) string {
	from, to := max(0, i-120), min(len(s), i+120)
	return s[from:to]
}

func TestAccSecrets_noLeakInLogsOutputsOrState(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	t.Parallel()
	tf := acctest.TerraformBinary(t)

	for _, mode := range []string{"temporary AK/SK in the provider block", "IAM token from the environment"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			tg, rec := secretsTarget(t)
			providerBlock := tg.ProviderConfig() // access_key, secret_key and security_token
			wrong := *tg
			if strings.HasPrefix(mode, "IAM token") {
				tg.AccessKey, tg.SecretKey, tg.SecurityToken = "", "", ""
				providerBlock = ""
				wrong = *tg
				wrong.Token = "iam-Wrong-" + randomHex(t)
			} else {
				wrong.SecretKey = "sk-Wrong-" + randomHex(t)
			}
			confValue := "conf-P4ssw0rd-" + randomHex(t)
			argValue := "arg-P4ssw0rd-" + randomHex(t)
			secrets := map[string]string{
				"secret key": tg.SecretKey, "security token": tg.SecurityToken, "IAM token": tg.Token,
				"wrong secret key": wrong.SecretKey, "wrong IAM token": wrong.Token, "conf value": confValue,
			}
			for k, v := range secrets {
				if v == "" {
					delete(secrets, k)
				}
			}
			// In token mode the target has no key pair: still look for the emulator's ones.
			for what, v := range map[string]string{"secret key": tg.Emulator.Options().SecretKey, "security token": tg.Emulator.Options().SecurityToken} {
				secrets[what+" (emulator)"] = v
			}

			ws := acctest.NewWorkspace(t, tg, tf, map[string]string{"main.tf": secretsJobConfig(tg, providerBlock, confValue, argValue)})
			texts := map[string]string{}
			applyLog, applyOut, ok := tracedRun(t, ws, "apply", "apply", "-auto-approve", "-no-color", "-input=false")
			texts["TF_LOG of apply"], texts["output of apply"] = applyLog, applyOut
			if !ok {
				t.Fatalf("apply failed:\n%s", applyOut)
			}
			state, err := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(state), confValue) {
				t.Errorf("the state does not hold the job's conf: is it the state of this job?")
			}
			for what, secret := range secrets {
				if what != "conf value" && strings.Contains(string(state), secret) {
					t.Errorf("the state file holds the %s", what)
				}
			}
			destroyLog, destroyOut, ok := tracedRun(t, ws, "destroy", "destroy", "-auto-approve", "-no-color", "-input=false")
			texts["TF_LOG of destroy"], texts["output of destroy"] = destroyLog, destroyOut
			if !ok {
				t.Fatalf("destroy failed:\n%s", destroyOut)
			}

			// Wrong credentials: the apply fails on authentication, and says so without echoing them.
			wrongBlock := ""
			if providerBlock != "" {
				wrongBlock = wrong.ProviderConfig()
			}
			wrongWS := acctest.NewWorkspace(t, &wrong, tf, map[string]string{"main.tf": secretsJobConfig(&wrong, wrongBlock, confValue, argValue)})
			wrongLog, wrongOut, ok := tracedRun(t, wrongWS, "apply-wrong-credentials", "apply", "-auto-approve", "-no-color", "-input=false")
			texts["TF_LOG of the apply with wrong credentials"], texts["output of the apply with wrong credentials"] = wrongLog, wrongOut
			if ok || !strings.Contains(wrongOut, "APIGW.0301") {
				t.Errorf("the apply with wrong credentials did not fail on authentication:\n%s", wrongOut)
			}

			// The logs are the real thing: requests and their (redacted) bodies are in them.
			for _, want := range []string{"DLI API request", "DLI API request body", "DLI API response body"} {
				if !strings.Contains(applyLog, want) {
					t.Errorf("the TRACE log of apply has no %q entry: the check would prove nothing", want)
				}
			}
			sigs := rec.signatures()
			if providerBlock != "" && len(sigs) == 0 {
				t.Error("the emulator saw no signed request")
			}
			for where, text := range texts {
				checkNoSecrets(t, where, text, secrets, sigs)
			}
			// Application arguments are masked in the provider's request logs.
			for _, line := range strings.Split(applyLog, "\n") {
				if strings.Contains(line, "DLI API") && strings.Contains(line, argValue) {
					t.Errorf("a request log entry shows an argument: %s", line)
				}
			}
			t.Logf("%s: %d bytes of TRACE log, %d signatures checked", mode, len(applyLog)+len(destroyLog)+len(wrongLog), len(sigs))
		})
	}
}
