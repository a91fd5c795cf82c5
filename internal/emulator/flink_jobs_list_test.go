package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// listFlink returns the IDs of a list page and the total.
func (h *harness) listFlink(query string) ([]int64, int) {
	h.t.Helper()
	rec := h.do("GET", fp("/jobs"+query), "")
	mustOK(h.t, rec, "list "+query)
	l := decodeAs[struct {
		JobList struct {
			TotalCount int `json:"total_count"`
			Jobs       []struct {
				JobID     int64          `json:"job_id"`
				JobConfig map[string]any `json:"job_config"`
			} `json:"jobs"`
		} `json:"job_list"`
	}](h.t, rec)
	ids := []int64{}
	for _, j := range l.JobList.Jobs {
		if (j.JobConfig != nil) != (query == "?show_detail=true") {
			h.t.Fatalf("list %s: job_config present %v", query, j.JobConfig != nil)
		}
		ids = append(ids, j.JobID)
	}
	return ids, l.JobList.TotalCount
}

func TestFlinkListFilters(t *testing.T) {
	h := newHarness(t, Options{})
	a1 := h.flinkCreate("sql-jobs", flinkSQL("alpha-1", `,"tags":[{"key":"team","value":"data"},{"key":"env","value":"prod"}]`))
	a2 := h.flinkCreate("sql-jobs", flinkSQL("alpha-2", `,"tags":[{"key":"team","value":"web"}],"job_type":"flink_sql_job"`))
	b := h.flinkCreate("sql-jobs", flinkSQL("beta", `,"tags":[{"key":"team","value":"data"}]`))
	j := h.flinkCreate("flink-jobs", `{"name":"jar-alpha","queue_name":"q2"}`)
	h.flinkRun(b, false)
	h.clock.Advance(time.Second)
	owner := OwnerForToken(DefaultToken)
	cases := []struct {
		query string
		ids   []int64
		total int
	}{
		{"", []int64{j, b, a2, a1}, 4},
		{"?order=desc", []int64{j, b, a2, a1}, 4},
		{"?order=asc", []int64{a1, a2, b, j}, 4},
		{"?show_detail=true", []int64{j, b, a2, a1}, 4},
		{"?name=alpha", []int64{j, a2, a1}, 3},
		{"?name=alpha-1", []int64{a1}, 1},
		{"?name=ALPHA", []int64{}, 0},
		{"?queue_name=q2", []int64{j}, 1},
		{"?queue_name=nope", []int64{}, 0},
		{"?status=job_running", []int64{b}, 1},
		{"?status=job_init&order=asc", []int64{a1, a2, j}, 3},
		{"?status=job_finish", []int64{}, 0},
		{"?job_type=flink_jar_job", []int64{j}, 1},
		{"?job_type=flink_sql_job", []int64{a2}, 1},
		{"?job_type=flink_opensource_sql_job", []int64{b, a1}, 2},
		{"?tags=team%3Ddata", []int64{b, a1}, 2},
		{"?tags=team=data,env=prod", []int64{a1}, 1},
		{"?tags=env", []int64{a1}, 1},
		{"?tags=team=ops", []int64{}, 0},
		{"?user_name=" + owner, []int64{j, b, a2, a1}, 4},
		{"?user_name=someone", []int64{}, 0},
		{"?name=alpha&queue_name=default&order=asc", []int64{a1, a2}, 2},
		{"?limit=2", []int64{j, b}, 4},
		{"?limit=2&offset=2", []int64{a2, a1}, 4},
		{"?limit=3&offset=3", []int64{a1}, 4},
		{"?limit=2&offset=4", []int64{}, 4},
		{"?limit=100&offset=1000000", []int64{}, 4},
		{"?offset=1&order=asc&limit=1", []int64{a2}, 4},
		{"?root_job_id=5&sys_enterprise_project_name=x&limit=", []int64{j, b, a2, a1}, 4},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			ids, total := h.listFlink(tc.query)
			if !slices.Equal(ids, tc.ids) || total != tc.total {
				t.Fatalf("ids %v total %d, want %v %d", ids, total, tc.ids, tc.total)
			}
		})
	}
	for _, bad := range []string{"?limit=0", "?limit=101", "?limit=x", "?offset=-1", "?status=running", "?job_type=spark",
		"?order=up", "?show_detail=yes", "?name=%zz"} {
		t.Run("refused "+bad, func(t *testing.T) {
			expectError(t, h.do("GET", fp("/jobs"+bad), ""), 400, CodeParameter)
		})
	}
}

// Paging the way Terraform does (offset += page length until a page is
// empty) visits every job exactly once, with the default limit of 10.
func TestFlinkListPagingToTheEnd(t *testing.T) {
	h := newHarness(t, Options{})
	var want []int64
	for i := range 23 {
		want = append(want, h.flinkCreate("sql-jobs", flinkSQL(fmt.Sprintf("p%d", i), "")))
	}
	var got []int64
	pages := 0
	for offset := 0; ; {
		ids, total := h.listFlink(fmt.Sprintf("?order=asc&offset=%d", offset))
		pages++
		if total != len(want) || len(ids) > 10 {
			t.Fatalf("page at %d: %d ids, total %d", offset, len(ids), total)
		}
		if len(ids) == 0 {
			break
		}
		got = append(got, ids...)
		offset += len(ids)
	}
	if !slices.Equal(got, want) || pages != 4 {
		t.Fatalf("paged %v in %d pages, want %v", got, pages, want)
	}
}

// Flink jobs survive a restart through the state file, keep their
// timelines and savepoints, and IDs are never reused; reset forgets the
// jobs, not the ID sequence.
func TestFlinkStateFileAndReset(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	clock := NewManualClock(t0)
	h := newHarness(t, Options{Clock: clock, StateFile: path})
	keep := h.flinkCreate("sql-jobs", flinkSQL("keep", `,"obs_bucket":"b","tags":[{"key":"k","value":"v"}]`))
	gone := h.flinkCreate("flink-jobs", flinkJar("gone", ""))
	h.flinkRun(keep, false)
	clock.Advance(2 * time.Second)
	h.flinkStop(keep, true)
	mustOK(t, h.do("DELETE", fp(fmt.Sprintf("/jobs/%d", gone)), ""), "delete")
	before := h.flinkDetail(keep)
	if err := h.s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := New(Options{Clock: clock, StateFile: path, Queues: []string{"default", "q2"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	h2 := &harness{t: t, s: s2, clock: clock}
	clock.Advance(time.Second)
	after := h2.flinkDetail(keep)
	if after.Status != FlinkCancelSuccess || before.Status != FlinkCanceling || after.SavepointPath == nil ||
		after.Name != "keep" || after.CreateTime != before.CreateTime {
		t.Fatalf("after restart %+v", after)
	}
	expectError(t, h2.do("GET", fp(fmt.Sprintf("/jobs/%d", gone)), ""), 400, CodeFlinkNotExist)
	if next := h2.flinkCreate("sql-jobs", flinkSQL("next", "")); next != gone+1 {
		t.Fatalf("next ID %d, want %d", next, gone+1)
	}
	if rec := h2.admin("POST", "/_emulator/reset", ""); rec.Code != 200 {
		t.Fatalf("reset: %d %s", rec.Code, rec.Body.String())
	}
	if ids, _ := h2.listFlink(""); len(ids) != 0 {
		t.Fatalf("after reset %v", ids)
	}
	if next := h2.flinkCreate("sql-jobs", flinkSQL("fresh", "")); next != gone+2 {
		t.Fatalf("ID after reset %d, want %d", next, gone+2)
	}

	for _, bad := range []string{
		`{"version":1,"flink_jobs":{"seq":100,"jobs":[{"id":101}]}}`,
		`{"version":1,"flink_jobs":{"seq":100,"jobs":[{"id":100,"config":{"name":""}}]}}`,
		`{"version":1,"flink_jobs":[]}`,
	} {
		p := filepath.Join(dir, "bad.json")
		if err := os.WriteFile(p, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := New(Options{StateFile: p}); err == nil {
			t.Fatalf("state %s accepted", bad)
		}
	}
}

// A batch-only emulator writes the state file it always wrote: no Flink
// section until a Flink job was created.
func TestFlinkStateSectionOnlyWhenUsed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, Options{StateFile: path})
	h.create(`{"file":"a.jar","queue":"default"}`)
	if err := h.s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var sections map[string]any
	if err := json.Unmarshal(b, &sections); err != nil {
		t.Fatal(err)
	}
	if _, ok := sections["flink_jobs"]; ok || sections["jobs"] == nil {
		t.Fatalf("state file sections %v", keysOf(sections))
	}
}

// Tags read back through the v3 tag API, after create and after an update.
func TestFlinkTagsRoute(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.flinkCreate("sql-jobs", flinkSQL("t", `,"tags":[{"key":"team","value":"data"}]`))
	path := fmt.Sprintf("/v3/%s/dli_flink_job/%d/tags", DefaultProjectID, id)
	if rec := h.do("GET", path, ""); rec.Code != 200 || rec.Body.String() != `{"tags":[{"key":"team","value":"data"}],"count":1}` {
		t.Fatalf("tags: %d %s", rec.Code, rec.Body.String())
	}
	mustOK(t, h.do("PUT", fp(fmt.Sprintf("/sql-jobs/%d", id)), `{"tags":[]}`), "clear tags")
	if rec := h.do("GET", path, ""); rec.Body.String() != `{"tags":[],"count":0}` {
		t.Fatalf("tags after update: %s", rec.Body.String())
	}
	expectError(t, h.do("GET", fmt.Sprintf("/v3/%s/dli_flink_job/4242/tags", DefaultProjectID), ""), 400, CodeFlinkNotExist)
	expectError(t, h.do("GET", fmt.Sprintf("/v3/%s/dli_flink_job/x/tags", DefaultProjectID), ""), 400, CodeParameter)
}
