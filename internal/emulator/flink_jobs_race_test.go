package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Concurrent Flink clients over HTTP (create, run, stop, update, read,
// list, delete) while the clock moves and the state file is written: run
// with -race. Every answer is one the state table allows.
func TestFlinkConcurrentClients(t *testing.T) {
	h, ts := newStatefulServer(t)
	do := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("X-Auth-Token", DefaultToken)
		resp, err := ts.Client().Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const workers, perWorker = 6, 25
	var wg sync.WaitGroup
	errs := make(chan string, workers*perWorker*8)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				status, b := do("POST", fp("/sql-jobs"), flinkSQL(fmt.Sprintf("w%d-%d", w, i), `,"obs_bucket":"b"`))
				var cr flinkCreateResponse
				if status != 200 || json.Unmarshal([]byte(b), &cr) != nil {
					errs <- "create: " + b
					continue
				}
				id := cr.Job.JobID
				steps := []struct {
					method, path, body string
					ok                 []int
				}{
					{"POST", fp("/jobs/run"), fmt.Sprintf(`{"job_ids":[%d]}`, id), []int{200}},
					{"GET", fp(fmt.Sprintf("/jobs/%d", id)), "", []int{200}},
					{"PUT", fp(fmt.Sprintf("/sql-jobs/%d", id)), `{"smn_topic":"t"}`, []int{200}},
					{"POST", fp("/jobs/stop"), fmt.Sprintf(`{"job_ids":[%d],"trigger_savepoint":true}`, id), []int{200}},
					{"GET", fp("/jobs?limit=5&status=job_running"), "", []int{200}},
					{"POST", fp("/jobs/run"), fmt.Sprintf(`{"job_ids":[%d],"resume_savepoint":true}`, id), []int{200, 400}},
				}
				for _, st := range steps {
					status, b := do(st.method, st.path, st.body)
					if !slices.Contains(st.ok, status) {
						errs <- fmt.Sprintf("%s %s: %d %s", st.method, st.path, status, b)
					}
				}
				if i%3 == 0 {
					if status, b := do("DELETE", fp(fmt.Sprintf("/jobs/%d", id)), ""); status != 200 {
						errs <- "delete: " + b
					}
				}
				_ = h.s.FlinkJobs()
				h.clock.Advance(100 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if got, want := len(h.s.FlinkJobs()), workers*(perWorker-(perWorker+2)/3); got != want {
		t.Fatalf("%d jobs left, want %d", got, want)
	}
}
