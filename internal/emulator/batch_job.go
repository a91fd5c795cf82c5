package emulator

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"
)

// Job states (§8).
const (
	StateStarting   = "starting"
	StateRunning    = "running"
	StateRecovering = "recovering"
	StateSuccess    = "success"
	StateDead       = "dead"
)

// Reserved Spark conf keys that steer a job in the emulator.
const (
	ConfOutcome     = "emulator.outcome"      // "success" (default) | "dead"
	ConfRunDuration = "emulator.run_duration" // Go duration, overrides Options.JobRun
)

func terminal(state string) bool { return state == StateSuccess || state == StateDead }

// job is the stored form of a batch job. Everything that decides its life
// cycle is fixed when it is created (or cancelled), so its state at any
// instant is a pure function of the clock. It is also the state-file format.
type job struct {
	ID           string          `json:"id"`
	Seq          int64           `json:"seq"`
	Name         string          `json:"name"`
	Queue        string          `json:"queue"`
	Owner        string          `json:"owner"`
	ScType       string          `json:"sc_type"`
	Feature      string          `json:"feature"`
	SparkVersion string          `json:"spark_version"`
	Image        string          `json:"image"`
	File         string          `json:"file"`
	ClassName    string          `json:"class_name"`
	ReqBody      string          `json:"req_body"`
	Conf         json.RawMessage `json:"conf,omitempty"`
	AutoRecovery bool            `json:"auto_recovery"`
	MaxRetry     int             `json:"max_retry_times"`
	Outcome      string          `json:"outcome"`
	CreatedAt    time.Time       `json:"created_at"`
	StartDelay   time.Duration   `json:"start_delay"`
	RunDuration  time.Duration   `json:"run_duration"`
	Retries      int             `json:"retries"`
	CancelAt     time.Time       `json:"cancel_at"`
	DeadAt       time.Time       `json:"dead_at"`

	// events is the rendered driver log of the whole (fixed) timeline,
	// computed by render after creation, cancel or load; it is replaced,
	// never modified in place, so copies of a job may share it.
	events []logLine
}

// render (re)computes the job's driver log; call it whenever the timeline
// changes, before the job is shared.
func (j *job) render() { j.events = j.buildEvents() }

func (j *job) cancelled() bool { return !j.CancelAt.IsZero() }

// phase is one segment of the natural (uncancelled) timeline.
type phase struct {
	state   string
	from    time.Time
	attempt int
}

// phases returns the natural timeline: starting, then for each attempt
// running (and recovering between attempts), then the final state. It
// appends to buf (pass a small array's slice to avoid allocating).
func (j *job) phases(buf []phase) []phase {
	ph := buf[:0]
	t := j.CreatedAt
	ph = append(ph, phase{StateStarting, t, 0})
	t = t.Add(j.StartDelay)
	for a := 0; ; a++ {
		ph = append(ph, phase{StateRunning, t, a})
		t = t.Add(j.RunDuration)
		if a == j.Retries {
			ph = append(ph, phase{j.Outcome, t, a})
			return ph
		}
		ph = append(ph, phase{StateRecovering, t, a + 1})
		t = t.Add(j.StartDelay)
	}
}

// phaseIndex is the index of the phase in effect at t (phases of zero
// length are skipped; before creation the job counts as starting).
func phaseIndex(ph []phase, t time.Time) int {
	cur := 0
	for i := range ph {
		if !ph[i].from.After(t) {
			cur = i
		}
	}
	return cur
}

// view is a job as seen at one instant.
type view struct {
	state    string
	updated  time.Time
	appID    string
	duration time.Duration
	attempt  int
}

// at computes the job's view at now. After a cancel at T the natural
// timeline is frozen at T; the job becomes dead at DeadAt.
func (j *job) at(now time.Time) view {
	var buf [5]phase
	ph := j.phases(buf[:0])
	cutoff := now
	if j.cancelled() && now.After(j.CancelAt) {
		cutoff = j.CancelAt
	}
	cur := phaseIndex(ph, cutoff)
	v := view{state: ph[cur].state, updated: ph[cur].from, attempt: ph[cur].attempt}
	firstRun := ph[1].from
	ran := cur >= 1
	end := now
	if terminal(v.state) {
		end = ph[cur].from
	}
	if j.cancelled() && !now.Before(j.DeadAt) {
		v.state, v.updated, end = StateDead, j.DeadAt, j.DeadAt
	}
	if ran {
		v.appID = j.appID(firstRun)
		if d := end.Sub(firstRun); d > 0 {
			v.duration = d
		}
	}
	return v
}

func (j *job) appID(firstRun time.Time) string {
	return fmt.Sprintf("application_%d_%04d", firstRun.UnixMilli(), j.Seq%10000)
}

// logLine is one driver log line with the attempt it belongs to.
type logLine struct {
	at      time.Time
	attempt int
	text    string
}

func sparkTime(t time.Time) string { return t.UTC().Format("06/01/02 15:04:05") }

// logLines returns the job's driver log as of now. attempt < 0 means all
// attempts.
func (j *job) logLines(now time.Time, attempt int) []string {
	events := j.events
	if events == nil {
		events = j.buildEvents()
	}
	out := make([]string, 0, len(events))
	for _, l := range events {
		if l.at.After(now) || (attempt >= 0 && l.attempt != attempt) {
			continue
		}
		out = append(out, l.text)
	}
	return out
}

// buildEvents renders every line of the job's timeline, with its time.
func (j *job) buildEvents() []logLine {
	lines := make([]logLine, 0, 24)
	add := func(t time.Time, a int, level, logger, format string, args ...any) {
		lines = append(lines, logLine{t, a, sparkTime(t) + " " + level + " " + logger + ": " + fmt.Sprintf(format, args...)})
	}
	raw := func(t time.Time, a int, text string) { lines = append(lines, logLine{t, a, text}) }

	ph := j.phases(nil)
	firstRun := ph[1].from
	appID := j.appID(firstRun)
	mainClass := j.ClassName
	if mainClass == "" {
		mainClass = "org.apache.spark.deploy.PythonRunner"
	}
	appName := j.Name
	if appName == "" {
		appName = path.Base(j.File)
	}
	c := j.CreatedAt
	add(c, 0, "INFO", "DLIBatchSubmitter", "Received batch job %s from user %s", j.ID, j.Owner)
	add(c, 0, "INFO", "DLIBatchSubmitter", "Queue %s, sc_type %s, feature %s, spark_version %s", j.Queue, j.ScType, j.Feature, j.SparkVersion)
	add(c, 0, "INFO", "DLIBatchSubmitter", "Waiting for resources of queue %s", j.Queue)
	for i := 1; i < len(ph); i++ {
		p := ph[i]
		switch p.state {
		case StateRunning:
			add(p.from, p.attempt, "INFO", "SparkContext", "Running Spark version %s", j.SparkVersion)
			add(p.from, p.attempt, "INFO", "SparkContext", "Submitted application: %s", appName)
			add(p.from, p.attempt, "INFO", "YarnClientImpl", "Submitted application %s (attempt %d)", appID, p.attempt+1)
			add(p.from, p.attempt, "INFO", "DAGScheduler", "Got job 0 (main at %s) with 2 output partitions", path.Base(j.File))
		case StateRecovering:
			j.failureLines(add, raw, p.from, p.attempt-1, mainClass)
			add(p.from, p.attempt, "WARN", "DLIBatchSubmitter", "Attempt %d of batch job %s failed; auto_recovery is enabled, recovering (retry %d of %d)", p.attempt, j.ID, p.attempt, j.MaxRetry)
		case StateSuccess:
			took := float64(j.RunDuration) / float64(time.Second)
			add(p.from, p.attempt, "INFO", "DAGScheduler", "Job 0 finished: main at %s, took %.3f s", path.Base(j.File), took)
			add(p.from, p.attempt, "INFO", "SparkContext", "Successfully stopped SparkContext")
			add(p.from, p.attempt, "INFO", "ShutdownHookManager", "Shutdown hook called")
			add(p.from, p.attempt, "INFO", "DLIBatchSubmitter", "Batch job %s finished with state success", j.ID)
		case StateDead:
			j.failureLines(add, raw, p.from, p.attempt, mainClass)
			add(p.from, p.attempt, "ERROR", "DLIBatchSubmitter", "Batch job %s failed: application %s finished with failed status", j.ID, appID)
		}
	}
	// Cancellation: drop natural lines after the cancel and add the kill.
	if j.cancelled() {
		v := ph[phaseIndex(ph, j.CancelAt)]
		kept := lines[:0]
		for _, l := range lines {
			if !l.at.After(j.CancelAt) {
				kept = append(kept, l)
			}
		}
		lines = kept
		add(j.CancelAt, v.attempt, "INFO", "DLIBatchSubmitter", "Received cancel request for batch job %s from user %s", j.ID, j.Owner)
		if v.state != StateStarting {
			// The application was running (or recovering): YARN kills it.
			add(j.DeadAt, v.attempt, "ERROR", "ApplicationMaster", "RECEIVED SIGNAL TERM")
			add(j.DeadAt, v.attempt, "INFO", "SparkContext", "SparkContext stopped")
		}
		add(j.DeadAt, v.attempt, "INFO", "DLIBatchSubmitter", "Batch job %s was killed by user request", j.ID)
	}
	return lines
}

// failureLines appends a believable Spark failure with an exception.
func (j *job) failureLines(add func(time.Time, int, string, string, string, ...any), raw func(time.Time, int, string), t time.Time, a int, mainClass string) {
	cause := fmt.Sprintf("java.lang.RuntimeException: emulated failure (%s=%s)", ConfOutcome, j.Outcome)
	add(t, a, "WARN", "TaskSetManager", "Lost task 0.3 in stage 0.0 (TID 3, executor 1): %s", cause)
	add(t, a, "ERROR", "TaskSetManager", "Task 0 in stage 0.0 failed 4 times; aborting job")
	raw(t, a, "Exception in thread \"main\" org.apache.spark.SparkException: Job aborted due to stage failure: "+
		"Task 0 in stage 0.0 failed 4 times, most recent failure: Lost task 0.3 in stage 0.0 (TID 3, executor 1): "+cause)
	raw(t, a, "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:1651)")
	raw(t, a, "\tat org.apache.spark.scheduler.DAGScheduler.abortStage(DAGScheduler.scala:1639)")
	raw(t, a, "\tat "+mainClass+".main("+shortName(mainClass)+".scala)")
	add(t, a, "INFO", "ShutdownHookManager", "Shutdown hook called")
}

func shortName(class string) string {
	if i := strings.LastIndexByte(class, '.'); i >= 0 {
		return class[i+1:]
	}
	return class
}

// lastN returns the last n elements of s (never nil).
func lastN(s []string, n int) []string {
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return append([]string{}, s...)
}
