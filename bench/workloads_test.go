package main

import (
	"strings"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

func TestAPIRoute(t *testing.T) {
	const p = "/v1.0/" + emulator.DefaultProjectID
	const uuid = "0a324461-d9d9-45da-a52a-3b3c7a3d809e"
	cases := []struct{ method, path, route, job string }{
		{"POST", p + "/jobs/submit-job", routeSQLSubmit, ""},
		{"GET", p + "/jobs/" + uuid + "/status", routeSQLStatus, uuid},
		{"DELETE", p + "/jobs/" + uuid, routeSQLCancel, uuid},
		{"GET", p + "/jobs", "GET jobs", ""},
		{"POST", p + "/streaming/sql-jobs", routeFlinkCreate, ""},
		{"PUT", p + "/streaming/sql-jobs/100", routeFlinkUpdate, "100"},
		{"POST", p + "/streaming/jobs/stop", routeFlinkStop, ""},
		{"GET", p + "/streaming/jobs/100", routeFlinkDetail, "100"},
		{"DELETE", p + "/streaming/jobs/100", routeFlinkDelete, "100"},
		{"GET", "/v2.0/" + emulator.DefaultProjectID + "/batches/" + uuid + "/state", "GET batches/{id}/state", uuid},
		// Not an ID: a word, a UUID-length string that is not hexadecimal.
		{"GET", p + "/queues/default", "GET queues/default", ""},
		{"GET", p + "/x/0a324461-d9d9-45da-a52a-3b3c7a3d809z", "GET x/0a324461-d9d9-45da-a52a-3b3c7a3d809z", ""},
		{"GET", "/nope", "GET nope", ""},
	}
	for _, c := range cases {
		if got := apiRoute(c.method, c.path); got != c.route {
			t.Errorf("apiRoute(%s %s) = %q, want %q", c.method, c.path, got, c.route)
		}
		if got := jobOfPath(c.path); got != c.job {
			t.Errorf("jobOfPath(%s) = %q, want %q", c.path, got, c.job)
		}
	}
}

func TestTimedLog(t *testing.T) {
	l := newTimedLog()
	at := time.Unix(100, 0)
	l.now = func() time.Time { return at }
	if _, err := l.Write([]byte("GET /v1.0/p/jobs/x/status 200\n")); err != nil {
		t.Fatal(err)
	}
	mark := l.Len()
	at = at.Add(time.Second)
	_, _ = l.Write([]byte("DELETE /v1.0/p/jobs/x 200 {\"is_success\":true}\nbroken\nPOST /v1.0/p/jobs/submit-job 500 {}\n"))
	got := l.Since(mark)
	if len(got) != 2 || got[0].Method != "DELETE" || got[0].Status != 200 || !got[0].At.Equal(at) ||
		got[1].Path != "/v1.0/p/jobs/submit-job" || got[1].Status != 500 {
		t.Errorf("Since(%d) = %+v", mark, got)
	}
	if l.Len() != 3 || len(l.Since(10)) != 0 {
		t.Errorf("Len = %d", l.Len())
	}
}

func TestSchedulePolls(t *testing.T) {
	ms := time.Millisecond
	// Polls at 0.3, 0.9, 2.1, 4.5, 9.3 s (300ms doubling), then 14.3, 19.3, 24.3 s (capped at 5s).
	cases := []struct {
		d    time.Duration
		want int
	}{
		{0, 1}, {250 * ms, 1}, {300 * ms, 1}, {301 * ms, 2}, {time.Second, 3}, {3 * time.Second, 4},
		{9300 * ms, 5}, {9301 * ms, 6}, {20 * time.Second, 8},
	}
	for _, c := range cases {
		if got := schedulePolls(c.d, 300*ms, 5*time.Second); got != c.want {
			t.Errorf("schedulePolls(%v) = %d, want %d", c.d, got, c.want)
		}
	}
	for _, c := range []struct{ d, want time.Duration }{
		{0, 300 * ms}, {300 * ms, 300 * ms}, {301 * ms, 600 * ms}, {2 * time.Second, 1200 * ms}, {3 * time.Second, 2400 * ms},
		{9301 * ms, 5 * time.Second}, {time.Hour, 5 * time.Second},
	} {
		if got := scheduleInterval(c.d, 300*ms, 5*time.Second); got != c.want {
			t.Errorf("scheduleInterval(%v) = %v, want %v", c.d, got, c.want)
		}
	}
	st := wstep{PollBase: 1, Waits: []time.Duration{250 * ms, time.Second}}
	if lo, hi := st.pollRange(); lo != 3 || hi != 5 {
		t.Errorf("pollRange = %d, %d; want 3, 5", lo, hi)
	}
	if lo, hi := (wstep{PollBase: 1}).pollRange(); lo != 1 || hi != 1 {
		t.Errorf("pollRange without waits = %d, %d", lo, hi)
	}
}

func TestStepProblems(t *testing.T) {
	st := wstep{Fixed: map[string]int{routeFlinkStop: 1, routeFlinkDelete: 1}, Poll: routeFlinkDetail, PollBase: 1,
		Waits: []time.Duration{250 * time.Millisecond}}
	cases := []struct {
		name   string
		routes map[string]int
		errors int
		want   []string // fragments; none: at the minimum
	}{
		{"minimum", map[string]int{routeFlinkStop: 10, routeFlinkDelete: 10, routeFlinkDetail: 20}, 0, nil},
		{"extra poll", map[string]int{routeFlinkStop: 10, routeFlinkDelete: 10, routeFlinkDetail: 25}, 0,
			[]string{"GET streaming/jobs/{id} 2.50/job (2 to 2)"}},
		{"missing delete", map[string]int{routeFlinkStop: 10, routeFlinkDetail: 20}, 0,
			[]string{"DELETE streaming/jobs/{id} 0/job (minimum 1)"}},
		{"unexpected route", map[string]int{routeFlinkStop: 10, routeFlinkDelete: 10, routeFlinkDetail: 20, "GET streaming/jobs": 1}, 0,
			[]string{"GET streaming/jobs 0.10/job (minimum 0)"}},
		{"no poll at all", map[string]int{routeFlinkStop: 10, routeFlinkDelete: 10}, 0, []string{"GET streaming/jobs/{id} 0/job (2 to 2)"}},
		{"errors", map[string]int{routeFlinkStop: 11, routeFlinkDelete: 10, routeFlinkDetail: 20}, 1,
			[]string{"1 non-2xx", "POST streaming/jobs/stop 1.10/job (minimum 1)"}},
	}
	for _, c := range cases {
		r := wstepResult{Routes: c.routes, Errors: c.errors}
		r.PollLo, r.PollHi = st.pollRange()
		got := stepProblems(st, r, 10)
		if len(got) < len(c.want) || (c.want == nil) != (len(got) == 0) {
			t.Errorf("%s: problems %q, want %q", c.name, got, c.want)
			continue
		}
		all := strings.Join(got, "; ")
		for _, w := range c.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: problems %q lack %q", c.name, got, w)
			}
		}
	}
}

func TestMeasureLag(t *testing.T) {
	t0 := time.UnixMilli(1_000_000)
	ms := time.Millisecond
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	status := func(id string, d time.Duration) timedLine {
		return timedLine{At: at(d), Method: "GET", Path: "/v1.0/p/jobs/" + id + "/status", Status: 200}
	}
	const a, b = "0a324461-d9d9-45da-a52a-3b3c7a3d809e", "1b324461-d9d9-45da-a52a-3b3c7a3d809e"
	jobs := []adminSQLJob{
		{JobID: a, StartTime: t0.UnixMilli(), EndTime: at(3000 * ms).UnixMilli()},
		{JobID: b, StartTime: t0.UnixMilli(), EndTime: at(2000 * ms).UnixMilli()},
	}
	lines := []timedLine{
		{At: at(0), Method: "POST", Path: "/v1.0/p/jobs/submit-job", Status: 200},
		status(a, 300*ms), status(b, 300*ms), status(a, 900*ms), status(b, 900*ms),
		status(a, 2100*ms), status(b, 2100*ms), status(a, 4500*ms),
	}
	l := measureLag(jobs, lines, at(4600*ms))
	// a: FINISHED at 3.0 s, seen at 4.5 s (interval 2.4 s); b: at 2.0 s, seen at 2.1 s (1.2 s).
	if !l.WithinInterval || l.Jobs != 2 || l.MaxLag != 1500*ms || l.MaxGap != 2400*ms || l.MaxPollsAfter != 1 ||
		l.LastEndToExit != 1600*ms || l.LastReqToExit != 100*ms || l.MedianLag != 800*ms || l.Duration != 2500*ms {
		t.Errorf("measureLag = %+v", l)
	}
	// The schedule's interval at 3.0 s is 2.4 s (the poll at 4.5 s), at 2.0 s 1.2 s (at 2.1 s).
	if r := l.MaxRatio; l.MaxSched != 2400*ms || r < 0.62 || r > 0.63 {
		t.Errorf("MaxSched = %v, MaxRatio = %v; want 2.4s, 1.5/2.4", l.MaxSched, r)
	}

	// A waiter that sleeps a fixed 20 s polls once per job: one poll after the end, but 17 s late.
	sleeper := []timedLine{status(a, 20*time.Second), status(b, 20*time.Second)}
	if l = measureLag(jobs, sleeper, at(20*time.Second)); l.WithinInterval || l.MaxPollsAfter != 1 || l.MaxGap != 20*time.Second {
		t.Errorf("a fixed 20 s sleep passed: %+v", l)
	}

	// A waiter that polls on after it saw FINISHED, one that never saw it, a job without an end.
	l = measureLag(jobs, append(lines, status(a, 4800*ms)), at(5*time.Second))
	if l.WithinInterval || l.MaxPollsAfter != 2 {
		t.Errorf("extra poll not caught: %+v", l)
	}
	if l = measureLag(jobs, lines[:7], at(5*time.Second)); l.WithinInterval {
		t.Errorf("a job never seen finished passed: %+v", l)
	}
	if l = measureLag([]adminSQLJob{{JobID: a, StartTime: t0.UnixMilli()}}, lines, at(5*time.Second)); l.WithinInterval {
		t.Errorf("a job without an end passed: %+v", l)
	}
}

func TestParseWorkloads(t *testing.T) {
	got, err := parseWorkloads(" sql, flink ")
	if err != nil || !got["sql-finished"] || !got["sql-running"] || !got["flink"] || got["batch"] {
		t.Errorf("parseWorkloads = %v %v", got, err)
	}
	for _, bad := range []string{"", ",", "spark"} {
		if _, err := parseWorkloads(bad); err == nil {
			t.Errorf("parseWorkloads(%q) accepted", bad)
		}
	}
	names := map[string]bool{}
	for _, w := range workloads(emulator.Options{JobStart: time.Second, CancelDelay: 250 * time.Millisecond}) {
		if _, err := parseWorkloads(w.Name); err != nil {
			t.Errorf("workload %s cannot be selected: %v", w.Name, err)
		}
		names[w.Name] = true
		for _, s := range w.Steps {
			if s.Config == nil || s.Check == nil || len(s.Args) == 0 {
				t.Errorf("%s %s: incomplete step", w.Name, s.Name)
			}
			if cfg := s.Config(7); !strings.Contains(cfg, "count ") || !strings.Contains(cfg, w.Resource) {
				t.Errorf("%s %s: config\n%s", w.Name, s.Name, cfg)
			}
		}
	}
	if len(names) != 3 {
		t.Errorf("workloads: %v", names)
	}
}

func sampleWorkloads() []wresult {
	lag := &lagStats{Jobs: 5, Duration: 3 * time.Second, MedianLag: time.Second, MaxLag: 1500 * time.Millisecond,
		MaxGap: 2400 * time.Millisecond, MaxSched: 2400 * time.Millisecond, MaxRatio: 0.625, MaxPollsAfter: 1, LastEndToExit: 1600 * time.Millisecond, WithinInterval: true}
	return []wresult{
		{Name: "sql-finished", Resource: "dli_sql_job", What: "statements", N: 5, P: 10, Steps: []wstepResult{
			{Name: "apply", Wall: 5 * time.Second, Routes: map[string]int{routeSQLSubmit: 5, routeSQLStatus: 20}, PollLo: 1, PollHi: 4, Lag: lag},
		}},
		{Name: "flink", Resource: "dli_flink_sql_job", What: "streaming jobs", N: 5, P: 10, Steps: []wstepResult{
			{Name: "create", Wall: 3 * time.Second, Routes: map[string]int{routeFlinkCreate: 5, routeFlinkRun: 5, routeFlinkDetail: 20},
				PollLo: 1, PollHi: 3, Problems: []string{"GET streaming/jobs/{id} 4/job (1 to 3)"}},
		}},
	}
}

func TestWorkloadReport(t *testing.T) {
	v := workloadVerdicts(sampleWorkloads())
	if len(v) != 2 || v[0].Met || !strings.Contains(v[0].Detail, "flink N=5 create: GET streaming/jobs/{id} 4/job") ||
		!v[1].Met || !strings.Contains(v[1].Detail, "0.62 of the client's poll interval") {
		t.Errorf("verdicts = %+v", v)
	}
	if v := workloadVerdicts(nil); v[0].Measured || v[1].Measured {
		t.Errorf("verdicts without workloads = %+v", v)
	}
	res := sampleResults()
	res.Workloads = sampleWorkloads()
	out := render(res)
	for _, want := range []string{
		"## SQL and Flink jobs (issues 11 and 12)",
		"### sql-finished (`dli_sql_job`)",
		"| 5 | 10 | apply | 5.00 s | 5 | `GET jobs/{id}/status` 4, `POST jobs/submit-job` 1 | 1 to 4 | 0 | yes |",
		"| 5 | 10 | 3.00 s | 1000.0 ms / 1500.0 ms | 2400.0 ms | 0.62 | 2400.0 ms | 1 | 1.60 s | 0.00 s |",
		"| 5 | 10 | create | 3.00 s | 6 |",
		"**no**: GET streaming/jobs/{id} 4/job (1 to 3)",
		"Side by side with Huawei's",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q\n%s", want, out)
		}
	}
	for _, block := range strings.Split(out, "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[0], "|") {
			continue
		}
		for _, l := range lines[1:] {
			if strings.Count(l, "|") != strings.Count(lines[0], "|") {
				t.Errorf("row and header differ in cells:\n%s\n%s", lines[0], l)
			}
		}
	}
}
