package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// A real CLI (1.11 or later) with TF_LOG=TRACE: a streaming job created with
// secret_runtime_config from an ephemeral variable, then given a new value and version (an
// update that sends the whole job again) under which it fails to run. DLI's answers carry the
// secret back (the detail's runtime_config), yet neither the logs, nor the output (DLI's
// error), nor the plan file or state holds it.
func TestAccFlinkSQLJob_secretRuntimeConfigNeverShown(t *testing.T) {
	cliAtLeast(t, "1.11.0", true)
	t.Parallel()
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	first, second := "pw-Shown-"+randomHex(t), "pw-Shown-again-"+randomHex(t)
	cfg := cliFlinkConfig(tg, flinkName(t), flinkSQL, fmt.Sprintf(`  obs_bucket = "dli-checkpoints"
  runtime_config = merge({ "table.exec.state.ttl" = "1h" }, var.emulator)
  secret_runtime_config = { %q = var.password }
  secret_runtime_config_version = var.secret_version
`, flinkSecretKey)) + `
variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "secret_version" {
  type = number
}

variable "emulator" {
  type    = map(string)
  default = {}
}
`
	ws := cliWorkspace(t, tg, cfg)
	ws.Env = append(ws.Env, "TF_VAR_password="+first, "TF_VAR_secret_version=1")
	texts := map[string]string{}
	planLog, planOut, ok := tracedRun(t, ws, "plan", "plan", "-no-color", "-input=false", "-out=tfplan")
	if !ok {
		t.Fatalf("plan failed:\n%s", planOut)
	}
	if !strings.Contains(planOut, "(write-only attribute)") {
		t.Errorf("plan output lacks the write-only marker:\n%s", planOut)
	}
	planJSON, err := ws.Command(nil, "show", "-json", "tfplan").CombinedOutput()
	if err != nil {
		t.Fatalf("show: %v\n%s", err, planJSON)
	}
	texts["TF_LOG of plan"], texts["plan output"], texts["plan file"] = planLog, planOut, string(planJSON)
	createLog, createOut, ok := tracedRun(t, ws, "create", "apply", "-auto-approve", "-no-color", "-input=false")
	if !ok {
		t.Fatalf("apply failed:\n%s", createOut)
	}
	texts["TF_LOG of the create"], texts["output of the create"] = createLog, createOut
	id := flinkStateID(t, ws)
	if got := flinkJobOf(t, tg, id).RuntimeConfig[flinkSecretKey]; got != first {
		t.Fatal("DLI did not get the first secret: the checks would prove nothing")
	}

	// A new value and version, and a run that fails: the whole job is sent again with the secret.
	ws.Env = append(ws.Env, "TF_VAR_password="+second, "TF_VAR_secret_version=2",
		`TF_VAR_emulator={"emulator.outcome"="failed","emulator.run_duration"="0s"}`)
	updateLog, updateOut, ok := tracedRun(t, ws, "update", "apply", "-auto-approve", "-no-color", "-input=false")
	if ok || !wrapped(`Flink SQL job did not run`).MatchString(updateOut) {
		t.Fatalf("the update should fail on the job that does not run:\n%s", updateOut)
	}
	texts["TF_LOG of the update"], texts["output of the update"] = updateLog, updateOut
	state, err := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	texts["state"] = string(state)
	secrets := map[string]string{"first secret_runtime_config value": first, "second secret_runtime_config value": second}
	for where, text := range texts {
		checkNoSecrets(t, where, text, secrets, nil)
	}
	if got := flinkJobOf(t, tg, id).RuntimeConfig[flinkSecretKey]; got != second {
		t.Error("DLI did not get the second secret: the update's checks prove nothing")
	}
	for where, text := range map[string]string{"create": createLog, "update": updateLog} {
		if !strings.Contains(text, "DLI API request body") || !strings.Contains(text, "DLI API response body") {
			t.Errorf("the TRACE log of the %s has no request or response body entry: the check would prove nothing", where)
		}
	}
	if !strings.Contains(updateLog, "/streaming/sql-jobs/"+id) {
		t.Error("the TRACE log of the update does not show the update request: the check would prove nothing")
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color", "-input=false")
	if jobs := tg.Emulator.FlinkJobs(); len(jobs) != 0 {
		t.Errorf("%d Flink jobs left after destroy", len(jobs))
	}
}

// flinkStateID reads the one Flink job's ID from the workspace's state file.
func flinkStateID(t *testing.T, ws *acctest.Workspace) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	ids := stateIDs(t, b, "dli_flink_sql_job")
	if len(ids) != 1 {
		t.Fatalf("state holds %d Flink SQL jobs, want 1", len(ids))
	}
	return ids[0]
}
