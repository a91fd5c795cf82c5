package emulator

import (
	"encoding/json"
	"sort"
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

// Jobs returns every job, oldest first, with its state at Clock.Now().
func (s *Server) Jobs() []JobSnapshot {
	now := s.clock.Now()
	s.mu.RLock()
	js := make([]*job, 0, len(s.jobs))
	for _, j := range s.jobs {
		cp := *j
		js = append(js, &cp)
	}
	s.mu.RUnlock()
	sort.Slice(js, func(a, b int) bool { return js[a].Seq < js[b].Seq })
	out := make([]JobSnapshot, len(js))
	for i, j := range js {
		out[i] = j.snapshot(now)
	}
	return out
}

// Job returns one job by ID.
func (s *Server) Job(id string) (JobSnapshot, bool) {
	s.mu.RLock()
	j, ok := s.jobs[strings.ToLower(id)]
	var cp job
	if ok {
		cp = *j
	}
	s.mu.RUnlock()
	if !ok {
		return JobSnapshot{}, false
	}
	return cp.snapshot(s.clock.Now()), true
}

// ForgetJob purges a job from history, as if the service had expired it;
// later calls about it answer 400 DLI.0002. It reports whether it existed.
func (s *Server) ForgetJob(id string) bool {
	s.mu.Lock()
	_, ok := s.jobs[strings.ToLower(id)]
	delete(s.jobs, strings.ToLower(id))
	s.mu.Unlock()
	if ok {
		s.changed()
	}
	return ok
}
