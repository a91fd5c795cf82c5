package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// When the test binary is started with this variable set, it runs Run as
// a main would: the subprocess test below uses that to test signals on the
// real process.
const asMainEnv = "DLI_EMULATOR_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		os.Exit(Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

var firstLineRE = regexp.MustCompile(`^listening on (http://127\.0\.0\.1:[0-9]+)$`)

func envFrom(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParse(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		env   map[string]string
		err   bool
		check func(t *testing.T, c config)
	}{
		{"defaults", nil, nil, false, func(t *testing.T, c config) {
			o := c.opts
			if c.listen != "127.0.0.1:8787" || o.ProjectID != emulator.DefaultProjectID || o.AccessKey != emulator.DefaultAccessKey ||
				o.SecretKey != emulator.DefaultSecretKey || strings.Join(o.Tokens, ",") != emulator.DefaultToken ||
				strings.Join(o.Queues, ",") != "default" || o.JobStart != time.Second || o.JobRun != 5*time.Second ||
				o.CancelDelay != 250*time.Millisecond || o.Latency != 0 || o.SecurityToken != "" || o.StateFile != "" ||
				o.SQLRun != emulator.DefaultSQLRun {
				t.Fatalf("%+v", c)
			}
		}},
		{"every flag", []string{"-listen", "127.0.0.1:0", "-project-id", "p1", "-access-key", "AK", "-secret-key", "SK",
			"-security-token", "ST", "-token", "TOK", "-queues", "a, b,,c", "-latency", "10ms", "-job-start", "2s",
			"-job-run", "3m", "-cancel-delay", "1s", "-fault-5xx", "0.1", "-fault-429", "0.2", "-fault-after-commit", "1",
			"-seed", "9", "-state-file", "/tmp/x.json", "-sql-run", "7s"}, nil, false, func(t *testing.T, c config) {
			o := c.opts
			if c.listen != "127.0.0.1:0" || o.ProjectID != "p1" || o.AccessKey != "AK" || o.SecretKey != "SK" ||
				o.SecurityToken != "ST" || strings.Join(o.Tokens, ",") != "TOK" || strings.Join(o.Queues, ",") != "a,b,c" ||
				o.Latency != 10*time.Millisecond || o.JobStart != 2*time.Second || o.JobRun != 3*time.Minute ||
				o.CancelDelay != time.Second || o.Fault5xx != 0.1 || o.Fault429 != 0.2 || o.FaultAfterCommit != 1 ||
				o.Seed != 9 || o.StateFile != "/tmp/x.json" || o.SQLRun != 7*time.Second {
				t.Fatalf("%+v", c)
			}
		}},
		{"environment", nil, map[string]string{"DLI_EMULATOR_LISTEN": "127.0.0.1:9", "DLI_EMULATOR_PROJECT_ID": "penv",
			"DLI_EMULATOR_QUEUES": "x,y", "DLI_EMULATOR_JOB_RUN": "1m", "DLI_EMULATOR_FAULT_5XX": "0.5",
			"DLI_EMULATOR_SEED": "3", "DLI_EMULATOR_SECURITY_TOKEN": "st", "DLI_EMULATOR_STATE_FILE": "s.json"}, false,
			func(t *testing.T, c config) {
				o := c.opts
				if c.listen != "127.0.0.1:9" || o.ProjectID != "penv" || strings.Join(o.Queues, ",") != "x,y" ||
					o.JobRun != time.Minute || o.Fault5xx != 0.5 || o.Seed != 3 || o.SecurityToken != "st" || o.StateFile != "s.json" {
					t.Fatalf("%+v", c)
				}
			}},
		{"flags override environment", []string{"-project-id", "pflag", "-job-run", "2s"},
			map[string]string{"DLI_EMULATOR_PROJECT_ID": "penv", "DLI_EMULATOR_JOB_RUN": "1m"}, false,
			func(t *testing.T, c config) {
				if c.opts.ProjectID != "pflag" || c.opts.JobRun != 2*time.Second {
					t.Fatalf("%+v", c)
				}
			}},
		{"zero durations are immediate", []string{"-job-start", "0", "-job-run", "0s", "-cancel-delay", "0", "-sql-run", "0"}, nil, false,
			func(t *testing.T, c config) {
				if c.opts.JobStart >= 0 || c.opts.JobRun >= 0 || c.opts.CancelDelay >= 0 || c.opts.SQLRun >= 0 {
					t.Fatalf("%+v", c.opts)
				}
			}},
		{"empty token disables tokens", []string{"-token", ""}, nil, false, func(t *testing.T, c config) {
			if c.opts.Tokens == nil || len(c.opts.Tokens) != 0 {
				t.Fatalf("%#v", c.opts.Tokens)
			}
		}},
		{"bad rate", []string{"-fault-5xx", "1.5"}, nil, true, nil},
		{"bad duration", []string{"-latency", "fast"}, nil, true, nil},
		{"negative duration", []string{"-job-run", "-1s"}, nil, true, nil},
		{"bad seed", []string{"-seed", "x"}, nil, true, nil},
		{"bad env", nil, map[string]string{"DLI_EMULATOR_FAULT_429": "lots"}, true, nil},
		{"stray argument", []string{"extra"}, nil, true, nil},
		{"unknown flag", []string{"-nope"}, nil, true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parse(c.args, envFrom(c.env), io.Discard)
			if (err != nil) != c.err {
				t.Fatalf("err = %v", err)
			}
			if c.check != nil {
				c.check(t, cfg)
			}
		})
	}
}

func TestHelpDocumentsEveryFlag(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, envFrom(nil), io.Discard, &out); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, f := range []string{"listen", "project-id", "access-key", "secret-key", "security-token", "token", "queues",
		"latency", "job-start", "job-run", "cancel-delay", "sql-run", "fault-5xx", "fault-429", "fault-after-commit", "seed", "state-file"} {
		if !strings.Contains(out.String(), "  -"+f+" ") || !strings.Contains(out.String(), envName(f)) {
			t.Errorf("-h does not document -%s / %s", f, envName(f))
		}
	}
	if code := run(context.Background(), []string{"-fault-5xx", "2"}, envFrom(nil), io.Discard, io.Discard); code != 2 {
		t.Fatalf("bad flag exit %d", code)
	}
	if code := run(context.Background(), []string{"-queues", "bad queue!"}, envFrom(nil), io.Discard, io.Discard); code != 2 {
		t.Fatalf("bad queue exit %d", code)
	}
}

// runInProcess starts run on a free port and returns the base URL, the
// remaining stdout lines and a stop function returning the exit code.
func runInProcess(t *testing.T, args ...string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(ctx, append([]string{"-listen", "127.0.0.1:0"}, args...), envFrom(nil), pw, io.Discard)
		pw.Close()
		done <- code
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		t.Fatal("no output")
	}
	m := firstLineRE.FindStringSubmatch(sc.Text())
	if m == nil {
		t.Fatalf("first line %q", sc.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return m[1], func() int { cancel(); return <-done }
}

func TestRunServesAndShutsDown(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	url, stop := runInProcess(t, "-job-start", "0", "-job-run", "1h", "-state-file", state)
	req, _ := http.NewRequest("POST", url+"/v2.0/"+emulator.DefaultProjectID+"/batches",
		strings.NewReader(`{"file":"a.jar","queue":"default"}`))
	req.Header.Set("X-Auth-Token", emulator.DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID string }
	_ = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != 200 || created.ID == "" {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	resp, err = http.Get(url + "/_emulator/requests")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"status":200`) {
		t.Fatalf("requests %s", b)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if _, err := http.Get(url + "/_emulator/requests"); err == nil {
		t.Fatal("still serving after shutdown")
	}
	saved, err := os.ReadFile(state)
	if err != nil || !bytes.Contains(saved, []byte(created.ID)) {
		t.Fatalf("state file: %v %s", err, saved)
	}
}

// The real process: first line, port 0, SIGTERM and SIGINT give exit 0.
func TestProcessSignals(t *testing.T) {
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0])
			// GORACE: a -race binary otherwise sleeps 1 s at exit.
			cmd.Env = append(os.Environ(), asMainEnv+"=1", "DLI_EMULATOR_LISTEN=127.0.0.1:0", "GORACE=atexit_sleep_ms=0")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = cmd.Process.Kill() }()
			sc := bufio.NewScanner(stdout)
			if !sc.Scan() {
				t.Fatal("no output")
			}
			m := firstLineRE.FindStringSubmatch(sc.Text())
			if m == nil {
				t.Fatalf("first line %q", sc.Text())
			}
			var rest []string
			for len(rest) < 4 && sc.Scan() {
				rest = append(rest, sc.Text())
			}
			if !strings.Contains(strings.Join(rest, "\n"), "HW_ACCESS_KEY="+emulator.DefaultAccessKey) {
				t.Fatalf("credential lines %q", rest)
			}
			resp, err := http.Get(m[1] + "/_emulator/requests")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, stdout) // until the process closes stdout
			err = cmd.Wait()
			var ee *exec.ExitError
			if err != nil && !errors.As(err, &ee) {
				t.Fatal(err)
			}
			if code := cmd.ProcessState.ExitCode(); code != 0 {
				t.Fatalf("exit code %d (%v)", code, err)
			}
		})
	}
}

// A state file in a directory that does not exist is refused at start
// (exit 2, before listening), not at the first write.
func TestStateFileInAMissingDirectory(t *testing.T) {
	var stdout, stderr bytes.Buffer
	missing := filepath.Join(t.TempDir(), "missing", "state.json")
	// The timeout only ends a run that wrongly started serving.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	code := run(ctx, []string{"-listen", "127.0.0.1:0", "-state-file", missing}, envFrom(nil), &stdout, &stderr)
	if code != 2 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "does not exist") ||
		!strings.Contains(stderr.String(), filepath.Dir(missing)) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}
