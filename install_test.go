package main

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// The README's two ways of installing the provider before it is on the registry, run as written
// (its CLI configuration blocks, with this test's folders) on the acceptance tests' CLI.

// readmeBlock returns the README's ```hcl block that contains marker.
func readmeBlock(t *testing.T, marker string) string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile("(?s)```hcl\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		if strings.Contains(m[1], marker) {
			return m[1]
		}
	}
	t.Fatalf("README.md has no hcl block with %q", marker)
	return ""
}

// cli is the acceptance tests' CLI, and whether it is OpenTofu.
func cli(t *testing.T) (string, bool) {
	t.Helper()
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || tf == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run Terraform")
	}
	out, err := exec.CommandContext(t.Context(), tf, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", tf, err)
	}
	return tf, strings.Contains(string(out), "OpenTofu v") // a warning may come first
}

func buildRelease(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "terraform-provider-dli_v0.1.0")
	build := exec.CommandContext(t.Context(), "go", "build", "-ldflags", "-X main.version=0.1.0", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// terraform runs the CLI in dir with only the CLI configuration rc and returns its output.
func terraform(t *testing.T, tf, dir, rc string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), tf, append(args, "-no-color")...)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "TF_CLI_CONFIG_FILE=" + rc,
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(tf), strings.Join(args, " "), err, out)
	}
	return string(out)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// config is a root module with the provider and nothing to manage: plan needs no API call.
func config(source, version string) string {
	v := ""
	if version != "" {
		v = "\n      version = \"" + version + "\""
	}
	return `terraform {
  required_providers {
    dli = {
      source = "` + source + `"` + v + `
    }
  }
}

provider "dli" {
  endpoint   = "http://127.0.0.1:8787"
  project_id = "0123456789abcdef0123456789abcdef"
  auth_token = "demo-token"
}
`
}

func TestAccInstall_devOverridesNeedNoInit(t *testing.T) {
	tf, _ := cli(t)
	dir := t.TempDir()
	bin := buildRelease(t, filepath.Join(dir, "bin"))
	if err := os.Rename(bin, filepath.Join(dir, "bin", "terraform-provider-dli")); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(dir, "dev.tfrc")
	writeFile(t, rc, strings.Replace(readmeBlock(t, "dev_overrides"), "/home/me/src/terraform-provider-dli/bin", filepath.Join(dir, "bin"), 1))
	work := filepath.Join(dir, "work")
	writeFile(t, filepath.Join(work, "main.tf"), config("dli-tf/dli", ""))

	out := terraform(t, tf, work, rc, "plan") // no init
	if !strings.Contains(out, "Provider development overrides are in effect") || !strings.Contains(out, "No changes.") {
		t.Errorf("plan without init:\n%s", out)
	}
}

func TestAccInstall_filesystemMirror(t *testing.T) {
	tf, tofu := cli(t)
	dir := t.TempDir()
	bin := buildRelease(t, t.TempDir())
	// The release archive, as goreleaser names it, in the mirror's packed layout.
	name := "terraform-provider-dli_0.1.0_" + runtime.GOOS + "_" + runtime.GOARCH + ".zip"
	mirror := filepath.Join(dir, "plugins")
	zipFile(t, bin, filepath.Join(mirror, "registry.terraform.io", "dli-tf", "dli", name))
	rc := filepath.Join(dir, "mirror.tfrc")
	writeFile(t, rc, strings.Replace(readmeBlock(t, "filesystem_mirror"), "/home/me/.terraform.d/plugins", mirror, 1))
	source := "dli-tf/dli"
	if tofu {
		source = "registry.terraform.io/dli-tf/dli" // as the README tells OpenTofu users
	}
	work := filepath.Join(dir, "work")
	writeFile(t, filepath.Join(work, "main.tf"), config(source, "0.1.0"))

	terraform(t, tf, work, rc, "init")
	if out := terraform(t, tf, work, rc, "version"); !strings.Contains(out, "provider registry.terraform.io/dli-tf/dli v0.1.0") {
		t.Errorf("version after init does not list the mirrored provider:\n%s", out)
	}
	if lock, err := os.ReadFile(filepath.Join(work, ".terraform.lock.hcl")); err != nil || !strings.Contains(string(lock), `version     = "0.1.0"`) {
		t.Errorf("lock file (%v):\n%s", err, lock)
	}
	if out := terraform(t, tf, work, rc, "plan"); !strings.Contains(out, "No changes.") {
		t.Errorf("plan:\n%s", out)
	}
}

func zipFile(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	content, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	h := &zip.FileHeader{Name: filepath.Base(src), Method: zip.Deflate}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err == nil {
		_, err = w.Write(content)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
}
