package provider_test

import (
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
	ws := secretWorkspace(t, tg, requiredDLI+fmt.Sprintf(`
resource "dli_sql_job" "secret" {
  sql         = "INSERT INTO accounts SELECT * FROM staging"
  queue       = %q
  conf        = { "emulator.outcome" = "failed" }
  secret_conf = { %q = var.password }
}
`, tg.Queue, sqlSecretKey), value)
	applyLog, state := secretNeverShown(t, ws, value, "the failed statement", func(out string) bool {
		return strings.Contains(out, "FAILED")
	})
	if !strings.Contains(applyLog, "DLI API request body") {
		t.Error("the TRACE log of apply has no request body entry: the check would prove nothing")
	}
	// The check proves something only if DLI got the secret.
	ids := stateIDs(t, state, "")
	if len(ids) != 1 {
		t.Fatalf("state holds no single job (%d IDs)", len(ids))
	}
	if got := sqlJobNow(t, tg, ids[0]).Conf[sqlSecretKey]; got != value {
		t.Error("DLI did not get the secret")
	}
	ws.Run(t, "destroy", "-auto-approve", "-no-color")
}
