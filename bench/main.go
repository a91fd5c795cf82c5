// Command bench is `make bench`: it measures what the provider costs on hundreds of jobs, with a
// real Terraform CLI and the local build of the provider against an in-process emulator.
//
// For each N and parallelism it runs `terraform apply`, `terraform plan -refresh-only` and
// `terraform destroy` three ways: on terraform_data (Terraform's own cost), with dli_batch_job
// against the emulator at latency 0, and at -latency. From these it derives the API cost (how
// many round trips the provider spends beyond the minimum) and the plugin cost (what the
// provider adds without latency), counts the API requests per job from the emulator's request
// log, and records the provider processes' peak memory. Then it takes SQL statements
// (dli_sql_job, waited for until finished; waited for until running and cancelled by destroy)
// and Flink streaming jobs (dli_flink_sql_job: create, refresh, update in place, update with a
// restart, destroy) through Terraform, counting the requests per job of each step against its
// minimum and timing how soon SQL apply sees a statement finish. It prints a Markdown report and
// writes it to -out (bench/RESULTS.md).
//
//	go run ./bench -terraform bin/terraform                 # the full matrix
//	go run ./bench -terraform bin/terraform -quick          # N=20 smoke run, printed only
//	go run ./bench -n 100 -parallelism 10 -runs 3 -out x.md # a custom matrix
//	go run ./bench -n 100 -env TF_LOG_SDK=off -out x.md      # the same with extra provider environment
//	go run ./bench -workloads sql,flink -jobs-n 10,50 -out x.md # SQL and Flink scenarios only
package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

type bench struct {
	terraform   string // absolute path of the terraform binary
	root        string // module root
	work        string // temporary directory of the run
	providerBin string // the built provider
	cliConfig   string // TF_CLI_CONFIG_FILE with dev_overrides

	emu0, emuLat       *emulator.Server
	emu0URL, emuLatURL string
	// emuW serves the SQL and Flink scenarios; timed is its access log.
	emuW     *emulator.Server
	emuWURL  string
	timed    *timedLog
	mon      *procMonitor
	extraEnv []string // added to the environment of the dli runs (-env)
	verbose  bool
	// patience bounds the time spent waiting for quiet and repeating disturbed scenarios;
	// waited is what was spent so far.
	patience, waited time.Duration
}

// envList is a repeatable KEY=VALUE flag.
type envList []string

func (e *envList) String() string { return strings.Join(*e, ",") }

func (e *envList) Set(v string) error {
	if k, _, ok := strings.Cut(v, "="); !ok || k == "" {
		return fmt.Errorf("%q is not KEY=VALUE", v)
	}
	*e = append(*e, v)
	return nil
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "-"+schemaProbeFlag {
		if err := runSchemaProbe(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		terraform = flag.String("terraform", "bin/terraform", "path of the terraform binary")
		nList     = flag.String("n", "100,500", "comma-separated numbers of jobs")
		pList     = flag.String("parallelism", "10,50", "comma-separated values of terraform -parallelism")
		quick     = flag.Bool("quick", false, "smoke run: N=20 only; the report is printed, and written only if -out is given")
		out       = flag.String("out", filepath.Join("bench", "RESULTS.md"), "where to write the Markdown report (empty: print only)")
		latency   = flag.Duration("latency", 50*time.Millisecond, "emulator latency of the second dli run")
		runs      = flag.Int("runs", 0, "runs of each scenario, times being medians (0: 3 for N <= 100, else 1)")
		keep      = flag.Bool("keep", false, "keep the working directories (terraform logs, states)")
		samples   = flag.Int("schema-samples", 9, "samples of each start-up and schema measurement")
		patience  = flag.Duration("patience", 10*time.Minute, "time the run may spend waiting for other processes to leave the machine and repeating scenarios they disturbed")
		jobsN     = flag.String("jobs-n", "20", "comma-separated numbers of jobs of the SQL and Flink scenarios")
		jobsP     = flag.Int("jobs-parallelism", 10, "terraform -parallelism of the SQL and Flink scenarios")
		only      = flag.String("workloads", "batch,sql,flink", "scenarios to run: batch, sql (sql-finished and sql-running), sql-finished, sql-running, flink")
	)
	var extraEnv envList
	flag.Var(&extraEnv, "env", "KEY=VALUE added to the environment of the dli runs (repeatable), for experiments")
	flag.Parse()
	outSet := false
	flag.Visit(func(f *flag.Flag) { outSet = outSet || f.Name == "out" })

	ns, err := parseInts(*nList)
	if err != nil {
		return fmt.Errorf("-n: %w", err)
	}
	ps, err := parseInts(*pList)
	if err != nil {
		return fmt.Errorf("-parallelism: %w", err)
	}
	jns, err := parseInts(*jobsN)
	if err != nil {
		return fmt.Errorf("-jobs-n: %w", err)
	}
	if *jobsP < 1 {
		return errors.New("-jobs-parallelism must be positive")
	}
	selected, err := parseWorkloads(*only)
	if err != nil {
		return fmt.Errorf("-workloads: %w", err)
	}
	if *quick {
		ns, jns = []int{20}, []int{5}
		if !outSet {
			*out = ""
		}
	}
	if *latency <= 0 {
		return errors.New("-latency must be positive")
	}
	if *runs < 0 {
		return errors.New("-runs must not be negative")
	}

	started := time.Now()
	b := &bench{verbose: true, extraEnv: extraEnv, patience: *patience}
	if b.terraform, err = exec.LookPath(*terraform); err != nil {
		return fmt.Errorf("terraform: %w (run make bin/terraform)", err)
	}
	if b.terraform, err = filepath.Abs(b.terraform); err != nil {
		return err
	}
	if b.terraform, err = filepath.EvalSymlinks(b.terraform); err != nil {
		return err
	}
	if b.root, err = moduleRoot(); err != nil {
		return err
	}
	if b.work, err = os.MkdirTemp("", "dli-bench-"); err != nil {
		return err
	}
	if *keep {
		fmt.Fprintln(os.Stderr, "working directories kept in", b.work)
	} else {
		defer os.RemoveAll(b.work)
	}

	res := &results{Latency: *latency, Quick: *quick, Env: extraEnv, PollInterval: client.DefaultPollInterval}
	res.Machine = describeMachine(b.terraform, b.root)
	fmt.Fprintf(os.Stderr, "== %s, %d cores, %s, %s\n", res.Machine.CPU, res.Machine.Cores, res.Machine.Go, res.Machine.Terraform)

	fmt.Fprintln(os.Stderr, "== building the provider")
	binDir := filepath.Join(b.work, "bin")
	b.providerBin = filepath.Join(binDir, "terraform-provider-dli")
	build := exec.Command("go", "build", "-o", b.providerBin, ".")
	build.Dir = b.root
	if outb, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, outb)
	}
	b.cliConfig = filepath.Join(b.work, "terraformrc")
	if err := writeCLIConfig(b.cliConfig, binDir); err != nil {
		return err
	}
	b.mon = newProcMonitor(b.providerBin, b.terraform, 20*time.Millisecond)

	// Two emulators, one per latency (latency is fixed at construction), each reused for every
	// scenario and reset in between.
	if b.emu0, b.emu0URL, err = startEmulator(0); err != nil {
		return err
	}
	defer b.emu0.Close()
	if b.emuLat, b.emuLatURL, err = startEmulator(*latency); err != nil {
		return err
	}
	defer b.emuLat.Close()
	b.timed = newTimedLog()
	if b.emuW, b.emuWURL, err = startWorkloadEmulator(b.timed); err != nil {
		return err
	}
	defer b.emuW.Close()

	fmt.Fprintln(os.Stderr, "== provider start-up and schema load")
	if res.Schema, err = b.measureSchema(*samples); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "   start-up %s, schema cold %s warm %s, CLI %s vs %s\n", fmtMs(res.Schema.Startup),
		fmtMs(res.Schema.SchemaCold), fmtMs(res.Schema.SchemaWarm), fmtMs(res.Schema.CLIProvider), fmtMs(res.Schema.CLIData))

	for _, n := range ns {
		if !selected["batch"] {
			break
		}
		for _, p := range ps {
			r := row{N: n, P: p, Runs: scenarioRuns(*runs, n)}
			var all [numKinds][numPhases][]measurement
			for run := range r.Runs {
				// Kinds interleaved, so that a slow spell of the machine hits them alike.
				for k := range kind(numKinds) {
					ms, err := b.measureScenario(k, n, p, run, res)
					if err != nil {
						return err
					}
					for ph := range numPhases {
						all[k][ph] = append(all[k][ph], ms[ph])
					}
				}
			}
			for k := range numKinds {
				for ph := range numPhases {
					r.M[k][ph] = aggregate(all[k][ph])
				}
			}
			res.Rows = append(res.Rows, r)
		}
	}
	for _, w := range workloads(b.emuW.Options()) {
		if !selected[w.Name] {
			continue
		}
		for _, n := range jns {
			wr, err := b.runWorkload(w, n, *jobsP)
			if err != nil {
				return err
			}
			res.Workloads = append(res.Workloads, wr)
		}
	}
	if len(res.Workloads) > 0 {
		o := b.emuW.Options()
		res.Notes = append(res.Notes, workloadNotes(emulatorTimes{fmtDur(o.JobStart), fmtDur(o.CancelDelay)},
			fmtDur(client.DefaultPollInterval), fmtDur(client.DefaultPollIntervalMax))...)
	}
	res.Elapsed = time.Since(started)

	report := render(res)
	fmt.Print(report)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(report), 0o644); err != nil { //nolint:gosec // a report, meant to be read
			return err
		}
		fmt.Fprintln(os.Stderr, "== written to", *out)
	}
	return nil
}

// scenarioRuns is how many times a scenario runs: as asked, else 3 times when it is cheap.
func scenarioRuns(asked, n int) int {
	switch {
	case asked > 0:
		return asked
	case n <= 100:
		return 3
	default:
		return 1
	}
}

func startEmulator(latency time.Duration) (*emulator.Server, string, error) {
	opts := emulator.Options{Queues: []string{emulator.DefaultQueue}, JobRun: time.Hour}
	if latency > 0 {
		opts.Latency = latency
	}
	srv, err := emulator.New(opts)
	if err != nil {
		return nil, "", err
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	return srv, url, nil
}

// measureScenario runs a scenario on a quiet machine, and again (up to maxAttempts in all) when
// other processes took more than maxInterference of the machine during one of its phases; it
// keeps the least disturbed attempt.
func (b *bench) measureScenario(k kind, n, p, run int, res *results) ([numPhases]measurement, error) {
	var best [numPhases]measurement
	bestShare := math.Inf(1)
	for attempt := 1; ; attempt++ {
		b.waitQuiet()
		start := time.Now()
		ms, err := b.scenario(k, n, p, run)
		if err != nil {
			return ms, err
		}
		if attempt > 1 {
			b.waited += time.Since(start)
		}
		share := 0.0
		for _, m := range ms {
			share = max(share, m.Interference)
		}
		if share < bestShare {
			best, bestShare = ms, share
		}
		if share <= maxInterference || attempt == maxAttempts || !b.patient() {
			if share > maxInterference {
				res.Disturbed++
			}
			return best, nil
		}
		res.Repeats++
		fmt.Fprintf(os.Stderr, "   others took %.0f%% of the machine: repeating\n", 100*share)
	}
}

// scenario runs apply, refresh and destroy of n resources of kind k at parallelism p in a
// fresh working directory, and checks that the emulator ends up as it should.
func (b *bench) scenario(k kind, n, p, run int) ([numPhases]measurement, error) {
	var ms [numPhases]measurement
	ws, err := b.newWorkspace(k, n, fmt.Sprintf("%s-n%d-p%d-r%d", strings.ReplaceAll(k.String(), "@", "-"), n, p, run))
	if err != nil {
		return ms, err
	}
	var srv *emulator.Server
	switch k {
	case kindLatency0:
		srv = b.emu0
	case kindLatency:
		srv = b.emuLat
	}
	if srv != nil {
		srv.Reset()
	}
	par := "-parallelism=" + strconv.Itoa(p)
	args := [numPhases][]string{
		{"apply", "-auto-approve", "-input=false", "-no-color", par},
		{"plan", "-refresh-only", "-input=false", "-no-color", par},
		{"destroy", "-auto-approve", "-input=false", "-no-color", par},
	}
	for ph := range numPhases {
		mark := 0
		if srv != nil {
			mark = len(srv.Requests())
		}
		before := takeCPUSnapshot()
		b.mon.Begin()
		wall, cpu, err := ws.run(args[ph]...)
		st := b.mon.End()
		if err != nil {
			return ms, err
		}
		m := measurement{Wall: wall, CPU: cpu, Proc: st}
		m.Interference = interference(othersCPU(before, takeCPUSnapshot(), cpu), wall, runtime.NumCPU())
		if srv != nil {
			m.Reqs = countRequests(srv.Requests()[mark:])
			if err := checkJobs(srv, ph, n); err != nil {
				return ms, fmt.Errorf("%s N=%d p=%d %s: %w", k, n, p, ph, err)
			}
		}
		ms[ph] = m
		if b.verbose {
			fmt.Fprintf(os.Stderr, "   N=%-3d p=%-2d %-14s %-7s %7.2fs  requests %-4d provider starts %d  peak %4.1f MiB  others %2.0f%%\n",
				n, p, k, ph, wall.Seconds(), m.Reqs.Total(), st.Launches, mib(st.PeakHWMKiB), 100*m.Interference)
		}
	}
	return ms, nil
}

// checkJobs verifies the emulator: after apply and refresh it holds n active jobs, after
// destroy none is active any more (every job was cancelled, none orphaned).
func checkJobs(srv *emulator.Server, ph phase, n int) error {
	jobs := srv.Jobs()
	if len(jobs) != n {
		return fmt.Errorf("emulator holds %d jobs, want %d", len(jobs), n)
	}
	for _, j := range jobs {
		active := j.State == "starting" || j.State == "running" || j.State == "recovering"
		if ph == phaseDestroy && (active || !j.CancelRequested) {
			return fmt.Errorf("job %s is %s after destroy (cancel requested: %v)", j.ID, j.State, j.CancelRequested)
		}
		if ph != phaseDestroy && !active {
			return fmt.Errorf("job %s is %s before destroy", j.ID, j.State)
		}
	}
	return nil
}

// parseWorkloads reads -workloads; "sql" stands for both SQL scenarios.
func parseWorkloads(s string) (map[string]bool, error) {
	known := map[string]bool{"batch": true, "sql-finished": true, "sql-running": true, "flink": true}
	out := map[string]bool{}
	for f := range strings.SplitSeq(s, ",") {
		switch f = strings.TrimSpace(f); {
		case f == "":
		case f == "sql":
			out["sql-finished"], out["sql-running"] = true, true
		case known[f]:
			out[f] = true
		default:
			return nil, fmt.Errorf("unknown scenario %q", f)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no scenario")
	}
	return out, nil
}
