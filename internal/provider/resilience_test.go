package provider_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// The resilience suite: a real Terraform CLI against the locally built provider and an emulator
// that misbehaves (injected faults) or a user who interrupts an apply. Whatever happens, DLI must
// end up holding exactly the jobs Terraform knew about (nothing untracked, nothing duplicated),
// and none of them still running after destroy (nothing orphaned).

// resilienceConfig is count jobs of one queue, each named after its index.
func resilienceConfig(tg *acctest.Target, count int, runDuration, waitFor string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    dli = {
      source = "dli-tf/dli"
    }
  }
}

resource "dli_batch_job" "job" {
  count    = %d
  queue    = %q
  file     = %q
  name     = "%sresilience-${count.index}"
  wait_for = %q
  conf = {
    "emulator.run_duration" = %q
  }
}
`, count, tg.Queue, tg.File, acctest.NamePrefix, waitFor, runDuration)
}

// stateTracker collects the ID of every dli_batch_job seen in the workspace's state file.
type stateTracker struct {
	ws   *acctest.Workspace
	seen map[string]bool
}

func newStateTracker(ws *acctest.Workspace) *stateTracker {
	return &stateTracker{ws: ws, seen: map[string]bool{}}
}

// observe reads terraform.tfstate and returns the IDs it holds now (also recorded as seen).
func (s *stateTracker) observe(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.ws.Dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes struct {
					ID string `json:"id"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("terraform.tfstate: %v", err)
	}
	var ids []string
	for _, r := range st.Resources {
		if r.Type != acctest.ResourceType {
			continue
		}
		for _, in := range r.Instances {
			if in.Attributes.ID != "" {
				ids = append(ids, in.Attributes.ID)
				s.seen[in.Attributes.ID] = true
			}
		}
	}
	return ids
}

// run runs one terraform command and observes the state afterwards. It reports whether the
// command succeeded; its output goes to the test log when it fails.
func (s *stateTracker) run(t *testing.T, args ...string) bool {
	t.Helper()
	start := time.Now()
	out, err := s.ws.Command(nil, args...).CombinedOutput()
	ids := s.observe(t)
	t.Logf("terraform %s: %v in %.1fs, %d jobs in state", args[0], errText(err), time.Since(start).Seconds(), len(ids))
	if err != nil {
		t.Logf("output of the failed terraform %s:\n%s", args[0], tail(string(out), 60))
	}
	return err == nil
}

// runWithOneRerun runs a command and, if it fails, runs it once more, as a user would. It fails
// the test if the second run fails too, and returns how many runs it took.
func (s *stateTracker) runWithOneRerun(t *testing.T, args ...string) int {
	t.Helper()
	if s.run(t, args...) {
		return 1
	}
	if !s.run(t, args...) {
		t.Fatalf("terraform %s failed twice", args[0])
	}
	return 2
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// checkNoOrphanNoDuplicate asserts that the emulator holds exactly the jobs seen in state, none
// of them active, and that no submission created two jobs.
func checkNoOrphanNoDuplicate(t *testing.T, tg *acctest.Target, seen map[string]bool) {
	t.Helper()
	jobs := tg.Emulator.Jobs()
	markers := map[string]string{}
	held := map[string]bool{}
	for _, j := range jobs {
		held[j.ID] = true
		if client.ParseJobState(j.State).IsActive() {
			t.Errorf("job %s (%s) is still %s after destroy: orphaned", j.ID, j.Name, j.State)
		}
		if !seen[j.ID] {
			t.Errorf("job %s (%s, %s) was never in state: untracked", j.ID, j.Name, j.State)
		}
		marker, _ := j.Conf[client.SubmissionMarkerConfKey].(string)
		if marker == "" {
			t.Errorf("job %s carries no submission marker", j.ID)
		} else if other, dup := markers[marker]; dup {
			t.Errorf("jobs %s and %s come from the same submission %s: duplicated", other, j.ID, marker)
		}
		markers[marker] = j.ID
	}
	for id := range seen {
		if !held[id] {
			t.Errorf("job %s was in state but the emulator does not know it", id)
		}
	}
	if len(jobs) != len(seen) {
		t.Errorf("the emulator holds %d jobs, %d were ever in state", len(jobs), len(seen))
	}
}

// requestFigures summarizes the emulator's request log: requests by method and status.
func requestFigures(tg *acctest.Target) string {
	counts := map[string]int{}
	total := 0
	for _, r := range tg.Emulator.Requests() {
		status := fmt.Sprint(r.Status)
		if r.Status == 0 {
			status = "dropped"
		}
		counts[r.Method+" "+status]++
		total++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%d requests:", total)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%d", k, counts[k])
	}
	return b.String()
}

// With 10% 5xx, 10% 429 (Retry-After: 1) and 5% faults after commit (502 or a dropped
// connection once the work is done), applying 30 long-running jobs and destroying them converges
// with at most one re-run of each command, and leaves no orphaned and no duplicated job.
func TestAccResilience_faultsConverge(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	t.Parallel()
	opts := acctest.FastJobs()
	opts.Fault5xx, opts.Fault429, opts.FaultAfterCommit = 0.10, 0.10, 0.05
	opts.Seed = 20261128
	tg := acctest.NewEmulator(t, opts)
	const jobs = 30
	ws := acctest.NewWorkspace(t, tg, acctest.TerraformBinary(t), map[string]string{
		"main.tf": resilienceConfig(tg, jobs, "1h", "running"),
	})
	st := newStateTracker(ws)
	start := time.Now()

	applies := st.runWithOneRerun(t, "apply", "-auto-approve", "-no-color", "-input=false")
	if ids := st.observe(t); len(ids) != jobs {
		t.Fatalf("%d jobs in state after apply, want %d", len(ids), jobs)
	}
	for _, j := range tg.Emulator.Jobs() {
		if st.seen[j.ID] && !client.ParseJobState(j.State).IsActive() {
			t.Errorf("job %s is %s right after apply; want it running (run_duration 1h)", j.ID, j.State)
		}
	}
	afterApply := requestFigures(tg)

	destroys := st.runWithOneRerun(t, "destroy", "-auto-approve", "-no-color", "-input=false")
	if ids := st.observe(t); len(ids) != 0 {
		t.Errorf("%d jobs left in state after destroy", len(ids))
	}
	checkNoOrphanNoDuplicate(t, tg, st.seen)

	faults := 0
	for _, r := range tg.Emulator.Requests() {
		if r.Status == 0 || r.Status == 429 || r.Status >= 500 {
			faults++
		}
	}
	if faults == 0 {
		t.Error("no fault was injected: the test proves nothing")
	}
	t.Logf("figures: %d jobs, %d apply run(s), %d destroy run(s), %d jobs ever in state, %d injected faults, %.1fs in all",
		jobs, applies, destroys, len(st.seen), faults, time.Since(start).Seconds())
	t.Logf("after apply: %s", afterApply)
	t.Logf("in all:      %s", requestFigures(tg))
}

// An apply interrupted with Ctrl-C (SIGINT) while jobs are being submitted and waited for, then
// a new apply and a destroy: every job DLI holds was in state at some point (the interrupted
// submissions were recorded or adopted, not lost), and none is left running.
func TestAccResilience_interruptedApply(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	t.Parallel()
	opts := acctest.FastJobs()
	// Some latency keeps a few submissions in flight when the interrupt comes.
	opts.Latency = 30 * time.Millisecond
	tg := acctest.NewEmulator(t, opts)
	const jobs = 20
	ws := acctest.NewWorkspace(t, tg, acctest.TerraformBinary(t), map[string]string{
		// Long enough to be waited for when the interrupt comes, short enough for the next apply.
		"main.tf": resilienceConfig(tg, jobs, "2s", "success"),
	})
	st := newStateTracker(ws)

	cmd := ws.Command(nil, "apply", "-auto-approve", "-no-color", "-input=false")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	posts := func() int { return tg.CountRequests("POST", "/batches") }
	deadline := time.Now().Add(2 * time.Minute)
	for posts() < 3 {
		select {
		case err := <-exited:
			t.Fatalf("apply ended before the interrupt (%v):\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("no submission within 2 minutes:\n%s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	atInterrupt := posts()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err == nil {
			t.Errorf("the interrupted apply succeeded:\n%s", out.String())
		}
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("terraform did not exit within 2 minutes of the interrupt:\n%s", out.String())
	}
	interrupted := st.observe(t)
	held := tg.Emulator.Jobs()
	t.Logf("interrupt after %d submissions seen; terraform exited having submitted %d; %d jobs in state, %d held by DLI",
		atInterrupt, posts(), len(interrupted), len(held))
	if !strings.Contains(out.String(), "Interrupt received") {
		t.Errorf("terraform did not see the interrupt:\n%s", tail(out.String(), 40))
	}
	if posts() >= jobs {
		t.Errorf("every job was submitted before the interrupt took effect: nothing was interrupted")
	}
	for _, j := range held {
		if !st.seen[j.ID] {
			t.Errorf("job %s (%s) submitted by the interrupted apply is not in state", j.ID, j.Name)
		}
	}

	if !st.run(t, "apply", "-auto-approve", "-no-color", "-input=false") {
		t.Fatal("the apply after the interrupt failed")
	}
	if ids := st.observe(t); len(ids) != jobs {
		t.Errorf("%d jobs in state after the second apply, want %d", len(ids), jobs)
	}
	if !st.run(t, "destroy", "-auto-approve", "-no-color", "-input=false") {
		t.Fatal("destroy failed")
	}
	checkNoOrphanNoDuplicate(t, tg, st.seen)
	t.Logf("in all: %d jobs ever in state; %s", len(st.seen), requestFigures(tg))
}

// wireToEmulator is a transport that writes each request as bytes, reads it back as a server
// would and hands it to an in-process emulator: the client's signature is checked by the
// independent implementation of the gateway on exactly what would cross the network. (This
// cross-check lives here because internal/client and internal/emulator may not import each
// other, not even in tests.)
type wireToEmulator struct{ srv *emulator.Server }

func (w wireToEmulator) RoundTrip(req *http.Request) (*http.Response, error) {
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		return nil, err
	}
	sreq, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		return nil, err
	}
	sreq.RemoteAddr = "127.0.0.1:40000"
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, sreq)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// FuzzClientSignaturesAcceptedByEmulator: whatever filters, names, arguments and conf a user
// writes, the client's requests (temporary AK/SK, so the security token is signed too) pass the
// emulator's gateway (never a 401, never a 5xx), and a submission the emulator accepts reads back
// with the arguments and conf that were sent.
func FuzzClientSignaturesAcceptedByEmulator(f *testing.F) {
	f.Add("default", "nightly-etl", "user_demoaccesskey", "running", "CREATE_TIME_DESC", "obs://b/a.jar", "--date=2026-11-28", "spark.sql.shuffle.partitions", "200")
	f.Add("default", "名前 with spaces+plus&amp;=", "~!*'();:@", "", "", "obs://b/a b.py", "a&b=c", "spark.a", "p@ss w0rd%")
	f.Add("nope", "", "", "bogus", "bogus", " ", "", "emulator.run_duration", "not a duration")
	f.Add("default", "%zz", "/", "dead", "DURATION_ASC", "f", "\x00\xff", "", "")
	f.Fuzz(func(t *testing.T, queue, name, owner, state, order, file, arg, confKey, confValue string) {
		const securityToken = "fuzz-security-token"
		srv, err := emulator.New(emulator.Options{SecurityToken: securityToken, Queues: []string{"default"}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := client.New(client.Config{
			Endpoint: "http://127.0.0.1:8787", ProjectID: emulator.DefaultProjectID,
			AccessKey: emulator.DefaultAccessKey, SecretKey: emulator.DefaultSecretKey, SecurityToken: securityToken,
			HTTPClient: &http.Client{Transport: wireToEmulator{srv}},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		check := func(op string, err error) {
			t.Helper()
			if err == nil {
				return
			}
			var apiErr *client.APIError
			if !errors.As(err, &apiErr) {
				if strings.HasPrefix(err.Error(), "dli: create batch job: file is required") {
					return // refused before anything was sent
				}
				t.Fatalf("%s: not an answer of the API: %v", op, err)
			}
			if client.IsAuthFailed(err) || apiErr.StatusCode >= 500 {
				t.Fatalf("%s: %v", op, err)
			}
		}
		_, err = c.ListBatchJobs(ctx, client.ListOptions{Queue: queue, JobName: name, Owner: owner, State: state, Order: order, Limit: 1})
		check("list", err)
		_, err = c.GetBatchJobLog(ctx, "0a324461-d9d9-45da-a52a-3b3c7a3d809e", client.LogOptions{Type: state})
		check("log", err)
		job, err := c.CreateBatchJob(ctx, &client.CreateBatchJobRequest{
			File: file, Queue: queue, Name: name, Args: []string{arg}, Conf: map[string]string{confKey: confValue},
		})
		check("create", err)
		if err != nil {
			return
		}
		read, err := c.GetBatchJob(ctx, job.ID)
		check("get", err)
		if read.Request == nil || read.SubmissionID != job.SubmissionID {
			t.Fatalf("job %s reads back without its submission: %+v", job.ID, read)
		}
		for _, s := range []string{arg, confKey, confValue} {
			if !utf8.ValidString(s) {
				return // JSON text: invalid UTF-8 is replaced on the way
			}
		}
		if confKey != client.SubmissionMarkerConfKey && (!reflect.DeepEqual(read.Request.Args, []string{arg}) || read.Request.Conf[confKey] != confValue) {
			t.Fatalf("sent args %q and conf %q=%q, read back %q and %q", arg, confKey, confValue, read.Request.Args, read.Request.Conf)
		}
	})
}
