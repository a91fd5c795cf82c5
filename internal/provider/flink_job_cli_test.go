package provider_test

import (
	"os"
	"strings"
	"testing"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// Flink behaviour seen only through the CLI: the plan's restart warning, Ctrl-C.

func cliFlinkConfig(tg *acctest.Target, name, sql, extra string) string {
	return requiredDLI + strings.TrimPrefix(flinkSQLConfig(tg, name, sql, extra), tg.ProviderConfig())
}

// The plan says when apply will restart a running job, and names what forces it; a running-safe
// change plans without the warning.
func TestAccFlinkSQLJob_planWarnsOfRestart(t *testing.T) {
	t.Parallel()
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	name := flinkName(t)
	storage := "  obs_bucket = \"dli-checkpoints\"\n"
	ws := cliWorkspace(t, tg, cliFlinkConfig(tg, name, flinkSQL, storage))
	ws.Run(t, applyCmd...)
	t.Cleanup(func() { ws.Run(t, destroyCmd...) })

	write := func(config string) {
		if err := os.WriteFile(ws.Dir+"/main.tf", []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(cliFlinkConfig(tg, name, flinkSQL, storage+"  smn_topic = \"alarms\"\n"))
	if out := ws.Run(t, planCmd...); strings.Contains(out, "will be restarted") {
		t.Errorf("a running-safe change warns of a restart:\n%s", out)
	}
	write(cliFlinkConfig(tg, name, flinkSQL+" -- v2", storage+"  cu_count = 3\n"))
	expectOutput(t, "the plan", ws.Run(t, planCmd...), "Flink SQL job will be restarted", "DLI does not change cu_count, sql on a running job",
		"stops it with a savepoint", "runs it again resuming from the savepoint", "1 to change")
}

// Ctrl-C while apply waits for the job to run says interrupted, and the job stays in state.
func TestAccFlinkSQLJob_interruptedWait(t *testing.T) {
	t.Parallel()
	clock := &acctest.PausableClock{}
	opts := acctest.FastJobs()
	opts.Clock = clock
	tg := acctest.NewEmulator(t, opts)
	ws := cliWorkspace(t, tg, cliFlinkConfig(tg, flinkName(t), flinkSQL, ""))
	clock.Pause() // the job stays job_submitting: apply keeps waiting
	out := interruptApply(t, ws, "the job is run", func() bool { return tg.CountRequests("POST", "/streaming/jobs/run") == 1 })
	expectInterruptedWait(t, out, "Flink SQL job")
	if list := ws.Run(t, "state", "list"); !strings.Contains(list, flinkSQLAddress) {
		t.Errorf("the interrupted job is not in state: %q", list)
	}
	clock.Resume()
	ws.Run(t, destroyCmd...)
	if jobs := tg.Emulator.FlinkJobs(); len(jobs) != 0 {
		t.Errorf("%d Flink jobs left after destroy", len(jobs))
	}
}
