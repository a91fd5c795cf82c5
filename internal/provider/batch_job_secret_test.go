package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// A real CLI (1.11 or later) with TF_LOG=TRACE: a job submitted with secret_conf (from an
// ephemeral variable) that fails
// while apply waits for success. Neither the log, nor the output (the error with the job's log
// tail), nor the state or plan file carries the secret; the warning about a missing version shows.
func TestAccBatchJob_secretConfNeverShown(t *testing.T) {
	cliAtLeast(t, "1.11.0", true)
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	value := "pw-Shown-" + randomHex(t)
	ws := secretWorkspace(t, tg, cliJobConfig(tg, "secret-shown", fmt.Sprintf(`  wait_for = "success"
  conf = { "emulator.outcome" = "dead" }
  secret_conf = { %q = var.password }
`, secretKey)), value)
	secretNeverShown(t, ws, value, "the dead job", func(out string) bool {
		return wrapped(`ended dead while apply waited for success`).MatchString(out)
	})
	var jobs int
	for _, j := range tg.Emulator.Jobs() {
		jobs++
		if j.Conf[secretKey] != value {
			t.Errorf("job %s did not get the secret", j.ID)
		}
	}
	if jobs != 1 {
		t.Errorf("%d jobs, want 1", jobs)
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color")
}

// cliAtLeast returns the acceptance tests' CLI when it is minVersion or later (and, unless
// tofu, Terraform rather than OpenTofu); otherwise the test skips, saying why.
func cliAtLeast(t *testing.T, minVersion string, tofu bool) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	tf := acctest.TerraformBinary(t)
	out, err := exec.Command(tf, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", tf, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	if text, _ := exec.Command(tf, "version").Output(); !tofu && strings.HasPrefix(string(text), "OpenTofu") {
		t.Skipf("runs on Terraform only; %s is OpenTofu", tf)
	}
	if version.Must(version.NewVersion(v.Version)).LessThan(version.Must(version.NewVersion(minVersion))) {
		t.Skipf("needs Terraform >= %s; %s is %s", minVersion, tf, v.Version)
	}
	return tf
}
