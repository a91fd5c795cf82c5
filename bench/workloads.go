package main

import (
	"fmt"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// The SQL and Flink scenarios: N jobs of one resource type taken through a sequence of Terraform
// commands, each judged on the requests per job it needs at the minimum.

// API operations, as apiRoute names them.
const (
	routeSQLSubmit   = "POST jobs/submit-job"
	routeSQLStatus   = "GET jobs/{id}/status"
	routeSQLCancel   = "DELETE jobs/{id}"
	routeFlinkCreate = "POST streaming/sql-jobs"
	routeFlinkUpdate = "PUT streaming/sql-jobs/{id}"
	routeFlinkRun    = "POST streaming/jobs/run"
	routeFlinkStop   = "POST streaming/jobs/stop"
	routeFlinkDetail = "GET streaming/jobs/{id}"
	routeFlinkDelete = "DELETE streaming/jobs/{id}"
)

// sqlRun is how long the bench's finished statements run (after the emulator's job start).
const sqlRun = 2 * time.Second

// workload is one scenario.
type workload struct {
	Name, Resource, What string
	Steps                []wstep
}

// wstep is one Terraform command of a workload.
type wstep struct {
	Name   string
	Args   []string           // terraform subcommand and flags; -parallelism is added
	Config func(n int) string // the configuration the command runs on
	// Fixed are the exact requests per job of each route other than the polled one. Poll is the
	// route the waiters poll; PollBase its reads per job that are not polls (the refresh before
	// an update or destroy). Waits are the waits per job, each the time from the request that
	// starts it to the state it waits for: at least one poll each, at most as many as the
	// waiter's schedule needs to cover it (schedulePolls).
	Fixed    map[string]int
	Poll     string
	PollBase int
	Waits    []time.Duration
	// Lag: measure how soon after its statement finished each waiter saw it (SQL apply).
	Lag   bool
	Check func(e *wenv, n int) error
}

// wenv is what a step's check may look at.
type wenv struct {
	srv *emulator.Server
	url string
}

// schedulePolls is how many polls the waiter's schedule (first after interval, then doubling up
// to maxInterval) takes to reach a state d after the wait began.
func schedulePolls(d, interval, maxInterval time.Duration) int {
	polls, at, next := 1, interval, interval
	for at < d {
		next = min(2*next, maxInterval)
		at += next
		polls++
	}
	return polls
}

// scheduleInterval is the interval of the schedule's poll that first reaches d: how long after d
// a waiter on that schedule may see the state at most.
func scheduleInterval(d, interval, maxInterval time.Duration) time.Duration {
	at, next := interval, interval
	for at < d {
		next = min(2*next, maxInterval)
		at += next
	}
	return next
}

// pollRange is the fewest and most reads of the polled route per job a step may take, on the
// client's default schedule (the provider sets no other).
func (s wstep) pollRange() (lo, hi int) {
	for _, w := range s.Waits {
		lo++
		hi += schedulePolls(w, client.DefaultPollInterval, client.DefaultPollIntervalMax)
	}
	return s.PollBase + lo, s.PollBase + hi
}

func sqlConfig(waitFor string, run time.Duration) func(int) string {
	return func(n int) string {
		return providerBlock + fmt.Sprintf(`resource "dli_sql_job" "job" {
  count    = %d
  sql      = "INSERT INTO bench_totals SELECT ${count.index}"
  queue    = %q
  wait_for = %q
  conf = {
    "emulator.run_duration" = %q
  }
}
`, n, emulator.DefaultQueue, waitFor, run.String())
	}
}

func flinkConfig(topic string, version int) func(int) string {
	return func(n int) string {
		return providerBlock + fmt.Sprintf(`resource "dli_flink_sql_job" "job" {
  count              = %d
  name               = "bench-${count.index}"
  queue              = %q
  sql                = "INSERT INTO sink_%d SELECT * FROM source"
  checkpoint_enabled = true
  obs_bucket         = "bench-checkpoints"
  smn_topic          = %q
}
`, n, emulator.DefaultQueue, version, topic)
	}
}

const providerBlock = `terraform {
  required_providers {
    dli = {
      source = "dli-tf/dli"
    }
  }
}

provider "dli" {}

`

var (
	argsApply   = []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	argsRefresh = []string{"plan", "-refresh-only", "-input=false", "-no-color"}
	argsDestroy = []string{"destroy", "-auto-approve", "-input=false", "-no-color"}
)

// workloads are the scenarios, given the emulator's options (its job start and cancel delay
// are the waits).
func workloads(o emulator.Options) []workload {
	finished, running := sqlConfig("finished", sqlRun), sqlConfig("running", time.Hour)
	return []workload{{
		Name: "sql-finished", Resource: "dli_sql_job",
		What: fmt.Sprintf("INSERT statements with the default `wait_for = \"finished\"`, each running %s after the emulator's %s of LAUNCHING; destroy has nothing to cancel", sqlRun, o.JobStart),
		Steps: []wstep{
			{Name: "apply", Args: argsApply, Config: finished, Fixed: map[string]int{routeSQLSubmit: 1},
				Poll: routeSQLStatus, Waits: []time.Duration{o.JobStart + sqlRun}, Lag: true, Check: sqlStatuses("FINISHED", false)},
			{Name: "refresh", Args: argsRefresh, Config: finished, Poll: routeSQLStatus, PollBase: 1, Check: sqlStatuses("FINISHED", false)},
			{Name: "destroy", Args: argsDestroy, Config: finished, Poll: routeSQLStatus, PollBase: 1, Check: sqlStatuses("FINISHED", false)},
		},
	}, {
		Name: "sql-running", Resource: "dli_sql_job",
		What: "statements running for an hour, applied with `wait_for = \"running\"`; destroy cancels each and waits until DLI reports it CANCELLED",
		Steps: []wstep{
			{Name: "apply", Args: argsApply, Config: running, Fixed: map[string]int{routeSQLSubmit: 1},
				Poll: routeSQLStatus, Waits: []time.Duration{o.JobStart}, Check: sqlStatuses("RUNNING", false)},
			{Name: "destroy", Args: argsDestroy, Config: running, Fixed: map[string]int{routeSQLCancel: 1},
				Poll: routeSQLStatus, PollBase: 1, Waits: []time.Duration{o.CancelDelay}, Check: sqlStatuses("CANCELLED", true)},
		},
	}, {
		Name: "flink", Resource: "dli_flink_sql_job",
		What: "streaming jobs with checkpoint storage: created and run (`wait_for = \"running\"`), an alarm topic changed on the running jobs, the SQL changed (stop with a savepoint, update, run resuming from it), destroyed (stop with a savepoint, delete)",
		Steps: []wstep{
			{Name: "create", Args: argsApply, Config: flinkConfig("alarms-a", 1),
				Fixed: map[string]int{routeFlinkCreate: 1, routeFlinkRun: 1},
				Poll:  routeFlinkDetail, Waits: []time.Duration{o.JobStart}, Check: flinkRuns(1, "alarms-a")},
			{Name: "refresh", Args: argsRefresh, Config: flinkConfig("alarms-a", 1), Poll: routeFlinkDetail, PollBase: 1, Check: flinkRuns(1, "alarms-a")},
			{Name: "update in place", Args: argsApply, Config: flinkConfig("alarms-b", 1),
				Fixed: map[string]int{routeFlinkUpdate: 1}, Poll: routeFlinkDetail, PollBase: 1, Check: flinkRuns(1, "alarms-b")},
			{Name: "update with restart", Args: argsApply, Config: flinkConfig("alarms-b", 2),
				Fixed: map[string]int{routeFlinkStop: 1, routeFlinkUpdate: 1, routeFlinkRun: 1},
				Poll:  routeFlinkDetail, PollBase: 1, Waits: []time.Duration{o.CancelDelay, o.JobStart}, Check: flinkRuns(2, "alarms-b")},
			{Name: "destroy", Args: argsDestroy, Config: flinkConfig("alarms-b", 2),
				Fixed: map[string]int{routeFlinkStop: 1, routeFlinkDelete: 1},
				Poll:  routeFlinkDetail, PollBase: 1, Waits: []time.Duration{o.CancelDelay}, Check: flinkGone},
		},
	}}
}
