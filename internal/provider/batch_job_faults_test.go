package provider_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// A proxy in front of the emulator that misbehaves on demand, for the faults the emulator does
// not script: echoes of the request, stalled bodies, answers lost after the job was committed.

type front struct {
	next http.Handler
	mu   sync.Mutex
	// fault answers a request instead of the emulator when it returns true.
	fault func(w http.ResponseWriter, r *http.Request) bool
}

func (f *front) set(fault func(w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = fault
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	fault := f.fault
	f.mu.Unlock()
	if fault == nil || !fault(w, r) {
		f.next.ServeHTTP(w, r)
	}
}

// frontedTarget starts an emulator with fast jobs behind a front.
func frontedTarget(t *testing.T) (*acctest.Target, *front) {
	t.Helper()
	opts := acctest.FastJobs()
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f := &front{next: srv}
	ts := httptest.NewServer(f)
	t.Cleanup(func() {
		ts.Close()
		_ = srv.Close()
	})
	return &acctest.Target{
		Emulator: srv, URL: ts.URL, ProjectID: emulator.DefaultProjectID,
		AccessKey: emulator.DefaultAccessKey, SecretKey: emulator.DefaultSecretKey, Token: emulator.DefaultToken,
		Queue: opts.Queues[0], File: "obs://dli-demo/jobs/spark-examples.jar",
	}, f
}

// Paths below /v2.0/{project}/batches: the list, one job, and a job's state.
var (
	listPath  = regexp.MustCompile(`/batches$`)
	jobPath   = regexp.MustCompile(`/batches/[0-9a-f-]{36}$`)
	statePath = regexp.MustCompile(`/batches/[0-9a-f-]{36}/state$`)
)

func matching(method string, p *regexp.Regexp, answer func(w http.ResponseWriter, r *http.Request)) func(http.ResponseWriter, *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != method || !p.MatchString(r.URL.Path) {
			return false
		}
		answer(w, r)
		return true
	}
}

// echo answers a 400 whose message quotes the request's conf, as some gateways do.
func echo(secret string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error_code":"DLI.0001","error_msg":"request rejected: conf spark.datasource.password=%s"}`, secret)
	}
}

// Server echoes of the configured conf values never reach Terraform's output or log: not from
// the wait of create, not from a refresh, not from destroy (issue 16 item 11).
func TestAccBatchJob_confEchoesScrubbed(t *testing.T) {
	t.Parallel()
	tg, f := frontedTarget(t)
	secret := "pw-" + randomHex(t)
	ws := cliWorkspace(t, tg, cliJobConfig(tg, acctest.NamePrefix+"echo", fmt.Sprintf(`  wait_for = "running"
  conf = {
    "spark.datasource.password" = sensitive(%q)
    "emulator.run_duration"     = "10m"
  }`, secret)))
	check := func(step string, fault func(http.ResponseWriter, *http.Request) bool, args ...string) {
		t.Helper()
		f.set(fault)
		defer f.set(nil)
		logText, out, ok := tracedRun(t, ws, step, args...)
		if ok {
			t.Fatalf("%s succeeded; the fault should fail it:\n%s", step, out)
		}
		if !strings.Contains(out, "DLI.0001") {
			t.Errorf("%s does not show the server's error:\n%s", step, out)
		}
		for where, text := range map[string]string{"output": out, "log": logText} {
			if i := strings.Index(text, secret); i >= 0 {
				t.Errorf("%s: the %s shows the conf value: ...%s...", step, where, excerpt(text, i))
			}
		}
	}
	check("apply", matching(http.MethodGet, statePath, echo(secret)), "apply", "-auto-approve", "-no-color", "-input=false")
	check("plan", matching(http.MethodGet, jobPath, echo(secret)), "plan", "-no-color", "-input=false")
	check("destroy", matching(http.MethodDelete, jobPath, echo(secret)), "destroy", "-auto-approve", "-no-color", "-input=false")
	ws.Run(t, "destroy", "-auto-approve", "-no-color", "-input=false")
}

// A refresh whose answer stalls fails within timeouts.read, and says so (issue 16 item 10).
func TestAccBatchJob_stalledRefreshEndsWithinReadTimeout(t *testing.T) {
	t.Parallel()
	tg, f := frontedTarget(t)
	ws := cliWorkspace(t, tg, cliJobConfig(tg, acctest.NamePrefix+"stall", `  timeouts = { read = "2s" }`))
	ws.Run(t, "apply", "-auto-approve", "-no-color", "-input=false")

	f.set(matching(http.MethodGet, jobPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"id":`))
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		<-r.Context().Done() // the body never ends
	}))
	start := time.Now()
	out, code := runOutput(t, ws, "plan", "-no-color", "-input=false")
	elapsed := time.Since(start)
	f.set(nil)
	text := strings.Join(strings.Fields(out), " ")
	if code == 0 || !strings.Contains(text, "could not be read within timeouts.read (2s)") {
		t.Errorf("plan over a stalled answer exits %d:\n%s", code, out)
	}
	// Terraform's own start-up takes seconds on a loaded machine; without the deadline the
	// client's per-attempt timeout alone would hold the plan for minutes.
	if elapsed > time.Minute {
		t.Errorf("plan over a stalled answer took %s", elapsed)
	}
	t.Logf("plan over a stalled answer failed after %s", elapsed.Round(time.Millisecond))
	ws.Run(t, "destroy", "-auto-approve", "-no-color", "-input=false")
}
