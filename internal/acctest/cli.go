package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// Workspace runs a real Terraform CLI against a provider binary built from this repository,
// through a dev_overrides CLI configuration: the way users run the provider, for tests that
// plugin-testing cannot express (terraform test, interrupts, logs of a whole run).
type Workspace struct {
	Dir       string // the Terraform working directory
	Terraform string // absolute path of the terraform binary
	Env       []string
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// ProviderBinaryDir builds the provider once per test process and returns the directory that
// holds terraform-provider-dli.
func ProviderBinaryDir(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		// Shared by every test of the process, so not t.TempDir (removed when the first test ends).
		buildDir, buildErr = os.MkdirTemp("", "dli-provider-bin-") //nolint:usetesting
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, "terraform-provider-dli"), ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the provider: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

// TerraformBinary is the CLI the acceptance tests use (TF_ACC_TERRAFORM_PATH), else the
// repository's bin/terraform, else the one on PATH; the test skips when there is none.
func TerraformBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	_, file, _, _ := runtime.Caller(0)
	if p := filepath.Join(filepath.Dir(file), "..", "..", "bin", "terraform"); fileExists(p) {
		abs, _ := filepath.Abs(p)
		return abs
	}
	if p, err := exec.LookPath("terraform"); err == nil {
		return p
	}
	t.Skip("no Terraform CLI: set TF_ACC_TERRAFORM_PATH or run make bin/terraform")
	return ""
}

// NewWorkspace prepares a working directory with the given configuration files, a CLI
// configuration that points dli-tf/dli at the local build, and the HW_* environment of the
// target (so provider blocks may stay empty).
func NewWorkspace(t *testing.T, tg *Target, terraform string, files map[string]string) *Workspace {
	t.Helper()
	bin := ProviderBinaryDir(t)
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rc := filepath.Join(dir, ".terraformrc")
	content := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"dli-tf/dli\" = %q\n  }\n  direct {}\n}\n", bin)
	if err := os.WriteFile(rc, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}
	env = append(env, tg.Environment()...)
	return &Workspace{Dir: dir, Terraform: terraform, Env: env}
}

// Command returns a terraform command in the workspace; extra is appended to its environment.
func (w *Workspace) Command(extra []string, args ...string) *exec.Cmd {
	cmd := exec.Command(w.Terraform, args...)
	cmd.Dir = w.Dir
	cmd.Env = append(append(cleanEnv(), w.Env...), extra...)
	return cmd
}

// Run runs terraform and returns its combined output, failing the test on error.
func (w *Workspace) Run(t *testing.T, args ...string) string {
	t.Helper()
	out, err := w.Command(nil, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("terraform %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// Environment is the HW_* environment that configures the provider for the target.
func (tg *Target) Environment() []string {
	env := []string{"HW_PROJECT_ID=" + tg.ProjectID}
	if tg.URL != "" {
		env = append(env, "HW_DLI_ENDPOINT="+tg.URL)
	}
	if tg.Region != "" {
		env = append(env, "HW_REGION_NAME="+tg.Region)
	}
	if tg.AccessKey != "" {
		env = append(env, "HW_ACCESS_KEY="+tg.AccessKey, "HW_SECRET_KEY="+tg.SecretKey)
		if tg.SecurityToken != "" {
			env = append(env, "HW_SECURITY_TOKEN="+tg.SecurityToken)
		}
	} else {
		env = append(env, "HW_AUTH_TOKEN="+tg.Token)
	}
	return env
}

// cleanEnv is the process environment without HW_* and TF_LOG* variables, so that the
// workspace's own settings are the only ones in effect.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if len(kv) >= 3 && kv[:3] == "HW_" || len(kv) >= 6 && kv[:6] == "TF_LOG" || len(kv) >= 18 && kv[:18] == "TF_CLI_CONFIG_FILE" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
