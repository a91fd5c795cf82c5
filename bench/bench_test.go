package main

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

func TestAPICost(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name        string
		t0, tLat    time.Duration
		n, p, calls int
		latency     time.Duration
		want        float64
		wantNaN     bool
	}{
		// 100 jobs at parallelism 10: 10 waves of 50ms, one call each = 500ms ideal.
		{name: "ideal apply", t0: 2 * time.Second, tLat: 2500 * ms, n: 100, p: 10, calls: 1, latency: 50 * ms, want: 1},
		// destroy: 3 calls per job, 10 waves = 1.5s ideal; 1.95s measured = 1.3.
		{name: "destroy", t0: 4 * time.Second, tLat: 5950 * ms, n: 100, p: 10, calls: 3, latency: 50 * ms, want: 1.3},
		// a partial last wave counts: ceil(105/10) = 11 waves.
		{name: "ceil", t0: 0, tLat: 550 * ms, n: 105, p: 10, calls: 1, latency: 50 * ms, want: 1},
		// fewer jobs than parallelism: one wave.
		{name: "one wave", t0: time.Second, tLat: 1100 * ms, n: 20, p: 50, calls: 1, latency: 50 * ms, want: 2},
		{name: "faster with latency", t0: time.Second, tLat: 900 * ms, n: 10, p: 10, calls: 1, latency: 50 * ms, want: -2},
		{name: "no latency", t0: time.Second, tLat: time.Second, n: 10, p: 10, calls: 1, wantNaN: true},
		{name: "no jobs", n: 0, p: 10, calls: 1, latency: 50 * ms, wantNaN: true},
	}
	for _, c := range cases {
		got := apiCost(c.t0, c.tLat, c.n, c.p, c.calls, c.latency)
		if c.wantNaN {
			if !math.IsNaN(got) {
				t.Errorf("%s: got %v, want NaN", c.name, got)
			}
			continue
		}
		if math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPluginCostSplit(t *testing.T) {
	if got := pluginCost(3*time.Second, 500*time.Millisecond); got != 2500*time.Millisecond {
		t.Errorf("pluginCost = %v", got)
	}
	if got := providerWaits(phaseDestroy, 100, 10, 300*time.Millisecond); got != 3*time.Second {
		t.Errorf("providerWaits(destroy) = %v, want 3s", got)
	}
	if got := providerWaits(phaseDestroy, 101, 50, 300*time.Millisecond); got != 900*time.Millisecond {
		t.Errorf("providerWaits(destroy, 3 waves) = %v, want 900ms", got)
	}
	if got := providerWaits(phaseApply, 100, 10, 300*time.Millisecond); got != 0 {
		t.Errorf("providerWaits(apply) = %v, want 0", got)
	}
	// 5s plugin cost, 5 starts of 100ms, 3s of waits: 1.5s left over 100 jobs.
	if got := pluginRest(5*time.Second, 5, 100*time.Millisecond, 3*time.Second, 100); got != 15*time.Millisecond {
		t.Errorf("pluginRest = %v, want 15ms", got)
	}
}

func TestMedianAndAggregate(t *testing.T) {
	if got := median([]time.Duration{3, 1, 2}); got != 2 {
		t.Errorf("median odd = %v", got)
	}
	if got := median([]time.Duration{4, 1, 3, 2}); got != 2 { // (2+3)/2 in integer nanoseconds
		t.Errorf("median even = %v", got)
	}
	if got := median(nil); got != 0 {
		t.Errorf("median empty = %v", got)
	}
	a := aggregate([]measurement{
		{Wall: 3 * time.Second, Reqs: reqCounts{Create: 10}, Proc: procStats{PeakHWMKiB: 100, Launches: 4}},
		{Wall: 1 * time.Second, Reqs: reqCounts{Create: 12, Errors: 1}, Proc: procStats{PeakHWMKiB: 300, Launches: 3}},
		{Wall: 2 * time.Second, Reqs: reqCounts{Create: 10}, Proc: procStats{PeakHWMKiB: 200, Launches: 4}},
	})
	if a.Wall != 2*time.Second || a.Reqs.Create != 12 || a.Reqs.Errors != 1 || a.Proc.PeakHWMKiB != 300 || a.Proc.Launches != 4 {
		t.Errorf("aggregate = %+v", a)
	}
}

func TestCountRequests(t *testing.T) {
	const p = "/v2.0/" + emulator.DefaultProjectID + "/batches"
	const id = "0a324461-d9d9-45da-a52a-3b3c7a3d809e"
	recs := []emulator.RequestRecord{
		{Method: "POST", Path: p, Status: 200},
		{Method: "GET", Path: p, Status: 200},
		{Method: "GET", Path: p + "/" + id, Status: 200},
		{Method: "GET", Path: p + "/" + id + "/state", Status: 200},
		{Method: "DELETE", Path: p + "/" + id, Status: 200},
		{Method: "GET", Path: p + "/" + id + "/log", Status: 200},
		{Method: "GET", Path: p + "/" + id, Status: 400, ErrorCode: "DLI.0002"},
		{Method: "PUT", Path: "/nope", Status: 404},
		{Method: "POST", Path: p, Status: 0},
	}
	got := countRequests(recs)
	want := reqCounts{Create: 2, Detail: 2, State: 1, Cancel: 1, List: 1, Other: 2, Errors: 3}
	if got != want {
		t.Errorf("countRequests = %+v, want %+v", got, want)
	}
	if got.Total() != 9 {
		t.Errorf("Total = %d", got.Total())
	}
}

func TestAtMinimum(t *testing.T) {
	cases := []struct {
		ph   phase
		c    reqCounts
		ok   bool
		frag string
	}{
		{phaseApply, reqCounts{Create: 10}, true, ""},
		{phaseApply, reqCounts{Create: 10, Detail: 10}, false, "GET 1/job (minimum 0)"},
		{phaseRefresh, reqCounts{Detail: 10}, true, ""},
		{phaseRefresh, reqCounts{Detail: 10, List: 1}, false, "list 0.10/job"},
		{phaseDestroy, reqCounts{Detail: 10, Cancel: 10, State: 10}, true, ""},
		{phaseDestroy, reqCounts{Detail: 10, Cancel: 10, State: 30}, true, ""},
		{phaseDestroy, reqCounts{Detail: 10, Cancel: 10, State: 31}, false, "state 3.10/job"},
		{phaseDestroy, reqCounts{Detail: 10, Cancel: 10, State: 9}, false, "state 0.90/job"},
		{phaseDestroy, reqCounts{Detail: 10, Cancel: 10, State: 10, Errors: 2}, false, "2 non-2xx"},
	}
	for _, c := range cases {
		ok, why := atMinimum(c.ph, c.c, 10)
		if ok != c.ok || !strings.Contains(why, c.frag) {
			t.Errorf("atMinimum(%s, %+v) = %v %q, want %v containing %q", c.ph, c.c, ok, why, c.ok, c.frag)
		}
	}
}

// sampleResults is one row at p=10 whose API costs are exactly 1, 1 and 1.5.
func sampleResults() *results {
	ms := time.Millisecond
	r := row{N: 500, P: 10, Runs: 1}
	for ph := range numPhases {
		r.M[kindData][ph].Wall = time.Second
		r.M[kindLatency0][ph].Wall = 3 * time.Second
		for _, k := range []kind{kindLatency0, kindLatency} {
			r.M[k][ph].Proc = procStats{PeakHWMKiB: 40 * 1024, Launches: 4}
		}
	}
	// 50 waves × 50ms = 2.5s per sequential call.
	r.M[kindLatency][phaseApply].Wall = 3*time.Second + 2500*ms
	r.M[kindLatency][phaseRefresh].Wall = 3*time.Second + 2500*ms
	r.M[kindLatency][phaseDestroy].Wall = 3*time.Second + 3*2500*ms*3/2
	for _, k := range []kind{kindLatency0, kindLatency} {
		r.M[k][phaseApply].Reqs = reqCounts{Create: 500}
		r.M[k][phaseRefresh].Reqs = reqCounts{Detail: 500}
		r.M[k][phaseDestroy].Reqs = reqCounts{Detail: 500, Cancel: 500, State: 500}
	}
	return &results{
		Machine: machine{CPU: "Test CPU", Cores: 2, Go: "go1.x", Terraform: "Terraform v1.5.7", Date: time.Unix(0, 0)},
		Latency: 50 * ms, PollInterval: 300 * ms, Rows: []row{r},
		Schema: schemaCost{Samples: 3, Startup: 8 * ms, SchemaCold: ms, CLIProvider: 90 * ms, CLIData: 30 * ms},
	}
}

func TestEvaluate(t *testing.T) {
	res := sampleResults()
	v := evaluate(res)
	if len(v) != 3 {
		t.Fatalf("%d verdicts", len(v))
	}
	if v[0].Met || !v[0].Measured || !strings.Contains(v[0].Detail, "destroy N=500: 1.50 ✗") || !strings.Contains(v[0].Detail, "apply N=500: 1.00 ✓") {
		t.Errorf("API cost verdict: %+v", v[0])
	}
	if !v[1].Met || !strings.Contains(v[1].Detail, "at most 1 (minimum 1)") {
		t.Errorf("requests verdict: %+v", v[1])
	}
	if !v[2].Met || !strings.Contains(v[2].Detail, "40.0 MiB") {
		t.Errorf("memory verdict: %+v", v[2])
	}

	res.Rows[0].M[kindLatency][phaseDestroy].Proc.PeakHWMKiB = 120 * 1024
	res.Rows[0].M[kindLatency0][phaseRefresh].Reqs.List = 1
	v = evaluate(res)
	if v[2].Met || v[1].Met || !strings.Contains(v[1].Detail, "refresh N=500 p=10 dli@0: list") {
		t.Errorf("verdicts after regressions: %+v", v)
	}

	res.Rows[0].N, res.Rows[0].P = 100, 50
	v = evaluate(res)
	if v[0].Measured || v[2].Measured || v[0].status() != "not measured" {
		t.Errorf("targets outside the matrix should be unmeasured: %+v", v)
	}
}

func TestRender(t *testing.T) {
	out := render(sampleResults())
	for _, want := range []string{
		"Machine: Test CPU, 2 cores",
		"| API cost ≤ 1.3 in every phase at parallelism 10 | **NOT met** |",
		"| provider peak memory < 100 MiB at N = 500 | **met** |",
		"## apply", "## refresh", "## destroy",
		// apply row: 1s, 3s, 5.5s; cost 1.00; plugin 2s of which 4 starts × 60ms; rest (2s-0.24s)/500.
		"| 500 | 10 | 1 | 1.00 s | 3.00 s | 5.50 s | 1.00 | 2.00 s | 0.24 s | 0.00 s | 3.5 ms | 1 | 0 | 0 | 0 | 0 | 0 | 4 |",
		// destroy: 50 waves × 300ms of waits.
		"| 500 | 10 | 1 | 1.00 s | 3.00 s | 14.25 s | 1.50 | 2.00 s | 0.24 s | 15.00 s |",
		"| difference: what one provider launch with its schema costs the CLI | 60.0 ms |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q\n%s", want, out)
		}
	}
	// Every table row has as many cells as its header.
	for _, block := range strings.Split(out, "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[0], "|") {
			continue
		}
		cells := strings.Count(lines[0], "|")
		for _, l := range lines[1:] {
			if strings.Count(l, "|") != cells {
				t.Errorf("row with %d separators under a header with %d:\n%s\n%s", strings.Count(l, "|"), cells, lines[0], l)
			}
		}
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{fmtPerJob(1), "1"}, {fmtPerJob(1.5), "1.50"}, {fmtPerJob(math.NaN()), "n/a"},
		{reqCell(100, 100, 100), "1"}, {reqCell(100, 120, 100), "1 / 1.20"},
		{fmtCost(math.NaN()), "n/a"}, {fmtCost(1.234), "1.23"},
		{fmtDur(50 * time.Millisecond), "50ms"}, {fmtDur(2 * time.Minute), "2m"},
		{startsCell(4, 4), "4"}, {startsCell(4, 5), "4 / 5"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestProcParsing(t *testing.T) {
	stat := []byte("4242 (terraform-prov) (x)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 25 0 0 20 0 12 0 987654 123456789 5000 ...")
	start, cpu, ok := parseStat(stat)
	if !ok || start != 987654 || cpu != 175*clockTick {
		t.Errorf("parseStat = %v %v %v", start, cpu, ok)
	}
	if _, _, ok := parseStat([]byte("garbage")); ok {
		t.Error("parseStat accepted garbage")
	}
	status := []byte("Name:\tterraform-provi\nVmPeak:\t 1000 kB\nVmHWM:\t   40960 kB\nVmRSS:\t   30720 kB\nThreads: 9\n")
	hwm, rss, ok := parseStatus(status)
	if !ok || hwm != 40960 || rss != 30720 {
		t.Errorf("parseStatus = %d %d %v", hwm, rss, ok)
	}
	if _, _, ok := parseStatus([]byte("Name: x\n")); ok {
		t.Error("parseStatus without VmHWM should fail")
	}
}

func TestFlagsHelpers(t *testing.T) {
	got, err := parseInts(" 100, 500 ,")
	if err != nil || len(got) != 2 || got[0] != 100 || got[1] != 500 {
		t.Errorf("parseInts = %v %v", got, err)
	}
	for _, bad := range []string{"", "0", "x", "10,-1"} {
		if _, err := parseInts(bad); err == nil {
			t.Errorf("parseInts(%q) accepted", bad)
		}
	}
	if scenarioRuns(0, 100) != 3 || scenarioRuns(0, 500) != 1 || scenarioRuns(2, 500) != 2 {
		t.Error("scenarioRuns")
	}
	var e envList
	if err := e.Set("A=b"); err != nil || e.Set("nokey") == nil || e.Set("=x") == nil || e.String() != "A=b" {
		t.Errorf("envList: %v", e)
	}
	if !strings.Contains(config(kindLatency, 7), "count      = 7") || !strings.Contains(config(kindData, 7), `resource "terraform_data" "job"`) {
		t.Error("config")
	}
}

func TestInterference(t *testing.T) {
	stat := []byte("cpu  100 5 50 1000 7 3 2 1 0 0\ncpu0 50 2 25 500 3 1 1 0 0 0\nintr 1\n")
	// user 100 + nice 5 + system 50 + irq 3 + softirq 2 + steal 1 = 161 ticks; idle and iowait excluded.
	if got := parseProcStatBusy(stat); got != 161*clockTick {
		t.Errorf("parseProcStatBusy = %v", got)
	}
	before := cpuSnapshot{busy: 10 * time.Second, self: time.Second}
	after := cpuSnapshot{busy: 14 * time.Second, self: 1500 * time.Millisecond}
	// 4s busy, of which 0.5s the bench and 2.5s terraform: 1s others.
	others := othersCPU(before, after, 2500*time.Millisecond)
	if others != time.Second {
		t.Errorf("othersCPU = %v", others)
	}
	if othersCPU(before, after, 10*time.Second) != 0 {
		t.Error("othersCPU must not be negative")
	}
	if got := interference(others, 2*time.Second, 2); got != 0.25 {
		t.Errorf("interference = %v", got)
	}
	if interference(time.Second, 0, 2) != 0 {
		t.Error("interference without wall time")
	}
}
