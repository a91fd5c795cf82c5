package emulator

import (
	"fmt"
	"strings"
	"time"
)

// The life cycle of a Flink job on the emulator's clock. As with batch
// jobs, nothing moves by itself: every run and stop fixes a timeline when
// it is accepted, and a job's status at any instant is a pure function of
// the clock.
//
//	create ─► job_init ─run─► job_submitting ─► job_running (until stopped)
//	                               │                 ├─► job_running_exception (outcome failed)
//	                               │                 └─► job_finish            (outcome finished)
//	                               └─► job_submit_fail (outcome failed, run_duration 0)
//	stop (submitting or running) ─► job_canceling ─► job_cancel_success ─run─► job_submitting …

// Reserved runtime_config keys that script a job's runs.
const (
	FlinkConfOutcome     = "emulator.outcome"      // running (default) | failed | finished
	FlinkConfRunDuration = "emulator.run_duration" // Go duration; default Options.JobRun
)

const (
	flinkOutcomeRunning  = "running"
	flinkOutcomeFailed   = "failed"
	flinkOutcomeFinished = "finished"
)

var flinkOutcomes = []string{flinkOutcomeRunning, flinkOutcomeFailed, flinkOutcomeFinished}

// flinkJob is the stored form of a Flink job (and its state-file format).
type flinkJob struct {
	ID        int64       `json:"id"`
	Jar       bool        `json:"jar"`
	Owner     string      `json:"owner"`
	Project   string      `json:"project"`
	Config    flinkConfig `json:"config"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"` // last create or update
	Runs      []flinkRun  `json:"runs"`       // oldest first
}

// flinkRun is one accepted run request and what followed it.
type flinkRun struct {
	At          time.Time     `json:"at"`
	Submit      time.Duration `json:"submit"` // time spent submitting
	Outcome     string        `json:"outcome"`
	RunFor      time.Duration `json:"run_for"` // running time before a failed or finished outcome
	Resume      bool          `json:"resume_savepoint"`
	ResumedFrom string        `json:"resumed_from,omitempty"` // savepoint the run restored
	StopAt      time.Time     `json:"stop_at,omitzero"`
	StopFor     time.Duration `json:"stop_for"`
	Trigger     bool          `json:"trigger_savepoint"`
	Savepoint   string        `json:"savepoint,omitempty"` // written when the stop completes
}

func (j *flinkJob) clone() flinkJob {
	cp := *j
	cp.Config = j.Config.clone()
	cp.Runs = append([]flinkRun(nil), j.Runs...)
	return cp
}

func (r *flinkRun) stopped() bool { return !r.StopAt.IsZero() }

// flinkView is a job as seen at one instant.
type flinkView struct {
	status    string
	desc      string
	since     time.Time // when the status was entered
	started   time.Time // the latest run's request (zero: never run)
	duration  time.Duration
	savepoint string // the latest completed savepoint
}

// at computes the run's status at now (now is never before r.At).
func (r *flinkRun) at(now time.Time) (status, desc string, since time.Time, ran time.Duration) {
	runFrom := r.At.Add(r.Submit)
	end := runFrom.Add(r.RunFor)
	natural := func(t time.Time) (string, string, time.Time) {
		switch {
		case t.Before(runFrom):
			return FlinkSubmitting, "", r.At
		case r.Outcome == flinkOutcomeFailed && r.RunFor == 0:
			return FlinkSubmitFail, "Failed to submit the job: emulated failure (" + FlinkConfOutcome + "=failed)", runFrom
		case r.Outcome == flinkOutcomeRunning || t.Before(end):
			return FlinkRunning, "", runFrom
		case r.Outcome == flinkOutcomeFailed:
			return FlinkRunningException, "The job stopped running due to an exception: emulated failure (" + FlinkConfOutcome + "=failed)", end
		default:
			return FlinkFinish, "", end
		}
	}
	cut := now
	if r.stopped() && now.After(r.StopAt) {
		cut = r.StopAt
	}
	status, desc, since = natural(cut)
	switch status {
	case FlinkRunning:
		ran = cut.Sub(runFrom)
	case FlinkRunningException, FlinkFinish:
		ran = r.RunFor
	}
	if r.stopped() && !now.Before(r.StopAt) {
		status, desc, since = FlinkCanceling, "", r.StopAt
		if done := r.StopAt.Add(r.StopFor); !now.Before(done) {
			status, since = FlinkCancelSuccess, done
		}
	}
	return status, desc, since, ran
}

func (j *flinkJob) at(now time.Time) flinkView {
	v := flinkView{status: FlinkInit, since: j.CreatedAt}
	for i := range j.Runs {
		r := &j.Runs[i]
		if r.Savepoint != "" && !now.Before(r.StopAt.Add(r.StopFor)) {
			v.savepoint = r.Savepoint
		}
	}
	if n := len(j.Runs); n > 0 {
		r := &j.Runs[n-1]
		v.status, v.desc, v.since, v.duration = r.at(now)
		v.started = r.At
	}
	return v
}

// runtime returns the job's scripted outcome and run duration.
func (j *flinkJob) runtime(defaultRun time.Duration) (string, time.Duration) {
	outcome, runFor := flinkOutcomeRunning, defaultRun
	kv, _ := parseRuntimeConfig(j.Config.RuntimeConfig) // validated on create and update
	if v, ok := kv[FlinkConfOutcome]; ok {
		outcome = v
	}
	if v, ok := kv[FlinkConfRunDuration]; ok {
		runFor, _ = time.ParseDuration(v)
	}
	return outcome, runFor
}

// storageBucket is the OBS bucket savepoints go to: obs_bucket, else the
// bucket of a Jar job's checkpoint_path ("" if neither is set).
func (j *flinkJob) storageBucket() string {
	if j.Config.ObsBucket != "" {
		return j.Config.ObsBucket
	}
	p := strings.TrimPrefix(j.Config.CheckpointPath, "obs://")
	b, _, _ := strings.Cut(p, "/")
	return b
}

// startRun records an accepted run request (the caller checked the state).
func (j *flinkJob) startRun(now time.Time, o *Options, resume bool) {
	outcome, runFor := j.runtime(o.JobRun)
	r := flinkRun{At: now, Submit: o.JobStart, Outcome: outcome, RunFor: runFor, Resume: resume}
	if resume {
		r.ResumedFrom = j.at(now).savepoint
	}
	j.Runs = append(j.Runs, r)
}

// stopRun records an accepted stop of the latest run. A savepoint is taken
// only when the job was running (a job still submitting has no state yet).
func (j *flinkJob) stopRun(now time.Time, o *Options, trigger bool) {
	r := &j.Runs[len(j.Runs)-1]
	status, _, _, _ := r.at(now)
	r.StopAt, r.StopFor, r.Trigger = now, o.CancelDelay, trigger
	if trigger && status == FlinkRunning {
		r.Savepoint = fmt.Sprintf("obs://%s/jobs/savepoint/%d/%s/", j.storageBucket(), j.ID, now.UTC().Format("2006-01-02_15-04-05"))
	}
}
