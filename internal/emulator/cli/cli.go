// Package cli is the dli-emulator command: flags, environment, the first
// line, graceful shutdown. The dli-emulator binary and the provider binary
// (`terraform-provider-dli emulator`) both call Run.
//
//	go run ./internal/emulator/cmd/dli-emulator            # or: make emulator
//	go run ./internal/emulator/cmd/dli-emulator -listen 127.0.0.1:0 -job-run 30s
//
// The first line on stdout is "listening on http://HOST:PORT"; the next lines
// show the credentials to use. Every flag can also be set with an environment
// variable (DLI_EMULATOR_ + the flag name in upper case, dashes as
// underscores); flags override the environment. SIGINT or SIGTERM shut the
// server down gracefully, flush the state file and exit 0.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// Run runs the command with args (without the program name) until ctx is
// done or SIGINT/SIGTERM arrives, and returns the exit code: 0 after a
// graceful stop or -h, 2 for bad flags or options, 1 when serving fails.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, args, os.Getenv, stdout, stderr)
}

// config is the parsed command line.
type config struct {
	listen    string
	opts      emulator.Options
	accessLog bool
}

// envName is the environment variable of a flag.
func envName(flagName string) string {
	return "DLI_EMULATOR_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// rateValue is a flag holding a rate in [0,1].
type rateValue struct{ p *float64 }

func (r rateValue) String() string {
	if r.p == nil {
		return "0"
	}
	return strconv.FormatFloat(*r.p, 'g', -1, 64)
}

func (r rateValue) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > 1 || v != v {
		return errors.New("must be a number between 0 and 1")
	}
	*r.p = v
	return nil
}

// durationValue is a flag holding a non-negative Go duration.
type durationValue struct{ p *time.Duration }

func (d durationValue) String() string {
	if d.p == nil {
		return "0s"
	}
	return d.p.String()
}

func (d durationValue) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("must be a Go duration such as 300ms or 10m")
	}
	if v < 0 {
		return errors.New("must not be negative")
	}
	*d.p = v
	return nil
}

// parse reads flags and environment. It returns flag.ErrHelp for -h.
func parse(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var (
		cfg                                     config
		projectID, accessKey, secretKey, secTok string
		token, queues, stateFile                string
		accessLog                               bool
		latency                                 time.Duration
		jobStart                                = emulator.DefaultJobStart
		jobRun                                  = emulator.DefaultJobRun
		cancelDelay                             = emulator.DefaultCancelDelay
		sqlRun                                  = emulator.DefaultSQLRun
		f5xx, f429, fAfter                      float64
		seed                                    int64
	)
	fs := flag.NewFlagSet("dli-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.listen, "listen", emulator.DefaultListen, "`address` to listen on (port 0 picks a free port)")
	fs.StringVar(&projectID, "project-id", emulator.DefaultProjectID, "the project `ID` the credentials own (requests for other projects get 401)")
	fs.StringVar(&accessKey, "access-key", emulator.DefaultAccessKey, "the accepted access key (`AK`) for SDK-HMAC-SHA256 signatures")
	fs.StringVar(&secretKey, "secret-key", emulator.DefaultSecretKey, "the secret key (`SK`) of the access key")
	fs.StringVar(&secTok, "security-token", "", "when set, the AK/SK pair is temporary and every signed request must carry this X-Security-Token")
	fs.StringVar(&token, "token", emulator.DefaultToken, "the accepted X-Auth-Token value (empty: token authentication disabled)")
	fs.StringVar(&queues, "queues", emulator.DefaultQueue, "comma-separated `list` of the queues that exist")
	fs.Var(durationValue{&latency}, "latency", "`duration` added before every API response (Go durations such as 300ms or 10m, as for all durations)")
	fs.Var(durationValue{&jobStart}, "job-start", "`duration` a job spends starting (and each recovering phase); 0 = immediate")
	fs.Var(durationValue{&jobRun}, "job-run", "`duration` a job spends running, unless its conf sets emulator.run_duration")
	fs.Var(durationValue{&cancelDelay}, "cancel-delay", "`duration` from an accepted cancel (DELETE) to the dead (batch) or CANCELLED (SQL) state")
	fs.Var(durationValue{&sqlRun}, "sql-run", "`duration` a SQL job spends RUNNING, unless its conf sets emulator.run_duration")
	fs.Var(rateValue{&f5xx}, "fault-5xx", "`rate` (0..1) of API requests answered 500 DLI.0999 without doing anything")
	fs.Var(rateValue{&f429}, "fault-429", "`rate` (0..1) of API requests answered 429 APIG.0308 with Retry-After: 1")
	fs.Var(rateValue{&fAfter}, "fault-after-commit", "`rate` (0..1) of successful POST/DELETE answered 502 or dropped after the work is done")
	fs.Int64Var(&seed, "seed", 0, "seed of the fault random generator (same seed, same faults)")
	fs.BoolVar(&accessLog, "access-log", true, "print one line per API request on stdout: method, path, status, and the body of cancels and errors")
	fs.StringVar(&stateFile, "state-file", "", "`path` of a JSON file keeping the jobs across restarts (written atomically)")
	iam := addIAMFlags(fs)

	// Environment first, then the command line overrides it.
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		f.Usage += " [env " + envName(f.Name) + "]"
		if v, ok := lookupEnv(getenv, envName(f.Name)); ok && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("invalid value %q for %s: %v", v, envName(f.Name), err)
			}
		}
	})
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: dli-emulator [flags]\n\n"+
			"Serves a local emulation of the Huawei Cloud DLI Spark batch API (v2.0) under\n"+
			"/v2.0/{project_id}/batches and of the SQL job API (v1.0) under\n"+
			"/v1.0/{project_id}/jobs, with admin routes GET /_emulator/requests, GET\n"+
			"/_emulator/jobs/all and POST /_emulator/reset (loopback only). Per job, the\n"+
			"Spark conf keys emulator.outcome (success|dead) and emulator.run_duration (Go\n"+
			"duration), or the SQL conf entries emulator.outcome=finished|failed and\n"+
			"emulator.run_duration=DURATION, steer the life cycle. Every flag can also be\n"+
			"set by the environment variable shown; flags override the environment.\n\n"+
			"A minimal IAM on the same address answers GET /v3/projects, POST /v3/auth/tokens\n"+
			"(password) and POST /v3.0/OS-CREDENTIAL/securitytokens (assume_role); DLI accepts\n"+
			"the tokens and temporary keys it issues.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if envErr != nil {
		fmt.Fprintln(stderr, "dli-emulator:", envErr)
		return cfg, envErr
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
		fmt.Fprintln(stderr, "dli-emulator:", err)
		return cfg, err
	}
	// In Options zero means "default" and negative means zero.
	zeroIsImmediate := func(d time.Duration) time.Duration {
		if d == 0 {
			return -1
		}
		return d
	}
	tokens := []string{}
	if token != "" {
		tokens = []string{token}
	}
	var qs []string
	for _, q := range strings.Split(queues, ",") {
		if q = strings.TrimSpace(q); q != "" {
			qs = append(qs, q)
		}
	}
	cfg.opts = emulator.Options{
		ProjectID: projectID, AccessKey: accessKey, SecretKey: secretKey, SecurityToken: secTok,
		Tokens: tokens, Queues: qs, Latency: latency,
		JobStart: zeroIsImmediate(jobStart), JobRun: zeroIsImmediate(jobRun), CancelDelay: zeroIsImmediate(cancelDelay),
		SQLRun:   zeroIsImmediate(sqlRun),
		Fault5xx: f5xx, Fault429: f429, FaultAfterCommit: fAfter, Seed: seed, StateFile: stateFile,
	}
	if err := iam.apply(&cfg.opts); err != nil {
		fmt.Fprintln(stderr, "dli-emulator:", err)
		return cfg, err
	}
	cfg.accessLog = accessLog
	return cfg, nil
}

func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := parse(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if cfg.accessLog {
		cfg.opts.AccessLog = stdout
	}
	srv, err := emulator.New(cfg.opts)
	if err != nil {
		fmt.Fprintln(stderr, "dli-emulator:", err)
		return 2
	}
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		fmt.Fprintln(stderr, "dli-emulator:", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	url := emulator.BaseURL(ln.Addr())
	o := srv.Options()
	fmt.Fprintf(stdout, "listening on %s\n", url)
	flush(stdout)
	fmt.Fprintf(stdout, "HW_DLI_ENDPOINT=%s\nHW_PROJECT_ID=%s\nHW_ACCESS_KEY=%s\nHW_SECRET_KEY=%s\n",
		url, o.ProjectID, o.AccessKey, o.SecretKey)
	if o.SecurityToken != "" {
		fmt.Fprintf(stdout, "HW_SECURITY_TOKEN=%s\n", o.SecurityToken)
	}
	if len(o.Tokens) > 0 {
		fmt.Fprintf(stdout, "# or, instead of the key pair: HW_AUTH_TOKEN=%s\n", o.Tokens[0])
	}
	printIAM(stdout, url, o)
	fmt.Fprintf(stdout, "queues: %s\n", strings.Join(o.Queues, ","))
	flush(stdout)

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 30 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	code := 0
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		fmt.Fprintln(stderr, "dli-emulator:", err)
		code = 1
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		fmt.Fprintln(stderr, "dli-emulator: shutdown:", err)
	}
	if err := srv.Close(); err != nil {
		fmt.Fprintln(stderr, "dli-emulator:", err)
		code = 1
	}
	fmt.Fprintln(stderr, "dli-emulator: stopped")
	return code
}

func flush(w io.Writer) {
	switch f := w.(type) {
	case interface{ Flush() error }:
		_ = f.Flush()
	case interface{ Sync() error }:
		_ = f.Sync()
	}
}
