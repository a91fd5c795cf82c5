package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// kind is one of the three ways a scenario is run.
type kind int

const (
	kindData     kind = iota // terraform_data: Terraform's own cost
	kindLatency0             // dli_batch_job against the emulator at latency 0
	kindLatency              // dli_batch_job against the emulator at -latency (50ms)
)

func (k kind) String() string {
	switch k {
	case kindData:
		return "terraform_data"
	case kindLatency0:
		return "dli@0"
	default:
		return "dli@latency"
	}
}

// workspace is one Terraform working directory.
type workspace struct {
	dir       string
	terraform string
	env       []string
}

// config renders the configuration of n resources of the kind.
func config(k kind, n int) string {
	if k == kindData {
		return fmt.Sprintf(`resource "terraform_data" "job" {
  count = %d
  input = "bench-${count.index}"
}
`, n)
	}
	// wait_for defaults to "submitted": apply is one POST per job. The jobs run for an hour, so
	// every destroy cancels a running (or still starting) job.
	return fmt.Sprintf(`terraform {
  required_providers {
    dli = {
      source = "dli-tf/dli"
    }
  }
}

provider "dli" {}

resource "dli_batch_job" "job" {
  count      = %d
  queue      = %q
  name       = "bench-${count.index}"
  file       = "obs://bench/jobs/bench.jar"
  class_name = "com.example.Bench"
  conf = {
    "emulator.run_duration" = "1h"
  }
}
`, n, emulator.DefaultQueue)
}

// newWorkspace writes a fresh working directory for n resources of the kind. The CLI
// configuration (dev_overrides to the local build) is the same for every kind, so that
// terraform_data pays the same CLI start-up.
func (b *bench) newWorkspace(k kind, n int, name string) (*workspace, error) {
	dir := filepath.Join(b.work, name)
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config(k, n)), 0o600); err != nil {
		return nil, err
	}
	env := b.cliEnv()
	if k != kindData {
		url := b.emu0URL
		if k == kindLatency {
			url = b.emuLatURL
		}
		env = append(env, b.dliEnv(url)...)
	}
	return &workspace{dir: dir, terraform: b.terraform, env: env}, nil
}

// dliWorkspace is an empty working directory whose provider talks to the emulator at url; the
// caller writes its main.tf.
func (b *bench) dliWorkspace(name, url string) (*workspace, error) {
	dir := filepath.Join(b.work, name)
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &workspace{dir: dir, terraform: b.terraform, env: append(b.cliEnv(), b.dliEnv(url)...)}, nil
}

// cliEnv is the environment of every terraform run: the CLI configuration with dev_overrides.
func (b *bench) cliEnv() []string {
	return append(cleanEnv(), "TF_CLI_CONFIG_FILE="+b.cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
}

// dliEnv configures the provider for the emulator at url (AK/SK signing), plus -env.
func (b *bench) dliEnv(url string) []string {
	env := []string{
		"HW_DLI_ENDPOINT=" + url,
		"HW_PROJECT_ID=" + emulator.DefaultProjectID,
		"HW_ACCESS_KEY=" + emulator.DefaultAccessKey,
		"HW_SECRET_KEY=" + emulator.DefaultSecretKey,
	}
	return append(env, b.extraEnv...)
}

// run runs terraform with args and returns its wall time and the user+system CPU time of
// terraform and of every child it waited for (the provider processes).
func (w *workspace) run(args ...string) (wall, cpu time.Duration, err error) {
	cmd := exec.Command(w.terraform, args...)
	cmd.Dir = w.dir
	cmd.Env = w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	logName := filepath.Join(w.dir, strings.Join(args[:1], "")+".log")
	_ = os.WriteFile(logName, out.Bytes(), 0o600)
	if err != nil {
		return wall, 0, fmt.Errorf("terraform %s in %s: %w\n%s", strings.Join(args, " "), w.dir, err, tail(out.String(), 40))
	}
	if ps := cmd.ProcessState; ps != nil {
		cpu = ps.UserTime() + ps.SystemTime()
	}
	return wall, cpu, nil
}

// writeCLIConfig writes the CLI configuration that points dli-tf/dli at dir.
func writeCLIConfig(path, dir string) error {
	content := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"dli-tf/dli\" = %q\n  }\n  direct {}\n}\n", dir)
	return os.WriteFile(path, []byte(content), 0o600)
}

// cleanEnv is the process environment without HW_*, TF_LOG* and TF_CLI_CONFIG_FILE, so that
// only the bench's own settings are in effect.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "HW_") || strings.HasPrefix(kv, "TF_LOG") || strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}
