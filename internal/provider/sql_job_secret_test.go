package provider_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// A real CLI (1.11 or later) with TF_LOG=TRACE: a statement submitted with secret_conf (from an
// ephemeral variable) that fails while apply waits. Neither the logs, nor the output (DLI's
// error), nor the plan file or state carries the secret; the warning about a missing version shows.
func TestAccSQLJob_secretConfNeverShown(t *testing.T) {
	cliAtLeast(t, "1.11.0", true)
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	value := "pw-Shown-" + randomHex(t)
	cfg := requiredDLI + fmt.Sprintf(`
resource "dli_sql_job" "secret" {
  sql         = "INSERT INTO accounts SELECT * FROM staging"
  queue       = %q
  conf        = { "emulator.outcome" = "failed" }
  secret_conf = { %q = var.password }
}

variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}
`, tg.Queue, sqlSecretKey)
	ws := cliWorkspace(t, tg, cfg)
	ws.Env = append(ws.Env, "TF_VAR_password="+value)
	applyLog, state := secretNeverShown(t, ws, value, "the failed statement", func(out string) bool {
		return strings.Contains(out, "FAILED")
	})
	if !strings.Contains(applyLog, "DLI API request body") {
		t.Error("the TRACE log of apply has no request body entry: the check would prove nothing")
	}
	// The check proves something only if DLI got the secret.
	var st struct {
		Resources []struct {
			Instances []struct {
				Attributes struct {
					ID string `json:"id"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(state, &st); err != nil || len(st.Resources) != 1 || len(st.Resources[0].Instances) != 1 {
		t.Fatalf("state holds no single job (%v)", err)
	}
	if got := sqlJobNow(t, tg, st.Resources[0].Instances[0].Attributes.ID).Conf[sqlSecretKey]; got != value {
		t.Error("DLI did not get the secret")
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color")
}
