package emulator

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

var flinkListTypes = []string{"flink_sql_job", "flink_opensource_sql_job", "flink_sql_edge_job", "flink_jar_job"}

// tagTerm is one term of the tags filter: key=value, or a bare key (any
// value).
type tagTerm struct {
	key, value string
	anyValue   bool
}

// flinkTagFilter reads "k1=v1,k2=v2" (the format the queue list uses; the
// Flink list's is UNCONFIRMED); every term must match.
func flinkTagFilter(s string) []tagTerm {
	var out []tagTerm
	for _, term := range strings.Split(s, ",") {
		k, v, hasValue := strings.Cut(term, "=")
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, tagTerm{key: k, value: strings.TrimSpace(v), anyValue: !hasValue})
		}
	}
	return out
}

func flinkTagsMatch(tags map[string]string, terms []tagTerm) bool {
	for _, t := range terms {
		v, ok := tags[t.key]
		if !ok || !t.anyValue && v != t.value {
			return false
		}
	}
	return true
}

// handleList is GET …/streaming/jobs (§3.8): filters name (a substring),
// queue_name, status, job_type, user_name and tags; order by job ID (desc
// by default); offset/limit paging with an empty page past the end.
func (f *flinkService) handleList(c *call) response {
	q, pg, e := listQuery(c, offsetLimit)
	if e != nil {
		return *e
	}
	status, jobType, order := q.Get("status"), q.Get("job_type"), q.Get("order")
	if e := cmp.Or(oneOf("status", status, flinkStatuses), oneOf("job_type", jobType, flinkListTypes)); e != nil {
		return *e
	}
	if order != "" && order != "asc" && order != "desc" {
		return badRequest("The parameter order is invalid: %q, it must be asc or desc", order)
	}
	showDetail := false
	switch v := q.Get("show_detail"); v {
	case "", "false":
	case "true":
		showDetail = true
	default:
		return badRequest("The parameter show_detail is invalid: %q, it must be true or false", v)
	}
	name, queue, user := q.Get("name"), q.Get("queue_name"), q.Get("user_name")
	terms := flinkTagFilter(q.Get("tags"))

	now := f.clock.Now()
	type match struct {
		j flinkJob
		v flinkView
	}
	var ms []match
	for _, j := range f.sorted() {
		c := &j.Config
		if name != "" && !strings.Contains(c.Name, name) || queue != "" && c.QueueName != queue ||
			jobType != "" && c.JobType != jobType || user != "" && j.Owner != user || !flinkTagsMatch(c.tagMap(), terms) {
			continue
		}
		v := j.at(now)
		if status != "" && v.status != status {
			continue
		}
		ms = append(ms, match{*j, v})
	}
	if order != "asc" {
		slices.Reverse(ms)
	}
	list := flinkJobList{TotalCount: len(ms), Jobs: []any{}}
	for _, m := range pageOf(ms, pg) {
		if showDetail {
			list.Jobs = append(list.Jobs, flinkListDetail{flinkDetail: m.j.detail(m.v), Username: m.j.Owner})
		} else {
			list.Jobs = append(list.Jobs, m.j.summary(m.v))
		}
	}
	return okJSON(flinkListResponse{flinkOK: flinkSuccess("Querying of the job list succeeds."), JobList: list})
}

// FlinkJobSnapshot is a Flink job as seen at the emulator clock's current
// time, for tests.
type FlinkJobSnapshot struct {
	ID                         int64
	Jar                        bool
	Name, Queue, JobType       string
	Owner, Status, StatusDesc  string
	SavepointPath              string // the latest completed savepoint
	Tags, RuntimeConfig        map[string]string
	CreatedAt, UpdatedAt       time.Time
	Runs                       []FlinkRunSnapshot // oldest first
	CheckpointEnabled          bool
	ObsBucket, CheckpointPath  string
	SMNTopic, SQLBody          string
	CUNumber, ParallelNumber   int
	ManagerCUNumber, TMSlotNum int
}

// FlinkRunSnapshot is one accepted run request and its stop, if any.
type FlinkRunSnapshot struct {
	At               time.Time
	Outcome          string // running, failed or finished (from runtime_config)
	ResumeSavepoint  bool   // the run asked to resume
	ResumedFrom      string // the savepoint it restored ("" if none)
	StopAt           time.Time
	TriggerSavepoint bool
	Savepoint        string // written by the stop, once the job is stopped
}

func (j *flinkJob) snapshot(now time.Time) FlinkJobSnapshot {
	v := j.at(now)
	c := &j.Config
	kv, _ := parseRuntimeConfig(c.RuntimeConfig)
	s := FlinkJobSnapshot{
		ID: j.ID, Jar: j.Jar, Name: c.Name, Queue: c.QueueName, JobType: c.JobType, Owner: j.Owner,
		Status: v.status, StatusDesc: v.desc, SavepointPath: v.savepoint, Tags: c.tagMap(), RuntimeConfig: kv,
		CreatedAt: j.CreatedAt, UpdatedAt: j.updateTime(v), CheckpointEnabled: c.CheckpointEnabled,
		ObsBucket: c.ObsBucket, CheckpointPath: c.CheckpointPath, SMNTopic: c.SMNTopic, SQLBody: c.SQLBody,
		CUNumber: c.CUNumber, ParallelNumber: c.ParallelNumber, ManagerCUNumber: c.ManagerCUNumber, TMSlotNum: c.slotNum(),
	}
	for _, r := range j.Runs {
		rs := FlinkRunSnapshot{At: r.At, Outcome: r.Outcome, ResumeSavepoint: r.Resume, ResumedFrom: r.ResumedFrom,
			StopAt: r.StopAt, TriggerSavepoint: r.Trigger}
		if r.Savepoint != "" && !now.Before(r.StopAt.Add(r.StopFor)) {
			rs.Savepoint = r.Savepoint
		}
		s.Runs = append(s.Runs, rs)
	}
	return s
}

// flinkSvc is the server's Flink service.
func (s *Server) flinkSvc() *flinkService {
	for _, svc := range s.services {
		if f, ok := svc.(*flinkService); ok {
			return f
		}
	}
	panic("emulator: no Flink service registered")
}

// FlinkJobs returns every Flink job, lowest ID first, at Clock.Now().
func (s *Server) FlinkJobs() []FlinkJobSnapshot {
	f := s.flinkSvc()
	now := f.clock.Now()
	js := f.sorted()
	out := make([]FlinkJobSnapshot, len(js))
	for i := range js {
		out[i] = js[i].snapshot(now)
	}
	return out
}

// FlinkJob returns one Flink job by ID.
func (s *Server) FlinkJob(id int64) (FlinkJobSnapshot, bool) {
	f := s.flinkSvc()
	j, ok := f.get(id)
	if !ok {
		return FlinkJobSnapshot{}, false
	}
	return j.snapshot(f.clock.Now()), true
}

// adminFlinkJob is a Flink job on GET /_emulator/jobs/flink. It leaves out
// the SQL body and the configuration values beyond the runtime_config.
type adminFlinkJob struct {
	ID            int64             `json:"id"`
	Name          string            `json:"name"`
	Queue         string            `json:"queue_name"`
	JobType       string            `json:"job_type"`
	Owner         string            `json:"owner"`
	Status        string            `json:"status"`
	StatusDesc    string            `json:"status_desc"`
	SavepointPath string            `json:"savepoint_path"`
	Tags          map[string]string `json:"tags"`
	RuntimeConfig map[string]string `json:"runtime_config"`
	CreateTime    int64             `json:"create_time"`
	UpdateTime    int64             `json:"update_time"`
	Runs          []adminFlinkRun   `json:"runs"`
}

type adminFlinkRun struct {
	RunTime          int64  `json:"run_time"`
	Outcome          string `json:"outcome"`
	ResumeSavepoint  bool   `json:"resume_savepoint"`
	ResumedFrom      string `json:"resumed_from"`
	StopTime         *int64 `json:"stop_time"`
	TriggerSavepoint bool   `json:"trigger_savepoint"`
	Savepoint        string `json:"savepoint_path"`
}

func (f *flinkService) adminJobs() any {
	now := f.clock.Now()
	out := []adminFlinkJob{}
	for _, j := range f.sorted() {
		s := j.snapshot(now)
		a := adminFlinkJob{
			ID: s.ID, Name: s.Name, Queue: s.Queue, JobType: s.JobType, Owner: s.Owner, Status: s.Status,
			StatusDesc: s.StatusDesc, SavepointPath: s.SavepointPath, Tags: s.Tags, RuntimeConfig: s.RuntimeConfig,
			CreateTime: s.CreatedAt.UnixMilli(), UpdateTime: s.UpdatedAt.UnixMilli(), Runs: []adminFlinkRun{},
		}
		for _, r := range s.Runs {
			a.Runs = append(a.Runs, adminFlinkRun{
				RunTime: r.At.UnixMilli(), Outcome: r.Outcome, ResumeSavepoint: r.ResumeSavepoint,
				ResumedFrom: r.ResumedFrom, StopTime: msOrNull(r.StopAt), TriggerSavepoint: r.TriggerSavepoint,
				Savepoint: r.Savepoint,
			})
		}
		out = append(out, a)
	}
	return out
}
