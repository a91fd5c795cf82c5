package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// wresult is one workload at one N and parallelism.
type wresult struct {
	Name, Resource, What string
	N, P                 int
	Steps                []wstepResult
}

// wstepResult is one measured step.
type wstepResult struct {
	Name         string
	Wall         time.Duration
	Routes       map[string]int // requests by apiRoute
	Errors       int            // non-2xx answers
	PollLo       int            // fewest and most polls per job allowed (pollRange)
	PollHi       int
	Problems     []string // where the requests are not at the minimum
	Lag          *lagStats
	Interference float64
}

// lagStats is how soon after its statement finished each waiter saw it, and Terraform exited.
type lagStats struct {
	Jobs           int
	Duration       time.Duration // median statement time, submit to FINISHED
	MedianLag      time.Duration // FINISHED → the answer that showed it
	MaxLag         time.Duration
	MaxGap         time.Duration // the largest measured interval between the last two polls
	MaxSched       time.Duration // the largest interval the client's schedule has at a job's end
	MaxRatio       float64       // the largest lag / the schedule's interval at the end
	MaxPollsAfter  int           // polls per job at or after its end (1 at the minimum)
	LastEndToExit  time.Duration // the last statement's end → terraform's exit
	LastReqToExit  time.Duration // the step's last API answer → terraform's exit
	WithinInterval bool          // every job: one poll after its end, within the interval in effect
}

// adminSQLJob is what the bench reads of GET /_emulator/jobs/sql.
type adminSQLJob struct {
	JobID           string `json:"job_id"`
	Status          string `json:"status"`
	StartTime       int64  `json:"start_time"`
	EndTime         int64  `json:"end_time"`
	CancelRequested bool   `json:"cancel_requested"`
}

func (e *wenv) sqlJobs() ([]adminSQLJob, error) {
	resp, err := http.Get(e.url + "/_emulator/jobs/sql") //nolint:noctx // loopback admin route of our own emulator
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var jobs []adminSQLJob
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /_emulator/jobs/sql: %s", resp.Status)
	}
	return jobs, json.NewDecoder(resp.Body).Decode(&jobs)
}

// sqlStatuses checks that the emulator holds n statements, all in status, cancelled or not.
func sqlStatuses(status string, cancelled bool) func(*wenv, int) error {
	return func(e *wenv, n int) error {
		jobs, err := e.sqlJobs()
		if err != nil {
			return err
		}
		if len(jobs) != n {
			return fmt.Errorf("emulator holds %d SQL jobs, want %d", len(jobs), n)
		}
		for _, j := range jobs {
			if j.Status != status || j.CancelRequested != cancelled {
				return fmt.Errorf("SQL job %s is %s (cancel requested: %v), want %s (%v)", j.JobID, j.Status, j.CancelRequested, status, cancelled)
			}
		}
		return nil
	}
}

// flinkRuns checks n running Flink jobs with the alarm topic, each run `runs` times, every run
// after the first stopped with a savepoint and resumed from it.
func flinkRuns(runs int, topic string) func(*wenv, int) error {
	return func(e *wenv, n int) error {
		jobs := e.srv.FlinkJobs()
		if len(jobs) != n {
			return fmt.Errorf("emulator holds %d Flink jobs, want %d", len(jobs), n)
		}
		for _, j := range jobs {
			if j.Status != "job_running" || len(j.Runs) != runs || j.SMNTopic != topic {
				return fmt.Errorf("flink job %d is %s after %d runs with topic %q, want job_running after %d with %q", j.ID, j.Status, len(j.Runs), j.SMNTopic, runs, topic)
			}
			for i := 1; i < runs; i++ {
				if !j.Runs[i-1].TriggerSavepoint || j.Runs[i].ResumedFrom == "" {
					return fmt.Errorf("flink job %d: run %d did not resume from a savepoint of the run before", j.ID, i+1)
				}
			}
		}
		return nil
	}
}

func flinkGone(e *wenv, _ int) error {
	if jobs := e.srv.FlinkJobs(); len(jobs) != 0 {
		return fmt.Errorf("emulator still holds %d Flink jobs after destroy (first: %d, %s)", len(jobs), jobs[0].ID, jobs[0].Status)
	}
	return nil
}

// runWorkload takes n jobs through every step of w at parallelism p, against a freshly reset
// emulator.
func (b *bench) runWorkload(w workload, n, p int) (wresult, error) {
	res := wresult{Name: w.Name, Resource: w.Resource, What: w.What, N: n, P: p}
	b.waitQuiet()
	b.emuW.Reset()
	ws, err := b.dliWorkspace(fmt.Sprintf("%s-n%d-p%d", w.Name, n, p), b.emuWURL)
	if err != nil {
		return res, err
	}
	env := &wenv{srv: b.emuW, url: b.emuWURL}
	for _, st := range w.Steps {
		if err := os.WriteFile(filepath.Join(ws.dir, "main.tf"), []byte(st.Config(n)), 0o600); err != nil {
			return res, err
		}
		mark, tmark := len(b.emuW.Requests()), b.timed.Len()
		before := takeCPUSnapshot()
		wall, cpu, err := ws.run(append(slices.Clone(st.Args), "-parallelism="+strconv.Itoa(p))...)
		exit := time.Now()
		if err != nil {
			return res, fmt.Errorf("%s N=%d %s: %w", w.Name, n, st.Name, err)
		}
		r := wstepResult{Name: st.Name, Wall: wall, Routes: map[string]int{}}
		r.Interference = interference(othersCPU(before, takeCPUSnapshot(), cpu), wall, runtime.NumCPU())
		for _, rec := range b.emuW.Requests()[mark:] {
			r.Routes[apiRoute(rec.Method, rec.Path)]++
			if rec.Status/100 != 2 {
				r.Errors++
			}
		}
		r.PollLo, r.PollHi = st.pollRange()
		r.Problems = stepProblems(st, r, n)
		if err := st.Check(env, n); err != nil {
			return res, fmt.Errorf("%s N=%d %s: %w", w.Name, n, st.Name, err)
		}
		if st.Lag {
			jobs, err := env.sqlJobs()
			if err != nil {
				return res, err
			}
			r.Lag = measureLag(jobs, b.timed.Since(tmark), exit)
		}
		fmt.Fprintf(os.Stderr, "   %-12s N=%-3d p=%-2d %-19s %7.2fs  requests %-4d %s  others %2.0f%%\n", w.Name, n, p, st.Name,
			wall.Seconds(), total(r.Routes), okText(len(r.Problems) == 0), 100*r.Interference)
		res.Steps = append(res.Steps, r)
	}
	return res, nil
}

func okText(ok bool) string {
	if ok {
		return "at the minimum"
	}
	return "NOT at the minimum"
}

func total(routes map[string]int) int {
	t := 0
	for _, c := range routes {
		t += c
	}
	return t
}

// stepProblems compares a step's requests with its minimum: every fixed route exactly, the
// polled route within the poll range, nothing else, no error answer.
func stepProblems(st wstep, r wstepResult, n int) []string {
	var out []string
	if r.Errors > 0 {
		out = append(out, fmt.Sprintf("%d non-2xx answers", r.Errors))
	}
	for _, route := range sortedRoutes(r.Routes, st.Fixed) {
		got := r.Routes[route]
		switch want, fixed := st.Fixed[route]; {
		case fixed && got != want*n:
			out = append(out, fmt.Sprintf("%s %s/job (minimum %d)", route, fmtPerJob(perJob(got, n)), want))
		case route == st.Poll && (got < r.PollLo*n || got > r.PollHi*n):
			out = append(out, fmt.Sprintf("%s %s/job (%d to %d)", route, fmtPerJob(perJob(got, n)), r.PollLo, r.PollHi))
		case !fixed && route != st.Poll && got > 0:
			out = append(out, fmt.Sprintf("%s %s/job (minimum 0)", route, fmtPerJob(perJob(got, n))))
		}
	}
	if st.Poll != "" && r.Routes[st.Poll] == 0 && r.PollLo > 0 {
		out = append(out, fmt.Sprintf("%s 0/job (%d to %d)", st.Poll, r.PollLo, r.PollHi))
	}
	return out
}

// sortedRoutes is every route seen or expected, sorted.
func sortedRoutes(seen, fixed map[string]int) []string {
	set := map[string]bool{}
	for r := range seen {
		set[r] = true
	}
	for r := range fixed {
		set[r] = true
	}
	out := make([]string, 0, len(set))
	for r := range set {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// measureLag finds, for each statement, the first status answer at or after its end: how long
// after the end it came, against the interval the client's schedule has at that point; and the
// measured interval (the time since the poll before, or since the submit for a first poll).
func measureLag(jobs []adminSQLJob, lines []timedLine, exit time.Time) *lagStats {
	polls := map[string][]time.Time{}
	var lastReq time.Time
	for _, l := range lines {
		lastReq = l.At
		if l.Method == http.MethodGet && strings.HasSuffix(l.Path, "/status") {
			id := jobOfPath(l.Path)
			polls[id] = append(polls[id], l.At)
		}
	}
	st := &lagStats{WithinInterval: true, LastReqToExit: exit.Sub(lastReq)}
	var lags, durs []time.Duration
	var lastEnd time.Time
	for _, j := range jobs {
		start, end := time.UnixMilli(j.StartTime), time.UnixMilli(j.EndTime)
		if j.EndTime == 0 {
			st.WithinInterval = false
			continue
		}
		st.Jobs++
		durs = append(durs, end.Sub(start))
		if end.After(lastEnd) {
			lastEnd = end
		}
		ps := polls[j.JobID]
		i := sort.Search(len(ps), func(k int) bool { return !ps[k].Before(end) })
		if i == len(ps) {
			st.WithinInterval = false
			continue
		}
		prev := start
		if i > 0 {
			prev = ps[i-1]
		}
		// The bound is the client's documented schedule, not the measured gap: a waiter that slept
		// a fixed 20 s would have a 20 s gap too.
		lag, gap := ps[i].Sub(end), ps[i].Sub(prev)
		sched := scheduleInterval(end.Sub(start), client.DefaultPollInterval, client.DefaultPollIntervalMax)
		lags = append(lags, lag)
		st.MaxLag, st.MaxGap, st.MaxSched = max(st.MaxLag, lag), max(st.MaxGap, gap), max(st.MaxSched, sched)
		st.MaxRatio = max(st.MaxRatio, float64(lag)/float64(sched))
		st.MaxPollsAfter = max(st.MaxPollsAfter, len(ps)-i)
		if lag > sched || len(ps)-i != 1 {
			st.WithinInterval = false
		}
	}
	st.MedianLag, st.Duration = median(lags), median(durs)
	if !lastEnd.IsZero() {
		st.LastEndToExit = exit.Sub(lastEnd)
	}
	if st.Jobs == 0 || st.Jobs != len(jobs) {
		st.WithinInterval = false
	}
	return st
}

// startWorkloadEmulator starts the emulator of the SQL and Flink scenarios: latency 0, the
// default job start and cancel delay, and an access log with times.
func startWorkloadEmulator(log *timedLog) (*emulator.Server, string, error) {
	srv, err := emulator.New(emulator.Options{Queues: []string{emulator.DefaultQueue}, JobRun: time.Hour, AccessLog: log})
	if err != nil {
		return nil, "", err
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	return srv, url, nil
}
