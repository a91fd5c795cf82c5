package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The README's "Without a checkout" section, run as written: each way it starts the emulator
// (the dli-emulator command, and the provider binary's emulator command once it is wired), then
// its curl session against it.

// readmeShellBlock returns the commands of the README's ```sh block that contains marker: comment
// lines dropped, continuation lines joined.
func readmeShellBlock(t *testing.T, marker string) []string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		if !strings.Contains(m[1], marker) {
			continue
		}
		var cmds []string
		pending := ""
		for _, line := range strings.Split(m[1], "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") || strings.TrimSpace(line) == "" {
				continue
			}
			if strings.HasSuffix(line, "\\") {
				pending += strings.TrimSuffix(line, "\\")
				continue
			}
			if pending == "" && len(cmds) > 0 && strings.HasPrefix(line, "  ") {
				cmds[len(cmds)-1] += "\n" + line // the rest of a quoted argument
				continue
			}
			cmds = append(cmds, pending+line)
			pending = ""
		}
		return cmds
	}
	t.Fatalf("README.md has no sh block with %q", marker)
	return nil
}

// startEmulator runs the command line from the README on a free port and returns its URL.
func startEmulator(t *testing.T, bin string, args []string) string {
	t.Helper()
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "127.0.0.1:8787", "127.0.0.1:0")
	}
	cmd := exec.CommandContext(t.Context(), bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if !strings.HasPrefix(first, "listening on http://") {
		t.Fatalf("first line %q (%v), want listening on http://HOST:PORT", first, err)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return strings.TrimSpace(strings.TrimPrefix(first, "listening on "))
}

func TestReadme_emulatorWithoutACheckout(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("the README's session uses curl, which is not installed")
	}
	dir := t.TempDir()
	build := func(t *testing.T, out, pkg string) string {
		bin := filepath.Join(dir, out)
		if b, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
		return bin
	}

	starts := map[string]func(t *testing.T) string{
		"dli-emulator": func(t *testing.T) string {
			install := readmeShellBlock(t, "go install github.com/dli-tf/terraform-provider-dli/internal/emulator/cmd/dli-emulator@")
			if len(install) != 2 || !strings.HasPrefix(install[1], "dli-emulator ") {
				t.Fatalf("the install block is %q, want go install then dli-emulator", install)
			}
			return startEmulator(t, build(t, "dli-emulator", "./internal/emulator/cmd/dli-emulator"), strings.Fields(install[1])[1:])
		},
		"terraform-provider-dli emulator": func(t *testing.T) string {
			if _, ok := commands["emulator"]; !ok {
				t.Skip("the provider binary has no emulator command yet")
			}
			line := readmeShellBlock(t, "terraform-provider-dli emulator -listen")[0]
			return startEmulator(t, build(t, "terraform-provider-dli", "."), strings.Fields(line)[1:])
		},
	}
	for name, start := range starts {
		t.Run(name, func(t *testing.T) { curlSession(t, start(t)) })
	}
}

// curlSession runs the README's curl commands against the emulator at url.
func curlSession(t *testing.T, url string) {
	cmds := readmeShellBlock(t, "curl -sS -X POST")
	if len(cmds) != 4 || !strings.HasPrefix(cmds[0], "endpoint=http://127.0.0.1:8787 ") {
		t.Fatalf("the curl block is %q, want the variables and three commands", cmds)
	}
	vars := strings.Replace(cmds[0], "http://127.0.0.1:8787", url, 1)
	sh := func(cmd string) string {
		out, err := exec.CommandContext(t.Context(), "bash", "-c", vars+"\nset -e\n"+cmd).Output()
		if err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, out)
		}
		return string(out)
	}
	var job struct{ ID, State string }
	if out := sh(cmds[1]); json.Unmarshal([]byte(out), &job) != nil || job.ID == "" || job.State != "starting" {
		t.Fatalf("the submission answered %s", out)
	}
	var state struct{ ID, State string }
	if out := sh(strings.Replace(cmds[2], "<batch id>", job.ID, 1)); json.Unmarshal([]byte(out), &state) != nil || state.ID != job.ID || state.State == "" {
		t.Errorf("the state request answered %s", out)
	}
	var requests []struct {
		Method, Path string
		Status       int
	}
	out := sh(cmds[3])
	if err := json.Unmarshal([]byte(out), &requests); err != nil || len(requests) != 2 ||
		requests[0].Method != "POST" || requests[0].Status != 200 || !strings.HasSuffix(requests[1].Path, job.ID+"/state") {
		t.Errorf("the request log is %s", out)
	}
}
