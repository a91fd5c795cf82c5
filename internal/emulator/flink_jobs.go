package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
)

// flinkService is the Flink job collection, /v1.0/{project_id}/streaming/…
// (dli-more-api.md §3): create and update of SQL and Jar jobs, batch run,
// stop and delete, detail and list, over an in-memory store. Job IDs are
// integers; is_success is the string "true" on every answer.
type flinkService struct {
	env
	queues queueGate // set by newServices

	// By ID; seq is the last ID handed out, never reused, not even after reset.
	store[int64, flinkJob]
}

func newFlinkService(e env) *flinkService {
	return &flinkService{env: e, store: newStore[int64](func(a, b *flinkJob) bool { return a.ID < b.ID }, (*flinkJob).clone)}
}

func (f *flinkService) register(rt *routes) {
	const base = "/v1.0/{project_id}/streaming"
	rt.write("POST "+base+"/sql-jobs", f.handleCreateSQL)
	rt.write("PUT "+base+"/sql-jobs/{job_id}", f.handleUpdateSQL)
	rt.write("POST "+base+"/flink-jobs", f.handleCreateJar)
	rt.write("PUT "+base+"/flink-jobs/{job_id}", f.handleUpdateJar)
	rt.write("POST "+base+"/jobs/run", f.handleRun)
	rt.write("POST "+base+"/jobs/stop", f.handleStop)
	rt.write("POST "+base+"/jobs/delete", f.handleBatchDelete)
	rt.write("DELETE "+base+"/jobs/{job_id}", f.handleDelete)
	rt.read("GET "+base+"/jobs/{job_id}", f.handleDetail)
	rt.read("GET "+base+"/jobs", f.handleList)
	// The job's tags through the v3 tag API (§9): the detail has none.
	rt.read("GET /v3/{project_id}/dli_flink_job/{job_id}/tags", f.handleTags)
	rt.write("POST /v3/{project_id}/dli_flink_job/{job_id}/tags/create", func(c *call) response { return f.handleTagChange(c, true) })
	rt.write("POST /v3/{project_id}/dli_flink_job/{job_id}/tags/delete", func(c *call) response { return f.handleTagChange(c, false) })
}

// Flink job statuses (§3.9). The emulator reaches the first nine; the
// others are accepted as list filters only.
const (
	FlinkInit             = "job_init"
	FlinkSubmitting       = "job_submitting"
	FlinkSubmitFail       = "job_submit_fail"
	FlinkRunning          = "job_running"
	FlinkRunningException = "job_running_exception"
	FlinkCanceling        = "job_canceling"
	FlinkCancelSuccess    = "job_cancel_success"
	FlinkFinish           = "job_finish"
	FlinkSavepointing     = "job_savepointing"
)

var flinkStatuses = []string{
	FlinkInit, FlinkSubmitting, FlinkSubmitFail, FlinkRunning, FlinkRunningException,
	"job_downloading", "job_idle", FlinkCanceling, FlinkCancelSuccess, "job_cancel_fail",
	FlinkSavepointing, "job_arrearage_stopped", "job_arrearage_recovering", FlinkFinish,
}

// flinkActive: a job in one of these runs (or is about to): run is refused,
// stop is accepted, and an update may change the running-safe fields only.
func flinkActive(status string) bool {
	return status == FlinkSubmitting || status == FlinkRunning || status == FlinkSavepointing || status == FlinkCanceling
}

// CodeFlinkNotExist is DLI's "Flink job does not exist" (400).
const CodeFlinkNotExist = "DLI.16001"

func flinkNotExist(id int64) response {
	return dliError(http.StatusBadRequest, CodeFlinkNotExist, "The Flink job %d does not exist", id)
}

// flinkOK is the envelope of every Flink job answer: is_success is a
// string on these routes (§1.2).
type flinkOK struct {
	IsSuccess string `json:"is_success"`
	Message   string `json:"message"`
}

func flinkSuccess(msg string) flinkOK { return flinkOK{IsSuccess: "true", Message: msg} }

// pathJobID parses the {job_id} wildcard: a positive integer, else 400
// DLI.0001.
func pathJobID(c *call) (int64, *response) {
	raw := c.r.PathValue("job_id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		r := badRequest("The parameter job_id is invalid: %q, it must be a positive integer", raw)
		return 0, &r
	}
	return id, nil
}

// pathJob returns a copy of the job the {job_id} wildcard names, else the
// answer for a bad or unknown ID.
func (f *flinkService) pathJob(c *call) (flinkJob, *response) {
	id, e := pathJobID(c)
	if e != nil {
		return flinkJob{}, e
	}
	j, ok := f.get(id)
	if !ok {
		r := flinkNotExist(id)
		return flinkJob{}, &r
	}
	return j, nil
}

// lockJobs takes f.mu when every ID names a job; else it answers 400
// DLI.16001 for the first one that does not, without the lock.
func (f *flinkService) lockJobs(ids []int64) *response {
	f.mu.Lock()
	for _, id := range ids {
		if _, ok := f.jobs[id]; !ok {
			f.mu.Unlock()
			r := flinkNotExist(id)
			return &r
		}
	}
	return nil
}

func (f *flinkService) kind() string { return "flink" }

func (f *flinkService) stateKey() string { return "flink_jobs" }

// flinkState is the service's section of the state file.
type flinkState struct {
	Seq  int64       `json:"seq"`
	Jobs []*flinkJob `json:"jobs"`
}

// save keeps nothing until the first job was created, so that state files
// of batch-only runs stay as they were.
func (f *flinkService) save() (json.RawMessage, error) {
	f.mu.RLock()
	seq := f.seq
	f.mu.RUnlock()
	if seq == 0 {
		return nil, nil
	}
	return json.Marshal(flinkState{Seq: seq, Jobs: f.sorted()})
}

func (f *flinkService) load(raw json.RawMessage) error {
	var st flinkState
	if err := json.Unmarshal(raw, &st); err != nil {
		return err
	}
	jobs := map[int64]*flinkJob{}
	for _, j := range st.Jobs {
		if j == nil {
			j = &flinkJob{} // as a null element read into a value: an invalid ID
		}
		if j.ID <= 0 || j.ID > st.Seq || jobs[j.ID] != nil {
			return fmt.Errorf("invalid Flink job id %d", j.ID)
		}
		if err := j.Config.validate(j.Jar); err != nil {
			return fmt.Errorf("invalid Flink job %d: %w", j.ID, err)
		}
		for _, r := range j.Runs {
			if !slices.Contains(flinkOutcomes, r.Outcome) {
				return errors.New("invalid Flink job run outcome")
			}
		}
		jobs[j.ID] = j
	}
	f.replace(jobs, st.Seq)
	return nil
}
