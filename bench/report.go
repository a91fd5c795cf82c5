package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// phase is one Terraform command of a scenario.
type phase int

const (
	phaseApply   phase = iota // terraform apply
	phaseRefresh              // terraform plan -refresh-only
	phaseDestroy              // terraform destroy
	numPhases
)

var phaseNames = [numPhases]string{"apply", "refresh", "destroy"}

// minCalls is the minimum number of sequential API calls per job in each phase: apply one
// POST; refresh one GET; destroy its refresh GET, the DELETE and one confirming state poll.
var minCalls = [numPhases]int{1, 1, 3}

func (p phase) String() string { return phaseNames[p] }

const numKinds = 3

// measurement is one phase of one scenario.
type measurement struct {
	Wall time.Duration // wall time of the terraform command
	CPU  time.Duration // user+system CPU of terraform and of its (waited-for) provider processes
	Reqs reqCounts     // API requests the emulator received during the phase
	Proc procStats     // the provider processes seen during the phase
	// Interference is the share of the machine (all cores, over the wall time) that processes
	// other than the bench, terraform and the provider used during the phase.
	Interference float64
}

// row is one N × parallelism combination: every kind and phase.
type row struct {
	N, P int
	Runs int // runs aggregated into M
	M    [numKinds][numPhases]measurement
}

// results is everything a report shows.
type results struct {
	Machine machine
	Latency time.Duration
	Quick   bool
	Env     []string // extra environment of the dli runs (-env)
	Schema  schemaCost
	Rows    []row
	// Workloads are the SQL and Flink scenarios.
	Workloads []wresult
	Elapsed   time.Duration
	Notes     []string
	// Repeats counts scenarios measured again because others used the machine; Disturbed
	// those kept although others took more than maxInterference (attempts or patience spent).
	Repeats, Disturbed int
	// PollInterval is the client's first poll delay after a cancel (client.DefaultPollInterval).
	PollInterval time.Duration
}

// machine describes where the bench ran.
type machine struct {
	CPU, Kernel, Memory, Go, Terraform, Commit string
	Cores                                      int
	Date                                       time.Time
}

// apiCost is how many times the ideal the added latency cost: the ideal being that each of the
// ceil(n/p) waves of p parallel jobs pays the latency once per sequential call. 1.0 means the
// provider adds no round trip beyond the minimum; NaN when nothing can be computed.
func apiCost(t0, tLat time.Duration, n, p, calls int, latency time.Duration) float64 {
	if n <= 0 || p <= 0 || calls <= 0 || latency <= 0 {
		return math.NaN()
	}
	waves := (n + p - 1) / p
	ideal := time.Duration(waves*calls) * latency
	return float64(tLat-t0) / float64(ideal)
}

// pluginCost is what the provider adds to Terraform's own cost: start-up, schema, per-resource
// RPCs and the provider's own waits, without network latency.
func pluginCost(t0, tData time.Duration) time.Duration { return t0 - tData }

// providerWaits is the time the provider waits on purpose, without any request, in a phase:
// at destroy the waiter's first state poll comes pollInterval after the DELETE, once per wave.
func providerWaits(ph phase, n, p int, pollInterval time.Duration) time.Duration {
	if ph != phaseDestroy || n <= 0 || p <= 0 {
		return 0
	}
	return time.Duration((n+p-1)/p) * pollInterval
}

// pluginRest is the plugin cost per job that neither provider start-ups (starts × launch cost)
// nor the provider's deliberate waits explain: per-resource RPC and CPU overhead.
func pluginRest(plugin time.Duration, starts int, launch, waits time.Duration, n int) time.Duration {
	if n <= 0 {
		return 0
	}
	return (plugin - time.Duration(starts)*launch - waits) / time.Duration(n)
}

// aggregate combines repeated runs: median times, the largest counts and memory (so that a
// target is judged on the worst run).
func aggregate(runs []measurement) measurement {
	if len(runs) == 0 {
		return measurement{}
	}
	var walls, cpus, pcpus []time.Duration
	var out measurement
	for _, m := range runs {
		walls, cpus, pcpus = append(walls, m.Wall), append(cpus, m.CPU), append(pcpus, m.Proc.CPU)
		r := &out.Reqs
		r.Create, r.Detail, r.State = max(r.Create, m.Reqs.Create), max(r.Detail, m.Reqs.Detail), max(r.State, m.Reqs.State)
		r.Cancel, r.List, r.Other = max(r.Cancel, m.Reqs.Cancel), max(r.List, m.Reqs.List), max(r.Other, m.Reqs.Other)
		r.Errors = max(r.Errors, m.Reqs.Errors)
		p := &out.Proc
		p.PeakHWMKiB, p.PeakRSSKiB = max(p.PeakHWMKiB, m.Proc.PeakHWMKiB), max(p.PeakRSSKiB, m.Proc.PeakRSSKiB)
		p.Launches = max(p.Launches, m.Proc.Launches)
		out.Interference = max(out.Interference, m.Interference)
	}
	out.Wall, out.CPU, out.Proc.CPU = median(walls), median(cpus), median(pcpus)
	return out
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Targets of issue 6.
const (
	targetAPICost     = 1.3
	targetAPICostP    = 10
	targetPollsPerJob = 3
	targetMemoryMiB   = 100
	targetMemoryN     = 500
)

// verdict is one target, judged.
type verdict struct {
	Target   string
	Met      bool
	Measured bool // false: the run did not include what the target is about
	Detail   string
}

func (v verdict) status() string {
	switch {
	case !v.Measured:
		return "not measured"
	case v.Met:
		return "**met**"
	default:
		return "**NOT met**"
	}
}

// evaluate judges the targets on the results.
func evaluate(res *results) []verdict {
	lat := res.Latency
	var out []verdict

	// API cost at parallelism 10, every phase.
	v := verdict{Target: fmt.Sprintf("API cost ≤ %.1f in every phase at parallelism %d", targetAPICost, targetAPICostP), Met: true}
	var parts []string
	for _, r := range res.Rows {
		if r.P != targetAPICostP {
			continue
		}
		v.Measured = true
		for ph := range numPhases {
			c := apiCost(r.M[kindLatency0][ph].Wall, r.M[kindLatency][ph].Wall, r.N, r.P, minCalls[ph], lat)
			ok := c <= targetAPICost
			v.Met = v.Met && ok
			parts = append(parts, fmt.Sprintf("%s N=%d: %s%s", ph, r.N, fmtCost(c), mark(ok)))
		}
	}
	v.Detail = strings.Join(parts, "; ")
	out = append(out, v)

	// Requests per job at the minimum, polls at most 3 per cancelled job.
	v = verdict{Target: fmt.Sprintf("requests per job at the minimum (apply 1 POST; refresh 1 GET; destroy 1 GET + 1 DELETE + at most %d state polls)", targetPollsPerJob), Met: true}
	parts = nil
	var maxPolls float64
	for _, r := range res.Rows {
		for _, k := range []kind{kindLatency0, kindLatency} {
			v.Measured = true
			for ph := range numPhases {
				c := r.M[k][ph].Reqs
				if ok, why := atMinimum(ph, c, r.N); !ok {
					v.Met = false
					parts = append(parts, fmt.Sprintf("%s N=%d p=%d %s: %s", ph, r.N, r.P, k, why))
				}
				if ph == phaseDestroy && r.N > 0 {
					maxPolls = max(maxPolls, float64(c.State)/float64(r.N))
				}
			}
		}
	}
	if v.Measured {
		if len(parts) == 0 {
			parts = append(parts, "every scenario at both latencies")
		}
		parts = append(parts, fmt.Sprintf("state polls per cancelled job: at most %s (minimum 1)", fmtPerJob(maxPolls)))
	}
	v.Detail = strings.Join(parts, "; ")
	out = append(out, v)

	// Peak memory at N = 500.
	v = verdict{Target: fmt.Sprintf("provider peak memory < %d MiB at N = %d", targetMemoryMiB, targetMemoryN), Met: true}
	var peak uint64
	for _, r := range res.Rows {
		if r.N != targetMemoryN {
			continue
		}
		v.Measured = true
		for _, k := range []kind{kindLatency0, kindLatency} {
			for ph := range numPhases {
				peak = max(peak, r.M[k][ph].Proc.PeakHWMKiB)
			}
		}
	}
	if v.Measured {
		v.Met = mib(peak) < targetMemoryMiB
		v.Detail = fmt.Sprintf("largest VmHWM of any provider process: %.1f MiB", mib(peak))
	}
	out = append(out, v)
	return out
}

// atMinimum tells whether a phase's requests are the minimum for n jobs.
func atMinimum(ph phase, c reqCounts, n int) (bool, string) {
	var problems []string
	if c.Errors > 0 {
		problems = append(problems, fmt.Sprintf("%d non-2xx answers", c.Errors))
	}
	want := reqCounts{}
	switch ph {
	case phaseApply:
		want.Create = n
	case phaseRefresh:
		want.Detail = n
	case phaseDestroy:
		want.Detail, want.Cancel = n, n
	}
	check := func(name string, got, want int) {
		if got != want {
			problems = append(problems, fmt.Sprintf("%s %s/job (minimum %s)", name, fmtPerJob(perJob(got, n)), fmtPerJob(perJob(want, n))))
		}
	}
	check("POST", c.Create, want.Create)
	check("GET", c.Detail, want.Detail)
	check("DELETE", c.Cancel, want.Cancel)
	check("list", c.List, 0)
	check("other", c.Other, 0)
	if ph == phaseDestroy {
		if c.State > targetPollsPerJob*n || c.State < n {
			problems = append(problems, fmt.Sprintf("state %s/job (1 to %d)", fmtPerJob(perJob(c.State, n)), targetPollsPerJob))
		}
	} else {
		check("state", c.State, 0)
	}
	return len(problems) == 0, strings.Join(problems, ", ")
}

// render writes the Markdown report.
func render(res *results) string {
	var sb strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&sb, format, a...) }
	lat := res.Latency
	latName := fmtDur(lat)

	w("# `make bench` results\n\n")
	if res.Quick {
		w("**Quick smoke run (`-quick`): not the reference matrix.**\n\n")
	}
	m := res.Machine
	w("Machine: %s, %d cores, %s RAM, Linux %s; %s; %s. Run %s UTC", m.CPU, m.Cores, m.Memory, m.Kernel,
		m.Go, m.Terraform, m.Date.UTC().Format("2006-01-02 15:04"))
	if m.Commit != "" {
		w(", provider built from %s", m.Commit)
	}
	w("; the whole bench took %s.", res.Elapsed.Round(time.Second))
	w(" Each scenario ran the number of times in its runs column (by default 3 times for N ≤ 100, once above): " +
		"times are medians, request counts and memory the largest seen.")
	if len(res.Env) > 0 {
		w(" **Extra environment of the dli runs: `%s`.**", strings.Join(res.Env, " "))
	}
	w(" The machine may be shared: each scenario starts once others use less than %.0f%% of it, and is repeated "+
		"(up to %d attempts, keeping the least disturbed, within the run's -patience) when others took more than "+
		"%.0f%% during a phase; %d repeats were needed and %d scenarios kept a disturbed attempt. Column *others* "+
		"shows the largest share of the machine that other processes took during the row's measurements.",
		100*quietThreshold, maxAttempts, 100*maxInterference, res.Repeats, res.Disturbed)
	w("\n\n")

	w("## Targets (issue 6)\n\n| target | status | measured |\n|---|---|---|\n")
	for _, v := range evaluate(res) {
		w("| %s | %s | %s |\n", v.Target, v.status(), v.Detail)
	}
	sc := res.Schema
	launch := sc.CLIProvider - sc.CLIData
	w("| plugin cost as low as start-up allows | reported | per provider process: start-up %s + schema %s (cold); "+
		"one launch costs the CLI %s; see the schema section |\n\n",
		fmtMs(sc.Startup), fmtMs(sc.SchemaCold), fmtMs(launch))

	for ph := range numPhases {
		w("## %s", ph)
		switch ph {
		case phaseApply:
			w(" (`terraform apply`, N jobs submitted; minimum 1 sequential call per job)\n\n")
		case phaseRefresh:
			w(" (`terraform plan -refresh-only`; minimum 1 sequential call per job)\n\n")
		case phaseDestroy:
			w(" (`terraform destroy`, every job running and cancelled; minimum 3 sequential calls per job)\n\n")
		}
		w("| N | p | runs | terraform_data | t@0 | t@%s | API cost | plugin cost | of which start-ups | of which waits | rest per job "+
			"| POST/job | GET/job | state/job | DELETE/job | list+other/job | non-2xx | provider starts | CPU@0 all / provider | provider peak RSS | others |\n", latName)
		w("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, r := range res.Rows {
			d, z, l := r.M[kindData][ph], r.M[kindLatency0][ph], r.M[kindLatency][ph]
			cost := apiCost(z.Wall, l.Wall, r.N, r.P, minCalls[ph], lat)
			plug := pluginCost(z.Wall, d.Wall)
			launches := time.Duration(z.Proc.Launches) * launch
			waits := providerWaits(ph, r.N, r.P, res.PollInterval)
			peak := max(z.Proc.PeakHWMKiB, l.Proc.PeakHWMKiB)
			others := max(d.Interference, z.Interference, l.Interference)
			w("| %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s | %s / %s | %.1f MiB | %.0f%% |\n",
				r.N, r.P, r.Runs, fmtSec(d.Wall), fmtSec(z.Wall), fmtSec(l.Wall), fmtCost(cost), fmtSec(plug),
				fmtSec(launches), fmtSec(waits), fmtMs(pluginRest(plug, z.Proc.Launches, launch, waits, r.N)),
				reqCell(z.Reqs.Create, l.Reqs.Create, r.N), reqCell(z.Reqs.Detail, l.Reqs.Detail, r.N),
				reqCell(z.Reqs.State, l.Reqs.State, r.N), reqCell(z.Reqs.Cancel, l.Reqs.Cancel, r.N),
				reqCell(z.Reqs.List+z.Reqs.Other, l.Reqs.List+l.Reqs.Other, r.N), z.Reqs.Errors+l.Reqs.Errors,
				startsCell(z.Proc.Launches, l.Proc.Launches), fmtSec(z.CPU), fmtSec(z.Proc.CPU), mib(peak), 100*others)
		}
		w("\n")
	}

	renderWorkloads(&sb, res)

	w("## Provider start-up and schema load\n\n")
	w("| measurement | median of %d |\n|---|--:|\n", sc.Samples)
	w("| exec of the provider binary until its go-plugin handshake line (process ready to serve) | %s |\n", fmtMs(sc.Startup))
	w("| GetProviderSchema, first call in a fresh process (framework server, no gRPC; %d resources, %d data sources) | %s |\n",
		sc.Resources, sc.DataSources, fmtMs(sc.SchemaCold))
	w("| GetProviderSchema, second call in the same process | %s |\n", fmtMs(sc.SchemaWarm))
	w("| `terraform providers schema -json`, one dli_batch_job (%d provider start) | %s |\n", sc.CLILaunches, fmtMs(sc.CLIProvider))
	w("| `terraform providers schema -json`, one terraform_data (no provider) | %s |\n", fmtMs(sc.CLIData))
	w("| difference: what one provider launch with its schema costs the CLI | %s |\n\n", fmtMs(sc.CLIProvider-sc.CLIData))

	w("## How each number is measured\n\n")
	w("- **Scenarios.** For each N and parallelism p, three fresh working directories run `terraform apply -auto-approve`, "+
		"`terraform plan -refresh-only` and `terraform destroy -auto-approve`, all with `-parallelism=p -input=false`: "+
		"`terraform_data` with `count = N` (Terraform's own cost), and `dli_batch_job` with `count = N` "+
		"(`wait_for` left at its default `submitted`, `conf = {\"emulator.run_duration\" = \"1h\"}` so every job is still "+
		"running at destroy) against an in-process emulator at latency 0 and at %s (`emulator.Options.Latency`, added "+
		"before every API answer). The emulator keeps its defaults otherwise (job start 1s, cancel delay 250ms, "+
		"queue `default`) and is reset between scenarios. Terraform runs with a `dev_overrides` CLI configuration "+
		"(`TF_CLI_CONFIG_FILE`, the same file for every kind) pointing `dli-tf/dli` at the binary built by `go build`, "+
		"and the provider is configured through `HW_DLI_ENDPOINT`, `HW_PROJECT_ID`, `HW_ACCESS_KEY`, `HW_SECRET_KEY` "+
		"(AK/SK signing, as in production).\n", latName)
	w("- **Times** are the wall time of the `terraform` command, from exec to exit.\n")
	w("- **API cost** = (t@%s − t@0) / (ceil(N/p) × %s × minimum sequential calls per job), the minimum being apply 1, "+
		"refresh 1, destroy 3 (refresh GET, DELETE, one confirming state poll). 1.00 means the provider spends no "+
		"round trip beyond the minimum; below 1 means Terraform's own work overlapped the waits.\n", latName, latName)
	w("- **Plugin cost** = t@0 − t(terraform_data): provider start-ups, schema loads, per-resource RPCs and the "+
		"provider's own waits, without network latency. It is split into *start-ups* = provider starts × the cost of one "+
		"launch to the CLI (%s, see the schema section), *waits* = the provider's deliberate pauses without a request "+
		"(at destroy the waiter's first state poll comes %s after the DELETE: ceil(N/p) × %s), and the *rest per job*, "+
		"(plugin cost − start-ups − waits) / N: per-resource RPC and CPU overhead of provider and Terraform.\n",
		fmtMs(launch), fmtDur(res.PollInterval), fmtDur(res.PollInterval))
	w("- **Requests per job** come from the emulator's request log (`Server.Requests()`), sliced per phase and "+
		"classified by method and route: POST `.../batches` (create), GET `.../batches/{id}` (detail), GET "+
		"`.../batches/{id}/state`, DELETE `.../batches/{id}`, GET `.../batches` (list) and anything else; divided by "+
		"N. One value when both latencies agree, else `@0 / @%s`. non-2xx counts error answers of both runs.\n", latName)
	w("- **Provider starts, CPU and peak RSS.** A goroutine polls /proc every 20ms for processes whose executable is " +
		"the built provider binary; for each it reads VmHWM (the kernel's own high-water mark of the resident set, " +
		"so a peak between two polls is not lost) and utime+stime. Peak RSS is the largest VmHWM of any provider " +
		"process during the phase at either latency; starts counts distinct processes (PID + start time; a process " +
		"living less than one poll could be missed, so it is a lower bound), one value when both latencies agree. " +
		"CPU@0 is user+system time of terraform and every child it waited for (wait4 rusage), and of the provider " +
		"processes alone, in the latency-0 run.\n")
	w("- **Schema load.** Three views of the fixed cost of one provider process: the time from exec until the "+
		"go-plugin handshake line (what Terraform waits for before its first RPC); GetProviderSchema called on the "+
		"same framework server the binary serves (`providerserver.NewProtocol6`), first in a fresh process "+
		"(the bench re-executes itself with `-%s`) so that it is cold as in every process Terraform starts; and "+
		"`terraform providers schema -json`, which starts the provider once and asks for its schema, against the "+
		"same command on terraform_data.\n", schemaProbeFlag)
	for _, n := range res.Notes {
		w("- %s\n", n)
	}
	return sb.String()
}
