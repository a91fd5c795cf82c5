package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
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
