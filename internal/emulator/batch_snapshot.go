package emulator

import (
	"encoding/json"
	"strings"
	"time"
)

// JobSnapshot is a job as seen at the emulator clock's current time.
type JobSnapshot struct {
	ID, Name, Queue, Owner, State string
	AppID                         string
	ScType                        string // A, B, C or CUSTOMIZED
	Feature, SparkVersion, Image  string
	File, ClassName               string
	Conf                          map[string]any // decoded conf (numbers as float64)
	ReqBody                       string         // the submission, as a compact JSON string
	CreatedAt, UpdatedAt          time.Time
	Duration                      time.Duration // running time so far
	CancelRequested               bool
	CancelRequestedAt             time.Time // zero unless CancelRequested
	Outcome                       string    // natural outcome: success or dead
	RunDuration                   time.Duration
	AutoRecovery                  bool
	MaxRetryTimes                 int
	Log                           []string // the full driver log so far
}

func (j *job) snapshot(now time.Time) JobSnapshot {
	v := j.at(now)
	var conf map[string]any
	if len(j.Conf) > 0 {
		_ = json.Unmarshal(j.Conf, &conf)
	}
	return JobSnapshot{
		ID: j.ID, Name: j.Name, Queue: j.Queue, Owner: j.Owner, State: v.state, AppID: v.appID,
		ScType: j.ScType, Feature: j.Feature, SparkVersion: j.SparkVersion, Image: j.Image,
		File: j.File, ClassName: j.ClassName, Conf: conf, ReqBody: j.ReqBody,
		CreatedAt: j.CreatedAt, UpdatedAt: v.updated, Duration: v.duration,
		CancelRequested: j.cancelled(), CancelRequestedAt: j.CancelAt,
		Outcome: j.Outcome, RunDuration: j.RunDuration, AutoRecovery: j.AutoRecovery,
		MaxRetryTimes: j.MaxRetry, Log: j.logLines(now, -1),
	}
}

// Jobs returns every batch job, oldest first, with its state at Clock.Now().
func (s *Server) Jobs() []JobSnapshot { return s.batch.snapshots() }

// Job returns one batch job by ID.
func (s *Server) Job(id string) (JobSnapshot, bool) { return s.batch.snapshot(id) }

// ForgetJob purges a batch job from history, as if the service had expired
// it; later calls about it answer 400 DLI.0002. It reports whether it
// existed.
func (s *Server) ForgetJob(id string) bool { return s.batch.forget(id) }

func (b *batchService) snapshots() []JobSnapshot {
	now := b.clock.Now()
	js := b.sorted()
	out := make([]JobSnapshot, len(js))
	for i, j := range js {
		out[i] = j.snapshot(now)
	}
	return out
}

func (b *batchService) snapshot(id string) (JobSnapshot, bool) {
	cp, ok := b.get(strings.ToLower(id))
	if !ok {
		return JobSnapshot{}, false
	}
	return cp.snapshot(b.clock.Now()), true
}

func (b *batchService) forget(id string) bool {
	ok := b.remove(strings.ToLower(id))
	if ok {
		b.changed()
	}
	return ok
}

// adminJob is the JSON form of a JobSnapshot on GET /_emulator/jobs.
type adminJob struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Queue           string         `json:"queue"`
	Owner           string         `json:"owner"`
	State           string         `json:"state"`
	AppID           string         `json:"appId"`
	ScType          string         `json:"sc_type"`
	Conf            map[string]any `json:"conf"`
	ReqBody         string         `json:"req_body"`
	CreateTime      int64          `json:"create_time"`
	UpdateTime      int64          `json:"update_time"`
	CancelRequested bool           `json:"cancel_requested"`
	Outcome         string         `json:"outcome"`
	Log             []string       `json:"log"`
}

func (b *batchService) adminJobs() any {
	out := []adminJob{}
	for _, j := range b.snapshots() {
		out = append(out, adminJob{
			ID: j.ID, Name: j.Name, Queue: j.Queue, Owner: j.Owner, State: j.State, AppID: j.AppID,
			ScType: j.ScType, Conf: j.Conf, ReqBody: j.ReqBody, CreateTime: j.CreatedAt.UnixMilli(),
			UpdateTime: j.UpdatedAt.UnixMilli(), CancelRequested: j.CancelRequested, Outcome: j.Outcome, Log: j.Log,
		})
	}
	return out
}
