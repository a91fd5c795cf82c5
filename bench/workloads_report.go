package main

import (
	"fmt"
	"sort"
	"strings"
)

// workloadVerdicts judges the SQL and Flink targets of issues 11 and 12.
func workloadVerdicts(ws []wresult) []verdict {
	req := verdict{Target: "SQL and Flink requests per job at the minimum (each operation exactly as needed, polls within the waiter's schedule, no error answer)", Met: true}
	lag := verdict{Target: "SQL apply returns within one poll interval of the statement finishing (no fixed sleep)", Met: true}
	var bad, lags []string
	for _, w := range ws {
		for _, s := range w.Steps {
			req.Measured = true
			if len(s.Problems) > 0 {
				req.Met = false
				bad = append(bad, fmt.Sprintf("%s N=%d %s: %s", w.Name, w.N, s.Name, strings.Join(s.Problems, ", ")))
			}
			if l := s.Lag; l != nil {
				lag.Measured = true
				lag.Met = lag.Met && l.WithinInterval
				lags = append(lags, fmt.Sprintf("N=%d: each waiter saw FINISHED at most %s after the end, %.2f of the client's poll interval at that point (≤ %s), with %d poll after the end%s",
					w.N, fmtMs(l.MaxLag), l.MaxRatio, fmtMs(l.MaxSched), l.MaxPollsAfter, mark(l.WithinInterval)))
			}
		}
	}
	if req.Measured && len(bad) == 0 {
		bad = []string{"every step of every scenario"}
	}
	req.Detail, lag.Detail = strings.Join(bad, "; "), strings.Join(lags, "; ")
	return []verdict{req, lag}
}

// renderWorkloads writes the SQL and Flink sections.
func renderWorkloads(sb *strings.Builder, res *results) {
	if len(res.Workloads) == 0 {
		return
	}
	w := func(format string, a ...any) { fmt.Fprintf(sb, format, a...) }
	w("## SQL and Flink jobs (issues 11 and 12)\n\n| target | status | measured |\n|---|---|---|\n")
	for _, v := range workloadVerdicts(res.Workloads) {
		w("| %s | %s | %s |\n", v.Target, v.status(), v.Detail)
	}
	w("\n")
	seen := map[string]bool{}
	for _, r := range res.Workloads {
		if seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		w("### %s (`%s`)\n\n%s.\n\n", r.Name, r.Resource, upperFirst(r.What))
		w("| N | p | step | wall | requests/job | per job, by operation | reads of the polled route allowed/job | non-2xx | at the minimum | others |\n")
		w("|--:|--:|---|--:|--:|---|--:|--:|---|--:|\n")
		for _, o := range res.Workloads {
			if o.Name != r.Name {
				continue
			}
			for _, s := range o.Steps {
				ok := "yes"
				if len(s.Problems) > 0 {
					ok = "**no**: " + strings.Join(s.Problems, ", ")
				}
				w("| %d | %d | %s | %s | %s | %s | %s | %d | %s | %.0f%% |\n", o.N, o.P, s.Name, fmtSec(s.Wall),
					fmtPerJob(perJob(total(s.Routes), o.N)), routesCell(s.Routes, o.N), pollsCell(s.PollLo, s.PollHi), s.Errors, ok, 100*s.Interference)
			}
		}
		w("\n")
		renderLag(sb, res, r.Name)
	}
	w("*Side by side with Huawei's `huaweicloud_dli_sql_job`, `huaweicloud_dli_flinksql_job` and " +
		"`huaweicloud_dli_flinkjar_job`: not measured. Their provider is not runnable in this environment, so there is " +
		"no run of theirs to compare with.*\n\n")
}

// renderLag writes the wait measurement of a scenario's apply, if it has one.
func renderLag(sb *strings.Builder, res *results, name string) {
	w := func(format string, a ...any) { fmt.Fprintf(sb, format, a...) }
	header := false
	for _, o := range res.Workloads {
		for _, s := range o.Steps {
			l := s.Lag
			if o.Name != name || l == nil {
				continue
			}
			if !header {
				w("How soon apply saw each statement finish (from the emulator's end time and the time of each status answer):\n\n")
				w("| N | p | statement time (median) | FINISHED → the answer showing it: median / max | the client's poll interval at the end (max) | lag ÷ that interval (max) | measured interval of the last two polls (max) | polls after the end (max) | last end → terraform exit | of which after the last request |\n")
				w("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
				header = true
			}
			w("| %d | %d | %s | %s / %s | %s | %.2f | %s | %d | %s | %s |\n", o.N, o.P, fmtSec(l.Duration), fmtMs(l.MedianLag),
				fmtMs(l.MaxLag), fmtMs(l.MaxSched), l.MaxRatio, fmtMs(l.MaxGap), l.MaxPollsAfter, fmtSec(l.LastEndToExit), fmtSec(l.LastReqToExit))
		}
	}
	if header {
		w("\n")
	}
}

// routesCell lists the requests per job of each operation, most frequent first.
func routesCell(routes map[string]int, n int) string {
	names := make([]string, 0, len(routes))
	for r := range routes {
		names = append(names, r)
	}
	sort.Slice(names, func(i, j int) bool {
		if routes[names[i]] != routes[names[j]] {
			return routes[names[i]] > routes[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, r := range names {
		parts[i] = fmt.Sprintf("`%s` %s", r, fmtPerJob(perJob(routes[r], n)))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func pollsCell(lo, hi int) string {
	switch {
	case hi == 0:
		return "0"
	case lo == hi:
		return fmt.Sprint(lo)
	default:
		return fmt.Sprintf("%d to %d", lo, hi)
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// workloadNotes explain the SQL and Flink measurements in the report's method section.
func workloadNotes(o emulatorTimes, interval, maxInterval string) []string {
	return []string{
		fmt.Sprintf("**SQL and Flink scenarios.** For each N of `-jobs-n`, at `-jobs-parallelism`, one working directory per "+
			"scenario runs its steps in order (each step writes its main.tf and runs one terraform command, with the same "+
			"CLI configuration and provider environment as above) against a third in-process emulator at latency 0 (job "+
			"start %s, cancel delay %s, reset between scenarios). Each runs once: times are single runs. Requests come "+
			"from the emulator's request log, grouped by operation (method and route, job IDs as `{id}`). A step is at the "+
			"minimum when it sends each operation it needs exactly once per job, reads the polled route once per job for "+
			"its refresh (updates and destroy), and polls each wait at least once and at most as often as the waiter's "+
			"schedule (first poll after %s, the interval doubling up to %s) needs to cover the emulator's delay for that "+
			"wait; any other request counts against it.", o.start, o.cancel, interval, maxInterval),
		"**SQL wait.** The emulator's access log (`Options.AccessLog`) is timed line by line as each answer leaves; each " +
			"statement's end is its `end_time` on `GET /_emulator/jobs/sql`. For each statement the first status answer at " +
			"or after its end is the one that showed FINISHED: its distance to the end is the lag, and its distance to the " +
			"poll before it (or to the submit) the measured interval. The target is met when every statement had exactly " +
			"one poll after its end and a lag of at most the interval the client's schedule has at the statement's end " +
			"(for a statement of duration d: the interval of the schedule's first poll at or after d; a fixed 20-second " +
			"sleep would fail it): apply waits no longer than one poll interval past the end, with no fixed sleep. *last end → terraform exit* adds what follows the last answer " +
			"(*of which after the last request*: Terraform writing its state and exiting).",
	}
}

// emulatorTimes are the emulator's delays the notes name.
type emulatorTimes struct{ start, cancel string }
