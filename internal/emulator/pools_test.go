package emulator

import (
	"strings"
	"testing"
)

func poolPath(suffix string) string { return q3("/elastic-resource-pools" + suffix) }

// pool lists pools by name and returns the one named exactly, or nil.
func (h *harness) pool(name string) map[string]any {
	h.t.Helper()
	for _, it := range as[[]any](h.t, h.ok("GET", poolPath("?name="+name), "")["elastic_resource_pools"]) {
		if m := as[map[string]any](h.t, it); m["elastic_resource_pool_name"] == name {
			return m
		}
	}
	return nil
}

func TestPools_lifeCycleOnTheClock(t *testing.T) {
	h := newHarness(t, Options{JobStart: 20e9})
	got := h.ok("POST", poolPath(""), `{"elastic_resource_pool_name":"Pool_A","min_cu":64,"max_cu":128,"description":"d"}`)
	if got["elastic_resource_pool_name"] != "pool_a" || got["is_success"] != true {
		t.Fatalf("create answer = %v", got)
	}
	p := h.pool("pool_a")
	if p["status"] != PoolCreating || p["actual_cu"] != 0.0 || p["cidr_in_vpc"] != defaultPoolCIDR {
		t.Fatalf("new pool = %v, want CREATING with 0 CUs and the default CIDR", p)
	}
	expectError(t, h.do("PUT", poolPath("/pool_a"), `{"max_cu":256}`), 400, CodeNotSupported) // still creating
	h.clock.Advance(20e9)
	if p = h.pool("pool_a"); p["status"] != PoolAvailable || p["actual_cu"] != 64.0 || p["current_cu"] != 64.0 {
		t.Fatalf("pool after the creation delay = %v, want AVAILABLE with 64 CUs", p)
	}

	h.ok("PUT", poolPath("/POOL_A"), `{"min_cu":128,"max_cu":256,"description":"bigger"}`)
	if p = h.pool("pool_a"); p["status"] != PoolScaling || p["min_cu"] != 128.0 || p["actual_cu"] != 64.0 || p["description"] != "bigger" {
		t.Fatalf("pool after update = %v, want SCALING with the new limits", p)
	}
	h.clock.Advance(20e9)
	if p = h.pool("pool_a"); p["status"] != PoolAvailable || p["actual_cu"] != 128.0 {
		t.Fatalf("pool after scaling = %v", p)
	}

	h.ok("DELETE", poolPath("/pool_a"), "")
	if h.pool("pool_a") == nil {
		t.Fatal("a deleted pool disappears at once; DLI drops it from the list later")
	}
	h.clock.Advance(20e9)
	if p = h.pool("pool_a"); p != nil {
		t.Fatalf("deleted pool still listed: %v", p)
	}
	expectError(t, h.do("DELETE", poolPath("/pool_a"), ""), 400, CodeNotExist)
	expectError(t, h.do("PUT", poolPath("/pool_a"), `{"max_cu":256}`), 400, CodeNotExist)
	// There is no GET of one pool.
	expectError(t, h.do("GET", poolPath("/pool_a"), ""), 404, CodeAPINotFound)
}

func TestPools_failedOutcome(t *testing.T) {
	h := newHarness(t, Options{JobStart: -1})
	h.ok("POST", poolPath(""), `{"elastic_resource_pool_name":"bad","min_cu":64,"max_cu":64,"tags":[{"key":"emulator.outcome","value":"failed"}]}`)
	p := h.pool("bad")
	if p["status"] != PoolFailed || !strings.Contains(as[string](t, p["fail_reason"]), "not enough resources") {
		t.Fatalf("pool = %v, want FAILED with a fail_reason", p)
	}
	h.ok("DELETE", poolPath("/bad"), "") // a failed pool can be deleted
}

func TestPools_listPagingAndFilters(t *testing.T) {
	h := newHarness(t, Options{JobStart: -1})
	for _, n := range []string{"p1", "p2", "p3", "other"} {
		h.ok("POST", poolPath(""), `{"elastic_resource_pool_name":"`+n+`","min_cu":64,"max_cu":64,"tags":[{"key":"n","value":"`+n+`"}]}`)
	}
	cases := []struct {
		query string
		want  string
		count float64
	}{
		{"", "p1,p2,p3,other", 4},
		{"?limit=2", "p1,p2", 4},
		{"?offset=2&limit=2", "p3,other", 4},
		{"?offset=4&limit=2", "", 4}, // empty past the end; count is the total
		{"?name=p", "p1,p2,p3", 3},   // fuzzy
		{"?status=AVAILABLE&tags=n=other", "other", 1},
	}
	for _, tc := range cases {
		body := h.ok("GET", poolPath(tc.query), "")
		if got := strings.Join(listNames(t, body, "elastic_resource_pools", "elastic_resource_pool_name"), ","); got != tc.want || body["count"] != tc.count {
			t.Errorf("list%s = %s (count %v), want %s (count %v)", tc.query, got, body["count"], tc.want, tc.count)
		}
	}
	for _, q := range []string{"?limit=0", "?limit=101", "?offset=-1", "?status=BUSY"} {
		expectError(t, h.do("GET", poolPath(q), ""), 400, CodeParameter)
	}
}

func TestPools_createValidation(t *testing.T) {
	h := newHarness(t, Options{})
	cases := map[string]string{
		"no name":         `{"min_cu":64,"max_cu":64}`,
		"bad name":        `{"elastic_resource_pool_name":"a b","min_cu":64,"max_cu":64}`,
		"no min":          `{"elastic_resource_pool_name":"p","max_cu":64}`,
		"min > max":       `{"elastic_resource_pool_name":"p","min_cu":128,"max_cu":64}`,
		"standard min 64": `{"elastic_resource_pool_name":"p","min_cu":16,"max_cu":64}`,
		"basic max 64":    `{"elastic_resource_pool_name":"p","min_cu":16,"max_cu":128,"label":{"spec":"basic"}}`,
		"label type":      `{"elastic_resource_pool_name":"p","min_cu":64,"max_cu":64,"label":"basic"}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) { expectError(t, h.do("POST", poolPath(""), body), 400, CodeParameter) })
	}
	h.ok("POST", poolPath(""), `{"elastic_resource_pool_name":"p","min_cu":16,"max_cu":64,"label":{"spec":"basic"}}`)
	expectError(t, h.do("POST", poolPath(""), `{"elastic_resource_pool_name":"P","min_cu":64,"max_cu":64}`), 400, CodeParameter)
}

func TestPools_queuesAndScalingPolicies(t *testing.T) {
	h := newHarness(t, Options{JobStart: 5e9})
	h.ok("POST", poolPath(""), `{"elastic_resource_pool_name":"pool","min_cu":64,"max_cu":256}`)
	// A queue joins only an AVAILABLE pool.
	expectError(t, h.do("POST", qp(""), `{"queue_name":"inpool","cu_count":16,"elastic_resource_pool_name":"pool"}`), 400, CodeNotSupported)
	h.clock.Advance(5e9)
	h.ok("POST", qp(""), `{"queue_name":"inpool","cu_count":16,"elastic_resource_pool_name":"POOL"}`)
	h.ok("POST", qp(""), `{"queue_name":"later","cu_count":16}`)
	h.ok("POST", poolPath("/pool/queues"), `{"queue_name":"later"}`)
	expectError(t, h.do("POST", poolPath("/pool/queues"), `{"queue_name":"later"}`), 400, CodeNotSupported)

	if d := h.ok("GET", qp("/inpool"), ""); d["elastic_resource_pool_name"] != "pool" {
		t.Fatalf("detail of a pool queue = %v", d)
	}
	if p := h.pool("pool"); strings.Join(anyStrings(t, p["queues"]), ",") != "inpool,later" {
		t.Fatalf("pool queues = %v", p["queues"])
	}
	expectError(t, h.do("PUT", qp("/inpool/action"), `{"action":"scale_out","cu_count":16}`), 400, CodeNotSupported)

	policies := func() []any {
		body := h.ok("GET", poolPath("/pool/queues?queue_name=inp"), "")
		qs := as[[]any](t, body["queues"])
		if len(qs) != 1 {
			t.Fatalf("fuzzy queue_name filter: %v", qs)
		}
		return as[[]any](t, as[map[string]any](t, qs[0])["queue_scaling_policies"])
	}
	if ps := policies(); len(ps) != 1 || as[map[string]any](t, ps[0])["impact_stop_time"] != "24:00" {
		t.Fatalf("default policy = %v", ps)
	}
	good := `{"queue_scaling_policies":[
		{"priority":1,"impact_start_time":"00:00","impact_stop_time":"24:00","min_cu":16,"max_cu":64},
		{"priority":50,"impact_start_time":"08:00","impact_stop_time":"12:00","min_cu":"32","max_cu":"128"},
		{"priority":60,"impact_start_time":"12:00","impact_stop_time":"18:00","min_cu":16,"max_cu":64}]}`
	h.ok("PUT", poolPath("/pool/queues/inpool"), good)
	if ps := policies(); len(ps) != 3 || as[map[string]any](t, ps[1])["min_cu"] != 32.0 {
		t.Fatalf("policies = %v", ps)
	}
	bad := map[string]string{
		"no default": `{"queue_scaling_policies":[{"priority":1,"impact_start_time":"08:00","impact_stop_time":"12:00","min_cu":16,"max_cu":64}]}`,
		"overlap": `{"queue_scaling_policies":[{"priority":1,"impact_start_time":"00:00","impact_stop_time":"24:00","min_cu":16,"max_cu":64},
			{"priority":2,"impact_start_time":"08:00","impact_stop_time":"12:00","min_cu":16,"max_cu":64},
			{"priority":3,"impact_start_time":"11:00","impact_stop_time":"13:00","min_cu":16,"max_cu":64}]}`,
		"priority":    `{"queue_scaling_policies":[{"priority":0,"impact_start_time":"00:00","impact_stop_time":"24:00","min_cu":16,"max_cu":64}]}`,
		"min > max":   `{"queue_scaling_policies":[{"priority":1,"impact_start_time":"00:00","impact_stop_time":"24:00","min_cu":64,"max_cu":16}]}`,
		"above pool":  `{"queue_scaling_policies":[{"priority":1,"impact_start_time":"00:00","impact_stop_time":"24:00","min_cu":16,"max_cu":512}]}`,
		"time format": `{"queue_scaling_policies":[{"priority":1,"impact_start_time":"0:00","impact_stop_time":"24:00","min_cu":16,"max_cu":64}]}`,
		"empty":       `{"queue_scaling_policies":[]}`,
	}
	for name, body := range bad {
		t.Run(name, func(t *testing.T) {
			expectError(t, h.do("PUT", poolPath("/pool/queues/inpool"), body), 400, CodeParameter)
		})
	}
	expectError(t, h.do("PUT", poolPath("/pool/queues/default"), good), 400, CodeNotExist)

	// The pool must keep room for its queues' policies, and cannot go while it has queues.
	expectError(t, h.do("PUT", poolPath("/pool"), `{"max_cu":64}`), 400, CodeParameter)
	expectError(t, h.do("DELETE", poolPath("/pool"), ""), 400, CodeNotSupported)
	h.ok("DELETE", qp("/inpool"), "")
	h.ok("DELETE", qp("/later"), "")
	h.ok("DELETE", poolPath("/pool"), "")
}

func anyStrings(t *testing.T, v any) []string {
	var out []string
	for _, x := range as[[]any](t, v) {
		out = append(out, as[string](t, x))
	}
	return out
}
