package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const asMainEnv = "DLI_EMULATOR_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// The binary is wired to the cli package: -h prints its usage and exits 0.
func TestMainRunsTheCommand(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-h")
	cmd.Env = append(os.Environ(), asMainEnv+"=1", "GORACE=atexit_sleep_ms=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), "Usage: dli-emulator [flags]") || !strings.Contains(string(out), "-state-file") {
		t.Fatalf("usage: %s", out)
	}
}
