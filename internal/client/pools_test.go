package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func poolJSON(name, status string, minCU, maxCU int) string {
	return fmt.Sprintf(`{"id":1,"elastic_resource_pool_name":%q,"status":%q,"min_cu":%d,"max_cu":%d,"actual_cu":%d,
		"current_cu":"%d","create_time":1700000000000,"fail_reason":"no capacity","queues":["a"],"label":{"spec":"basic"}}`,
		name, status, minCU, maxCU, minCU, minCU)
}

func TestGetPoolListsAndMatchesExactly(t *testing.T) {
	c, rt := scripted(t, func(r *http.Request, _ int) (int, string) {
		var items []string
		if r.URL.Query().Get("offset") == "0" { // a full page of near names, then the pool
			for i := 0; i < 100; i++ {
				items = append(items, poolJSON(fmt.Sprintf("pool_%d", i), "AVAILABLE", 64, 64))
			}
		} else if r.URL.Query().Get("offset") == "100" {
			items = append(items, poolJSON("pool", "AVAILABLE", 64, 128))
		}
		return 200, `{"is_success":true,"count":101,"elastic_resource_pools":[` + strings.Join(items, ",") + `]}`
	})
	p, err := c.GetPool(context.Background(), "POOL")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "pool" || p.MaxCU != 128 || p.CurrentCU != 64 || p.Label["spec"] != "basic" || p.CreatedAt.IsZero() ||
		strings.Join(p.Queues, ",") != "a" {
		t.Fatalf("pool decoded as %+v", p)
	}
	if q := rt.reqs[0].URL.Query(); q.Get("name") != "pool" || q.Get("limit") != "100" ||
		rt.reqs[0].URL.Path != "/v3/"+testProject+"/elastic-resource-pools" {
		t.Fatalf("list request %s?%s", rt.reqs[0].URL.Path, rt.reqs[0].URL.RawQuery)
	}
	if _, err := c.GetPool(context.Background(), "absent"); !IsNotFound(err) {
		t.Fatalf("GetPool(absent) = %v, want not found", err)
	}
	if _, err := c.GetPool(context.Background(), "a/b"); !errors.Is(err, ErrInvalidID) {
		t.Fatalf("GetPool(a/b) = %v", err)
	}
}

func TestWaitForPool(t *testing.T) {
	cases := []struct {
		name     string
		statuses []string
		done     func(*ElasticResourcePool) bool
		check    func(error) bool
	}{
		{"created", []string{"CREATING", "CREATING", "AVAILABLE"}, nil, func(err error) bool { return err == nil }},
		{"scaled", []string{"AVAILABLE", "SCALING", "AVAILABLE"}, func(p *ElasticResourcePool) bool { return p.MinCU == 128 },
			func(err error) bool { return err == nil }},
		{"failed", []string{"CREATING", "FAILED"}, nil, func(err error) bool {
			var pf *PoolFailedError
			return errors.As(err, &pf) && pf.Reason == "no capacity" && strings.Contains(err.Error(), "no capacity")
		}},
		{"unknown", []string{"DELETING"}, nil, func(err error) bool {
			var ue *UnexpectedStateError
			return errors.As(err, &ue)
		}},
		{"gone", []string{""}, nil, IsNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := scripted(t, func(_ *http.Request, n int) (int, string) {
				st := tc.statuses[min(n, len(tc.statuses)-1)]
				if st == "" {
					return 200, `{"is_success":true,"count":0,"elastic_resource_pools":[]}`
				}
				minCU := 64
				if n >= 2 {
					minCU = 128
				}
				return 200, `{"is_success":true,"elastic_resource_pools":[` + poolJSON("p", st, minCU, 256) + `]}`
			})
			_, err := c.WaitForPool(context.Background(), "p", tc.done)
			if !tc.check(err) {
				t.Fatalf("WaitForPool: %v", err)
			}
		})
	}
}

func TestPoolUpdateDeleteAndPolicies(t *testing.T) {
	c, rt := scripted(t, func(r *http.Request, n int) (int, string) {
		switch {
		case r.Method == http.MethodDelete:
			return 400, `{"error_code":"DLI.0002","error_msg":"The elastic resource pool p does not exist"}`
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/queues"):
			return 200, `{"is_success":true,"count":2,"queues":[{"queue_name":"q_long","queue_scaling_policies":[]},
				{"queue_name":"q","queue_scaling_policies":[{"priority":"1","impact_start_time":"00:00","impact_stop_time":"24:00","min_cu":"16","max_cu":64}]}]}`
		case r.Method == http.MethodGet:
			return 200, `{"is_success":true,"elastic_resource_pools":[]}`
		}
		return 200, `{"is_success":true,"message":""}`
	})
	ctx := context.Background()
	minCU, desc := int64(128), "x"
	if err := c.UpdatePool(ctx, "p", UpdatePoolRequest{MinCU: &minCU, Description: &desc}); err != nil {
		t.Fatal(err)
	}
	if rt.bodies[0] != `{"description":"x","min_cu":128}` || rt.reqs[0].Method != http.MethodPut {
		t.Fatalf("update sent %s %s", rt.reqs[0].Method, rt.bodies[0])
	}
	if err := c.DeletePool(ctx, "p"); !IsNotFound(err) {
		t.Fatalf("delete of a missing pool = %v, want not found", err)
	}
	if err := c.WaitForPoolGone(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	ps, err := c.QueueScalingPolicies(ctx, "p", "q")
	if err != nil || len(ps) != 1 || ps[0].MinCU != 16 || ps[0].Priority != 1 || ps[0].StopTime != "24:00" {
		t.Fatalf("policies = %+v, %v", ps, err)
	}
	if _, err := c.QueueScalingPolicies(ctx, "p", "other"); !IsNotFound(err) {
		t.Fatalf("policies of a queue not in the pool = %v", err)
	}
	if err := c.SetQueueScalingPolicies(ctx, "p", "q", ps); err != nil {
		t.Fatal(err)
	}
	last := len(rt.bodies) - 1
	if want := `{"queue_scaling_policies":[{"priority":1,"impact_start_time":"00:00","impact_stop_time":"24:00","min_cu":16,"max_cu":64}]}`; rt.bodies[last] != want ||
		!strings.HasSuffix(rt.reqs[last].URL.Path, "/elastic-resource-pools/p/queues/q") {
		t.Fatalf("policies PUT %s %s", rt.reqs[last].URL.Path, rt.bodies[last])
	}
}
