package provider_test

import (
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
// and none of them still running after destroy (nothing orphaned). Every scenario runs for each
// job kind of resilienceKinds.

// heldJob is a job as DLI holds it, reduced to what the scenarios check.
type heldJob struct {
	id, name, state, marker string
	active                  bool
}

// resilienceKind is what the scenarios need to know of one kind of job.
type resilienceKind struct {
	noun         string // how messages name a job of the kind
	resourceType string
	fields       func(tg *acctest.Target) string // the arguments of one job but wait_for and conf
	finished     string                          // the wait_for value of a job run to its end
	submitPath   string                          // suffix of the path a submission is POSTed to
	seed         int64                           // of the injected faults
	held         func(t *testing.T, tg *acctest.Target) []heldJob
}

var resilienceKinds = map[string]resilienceKind{
	"batch": {
		noun: "job", resourceType: acctest.ResourceType, finished: "success", submitPath: "/batches", seed: 20261128,
		fields: func(tg *acctest.Target) string {
			return fmt.Sprintf("  queue = %q\n  file  = %q\n  name  = \"%sresilience-${count.index}\"\n", tg.Queue, tg.File, acctest.NamePrefix)
		},
		held: func(_ *testing.T, tg *acctest.Target) []heldJob {
			var held []heldJob
			for _, j := range tg.Emulator.Jobs() {
				marker, _ := j.Conf[client.SubmissionMarkerConfKey].(string)
				held = append(held, heldJob{j.ID, j.Name, j.State, marker, client.ParseJobState(j.State).IsActive()})
			}
			return held
		},
	},
	"sql": {
		noun: "SQL job", resourceType: "dli_sql_job", finished: "finished", submitPath: "/jobs/submit-job", seed: 20261201,
		fields: func(*acctest.Target) string { return "  sql = \"INSERT INTO resilience SELECT ${count.index}\"\n" },
		held: func(t *testing.T, tg *acctest.Target) []heldJob {
			var held []heldJob
			for _, j := range allSQLJobs(t, tg) {
				held = append(held, heldJob{j.ID, "", string(j.Status), j.SubmissionID, j.Status.IsActive()})
			}
			return held
		},
	},
}

// config is count jobs of the kind, each told apart by its index.
func (k resilienceKind) config(tg *acctest.Target, count int, runDuration, waitFor string) string {
	return requiredDLI + fmt.Sprintf(`
resource %q "job" {
  count    = %d
%s  wait_for = %q
  conf = {
    "emulator.run_duration" = %q
  }
}
`, k.resourceType, count, k.fields(tg), waitFor, runDuration)
}

// stateTracker collects the ID of every resource of one type seen in the workspace's state file.
type stateTracker struct {
	ws           *acctest.Workspace
	resourceType string
	seen         map[string]bool
}

func newStateTracker(ws *acctest.Workspace, resourceType string) *stateTracker {
	return &stateTracker{ws: ws, resourceType: resourceType, seen: map[string]bool{}}
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
	ids := stateIDs(t, b, s.resourceType)
	for _, id := range ids {
		s.seen[id] = true
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
	t.Logf("terraform %s: %v in %.1fs, %d %s in state", args[0], errText(err), time.Since(start).Seconds(), len(ids), s.resourceType)
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

// checkNoOrphanNoDuplicate asserts that DLI holds exactly the jobs seen in state, none of them
// active, and that no submission created two jobs.
func (k resilienceKind) checkNoOrphanNoDuplicate(t *testing.T, tg *acctest.Target, seen map[string]bool) {
	t.Helper()
	jobs := k.held(t, tg)
	markers := map[string]string{}
	held := map[string]bool{}
	for _, j := range jobs {
		held[j.id] = true
		if j.active {
			t.Errorf("%s %s (%s) is still %s after destroy: orphaned", k.noun, j.id, j.name, j.state)
		}
		if !seen[j.id] {
			t.Errorf("%s %s (%s, %s) was never in state: untracked", k.noun, j.id, j.name, j.state)
		}
		if other, dup := markers[j.marker]; j.marker == "" {
			t.Errorf("%s %s carries no submission marker", k.noun, j.id)
		} else if dup {
			t.Errorf("%ss %s and %s come from the same submission %s: duplicated", k.noun, other, j.id, j.marker)
		}
		markers[j.marker] = j.id
	}
	for id := range seen {
		if !held[id] {
			t.Errorf("%s %s was in state but DLI does not know it", k.noun, id)
		}
	}
	if len(jobs) != len(seen) {
		t.Errorf("DLI holds %d %ss, %d were ever in state", len(jobs), k.noun, len(seen))
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

// forEachResilienceKind runs a scenario as a parallel subtest per job kind.
func forEachResilienceKind(t *testing.T, scenario func(t *testing.T, k resilienceKind)) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	t.Parallel()
	for name, k := range resilienceKinds {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			scenario(t, k)
		})
	}
}

// With 10% 5xx, 10% 429 (Retry-After: 1) and 5% faults after commit (502 or a dropped
// connection once the work is done), applying 30 long-running jobs and destroying them converges
// with at most one re-run of each command, and leaves no orphaned and no duplicated job.
func TestAccResilience_faultsConverge(t *testing.T) {
	forEachResilienceKind(t, func(t *testing.T, k resilienceKind) {
		opts := acctest.FastJobs()
		opts.Fault5xx, opts.Fault429, opts.FaultAfterCommit = 0.10, 0.10, 0.05
		opts.Seed = k.seed
		tg := acctest.NewEmulator(t, opts)
		const jobs = 30
		ws := cliWorkspace(t, tg, k.config(tg, jobs, "1h", "running"))
		st := newStateTracker(ws, k.resourceType)
		start := time.Now()

		applies := st.runWithOneRerun(t, applyCmd...)
		if ids := st.observe(t); len(ids) != jobs {
			t.Fatalf("%d %ss in state after apply, want %d", len(ids), k.noun, jobs)
		}
		for _, j := range k.held(t, tg) {
			if st.seen[j.id] && !j.active {
				t.Errorf("%s %s is %s right after apply; want it running (run_duration 1h)", k.noun, j.id, j.state)
			}
		}
		afterApply := requestFigures(tg)

		destroys := st.runWithOneRerun(t, destroyCmd...)
		if ids := st.observe(t); len(ids) != 0 {
			t.Errorf("%d %ss left in state after destroy", len(ids), k.noun)
		}
		k.checkNoOrphanNoDuplicate(t, tg, st.seen)

		faults := 0
		for _, r := range tg.Emulator.Requests() {
			if r.Status == 0 || r.Status == 429 || r.Status >= 500 {
				faults++
			}
		}
		if faults == 0 {
			t.Error("no fault was injected: the test proves nothing")
		}
		t.Logf("figures: %d %ss, %d apply run(s), %d destroy run(s), %d jobs ever in state, %d injected faults, %.1fs in all",
			jobs, k.noun, applies, destroys, len(st.seen), faults, time.Since(start).Seconds())
		t.Logf("after apply: %s", afterApply)
		t.Logf("in all:      %s", requestFigures(tg))
	})
}

// An apply interrupted with Ctrl-C (SIGINT) while jobs are being submitted and waited for, then
// a new apply and a destroy: every job DLI holds was in state at some point (the interrupted
// submissions were recorded or adopted, not lost), and none is left running.
func TestAccResilience_interruptedApply(t *testing.T) {
	forEachResilienceKind(t, func(t *testing.T, k resilienceKind) {
		opts := acctest.FastJobs()
		// Some latency keeps a few submissions in flight when the interrupt comes.
		opts.Latency = 30 * time.Millisecond
		tg := acctest.NewEmulator(t, opts)
		const jobs = 20
		// Long enough to be waited for when the interrupt comes, short enough for the next apply.
		ws := cliWorkspace(t, tg, k.config(tg, jobs, "2s", k.finished))
		st := newStateTracker(ws, k.resourceType)

		posts := func() int { return tg.CountRequests("POST", k.submitPath) }
		out := interruptApply(t, ws, "3 submissions", func() bool { return posts() >= 3 })
		interrupted := st.observe(t)
		held := k.held(t, tg)
		t.Logf("terraform exited having submitted %d; %d %ss in state, %d held by DLI", posts(), len(interrupted), k.noun, len(held))
		if !strings.Contains(out, "Interrupt received") {
			t.Errorf("terraform did not see the interrupt:\n%s", tail(out, 40))
		}
		if posts() >= jobs {
			t.Errorf("every %s was submitted before the interrupt took effect: nothing was interrupted", k.noun)
		}
		for _, j := range held {
			if !st.seen[j.id] {
				t.Errorf("%s %s (%s) submitted by the interrupted apply is not in state", k.noun, j.id, j.name)
			}
		}

		if !st.run(t, applyCmd...) {
			t.Fatal("the apply after the interrupt failed")
		}
		if ids := st.observe(t); len(ids) != jobs {
			t.Errorf("%d %ss in state after the second apply, want %d", len(ids), k.noun, jobs)
		}
		if !st.run(t, destroyCmd...) {
			t.Fatal("destroy failed")
		}
		k.checkNoOrphanNoDuplicate(t, tg, st.seen)
		t.Logf("in all: %d %ss ever in state; %s", len(st.seen), k.noun, requestFigures(tg))
	})
}
