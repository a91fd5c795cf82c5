package main

import (
	"bytes"
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// noServe makes a test fail if run starts the provider server.
func noServe(t *testing.T) {
	t.Helper()
	old := serve
	serve = func(bool) error { t.Error("the provider server was started"); return nil }
	t.Cleanup(func() { serve = old })
}

func TestRun_version(t *testing.T) {
	noServe(t)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-version"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	if got := stdout.String(); got != "terraform-provider-dli dev\n" {
		t.Errorf("stdout %q", got)
	}
}

func TestRun_serves(t *testing.T) {
	tests := []struct {
		args      []string
		wantDebug bool
	}{
		{nil, false},
		{[]string{"-debug"}, true},
	}
	for _, tt := range tests {
		old := serve
		var calls []bool
		serve = func(debug bool) error { calls = append(calls, debug); return nil }
		code := run(tt.args, io.Discard, io.Discard)
		serve = old
		if code != 0 || !reflect.DeepEqual(calls, []bool{tt.wantDebug}) {
			t.Errorf("run(%q): exit %d, serve calls %v, want one with debug=%v", tt.args, code, calls, tt.wantDebug)
		}
	}
}

func TestRun_commands(t *testing.T) {
	noServe(t)
	var got []string
	commands["probe"] = func(ctx context.Context, args []string, stdout, _ io.Writer) int {
		if ctx.Err() != nil {
			t.Error("the command's context is done before it starts")
		}
		got = args
		_, _ = io.WriteString(stdout, "probed\n")
		return 7
	}
	t.Cleanup(func() { delete(commands, "probe") })

	var stdout, stderr bytes.Buffer
	if code := run([]string{"probe", "-listen", "127.0.0.1:0", "-version"}, &stdout, &stderr); code != 7 {
		t.Errorf("exit %d, want the command's 7", code)
	}
	if !reflect.DeepEqual(got, []string{"-listen", "127.0.0.1:0", "-version"}) || stdout.String() != "probed\n" {
		t.Errorf("the command got %q and wrote %q", got, stdout.String())
	}

	stderr.Reset()
	if code := run([]string{"nosuch"}, io.Discard, &stderr); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), `unknown command "nosuch"`) || !strings.Contains(stderr.String(), "probe") {
		t.Errorf("unknown command: stderr %q should name it and list the commands", stderr.String())
	}
}

// The release build stamps the version as goreleaser and the GNUmakefile do.
func TestBinary_versionFromLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider binary")
	}
	bin := filepath.Join(t.TempDir(), "terraform-provider-dli")
	build := exec.CommandContext(t.Context(), "go", "build", "-ldflags", "-X main.version=1.2.3-test", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(t.Context(), bin, "-version").Output()
	if err != nil || string(out) != "terraform-provider-dli 1.2.3-test\n" {
		t.Errorf("-version printed %q (%v)", out, err)
	}
}
