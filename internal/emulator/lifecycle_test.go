package emulator

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLifecycle(t *testing.T) {
	type point struct {
		at      time.Duration // since creation
		state   string
		updated time.Duration // update_time - create_time
		running bool          // appId set
	}
	cases := []struct {
		name   string
		opts   Options
		body   string
		cancel time.Duration // cancel at this offset (0 = never)
		points []point
	}{
		{"defaults success", Options{}, `{"file":"a.jar","queue":"default"}`, 0, []point{
			{0, "starting", 0, false},
			{999 * time.Millisecond, "starting", 0, false},
			{time.Second, "running", time.Second, true},
			{5999 * time.Millisecond, "running", time.Second, true},
			{6 * time.Second, "success", 6 * time.Second, true},
			{time.Hour, "success", 6 * time.Second, true},
		}},
		{"outcome dead", Options{}, `{"file":"a.jar","queue":"default","conf":{"emulator.outcome":"dead"}}`, 0, []point{
			{500 * time.Millisecond, "starting", 0, false},
			{3 * time.Second, "running", time.Second, true},
			{6 * time.Second, "dead", 6 * time.Second, true},
		}},
		{"run_duration override", Options{}, `{"file":"a.jar","queue":"default","conf":{"emulator.run_duration":"1m"}}`, 0, []point{
			{30 * time.Second, "running", time.Second, true},
			{61 * time.Second, "success", 61 * time.Second, true},
		}},
		{"zero run duration", Options{JobStart: 2 * time.Second}, `{"file":"a.jar","queue":"default","conf":{"emulator.run_duration":"0s"}}`, 0, []point{
			{time.Second, "starting", 0, false},
			{2 * time.Second, "success", 2 * time.Second, true},
		}},
		{"immediate start (negative option)", Options{JobStart: -1, JobRun: time.Second}, `{"file":"a.jar","queue":"default"}`, 0, []point{
			{0, "running", 0, true},
			{time.Second, "success", time.Second, true},
		}},
		{"option durations", Options{JobStart: 10 * time.Second, JobRun: 20 * time.Second}, `{"file":"a.jar","queue":"default"}`, 0, []point{
			{9 * time.Second, "starting", 0, false},
			{29 * time.Second, "running", 10 * time.Second, true},
			{30 * time.Second, "success", 30 * time.Second, true},
		}},
		{"auto recovery then dead", Options{}, `{"file":"a.jar","queue":"default","auto_recovery":true,"conf":{"emulator.outcome":"dead"}}`, 0, []point{
			{2 * time.Second, "running", time.Second, true},
			{6 * time.Second, "recovering", 6 * time.Second, true},
			{7 * time.Second, "running", 7 * time.Second, true},
			{11*time.Second + time.Millisecond, "running", 7 * time.Second, true},
			{12 * time.Second, "dead", 12 * time.Second, true},
		}},
		{"auto recovery with max_retry_times 0", Options{}, `{"file":"a.jar","queue":"default","auto_recovery":true,"max_retry_times":0,"conf":{"emulator.outcome":"dead"}}`, 0, []point{
			{6 * time.Second, "dead", 6 * time.Second, true},
		}},
		{"auto recovery success never recovers", Options{}, `{"file":"a.jar","queue":"default","autoRecovery":true}`, 0, []point{
			{6 * time.Second, "success", 6 * time.Second, true},
		}},
		{"cancel while starting", Options{}, `{"file":"a.jar","queue":"default"}`, 500 * time.Millisecond, []point{
			{600 * time.Millisecond, "starting", 0, false},
			{5 * time.Second, "dead", 750 * time.Millisecond, false},
		}},
		{"cancel while running", Options{CancelDelay: 2 * time.Second}, `{"file":"a.jar","queue":"default"}`, 5 * time.Second, []point{
			{6 * time.Second, "running", time.Second, true}, // natural success suppressed
			{7 * time.Second, "dead", 7 * time.Second, true},
			{time.Hour, "dead", 7 * time.Second, true},
		}},
		{"cancel while recovering", Options{}, `{"file":"a.jar","queue":"default","auto_recovery":true,"conf":{"emulator.outcome":"dead"}}`, 6500 * time.Millisecond, []point{
			{6600 * time.Millisecond, "recovering", 6 * time.Second, true},
			{6750 * time.Millisecond, "dead", 6750 * time.Millisecond, true},
		}},
		{"immediate cancel (negative option)", Options{CancelDelay: -1}, `{"file":"a.jar","queue":"default"}`, 2 * time.Second, []point{
			{2 * time.Second, "dead", 2 * time.Second, true},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.opts)
			j := h.create(c.body)
			if j.State != "starting" || j.AppID != "" {
				t.Fatalf("create response %+v", j)
			}
			elapsed := time.Duration(0)
			cancelled := c.cancel == 0
			for _, p := range c.points {
				if !cancelled && p.at >= c.cancel {
					h.clock.Advance(c.cancel - elapsed)
					elapsed = c.cancel
					if rec := h.do("DELETE", pp("/"+j.ID), ""); rec.Code != 200 {
						t.Fatalf("cancel: %d %s", rec.Code, rec.Body.String())
					}
					cancelled = true
				}
				h.clock.Advance(p.at - elapsed)
				elapsed = p.at
				d := h.detail(j.ID)
				if d.State != p.state {
					t.Fatalf("at +%v: state %q, want %q", p.at, d.State, p.state)
				}
				if got := time.Duration(d.UpdateTime-d.CreateTime) * time.Millisecond; got != p.updated {
					t.Fatalf("at +%v: update_time +%v, want +%v", p.at, got, p.updated)
				}
				if (d.AppID != "") != p.running {
					t.Fatalf("at +%v: appId %q", p.at, d.AppID)
				}
				if got := h.state(j.ID); got != p.state {
					t.Fatalf("at +%v: /state %q", p.at, got)
				}
				snap, _ := h.s.Job(j.ID)
				if snap.State != p.state || snap.CancelRequested != (c.cancel != 0 && cancelled) {
					t.Fatalf("at +%v: snapshot %+v", p.at, snap)
				}
			}
		})
	}
}

func TestAppIDStable(t *testing.T) {
	h := newHarness(t, Options{})
	j := h.create(`{"file":"a.jar","queue":"default"}`)
	h.clock.Advance(2 * time.Second)
	running := h.detail(j.ID).AppID
	h.clock.Advance(time.Hour)
	if done := h.detail(j.ID).AppID; running == "" || done != running || !strings.HasPrefix(running, "application_") {
		t.Fatalf("appId %q then %q", running, done)
	}
	// The driver log names the same application.
	snap, _ := h.s.Job(j.ID)
	if !strings.Contains(strings.Join(snap.Log, "\n"), "Submitted application "+running+" ") {
		t.Fatalf("log does not name %s:\n%s", running, strings.Join(snap.Log, "\n"))
	}
}

func TestDriverLogs(t *testing.T) {
	cases := []struct {
		name    string
		body    string
		cancel  bool
		want    []string // substrings of the last 10 lines
		wantNot []string
	}{
		{"success", `{"file":"obs://b/app.jar","className":"org.example.Main","queue":"default","name":"ok"}`, false,
			[]string{"Job 0 finished", "Shutdown hook called", "finished with state success"}, []string{"Exception"}},
		{"dead", `{"file":"obs://b/app.jar","className":"org.example.Main","queue":"default","conf":{"emulator.outcome":"dead"}}`, false,
			[]string{`Exception in thread "main" org.apache.spark.SparkException: Job aborted due to stage failure`,
				"at org.example.Main.main(Main.scala)", "finished with failed status"}, nil},
		{"cancelled", `{"file":"a.py","queue":"default"}`, true,
			[]string{"Received cancel request", "RECEIVED SIGNAL TERM", "was killed by user request"}, []string{"Exception"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			j := h.create(c.body)
			if c.cancel {
				h.clock.Advance(2 * time.Second)
				h.do("DELETE", pp("/"+j.ID), "")
			}
			h.clock.Advance(time.Hour)
			lines := h.detail(j.ID).Log
			if len(lines) != 10 {
				t.Fatalf("log has %d lines", len(lines))
			}
			all := strings.Join(lines, "\n")
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("log lacks %q:\n%s", w, all)
				}
			}
			for _, w := range c.wantNot {
				if strings.Contains(all, w) {
					t.Errorf("log has %q:\n%s", w, all)
				}
			}
		})
	}
}

// The log only grows with time: each earlier log is a prefix of the later one.
func TestLogGrows(t *testing.T) {
	h := newHarness(t, Options{})
	j := h.create(`{"file":"a.jar","queue":"default","auto_recovery":true,"conf":{"emulator.outcome":"dead"}}`)
	var prev []string
	for i := 0; i < 30; i++ {
		snap, _ := h.s.Job(j.ID)
		if len(snap.Log) < len(prev) || !slices.Equal(snap.Log[:len(prev)], prev) {
			t.Fatalf("step %d: log is not an extension of the previous one", i)
		}
		prev = snap.Log
		h.clock.Advance(500 * time.Millisecond)
	}
}
