package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Concurrent creates, reads, lists and cancels over HTTP while the clock
// moves, the request log is read and jobs are forgotten: run with -race.
func TestConcurrentClients(t *testing.T) {
	h, ts := newStatefulServer(t)
	client := ts.Client()
	do := func(method, path, body string) (int, []byte, error) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, ts.URL+path, rd)
		req.Header.Set("X-Auth-Token", DefaultToken)
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	const workers, perWorker = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker*4)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				status, b, err := do("POST", pp(""), fmt.Sprintf(`{"file":"a.jar","queue":"default","name":"w%d-%d"}`, w, i))
				if err != nil || status != 200 {
					errs <- fmt.Errorf("create: %d %s %v", status, b, err)
					continue
				}
				var c createResponse
				if err := json.Unmarshal(b, &c); err != nil {
					errs <- err
					continue
				}
				for _, path := range []string{pp("/" + c.ID), pp("/" + c.ID + "/state"), pp("/" + c.ID + "/log"), pp("?size=5&order=DURATION_DESC")} {
					if status, b, err := do("GET", path, ""); err != nil || status != 200 {
						errs <- fmt.Errorf("GET %s: %d %s %v", path, status, b, err)
					}
				}
				if i%2 == 0 {
					// 200 while running, 400 DLI.0007 once finished: both are fine.
					if status, b, err := do("DELETE", pp("/"+c.ID), ""); err != nil || (status != 200 && status != 400) {
						errs <- fmt.Errorf("DELETE: %d %s %v", status, b, err)
					}
				}
				if i%10 == 9 {
					h.s.ForgetJob(c.ID)
					_ = h.s.Jobs()
					_ = h.s.Requests()
					h.s.SetFaults(0, 0, 0)
				}
				h.clock.Advance(50 * time.Millisecond)
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	want := workers * (perWorker - perWorker/10)
	if got := len(h.s.Jobs()); got != want {
		t.Fatalf("%d jobs, want %d", got, want)
	}
	if got := len(h.s.Requests()); got != workers*perWorker*(5+1)-workers*perWorker/2 {
		t.Fatalf("%d requests recorded", got)
	}
	if err := h.s.Close(); err != nil {
		t.Fatal(err)
	}
}

// Thousands of jobs: creating and listing stays fast.
func TestManyJobs(t *testing.T) {
	h := newHarness(t, Options{})
	const n = 3000
	for i := 0; i < n; i++ {
		if rec := h.do("POST", pp(""), `{"file":"a.jar","queue":"default"}`); rec.Code != 200 {
			t.Fatal(rec.Body.String())
		}
		if i%100 == 0 {
			h.clock.Advance(time.Second)
		}
	}
	start := time.Now()
	for _, q := range []string{"", "?order=DURATION_ASC&size=100&from=2900", "?state=success"} {
		if _, lr, code := h.list(q); code != 200 || lr.Total == 0 {
			t.Fatalf("%s: %d %d", q, code, lr.Total)
		}
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("listing %d jobs 3 times took %v", n, took)
	}
}

func BenchmarkCreate(b *testing.B) {
	s, _ := New(Options{})
	body := `{"file":"a.jar","queue":"default","name":"bench"}`
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest("POST", pp(""), strings.NewReader(body))
		r.Header.Set("X-Auth-Token", DefaultToken)
		s.ServeHTTP(httptest.NewRecorder(), r)
	}
}

func BenchmarkList1000(b *testing.B) {
	s, _ := New(Options{})
	for i := 0; i < 1000; i++ {
		r := httptest.NewRequest("POST", pp(""), strings.NewReader(`{"file":"a.jar","queue":"default"}`))
		r.Header.Set("X-Auth-Token", DefaultToken)
		s.ServeHTTP(httptest.NewRecorder(), r)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest("GET", pp("?size=100"), nil)
		r.Header.Set("X-Auth-Token", DefaultToken)
		s.ServeHTTP(httptest.NewRecorder(), r)
	}
}

func TestStateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "jobs.json")
	clock := NewManualClock(t0)
	s1, err := New(Options{StateFile: path, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	h1 := &harness{t: t, s: s1, clock: clock}
	a := h1.create(`{"file":"a.jar","queue":"default","name":"keep","conf":{"emulator.run_duration":"1m"}}`)
	b := h1.create(`{"file":"a.jar","queue":"default","name":"cancel"}`)
	gone := h1.create(`{"file":"a.jar","queue":"default","name":"gone"}`)
	clock.Advance(2 * time.Second)
	h1.do("DELETE", pp("/"+b.ID), "")
	s1.ForgetJob(gone.ID)
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "jobs.json" {
		t.Fatalf("directory holds %v", entries)
	}

	// A restarted emulator (different durations) continues the same timelines.
	s2, err := New(Options{StateFile: path, Clock: clock, JobStart: time.Hour, JobRun: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	h2 := &harness{t: t, s: s2, clock: clock}
	steps := []struct {
		advance time.Duration
		a, b    string
	}{
		{0, "running", "running"},
		{time.Second, "running", "dead"},
		{time.Minute, "success", "dead"},
	}
	for _, st := range steps {
		clock.Advance(st.advance)
		if ga, gb := h2.state(a.ID), h2.state(b.ID); ga != st.a || gb != st.b {
			t.Fatalf("after +%v: %s %s, want %s %s", st.advance, ga, gb, st.a, st.b)
		}
	}
	if _, ok := s2.Job(gone.ID); ok {
		t.Fatal("forgotten job came back")
	}
	if d := h2.detail(a.ID); d.Name != "keep" || d.ReqBody == "" || d.Owner != OwnerForToken(DefaultToken) {
		t.Fatalf("detail %+v", d)
	}
	// New jobs get fresh sequence numbers (newest first in lists).
	c := h2.create(`{"file":"a.jar","queue":"default"}`)
	if ids, _, _ := h2.list("?order=CREATE_TIME_DESC"); len(ids) != 3 || ids[0] != c.ID {
		t.Fatalf("list %v", ids)
	}

	for _, bad := range []string{`not json`, `{"version":99,"jobs":[]}`, `{"version":1,"jobs":[{"id":"x"}]}`} {
		p := filepath.Join(dir, "bad.json")
		if err := os.WriteFile(p, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := New(Options{StateFile: p}); err == nil {
			t.Fatalf("state %q accepted", bad)
		}
	}
}

func TestOptionsValidation(t *testing.T) {
	for _, o := range []Options{
		{Fault5xx: 1.5}, {Fault429: -0.1}, {FaultAfterCommit: 2}, {Queues: []string{"bad queue"}},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
	s, err := New(Options{Queues: []string{" a ", "a", "", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	o := s.Options()
	if strings.Join(o.Queues, ",") != "a,b" || o.ProjectID != DefaultProjectID || o.AccessKey != DefaultAccessKey ||
		o.SecretKey != DefaultSecretKey || strings.Join(o.Tokens, ",") != DefaultToken || o.JobStart != time.Second ||
		o.JobRun != 5*time.Second || o.CancelDelay != 250*time.Millisecond || o.MaxBodyBytes != 1<<20 {
		t.Fatalf("effective options %+v", o)
	}
}

func TestStartAndShutdown(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, "http://127.0.0.1:") || s.URL() != u {
		t.Fatalf("url %q", u)
	}
	resp, err := http.Get(u + "/_emulator/requests")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "[]" {
		t.Fatalf("body %q", b)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(u + "/_emulator/requests"); err == nil {
		t.Fatal("still serving after Close")
	}
}

// Mutations are written shortly after they happen, without Close.
func TestStateFileDebouncedWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, Options{StateFile: path})
	written := make(chan error, 16)
	h.s.persist.notify = func(err error) { written <- err }
	c := h.create(`{"file":"a.jar","queue":"default"}`)
	select {
	case err := <-written:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("state file not written after a create")
	}
	jobs, err := readStateFile(path)
	if err != nil || len(jobs) != 1 || jobs[0].ID != c.ID {
		t.Fatalf("state file: %v %v", jobs, err)
	}
}

// readStateFile loads a state file into a fresh server and returns its jobs.
func readStateFile(path string) ([]JobSnapshot, error) {
	s, err := New(Options{StateFile: path})
	if err != nil {
		return nil, err
	}
	return s.Jobs(), nil
}
