package client

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A small fake of DLI's Flink job API for the client's tests, written from
// the reference (dli-more-api.md §3); see fakeServer. is_success
// is the string form, run and stop answer arrays, IDs are integers, an
// unknown job is 400 DLI.16001.

type fakeFlinkJob struct {
	ID      int64
	Route   string // sql-jobs or flink-jobs
	Body    map[string]interface{}
	Status  string
	Desc    string
	Created int64
	// Next are the statuses the following GETs report, one each (the last sticks).
	Next      []string
	Savepoint string
}

type fakeFlink struct {
	fakeServer[*fakeFlink]

	jobs   map[int64]*fakeFlinkJob
	order  []int64
	nextID int64
	// noDetailInList leaves job_config out of list entries.
	noDetailInList bool
}

func newFakeFlink(t *testing.T) *fakeFlink {
	t.Helper()
	f := &fakeFlink{jobs: map[int64]*fakeFlinkJob{}, nextID: 100}
	f.start(t, f, fakeChecks{}, f.serve)
	return f
}

// newFlinkTest is a fake Flink API and a client of it.
func newFlinkTest(t *testing.T) (*fakeFlink, *Client) {
	f := newFakeFlink(t)
	return f, newTestClient(t, f.URL())
}

func (f *fakeFlink) calls() []string { return f.callsBelow("/v1.0/" + testProject + "/streaming/") }

func (f *fakeFlink) count(method, suffix string) int {
	return countCalls(f.calls(), func(c string) bool { return strings.HasPrefix(c, method+" ") && strings.HasSuffix(c, suffix) })
}

func (f *fakeFlink) lastPost(suffix string) map[string]interface{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.reqs) - 1; i >= 0; i-- {
		r := f.reqs[i]
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, suffix) {
			var m map[string]interface{}
			_ = json.Unmarshal([]byte(r.Body), &m)
			return m
		}
	}
	return nil
}

// add stores a job (locked by the caller or before serving starts).
func (f *fakeFlink) add(j *fakeFlinkJob) *fakeFlinkJob {
	if j.ID == 0 {
		f.nextID++
		j.ID = f.nextID
	}
	if j.Status == "" {
		j.Status = "job_init"
	}
	if j.Created == 0 {
		j.Created = time.Now().UnixMilli()
	}
	if j.Body == nil {
		j.Body = map[string]interface{}{}
	}
	f.jobs[j.ID] = j
	f.order = append(f.order, j.ID)
	return j
}

func (f *fakeFlink) create(route string, body []byte) *fakeFlinkJob {
	var m map[string]interface{}
	_ = json.Unmarshal(body, &m)
	return f.add(&fakeFlinkJob{Route: route, Body: m})
}

func flinkOK(extra map[string]interface{}) map[string]interface{} {
	m := map[string]interface{}{"is_success": "true", "message": "ok"}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func flinkGone() map[string]string {
	return map[string]string{"error_code": "DLI.16001", "error_msg": "The job does not exist."}
}

func (j *fakeFlinkJob) detail() map[string]interface{} {
	cfg := map[string]interface{}{}
	top := map[string]interface{}{}
	for k, v := range j.Body {
		switch k {
		case "name", "desc", "queue_name", "sql_body", "run_mode", "job_type", "main_class", "entrypoint_args",
			"feature", "flink_version", "image":
			top[k] = v
		case "checkpoint_mode":
			if n, _ := v.(float64); n == 2 {
				cfg[k] = "at_least_once"
			} else {
				cfg[k] = "exactly_once"
			}
		default:
			cfg[k] = v
		}
	}
	top["job_id"] = j.ID
	top["status"] = j.Status
	top["status_desc"] = j.Desc
	top["create_time"] = j.Created
	top["start_time"] = nil
	top["savepoint_path"] = j.Savepoint
	top["job_config"] = cfg
	return top
}

func (f *fakeFlink) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	prefix := "/v1.0/" + testProject + "/streaming/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		noRoute(w, "no such API")
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, prefix), "/")
	switch {
	case r.Method == http.MethodPost && len(parts) == 1 && (parts[0] == "sql-jobs" || parts[0] == "flink-jobs"):
		j := f.create(parts[0], body)
		writeJSON(w, http.StatusOK, flinkOK(map[string]interface{}{"job": map[string]interface{}{"job_id": j.ID, "status_name": "job_init", "status_desc": ""}}))
	case r.Method == http.MethodPut && len(parts) == 2:
		j := f.lookup(parts[1])
		if j == nil {
			writeJSON(w, http.StatusBadRequest, flinkGone())
			return
		}
		var m map[string]interface{}
		_ = json.Unmarshal(body, &m)
		for k, v := range m {
			j.Body[k] = v
		}
		writeJSON(w, http.StatusOK, flinkOK(map[string]interface{}{"job": map[string]interface{}{"update_time": time.Now().UnixMilli()}}))
	case r.Method == http.MethodPost && len(parts) == 2 && parts[0] == "jobs" && (parts[1] == "run" || parts[1] == "stop"):
		f.action(w, parts[1], body)
	case r.Method == http.MethodDelete && len(parts) == 2 && parts[0] == "jobs":
		j := f.lookup(parts[1])
		if j == nil {
			writeJSON(w, http.StatusBadRequest, flinkGone())
			return
		}
		delete(f.jobs, j.ID)
		writeJSON(w, http.StatusOK, flinkOK(nil))
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "jobs":
		j := f.lookup(parts[1])
		if j == nil {
			writeJSON(w, http.StatusBadRequest, flinkGone())
			return
		}
		if len(j.Next) > 0 {
			j.Status, j.Next = j.Next[0], j.Next[1:]
		}
		writeJSON(w, http.StatusOK, flinkOK(map[string]interface{}{"job_detail": j.detail()}))
	case r.Method == http.MethodGet && len(parts) == 1 && parts[0] == "jobs":
		f.list(w, r)
	default:
		noRoute(w, "no such API")
	}
}

func (f *fakeFlink) lookup(id string) *fakeFlinkJob {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil
	}
	return f.jobs[n]
}

// action runs or stops: run needs a stopped job, stop an active one.
func (f *fakeFlink) action(w http.ResponseWriter, action string, body []byte) {
	var req struct {
		JobIDs           []int64 `json:"job_ids"`
		ResumeSavepoint  bool    `json:"resume_savepoint"`
		TriggerSavepoint bool    `json:"trigger_savepoint"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error_code": "DLI.0001", "error_msg": "bad body"})
		return
	}
	out := []map[string]interface{}{}
	for _, id := range req.JobIDs {
		j := f.jobs[id]
		switch {
		case j == nil:
			out = append(out, map[string]interface{}{"is_success": "false", "message": "The job does not exist."})
		case action == "run" && ParseFlinkJobStatus(j.Status).IsStopped():
			j.Next = []string{"job_submitting", "job_running"}
			out = append(out, flinkOK(nil))
		case action == "stop" && ParseFlinkJobStatus(j.Status).IsActive():
			j.Next = []string{"job_canceling", "job_cancel_success"}
			if req.TriggerSavepoint {
				j.Savepoint = "obs://bucket/jobs/savepoint/" + strconv.FormatInt(id, 10) + "/sp1"
			}
			out = append(out, flinkOK(nil))
		default:
			out = append(out, map[string]interface{}{"is_success": "false", "message": "The job status " + j.Status + " does not allow " + action + "."})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *fakeFlink) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 10
	}
	var match []map[string]interface{}
	for i := len(f.order) - 1; i >= 0; i-- { // newest first
		j := f.jobs[f.order[i]]
		if j == nil {
			continue
		}
		if name := q.Get("name"); name != "" && j.Body["name"] != name {
			continue
		}
		if st := q.Get("status"); st != "" && j.Status != st {
			continue
		}
		d := j.detail()
		if f.noDetailInList || q.Get("show_detail") != "true" {
			delete(d, "job_config")
		}
		match = append(match, d)
	}
	total := len(match)
	offset, end := pageBounds(offset, limit, len(match))
	writeJSON(w, http.StatusOK, flinkOK(map[string]interface{}{"job_list": map[string]interface{}{"total_count": total, "jobs": match[offset:end]}}))
}
