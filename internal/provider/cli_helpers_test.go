package provider_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// Helpers for the tests that drive a real Terraform CLI in a workspace (acctest.Workspace):
// the configuration header, running commands, reading state back, interrupting an apply.

// requiredDLI is the terraform block every CLI workspace starts with: the locally built
// provider is found through the workspace's dev override.
const requiredDLI = "terraform {\n  required_providers {\n    dli = { source = \"dli-tf/dli\" }\n  }\n}\n"

// Command lines as a user types them in automation.
var (
	applyCmd   = []string{"apply", "-auto-approve", "-no-color", "-input=false"}
	destroyCmd = []string{"destroy", "-auto-approve", "-no-color", "-input=false"}
	planCmd    = []string{"plan", "-no-color", "-input=false"}
)

// with returns the command line with more arguments (a fresh slice: the base is shared).
func with(base []string, extra ...string) []string {
	return append(append([]string{}, base...), extra...)
}

// cliWorkspace is a workspace holding main.tf, skipped without TF_ACC.
func cliWorkspace(t *testing.T, tg *acctest.Target, config string) *acctest.Workspace {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	return acctest.NewWorkspace(t, tg, acctest.TerraformBinary(t), map[string]string{"main.tf": config})
}

// runOutput runs terraform and returns its output and exit code (no failure on a non-zero one).
func runOutput(t *testing.T, ws *acctest.Workspace, args ...string) (string, int) {
	t.Helper()
	out, err := ws.Command(nil, args...).CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return string(out), exit.ExitCode()
	}
	if err != nil {
		t.Fatalf("terraform %v: %v", args, err)
	}
	return string(out), 0
}

// showAttributes reads the attributes of one resource from terraform show -json.
func showAttributes(t *testing.T, ws *acctest.Workspace, address string) map[string]any {
	t.Helper()
	var show struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(ws.Run(t, "show", "-json")), &show); err != nil {
		t.Fatal(err)
	}
	for _, r := range show.Values.RootModule.Resources {
		if r.Address == address {
			return r.Values
		}
	}
	t.Fatalf("%s is not in state", address)
	return nil
}

// flat folds white space, so that a wrapped message can be searched for.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// expectOutput reports each wanted phrase the (flattened) output of a command lacks.
func expectOutput(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(flat(out), want) {
			t.Errorf("%s lacks %q:\n%s", what, want, out)
		}
	}
}

// interruptApply starts an apply, sends it Ctrl-C once ready() holds and returns its output
// once it has exited (a test failure if it succeeded anyway or does not exit in 2 minutes).
func interruptApply(t *testing.T, ws *acctest.Workspace, what string, ready func() bool) string {
	t.Helper()
	cmd := ws.Command(nil, applyCmd...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for !ready() {
		select {
		case err := <-exited:
			t.Fatalf("apply ended before the interrupt (%v):\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("timed out waiting until %s:\n%s", what, out.String())
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
	return out.String()
}

// expectInterruptedWait asserts that an apply interrupted during the wait for a job of the
// given kind ("batch job", "SQL job" ...) said so, and how to keep the job; it must not read
// as a timeout (no "within timeouts.", nor any of notSaid).
func expectInterruptedWait(t *testing.T, out, kind string, notSaid ...string) {
	t.Helper()
	text := flat(out)
	if !strings.Contains(text, "Interrupted while waiting for "+kind) || !strings.Contains(text, "terraform untaint") {
		t.Errorf("the interrupted apply does not say it was interrupted and how to keep the job:\n%s", out)
	}
	for _, s := range append(notSaid, "within timeouts.") {
		if strings.Contains(text, s) {
			t.Errorf("the interrupted apply speaks of a timeout (%q):\n%s", s, out)
		}
	}
}

// secretNeverShown plans (to a plan file) and applies, with TF_LOG=TRACE, a configuration
// whose secret (value) must not show in the logs, the output, the plan file or the state.
// The plan must warn of a secret without a version; the apply must fail as failed() says
// (the error path is where a secret would leak). It returns the apply's log and the state.
func secretNeverShown(t *testing.T, ws *acctest.Workspace, value, what string, failed func(out string) bool) (string, []byte) {
	t.Helper()
	planLog, planOut, ok := tracedRun(t, ws, "plan", with(planCmd, "-out=tfplan")...)
	if !ok {
		t.Fatalf("plan failed:\n%s", planOut)
	}
	if !strings.Contains(planOut, "secret_conf without secret_conf_version") || !strings.Contains(planOut, "(write-only attribute)") {
		t.Errorf("plan output lacks the warning or the write-only marker:\n%s", planOut)
	}
	planJSON, err := ws.Command(nil, "show", "-json", "tfplan").CombinedOutput()
	if err != nil {
		t.Fatalf("show: %v\n%s", err, planJSON)
	}
	applyLog, applyOut, ok := tracedRun(t, ws, "apply", applyCmd...)
	if ok || !failed(applyOut) {
		t.Fatalf("apply should fail on %s:\n%s", what, applyOut)
	}
	state, err := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{"secret_conf value": value}
	for where, text := range map[string]string{"TF_LOG of plan": planLog, "plan output": planOut, "plan file": string(planJSON),
		"TF_LOG of apply": applyLog, "apply output": applyOut, "state": string(state)} {
		checkNoSecrets(t, where, text, secrets, nil)
	}
	return applyLog, state
}

// secretWorkspace is a CLI workspace of config plus var.password, set to value. A secret comes
// from an ephemeral variable in practice, which Terraform keeps out of plan files (a literal in
// a .tf file would be in the plan's copy of the configuration).
func secretWorkspace(t *testing.T, tg *acctest.Target, config, value string) *acctest.Workspace {
	t.Helper()
	ws := cliWorkspace(t, tg, config+`
variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}
`)
	ws.Env = append(ws.Env, "TF_VAR_password="+value)
	return ws
}

// stateIDs lists the non-empty IDs of the resources of type typ ("" for any) in a state file.
func stateIDs(t *testing.T, state []byte, typ string) []string {
	t.Helper()
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
	if err := json.Unmarshal(state, &st); err != nil {
		t.Fatalf("terraform.tfstate: %v", err)
	}
	var ids []string
	for _, r := range st.Resources {
		if typ != "" && r.Type != typ {
			continue
		}
		for _, in := range r.Instances {
			if in.Attributes.ID != "" {
				ids = append(ids, in.Attributes.ID)
			}
		}
	}
	return ids
}
