package client

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// A small fake of DLI's SQL job API (dli_02_0102, 0021, 0025, 0312, 0104), written from the API
// reference for the client's tests (see fakeServer).

type fakeSQLJob struct {
	ID        string
	Statement string
	Queue     string
	Type      string
	Mode      string
	Status    SQLJobStatus
	// Statuses are returned one by one by GET status (the last one sticks).
	Statuses []SQLJobStatus
	Message  string
	Tags     []sqlTag
	Conf     []string
	StartMS  int64
}

type fakeSQL struct {
	fakeServer[*fakeSQL]

	jobs []*fakeSQLJob
	// listWithoutTags leaves tags out of list entries; ignoreTagFilter lists every job.
	listWithoutTags, ignoreTagFilter bool
	// cancelFinished answers DELETE of a terminal job (default: 400 DLI.0001 "has finished").
	cancelFinished func(w http.ResponseWriter)
	clockMS        int64
}

func newFakeSQL(t *testing.T) *fakeSQL {
	t.Helper()
	f := &fakeSQL{clockMS: time.Now().Add(-time.Minute).UnixMilli()}
	f.start(t, f, fakeChecks{credentials: true}, f.serve)
	return f
}

// calls returns "METHOD suffix" for every request, suffix being the path below /v1.0/{project}/.
func (f *fakeSQL) calls() []string { return f.callsBelow("/v1.0/" + testProject + "/") }

func (f *fakeSQL) count(call string) int {
	return countCalls(f.calls(), func(c string) bool { return c == call })
}

func (f *fakeSQL) jobCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.jobs)
}

func (f *fakeSQL) addJob(j *fakeSQLJob) *fakeSQLJob {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addLocked(j)
}

func (f *fakeSQL) addLocked(j *fakeSQLJob) *fakeSQLJob {
	if j.ID == "" {
		j.ID = uuid.NewString()
	}
	if j.StartMS == 0 {
		f.clockMS += 1000
		j.StartMS = f.clockMS
	}
	if j.Status == "" {
		j.Status = SQLStatusLaunching
	}
	if j.Type == "" {
		j.Type = "QUERY"
	}
	f.jobs = append(f.jobs, j)
	return j
}

// submit stores a job from a submit body, as the service would.
func (f *fakeSQL) submit(body []byte) *fakeSQLJob {
	var w createSQLJobWire
	if err := json.Unmarshal(body, &w); err != nil {
		f.t.Errorf("submit body: %v", err)
	}
	queue := w.Queue
	if queue == "" {
		queue = "default"
	}
	j := &fakeSQLJob{Statement: w.SQL, Queue: queue, Tags: w.Tags, Conf: w.Conf, Mode: "async"}
	if u := strings.ToUpper(strings.TrimSpace(w.SQL)); strings.HasPrefix(u, "CREATE") || strings.HasPrefix(u, "GRANT") {
		j.Type, j.Mode, j.Status = "DDL", "sync", SQLStatusFinished
	}
	return f.addLocked(j)
}

func sqlNotFound(w http.ResponseWriter, id string) {
	writeJSON(w, 400, map[string]interface{}{"is_success": false, "error_code": "DLI.0002", "error_msg": "The job " + id + " does not exist."})
}

func (j *fakeSQLJob) wire(withTags bool) map[string]interface{} {
	conf, _ := json.Marshal(j.Conf)
	m := map[string]interface{}{
		"job_id": j.ID, "job_type": j.Type, "job_mode": j.Mode, "status": string(j.Status), "queue_name": j.Queue,
		"owner": "tester", "statement": j.Statement, "start_time": j.StartMS, "duration": 1500,
		"database_name": "db1", "input_row_count": 3, "bad_row_count": 0, "input_size": 42, "result_count": 2,
		"message": j.Message, "user_conf": string(conf), "result_format": "csv",
		"detail": `{"type":"struct","fields":[{"name":"n","type":"integer","nullable":true,"metadata":{}}]}`,
	}
	if withTags {
		tags := j.Tags
		if tags == nil {
			tags = []sqlTag{}
		}
		m["tags"] = tags
	}
	return m
}

func (f *fakeSQL) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	prefix := "/v1.0/" + testProject + "/jobs"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		noRoute(w, "The API does not exist")
		return
	}
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, prefix), "/")
	parts := strings.Split(rest, "/")
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case rest == "submit-job" && r.Method == http.MethodPost:
		j := f.submit(body)
		writeJSON(w, 200, map[string]interface{}{"is_success": true, "message": "", "job_id": j.ID, "job_type": j.Type, "job_mode": j.Mode})
	case rest == "" && r.Method == http.MethodGet:
		f.list(w, r)
	case len(parts) >= 1:
		j := f.find(parts[0])
		if j == nil {
			sqlNotFound(w, parts[0])
			return
		}
		f.serveJob(w, r, j, parts[1:])
	}
}

func (f *fakeSQL) find(id string) *fakeSQLJob {
	return findByID(f.jobs, id, func(j *fakeSQLJob) string { return j.ID })
}

func (f *fakeSQL) serveJob(w http.ResponseWriter, r *http.Request, j *fakeSQLJob, rest []string) {
	switch {
	case len(rest) == 1 && rest[0] == "status" && r.Method == http.MethodGet:
		takeNext(&j.Status, &j.Statuses)
		out := j.wire(true)
		out["is_success"] = true
		writeJSON(w, 200, out)
	case len(rest) == 1 && rest[0] == "preview" && r.Method == http.MethodGet:
		writeJSON(w, 200, map[string]interface{}{"is_success": true, "message": "", "job_id": j.ID, "job_type": j.Type,
			"row_count": 2, "schema": []map[string]string{{"n": "int"}, {"s": "string"}},
			"rows": [][]interface{}{{1, "x"}, {2.5, nil}}})
	case len(rest) == 0 && r.Method == http.MethodDelete:
		if !j.Status.IsActive() {
			if f.cancelFinished != nil {
				f.cancelFinished(w)
				return
			}
			writeJSON(w, 400, map[string]interface{}{"is_success": false, "error_code": "DLI.0001", "error_msg": "The job has finished and cannot be cancelled."})
			return
		}
		j.Status, j.Statuses = SQLStatusCancelled, nil
		writeJSON(w, 200, map[string]interface{}{"is_success": true, "message": ""})
	default:
		noRoute(w, "no route")
	}
}

func (f *fakeSQL) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sel := selected(f.jobs, q, map[string]func(*fakeSQLJob, string) bool{
		"queue_name": func(j *fakeSQLJob, v string) bool { return j.Queue == v },
		"job-status": func(j *fakeSQLJob, v string) bool { return string(j.Status) == v },
		"tags":       func(j *fakeSQLJob, v string) bool { return f.ignoreTagFilter || fuzzyTags(j.Tags, v) },
		"start":      func(j *fakeSQLJob, v string) bool { return j.StartMS >= millis(v) },
	}, func(a, b *fakeSQLJob) bool { return a.StartMS > b.StartMS })
	size, _ := strconv.Atoi(q.Get("page-size"))
	if size <= 0 {
		size = 50
	}
	page, _ := strconv.Atoi(q.Get("current-page"))
	if page <= 0 {
		page = 1
	}
	from, to := pageBounds((page-1)*size, size, len(sel))
	jobs := []map[string]interface{}{}
	for _, j := range sel[from:to] {
		jobs = append(jobs, j.wire(!f.listWithoutTags))
	}
	writeJSON(w, 200, map[string]interface{}{"is_success": true, "message": "", "job_count": len(sel), "jobs": jobs})
}

// fuzzyTags matches "k1=v1,k2=v2" as DLI documents it: each pair contained in some tag.
func fuzzyTags(tags []sqlTag, filter string) bool {
	for _, pair := range strings.Split(filter, ",") {
		k, v, _ := strings.Cut(pair, "=")
		ok := false
		for _, t := range tags {
			if strings.Contains(t.Key, k) && strings.Contains(t.Value, v) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
