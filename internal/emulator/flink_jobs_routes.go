package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// flinkFirstID is the first job ID handed out (IDs are integers, §1.4).
const flinkFirstID = 100

func (f *flinkService) handleCreateSQL(c *call) response { return f.create(c, false) }
func (f *flinkService) handleCreateJar(c *call) response { return f.create(c, true) }
func (f *flinkService) handleUpdateSQL(c *call) response { return f.update(c, false) }
func (f *flinkService) handleUpdateJar(c *call) response { return f.update(c, true) }

// checkConfig validates a configuration and its queue.
func (f *flinkService) checkConfig(cfg *flinkConfig, jar bool) *response {
	if err := cfg.validate(jar); err != nil {
		msg := err.Error()
		r := badRequest("%s%s", strings.ToUpper(msg[:1]), msg[1:])
		return &r
	}
	want := queueForAny
	if jar {
		want = queueForFlinkJar
	}
	return f.queues.acceptsJobs(cfg.QueueName, want)
}

// create answers both create routes: the job is stored in job_init and
// does not run until POST …/jobs/run (§3.1).
func (f *flinkService) create(c *call, jar bool) response {
	cfg := defaultFlinkConfig(jar, f.opts.Queues[0])
	if e := applyFlinkBody(c.body, jar, &cfg); e != nil {
		return *e
	}
	if e := f.checkConfig(&cfg, jar); e != nil {
		return *e
	}
	now := f.clock.Now()
	f.mu.Lock()
	f.seq = max(f.seq, flinkFirstID-1) + 1
	j := &flinkJob{ID: f.seq, Jar: jar, Owner: c.who.owner, Project: f.opts.ProjectID, Config: cfg, CreatedAt: now, UpdatedAt: now}
	f.jobs[j.ID] = j
	f.mu.Unlock()
	f.changed()
	return okJSON(flinkCreateResponse{
		flinkOK: flinkSuccess("A DLI job is created successfully."),
		Job:     flinkCreatedJob{JobID: j.ID, StatusName: FlinkInit, StatusDesc: ""},
	})
}

// update applies a PUT. A job that runs (or is submitting or stopping)
// accepts changes of the running-safe keys only; any other change is 400
// DLI.0007 naming the keys, and the job must be stopped first.
func (f *flinkService) update(c *call, jar bool) response {
	id, e := pathJobID(c)
	if e != nil {
		return *e
	}
	now := f.clock.Now()
	f.mu.Lock()
	resp := f.updateLocked(c, id, jar, now)
	f.mu.Unlock()
	if resp.status == http.StatusOK {
		f.changed()
	}
	return resp
}

func (f *flinkService) updateLocked(c *call, id int64, jar bool, now time.Time) response {
	j, ok := f.jobs[id]
	if !ok {
		return flinkNotExist(id)
	}
	if j.Jar != jar {
		route := map[bool]string{false: "sql-jobs", true: "flink-jobs"}[j.Jar]
		return badRequest("The Flink job %d is a %s; update it through …/streaming/%s/%d", id, j.Config.JobType, route, id)
	}
	cfg := j.Config.clone()
	if e := applyFlinkBody(c.body, jar, &cfg); e != nil {
		return *e
	}
	if e := f.checkConfig(&cfg, jar); e != nil {
		return *e
	}
	if v := j.at(now); flinkActive(v.status) {
		var refused []string
		for _, k := range changedKeys(j.Config, cfg) {
			if !slices.Contains(flinkRunningSafe, k) {
				refused = append(refused, k)
			}
		}
		if len(refused) > 0 {
			return dliError(http.StatusBadRequest, CodeNotSupported,
				"The Flink job %d is %s: only %s can be changed while it runs; stop it first to change %s",
				id, v.status, strings.Join(flinkRunningSafe, ", "), strings.Join(refused, ", "))
		}
	}
	j.Config, j.UpdatedAt = cfg, now
	return okJSON(flinkUpdateResponse{
		flinkOK: flinkSuccess("The job is updated successfully."),
		Job:     flinkUpdatedJob{UpdateTime: now.UnixMilli()},
	})
}

// parseJobIDs reads {"job_ids":[…], flag: bool} (flag "" for none).
// job_ids must be a non-empty array of positive integers.
func parseJobIDs(body []byte, flag string) ([]int64, bool, *response) {
	fail := func(format string, args ...any) ([]int64, bool, *response) {
		r := badRequest(format, args...)
		return nil, false, &r
	}
	fr, e := readFields(body)
	if e != nil {
		return nil, false, e
	}
	_, raw, ok := fr.pick("job_ids")
	if !ok {
		return fail("The parameter job_ids is mandatory")
	}
	var elems []json.RawMessage
	if json.Unmarshal(raw, &elems) != nil {
		return fail("The parameter job_ids must be an array of job IDs (integers)")
	}
	if len(elems) == 0 {
		return fail("The parameter job_ids must not be empty")
	}
	ids := make([]int64, len(elems))
	for i, e := range elems {
		id, err := strconv.ParseInt(string(e), 10, 64) // JSON numbers only: no quotes, no fraction
		if err != nil || id <= 0 {
			return fail("The parameter job_ids is invalid: %s is not a job ID (a positive integer)", e)
		}
		ids[i] = id
	}
	var v bool
	if flag != "" {
		v, _ = fr.boolean(flag)
	}
	if e := fr.done(); e != nil {
		return nil, false, e
	}
	return ids, v, nil
}

// batchOK is the top-level array run, stop and batch delete answer: one
// element per requested ID.
func batchOK(n int, msg string) response {
	out := make([]flinkOK, n)
	for i := range out {
		out[i] = flinkSuccess(msg)
	}
	return okJSON(out)
}

// handleRun starts every listed job (§3.4). The batch is all or nothing: an
// unknown ID is 400 DLI.16001, a job that is submitting, running or
// stopping is 400 DLI.0007, and then nothing is started.
func (f *flinkService) handleRun(c *call) response {
	ids, resume, e := parseJobIDs(c.body, "resume_savepoint")
	if e != nil {
		return *e
	}
	now := f.clock.Now()
	if e := f.lockJobs(ids); e != nil {
		return *e
	}
	for _, id := range ids {
		if v := f.jobs[id].at(now); flinkActive(v.status) {
			f.mu.Unlock()
			return dliError(http.StatusBadRequest, CodeNotSupported,
				"The Flink job %d is %s and cannot be run: it must be stopped first", id, v.status)
		}
	}
	for _, id := range dedupe(ids) {
		f.jobs[id].startRun(now, f.opts, resume)
	}
	f.mu.Unlock()
	f.changed()
	return batchOK(len(ids), "The request for submitting DLI jobs is successfully delivered.")
}

// handleStop stops every listed job (§3.5), all or nothing like run: a job
// must be submitting or running (a job already stopping is left as it
// is), and trigger_savepoint needs checkpoint storage.
func (f *flinkService) handleStop(c *call) response {
	ids, trigger, e := parseJobIDs(c.body, "trigger_savepoint")
	if e != nil {
		return *e
	}
	now := f.clock.Now()
	if e := f.lockJobs(ids); e != nil {
		return *e
	}
	var stop []*flinkJob
	for _, id := range dedupe(ids) {
		j := f.jobs[id]
		switch v := j.at(now); {
		case v.status == FlinkCanceling:
		case !flinkActive(v.status):
			f.mu.Unlock()
			return dliError(http.StatusBadRequest, CodeNotSupported,
				"The Flink job %d is %s and cannot be stopped: it is not running", id, v.status)
		case trigger && j.storageBucket() == "":
			f.mu.Unlock()
			return badRequest("The Flink job %d has no obs_bucket (or checkpoint_path) to write a savepoint to", id)
		default:
			stop = append(stop, j)
		}
	}
	for _, j := range stop {
		j.stopRun(now, f.opts, trigger)
	}
	f.mu.Unlock()
	if len(stop) > 0 {
		f.changed()
	}
	return batchOK(len(ids), "The request for stopping DLI jobs is successfully delivered.")
}

// handleDelete deletes a job in any state (§3.6); later calls about it are
// 400 DLI.16001.
func (f *flinkService) handleDelete(c *call) response {
	id, e := pathJobID(c)
	if e != nil {
		return *e
	}
	if !f.remove(id) {
		return flinkNotExist(id)
	}
	f.changed()
	return okJSON(flinkSuccess("The job is successfully deleted."))
}

func (f *flinkService) handleBatchDelete(c *call) response {
	ids, _, e := parseJobIDs(c.body, "")
	if e != nil {
		return *e
	}
	if e := f.lockJobs(ids); e != nil {
		return *e
	}
	for _, id := range ids {
		delete(f.jobs, id)
	}
	f.mu.Unlock()
	f.changed()
	return batchOK(len(ids), "The job is successfully deleted.")
}

func (f *flinkService) handleDetail(c *call) response {
	j, e := f.pathJob(c)
	if e != nil {
		return *e
	}
	return okJSON(flinkDetailResponse{
		flinkOK:   flinkSuccess("Job detail query succeeds."),
		JobDetail: j.detail(j.at(f.clock.Now())),
	})
}

type flinkTagsResponse struct {
	Tags  []flinkTag `json:"tags"`
	Count int        `json:"count"`
}

// handleTags answers GET /v3/{project_id}/dli_flink_job/{job_id}/tags:
// {"tags":[{"key","value"}…],"count":n} (no is_success on the v3 tag API).
func (f *flinkService) handleTags(c *call) response {
	j, e := f.pathJob(c)
	if e != nil {
		return *e
	}
	tags := append([]flinkTag{}, j.Config.Tags...)
	return okJSON(flinkTagsResponse{Tags: tags, Count: len(tags)})
}

// dedupe returns ids without repeats, in first-seen order.
func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
