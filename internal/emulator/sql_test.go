package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// sp is a SQL API path in the default project.
func sp(suffix string) string { return "/v1.0/" + DefaultProjectID + "/jobs" + suffix }

func (h *harness) submit(body string) map[string]any {
	h.t.Helper()
	rec := h.do("POST", sp("/submit-job"), body)
	if rec.Code != 200 {
		h.t.Fatalf("submit %s: %d %s", body, rec.Code, rec.Body)
	}
	return decodeAs[map[string]any](h.t, rec)
}

func (h *harness) sqlStatus(id string) map[string]any {
	h.t.Helper()
	rec := h.do("GET", sp("/"+id+"/status"), "")
	if rec.Code != 200 {
		h.t.Fatalf("status %s: %d %s", id, rec.Code, rec.Body)
	}
	return decodeAs[map[string]any](h.t, rec)
}

func TestSQLLifeCycle(t *testing.T) {
	h := newHarness(t, Options{})
	sub := h.submit(`{"sql":"INSERT INTO t SELECT * FROM s","currentdb":"db1","queue_name":"q2","conf":["spark.sql.shuffle.partitions = 10"],"tags":[{"key":"team","value":"etl"}]}`)
	id := str(sub["job_id"])
	if sub["is_success"] != true || sub["message"] != "" || sub["job_type"] != "INSERT" || sub["job_mode"] != "async" || !jobUUIDRE.MatchString(id) {
		t.Fatalf("submit %v", sub)
	}
	st := h.sqlStatus(id)
	wantKeys := []string{"bad_row_count", "database_name", "detail", "duration", "execution_details_path", "input_row_count",
		"input_size", "is_success", "job_id", "job_mode", "job_type", "message", "owner", "queue_name", "result_count",
		"result_format", "result_path", "start_time", "statement", "status", "table_name", "tags", "user_conf"}
	if got := keysOf(st); !slices.Equal(got, wantKeys) {
		t.Fatalf("status keys %v, want %v", got, wantKeys)
	}
	if st["status"] != SQLLaunching || st["database_name"] != "db1" || st["queue_name"] != "q2" ||
		st["owner"] != OwnerForToken(DefaultToken) || st["start_time"] != float64(t0.UnixMilli()) ||
		st["user_conf"] != `["spark.sql.shuffle.partitions = 10"]` {
		t.Fatalf("status %v", st)
	}
	for _, step := range []struct {
		advance time.Duration
		status  string
		ms      float64
	}{{999 * time.Millisecond, SQLLaunching, 999}, {time.Millisecond, SQLRunning, 1000}, {2 * time.Second, SQLFinished, 3000}, {time.Hour, SQLFinished, 3000}} {
		h.clock.Advance(step.advance)
		if st := h.sqlStatus(id); st["status"] != step.status || st["duration"] != step.ms {
			t.Fatalf("after +%v: %v %v", step.advance, st["status"], st["duration"])
		}
	}
}

func TestSQLScriptedOutcomes(t *testing.T) {
	h := newHarness(t, Options{SQLRun: time.Hour})
	failed := str(h.submit(`{"sql":"select * from t","conf":["emulator.outcome=failed","emulator.run_duration= 30s"]}`)["job_id"])
	h.clock.Advance(time.Second + 30*time.Second)
	st := h.sqlStatus(failed)
	if st["status"] != SQLFailed || !strings.Contains(str(st["message"]), "emulated failure") || st["is_success"] != true {
		t.Fatalf("failed job %v", st)
	}
	// Synchronous statements: DCL always, DDL when asynchronous DDL is off.
	for _, c := range []struct {
		body, typ, mode string
		success         bool
	}{
		{`{"sql":"GRANT SELECT ON TABLE t TO USER u"}`, "DCL", "sync", true},
		{`{"sql":"CREATE TABLE t (a INT)"}`, "DDL", "async", true},
		{`{"sql":"create table t (a int)","conf":["dli.sql.sqlasync.enabled=false"]}`, "DDL", "sync", true},
		{`{"sql":"REVOKE SELECT ON TABLE t FROM USER u","conf":["emulator.outcome=failed"]}`, "DCL", "sync", false},
	} {
		sub := h.submit(c.body)
		if sub["job_type"] != c.typ || sub["job_mode"] != c.mode || sub["is_success"] != c.success {
			t.Fatalf("%s: %v", c.body, sub)
		}
		want := map[bool]string{true: SQLFinished, false: SQLFailed}[c.success]
		if c.mode == "async" {
			want = SQLLaunching
		}
		if st := h.sqlStatus(str(sub["job_id"])); st["status"] != want || st["job_mode"] != c.mode {
			t.Fatalf("%s: status %v", c.body, st)
		}
	}
}

func TestSQLJobTypes(t *testing.T) {
	for stmt, want := range map[string]string{
		"SELECT 1": "QUERY", "  with a as (select 1) select * from a": "QUERY", "(SELECT 1)": "QUERY",
		"-- note\nSELECT 1": "QUERY", "/* c */ insert into t values (1)": "INSERT", "INSERT OVERWRITE TABLE t SELECT 1": "INSERT",
		"create database d": "DDL", "DROP TABLE t": "DDL", "Alter table t add columns (b int)": "DDL", "SHOW TABLES": "DDL",
		"GRANT ALL ON DATABASE d TO USER u": "DCL", "revoke all on database d from user u": "DCL",
		"LOAD DATA INPATH 'obs://b/x' INTO TABLE t": "IMPORT", "FROBNICATE": "", "123": "", "": "",
	} {
		if got := sqlJobType(stmt); got != want {
			t.Errorf("sqlJobType(%q) = %q, want %q", stmt, got, want)
		}
	}
}

func TestSQLPreview(t *testing.T) {
	h := newHarness(t, Options{})
	id := str(h.submit(`{"sql":"SELECT 1 AS n, 'x' AS s, 2.5 AS d, true AS b, NULL AS z, 7"}`)["job_id"])
	expectError(t, h.do("GET", sp("/"+id+"/preview"), ""), 400, CodeParameter) // still launching
	h.clock.Advance(time.Minute)
	rec := h.do("GET", sp("/"+id+"/preview"), "")
	if rec.Code != 200 {
		t.Fatalf("preview %d %s", rec.Code, rec.Body)
	}
	want := `{"is_success":true,"message":"","job_id":"` + id + `","job_type":"QUERY","row_count":1,"input_size":0,` +
		`"schema":[{"n":"int"},{"s":"string"},{"d":"double"},{"b":"boolean"},{"z":"void"},{"7":"int"}],"rows":[[1,"x",2.5,true,null,7]]}`
	if rec.Body.String() != want {
		t.Fatalf("preview\n got %s\nwant %s", rec.Body, want)
	}
	st := h.sqlStatus(id)
	if st["result_count"] != float64(1) || !strings.Contains(str(st["detail"]), `{"name":"n","type":"integer","nullable":true,"metadata":{}}`) ||
		!strings.HasSuffix(str(st["result_path"]), "/2024/01/01/"+id) {
		t.Fatalf("status %v", st)
	}
	// A query over a table answers no rows; other job types have no preview.
	table := str(h.submit(`{"sql":"SELECT a FROM t"}`)["job_id"])
	ddl := str(h.submit(`{"sql":"DROP TABLE t"}`)["job_id"])
	h.clock.Advance(time.Minute)
	if p := decodeAs[map[string]any](t, h.do("GET", sp("/"+table+"/preview"), "")); p["row_count"] != float64(0) || fmt.Sprint(p["rows"]) != "[]" {
		t.Fatalf("table preview %v", p)
	}
	expectError(t, h.do("GET", sp("/"+ddl+"/preview"), ""), 400, CodeParameter)
	expectError(t, h.do("GET", sp("/"+id+"/preview?page-size=1001"), ""), 400, CodeParameter)
}

func TestSQLCancel(t *testing.T) {
	h := newHarness(t, Options{})
	id := str(h.submit(`{"sql":"SELECT 1"}`)["job_id"])
	h.clock.Advance(1500 * time.Millisecond)
	for i := 0; i < 2; i++ { // a repeated cancel while cancelling is accepted too
		if rec := h.do("DELETE", sp("/"+id), ""); rec.Code != 200 || rec.Body.String() != `{"is_success":true,"message":""}` {
			t.Fatalf("cancel: %d %s", rec.Code, rec.Body)
		}
	}
	if st := h.sqlStatus(id); st["status"] != SQLRunning {
		t.Fatalf("just cancelled: %v", st["status"])
	}
	h.clock.Advance(DefaultCancelDelay)
	if st := h.sqlStatus(id); st["status"] != SQLCancelled || st["duration"] != float64(1750) {
		t.Fatalf("cancelled: %v", st)
	}
	body := expectError(t, h.do("DELETE", sp("/"+id), ""), 400, CodeNotSupported)
	if !strings.Contains(str(body["error_msg"]), "CANCELLED") {
		t.Fatalf("cancel of a cancelled job: %v", body)
	}
	unknown := "0a324461-d9d9-45da-a52a-3b3c7a3d809e"
	for _, p := range []string{"/status", "/detail", "/preview", ""} {
		method := map[bool]string{true: "DELETE", false: "GET"}[p == ""]
		expectError(t, h.do(method, sp("/"+unknown+p), ""), 400, CodeNotExist)
		expectError(t, h.do(method, sp("/not-a-uuid"+p), ""), 400, CodeParameter)
	}
}

func TestSQLValidation(t *testing.T) {
	h := newHarness(t, Options{})
	for _, c := range []struct{ body, code string }{
		{`{}`, CodeParameter}, {`{"sql":"  -- nothing\n"}`, CodeParameter}, {`{"sql":"SELECT 1; SELECT 2"}`, CodeParameter},
		{`{"sql":"FROB x"}`, "DLI.0004"}, {`{"sql":"SELECT 1","currentdb":"_x"}`, CodeParameter},
		{`{"sql":"SELECT 1","currentdb":"123"}`, CodeParameter}, {`{"sql":"SELECT 1","queue_name":"a-b"}`, CodeParameter},
		{`{"sql":"SELECT 1","queue_name":"nope"}`, CodeNotExist}, {`{"sql":"SELECT 1","engine_type":"flink"}`, CodeParameter},
		{`{"sql":"SELECT 1","conf":["novalue"]}`, CodeParameter}, {`{"sql":"SELECT 1","conf":"a=b"}`, CodeParameter},
		{`{"sql":"SELECT 1","conf":["emulator.outcome=dead"]}`, CodeParameter},
		{`{"sql":"SELECT 1","conf":["emulator.run_duration=soon"]}`, CodeParameter},
		{`{"sql":"SELECT 1","tags":[{"key":"_sys_x","value":"v"}]}`, CodeParameter},
		{`{"sql":"SELECT 1","tags":[{"key":" k","value":"v"}]}`, CodeParameter},
		{`{"sql":"SELECT 1","tags":[{"key":"k","value":"v"},{"key":"k","value":"w"}]}`, CodeParameter},
		{`{"sql":"SELECT 1","tags":{"key":"k"}}`, CodeParameter}, {`{"sql":"SELECT 1","sql":"SELECT 2"}`, CodeParameter},
	} {
		expectError(t, h.do("POST", sp("/submit-job"), c.body), 400, c.code)
	}
	// Accepted: a trailing semicolon, null tags, the documented conf spelling, the default queue.
	sub := h.submit(`{"sql":"SELECT 1;","tags":null,"conf":["dli.sql.shuffle.partitions = 200"],"engine_type":"hetuEngine","current_catalog":"dli"}`)
	if st := h.sqlStatus(str(sub["job_id"])); st["queue_name"] != "default" {
		t.Fatalf("default queue: %v", st["queue_name"])
	}
	rec := h.do("POST", sp("/check-sql"), `{"sql":"insert into t select 1","currentdb":"db"}`)
	if rec.Code != 200 || rec.Body.String() != `{"is_success":true,"message":"the sql is ok","job_type":"INSERT"}` {
		t.Fatalf("check-sql %d %s", rec.Code, rec.Body)
	}
	expectError(t, h.do("POST", sp("/check-sql"), `{"sql":"nonsense"}`), 400, "DLI.0004")
	if n := len(h.s.sql.sorted()); n != 1 {
		t.Fatalf("%d SQL jobs, want 1", n)
	}
}

func TestSQLList(t *testing.T) {
	h := newHarness(t, Options{SQLRun: time.Hour})
	var ids []string
	for i, stmt := range []string{"SELECT 1", "INSERT INTO t SELECT 2", "CREATE TABLE x (a int)", "select * from Orders", "GRANT SELECT ON TABLE t TO USER u"} {
		ids = append(ids, str(h.submit(fmt.Sprintf(`{"sql":%q,"queue_name":%q,"tags":[{"key":"n","value":"v%d"}]}`,
			stmt, []string{"default", "q2"}[i%2], i))["job_id"]))
		h.clock.Advance(time.Second)
	}
	list := func(query string) (int, []string) {
		t.Helper()
		rec := h.do("GET", sp(query), "")
		if rec.Code != 200 {
			t.Fatalf("list %s: %d %s", query, rec.Code, rec.Body)
		}
		var l struct {
			IsSuccess bool `json:"is_success"`
			JobCount  int  `json:"job_count"`
			Jobs      []struct {
				JobID string `json:"job_id"`
			} `json:"jobs"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &l)
		if !l.IsSuccess || l.Jobs == nil {
			t.Fatalf("list %s: %s", query, rec.Body)
		}
		var got []string
		for _, j := range l.Jobs {
			got = append(got, j.JobID)
		}
		return l.JobCount, got
	}
	rev := func(is ...int) []string {
		var out []string
		for _, i := range is {
			out = append(out, ids[i])
		}
		return out
	}
	for _, c := range []struct {
		query string
		count int
		want  []string
	}{
		{"", 5, rev(4, 3, 2, 1, 0)},
		{"?page-size=2&current-page=2", 5, rev(2, 1)},
		{"?page-size=2&current-page=3", 5, rev(0)},
		{"?page-size=2&current-page=4", 5, nil},
		{"?order=start_time_asc&page-size=2", 5, rev(0, 1)},
		{"?job-type=QUERY", 2, rev(3, 0)},
		{"?job-type=ALL&job_types=DDL&job_types=DCL", 2, rev(4, 2)},
		{"?job-status=FINISHED", 1, rev(4)},
		{"?job-status=RUNNING", 4, rev(3, 2, 1, 0)},
		{"?queue_name=q2", 2, rev(3, 1)},
		{"?sql_pattern=ORDERS", 1, rev(3)},
		{"?tags=n%3Dv2", 1, rev(2)},
		{"?owner=" + OwnerForToken(DefaultToken), 5, rev(4, 3, 2, 1, 0)},
		{"?owner=other", 0, nil},
		{"?job-id=" + strings.ToUpper(ids[1]), 1, rev(1)},
		{fmt.Sprintf("?start=%d&end=%d", t0.Add(time.Second).UnixMilli(), t0.Add(2*time.Second).UnixMilli()), 2, rev(2, 1)},
		{"?engine_type=spark&db_name=", 5, rev(4, 3, 2, 1, 0)},
		{"?table_name=t", 0, nil},
	} {
		n, got := list(c.query)
		if n != c.count || !slices.Equal(got, c.want) {
			t.Errorf("list %s: %d %v, want %d %v", c.query, n, got, c.count, c.want)
		}
	}
	for _, q := range []string{"?current-page=0", "?page-size=101", "?job-type=X", "?job-status=DONE", "?order=name", "?start=x",
		"?sql_pattern=" + strings.Repeat("x", 1025)} {
		expectError(t, h.do("GET", sp(q), ""), 400, CodeParameter)
	}
}

// SQL routes go through the same gateway: auth, faults, request log, admin, state file.
func TestSQLThroughTheGateway(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, Options{StateFile: path})
	expectError(t, h.raw("POST", sp("/submit-job"), `{"sql":"SELECT 1"}`, nil), 401, CodeAuth)
	expectError(t, h.raw("GET", "/v1.0/other/jobs", "", http.Header{"X-Auth-Token": {DefaultToken}}), 401, CodeAuth)
	h.s.SetFaults(0, 1, 0)
	expectError(t, h.do("GET", sp(""), ""), 429, CodeThrottled)
	h.s.SetFaults(0, 0, 1)
	expectError(t, h.do("POST", sp("/submit-job"), `{"sql":"SELECT 1 AS n"}`), 502, CodeBackendUnavail)
	if rec := h.do("POST", sp("/check-sql"), `{"sql":"SELECT 1"}`); rec.Code != 200 {
		t.Fatalf("check-sql changes nothing, no after-commit fault: %d", rec.Code)
	}
	h.s.SetFaults(0, 0, 0)
	expectError(t, h.do("PUT", sp("/submit-job"), ""), 404, CodeAPINotFound)
	expectError(t, h.do("HEAD", sp(""), ""), 404, CodeAPINotFound)
	rs := h.s.Requests()
	if len(rs) != 7 || rs[3] != (RequestRecord{"POST", sp("/submit-job"), 502, CodeBackendUnavail}) {
		t.Fatalf("request log %v", rs)
	}
	jobs := decodeAs[[]map[string]any](t, h.admin("GET", "/_emulator/jobs/sql", ""))
	if len(jobs) != 1 || jobs[0]["statement"] != "SELECT 1 AS n" || jobs[0]["status"] != SQLLaunching {
		t.Fatalf("admin jobs %v", jobs)
	}
	id := str(jobs[0]["job_id"])
	if err := h.s.Close(); err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t, Options{StateFile: path, Clock: h.clock})
	h.clock.Advance(time.Minute) // the server of h2 runs on the clock of h
	if st := h2.sqlStatus(id); st["status"] != SQLFinished {
		t.Fatalf("after a restart: %v", st)
	}
	h2.admin("POST", "/_emulator/reset", "")
	expectError(t, h2.do("GET", sp("/"+id+"/status"), ""), 400, CodeNotExist)
}
