package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// The resilience suite for SQL jobs: whatever the faults or interrupts, DLI ends up holding
// exactly the jobs Terraform knew about (nothing untracked, nothing duplicated), and none of
// them still running after destroy (nothing orphaned).

func sqlResilienceConfig(count int, runDuration, waitFor string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    dli = {
      source = "dli-tf/dli"
    }
  }
}

resource "dli_sql_job" "job" {
  count    = %d
  sql      = "INSERT INTO resilience SELECT ${count.index}"
  wait_for = %q
  conf = {
    "emulator.run_duration" = %q
  }
}
`, count, waitFor, runDuration)
}

// sqlTracker records every dli_sql_job ID ever seen in the workspace's state file.
type sqlTracker struct {
	ws   *acctest.Workspace
	seen map[string]bool
}

func (s *sqlTracker) observe(t *testing.T) []string {
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
		for _, in := range r.Instances {
			if r.Type == "dli_sql_job" && in.Attributes.ID != "" {
				ids = append(ids, in.Attributes.ID)
				s.seen[in.Attributes.ID] = true
			}
		}
	}
	return ids
}

func (s *sqlTracker) run(t *testing.T, args ...string) bool {
	t.Helper()
	start := time.Now()
	out, err := s.ws.Command(nil, args...).CombinedOutput()
	ids := s.observe(t)
	t.Logf("terraform %s: %v in %.1fs, %d SQL jobs in state", args[0], errText(err), time.Since(start).Seconds(), len(ids))
	if err != nil {
		t.Logf("output of the failed terraform %s:\n%s", args[0], tail(string(out), 60))
	}
	return err == nil
}

func (s *sqlTracker) runWithOneRerun(t *testing.T, args ...string) int {
	t.Helper()
	if s.run(t, args...) {
		return 1
	}
	if !s.run(t, args...) {
		t.Fatalf("terraform %s failed twice", args[0])
	}
	return 2
}

// allSQLJobs lists every SQL job the emulator holds, faults switched off for the check.
func allSQLJobs(t *testing.T, tg *acctest.Target) []client.SQLJob {
	t.Helper()
	a, b, c := tg.Emulator.Faults()
	tg.Emulator.SetFaults(0, 0, 0)
	defer tg.Emulator.SetFaults(a, b, c)
	jobs, err := sqlClient(t, tg).ListSQLJobs(context.Background(), client.SQLListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

func checkSQLNoOrphanNoDuplicate(t *testing.T, tg *acctest.Target, seen map[string]bool) {
	t.Helper()
	jobs := allSQLJobs(t, tg)
	markers := map[string]string{}
	for _, j := range jobs {
		if j.Status.IsActive() {
			t.Errorf("SQL job %s is still %s after destroy: orphaned", j.ID, j.Status)
		}
		if !seen[j.ID] {
			t.Errorf("SQL job %s (%s) was never in state: untracked", j.ID, j.Status)
		}
		switch other, dup := markers[j.SubmissionID]; {
		case j.SubmissionID == "":
			t.Errorf("SQL job %s carries no submission marker", j.ID)
		case dup:
			t.Errorf("SQL jobs %s and %s come from the same submission %s: duplicated", other, j.ID, j.SubmissionID)
		}
		markers[j.SubmissionID] = j.ID
	}
	if len(jobs) != len(seen) {
		t.Errorf("the emulator holds %d SQL jobs, %d were ever in state", len(jobs), len(seen))
	}
}

// With 10% 5xx, 10% 429 and 5% faults after commit, applying 30 long-running statements and
// destroying them converges with at most one re-run of each command: no orphan, no duplicate.
func TestAccResilience_sqlFaultsConverge(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	t.Parallel()
	opts := acctest.FastJobs()
	opts.Fault5xx, opts.Fault429, opts.FaultAfterCommit = 0.10, 0.10, 0.05
	opts.Seed = 20261201
	tg := acctest.NewEmulator(t, opts)
	const jobs = 30
	ws := acctest.NewWorkspace(t, tg, acctest.TerraformBinary(t), map[string]string{"main.tf": sqlResilienceConfig(jobs, "1h", "running")})
	st := &sqlTracker{ws: ws, seen: map[string]bool{}}

	applies := st.runWithOneRerun(t, "apply", "-auto-approve", "-no-color", "-input=false")
	if ids := st.observe(t); len(ids) != jobs {
		t.Fatalf("%d SQL jobs in state after apply, want %d", len(ids), jobs)
	}
	for _, j := range allSQLJobs(t, tg) {
		if st.seen[j.ID] && !j.Status.IsActive() {
			t.Errorf("SQL job %s is %s right after apply; want it running (run_duration 1h)", j.ID, j.Status)
		}
	}
	afterApply := requestFigures(tg)
	destroys := st.runWithOneRerun(t, "destroy", "-auto-approve", "-no-color", "-input=false")
	if ids := st.observe(t); len(ids) != 0 {
		t.Errorf("%d SQL jobs left in state after destroy", len(ids))
	}
	checkSQLNoOrphanNoDuplicate(t, tg, st.seen)
	faults := 0
	for _, r := range tg.Emulator.Requests() {
		if r.Status == 0 || r.Status == 429 || r.Status >= 500 {
			faults++
		}
	}
	if faults == 0 {
		t.Error("no fault was injected: the test proves nothing")
	}
	t.Logf("figures: %d statements, %d apply run(s), %d destroy run(s), %d jobs ever in state, %d injected faults",
		jobs, applies, destroys, len(st.seen), faults)
	t.Logf("after apply: %s", afterApply)
	t.Logf("in all:      %s", requestFigures(tg))
}

// Ctrl-C while statements are submitted and waited for, then a new apply and a destroy: every
// job DLI holds was in state at some point, and none is left running.
func TestAccResilience_sqlInterruptedApply(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	t.Parallel()
	opts := acctest.FastJobs()
	opts.Latency = 30 * time.Millisecond
	tg := acctest.NewEmulator(t, opts)
	const jobs = 20
	ws := acctest.NewWorkspace(t, tg, acctest.TerraformBinary(t), map[string]string{"main.tf": sqlResilienceConfig(jobs, "2s", "finished")})
	st := &sqlTracker{ws: ws, seen: map[string]bool{}}

	cmd := ws.Command(nil, "apply", "-auto-approve", "-no-color", "-input=false")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	posts := func() int { return tg.CountRequests("POST", "/jobs/submit-job") }
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
	st.observe(t)
	if !strings.Contains(out.String(), "Interrupt received") {
		t.Errorf("terraform did not see the interrupt:\n%s", tail(out.String(), 40))
	}
	if posts() >= jobs {
		t.Errorf("every statement was submitted before the interrupt took effect: nothing was interrupted")
	}
	for _, j := range allSQLJobs(t, tg) {
		if !st.seen[j.ID] {
			t.Errorf("SQL job %s submitted by the interrupted apply is not in state", j.ID)
		}
	}
	if !st.run(t, "apply", "-auto-approve", "-no-color", "-input=false") {
		t.Fatal("the apply after the interrupt failed")
	}
	if ids := st.observe(t); len(ids) != jobs {
		t.Errorf("%d SQL jobs in state after the second apply, want %d", len(ids), jobs)
	}
	if !st.run(t, "destroy", "-auto-approve", "-no-color", "-input=false") {
		t.Fatal("destroy failed")
	}
	checkSQLNoOrphanNoDuplicate(t, tg, st.seen)
	t.Logf("in all: %d SQL jobs ever in state; %s", len(st.seen), requestFigures(tg))
}
