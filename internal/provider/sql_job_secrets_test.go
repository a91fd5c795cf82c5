package provider_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
)

// Secret hygiene of SQL jobs: a real Terraform CLI applies and destroys a statement that holds a
// password, with a conf value wrapped in sensitive(), under TF_LOG=TRACE. The log never shows
// the statement (or the password in it), a conf value, a credential or a signature; what
// Terraform prints shows the statement in the plan, never the conf value or a credential.
func TestAccSecrets_sqlJobTraceLogs(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	t.Parallel()
	tg, rec := secretsTarget(t)
	password := "sql-P4ssw0rd-" + randomHex(t)
	statement := "INSERT INTO accounts SELECT id, '" + password + "' FROM staging"
	confValue := "conf-P4ssw0rd-" + randomHex(t)
	config := fmt.Sprintf(`terraform {
  required_providers {
    dli = {
      source = "dli-tf/dli"
    }
  }
}

%s
resource "dli_sql_job" "secret" {
  sql      = %q
  wait_for = "running"
  conf = {
    "spark.datasource.password" = sensitive(%q)
    "emulator.run_duration"     = "1h"
  }
}
`, tg.ProviderConfig(), statement, confValue)
	ws := acctest.NewWorkspace(t, tg, acctest.TerraformBinary(t), map[string]string{"main.tf": config})
	applyLog, applyOut, ok := tracedRun(t, ws, "apply", "apply", "-auto-approve", "-no-color", "-input=false")
	if !ok {
		t.Fatalf("apply failed:\n%s", applyOut)
	}
	destroyLog, destroyOut, ok := tracedRun(t, ws, "destroy", "destroy", "-auto-approve", "-no-color", "-input=false")
	if !ok {
		t.Fatalf("destroy failed:\n%s", destroyOut)
	}
	secrets := map[string]string{"secret key": tg.SecretKey, "security token": tg.SecurityToken, "conf value": confValue}
	sigs := rec.signatures()
	if len(sigs) == 0 {
		t.Fatal("the emulator saw no signed request")
	}
	// The plan Terraform prints shows the statement (sql is a plain argument); the logs never do.
	for where, text := range map[string]string{"output of apply": applyOut, "output of destroy": destroyOut} {
		checkNoSecrets(t, where, text, secrets, sigs)
	}
	secrets["statement"], secrets["password in the statement"] = statement, password
	for where, text := range map[string]string{"TF_LOG of apply": applyLog, "TF_LOG of destroy": destroyLog} {
		checkNoSecrets(t, where, text, secrets, sigs)
	}
	// The provider's own entries (requests, bodies, waits) never show the statement or a part of it.
	entries := 0
	for _, line := range strings.Split(applyLog+destroyLog, "\n") {
		if !strings.Contains(line, "DLI") && !strings.Contains(line, "SQL job") {
			continue
		}
		entries++
		for what, s := range map[string]string{"statement": statement, "password in the statement": password, "conf value": confValue} {
			if strings.Contains(line, s) {
				t.Errorf("a provider log entry shows the %s: %s", what, excerpt(line, strings.Index(line, s)))
			}
		}
	}
	for _, want := range []string{"DLI API request body", "DLI API response body", "submitted SQL job"} {
		if !strings.Contains(applyLog, want) {
			t.Errorf("the TRACE log of apply has no %q entry: the check would prove nothing", want)
		}
	}
	t.Logf("%d provider log entries checked, %d signatures", entries, len(sigs))
}
