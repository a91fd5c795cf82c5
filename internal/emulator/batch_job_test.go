package emulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLogEndpoint(t *testing.T) {
	h := newHarness(t, Options{JobStart: time.Second, JobRun: time.Second})
	dead := h.create(`{"file":"a.jar","className":"org.example.Main","queue":"default","auto_recovery":true,"conf":{"emulator.outcome":"dead"}}`)
	h.clock.Advance(time.Hour)
	full := decodeAs[logResponse](t, h.do("GET", pp("/"+dead.ID+"/log?size=-1"), ""))
	total := full.Total
	if total != len(full.Log) || total < 12 {
		t.Fatalf("log of %d lines: %q", total, full.Log)
	}
	cases := []struct {
		query     string
		from, len int
		first     int // index into full.Log of the first returned line (-1: none)
	}{
		{"", max(0, total-100), total, 0},
		{"?size=5", total - 5, 5, total - 5},
		{"?from=2&size=3", 2, 3, 2},
		{"?from=2", 2, total - 2, 2},
		{"?from=" + fmt.Sprint(total+5), total, 0, -1},
		{"?size=0", total, 0, -1},
		{"?from=-1&size=2", total - 2, 2, total - 2},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			lr := decodeAs[logResponse](t, h.do("GET", pp("/"+dead.ID+"/log"+c.query), ""))
			if lr.ID != dead.ID || lr.From != c.from || len(lr.Log) != c.len || lr.Total != total {
				t.Fatalf("got from %d len %d total %d", lr.From, len(lr.Log), lr.Total)
			}
			if c.first >= 0 && lr.Log[0] != full.Log[c.first] {
				t.Fatalf("first line %q, want %q", lr.Log[0], full.Log[c.first])
			}
		})
	}
	// Per attempt driver logs (auto_recovery: two attempts).
	a0 := decodeAs[logResponse](t, h.do("GET", pp("/"+dead.ID+"/log?type=driver"), ""))
	a1 := decodeAs[logResponse](t, h.do("GET", pp("/"+dead.ID+"/log?type=driver&index=1"), ""))
	a1b := decodeAs[logResponse](t, h.do("GET", pp("/"+dead.ID+"/log?index=1"), ""))
	a9 := decodeAs[logResponse](t, h.do("GET", pp("/"+dead.ID+"/log?type=driver&index=9"), ""))
	if a0.Total == 0 || a1.Total == 0 || a0.Total+a1.Total != total || !slices.Equal(a1.Log, a1b.Log) || a9.Total != 0 {
		t.Fatalf("attempt logs: %d + %d vs %d, index 9 %d", a0.Total, a1.Total, total, a9.Total)
	}
	for _, q := range []string{"?type=executor", "?index=-1", "?index=x", "?size=x", "?from=x"} {
		t.Run(q, func(t *testing.T) {
			expectError(t, h.do("GET", pp("/"+dead.ID+"/log"+q), ""), 400, CodeParameter)
		})
	}
	// The job object's log is the last 10 lines.
	if d := h.detail(dead.ID); !slices.Equal(d.Log, full.Log[total-10:]) {
		t.Fatalf("detail log %q", d.Log)
	}
}

func TestDetailAndState(t *testing.T) {
	h := newHarness(t, Options{})
	body := "{\"file\": \"obs://b/app.jar\",\n \"queue\": \"default\", \"name\": \"d\", \"conf\": {\"k\": \"v\"}}\n"
	c := h.create(body)
	rec := h.do("GET", pp("/"+c.ID), "")
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"appId", "cluster_name", "create_time", "feature", "id", "image", "kind", "log", "name", "owner",
		"proxyUser", "queue", "req_body", "sc_type", "spark_version", "state", "update_time"}
	if got := keysOf(m); !slices.Equal(got, wantKeys) {
		t.Fatalf("keys = %v, want %v", got, wantKeys)
	}
	d := h.detail(c.ID)
	if d.ReqBody != `{"file":"obs://b/app.jar","queue":"default","name":"d","conf":{"k":"v"}}` {
		t.Fatalf("req_body = %q", d.ReqBody)
	}
	if d.Feature != "basic" || d.SparkVersion != "2.3.2" || d.State != "starting" || d.AppID != "" ||
		d.Kind != "spark" || d.Queue != "default" || d.ClusterName != "default" || d.CreateTime != c.CreateTime {
		t.Fatalf("detail %+v", d)
	}
	if len(d.Log) == 0 || len(d.Log) > 10 {
		t.Fatalf("log %q", d.Log)
	}
	st := decodeAs[map[string]any](t, h.do("GET", pp("/"+c.ID+"/state"), ""))
	if len(st) != 2 || st["id"] != c.ID || st["state"] != "starting" {
		t.Fatalf("state body %v", st)
	}
	// Upper-case IDs find the same job.
	if got := h.state(strings.ToUpper(c.ID)); got != "starting" {
		t.Fatalf("state by upper-case id = %q", got)
	}
}

func TestBatchIDErrors(t *testing.T) {
	h := newHarness(t, Options{})
	unknown := "0a324461-d9d9-45da-a52a-3b3c7a3d809e"
	ops := []struct{ method, suffix string }{
		{"GET", ""}, {"GET", "/state"}, {"GET", "/log"}, {"DELETE", ""},
	}
	ids := []struct {
		id, code, msg string
	}{
		{"not-a-uuid", CodeParameter, "not-a-uuid"},
		{"0a324461d9d945daa52a3b3c7a3d809e", CodeParameter, "UUID"},
		{unknown, CodeNotExist, "The batch job " + unknown + " does not exist"},
	}
	for _, op := range ops {
		for _, id := range ids {
			t.Run(op.method+op.suffix+"/"+id.id, func(t *testing.T) {
				body := expectError(t, h.do(op.method, pp("/"+id.id+op.suffix), ""), 400, id.code)
				if !strings.Contains(str(body["error_msg"]), id.msg) {
					t.Fatalf("error_msg %v", body["error_msg"])
				}
			})
		}
	}
	// A forgotten job is unknown afterwards.
	c := h.create(`{"file":"a.jar","queue":"default"}`)
	if !h.s.ForgetJob(c.ID) || h.s.ForgetJob(c.ID) {
		t.Fatal("ForgetJob result")
	}
	expectError(t, h.do("GET", pp("/"+c.ID+"/state"), ""), 400, CodeNotExist)
}

func TestCancel(t *testing.T) {
	h := newHarness(t, Options{})
	a := h.create(`{"file":"a.jar","queue":"default"}`)
	b := h.create(`{"file":"a.jar","queue":"default"}`)
	steps := []struct {
		advance time.Duration
		method  string
		id      string
		status  int
		code    string
		wantA   string
	}{
		{0, "DELETE", a.ID, 200, "", "starting"},
		{0, "DELETE", a.ID, 200, "", "starting"}, // repeated while pending: still accepted
		{DefaultCancelDelay, "GET", a.ID, 200, "", "dead"},
		{0, "DELETE", a.ID, 400, CodeNotSupported, "dead"},
		{time.Hour, "DELETE", b.ID, 400, CodeNotSupported, "dead"}, // b finished with success
	}
	for i, st := range steps {
		h.clock.Advance(st.advance)
		rec := h.do(st.method, pp("/"+st.id), "")
		if st.code != "" {
			body := expectError(t, rec, st.status, st.code)
			if msg := str(body["error_msg"]); !strings.Contains(msg, "already finished") {
				t.Fatalf("step %d: msg %q", i, msg)
			}
		} else if rec.Code != st.status {
			t.Fatalf("step %d: %d %s", i, rec.Code, rec.Body.String())
		} else if st.method == "DELETE" && rec.Body.String() != `{"msg":"deleted"}` {
			t.Fatalf("step %d: body %s", i, rec.Body.String())
		}
		if got := h.state(a.ID); got != st.wantA {
			t.Fatalf("step %d: state of a = %q, want %q", i, got, st.wantA)
		}
	}
	if got := h.state(b.ID); got != "success" {
		t.Fatalf("b state %q", got)
	}
	body := expectError(t, h.do("DELETE", pp("/"+b.ID), ""), 400, CodeNotSupported)
	if !strings.Contains(str(body["error_msg"]), "success") {
		t.Fatalf("msg %v", body["error_msg"])
	}
}
