package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// scripted is a client whose every request is answered by answer (status,
// body); rt records the requests.
func scripted(t *testing.T, answer func(r *http.Request, n int) (int, string)) (*Client, *captureRT) {
	t.Helper()
	rt := &captureRT{respond: func(r *http.Request, n int) (*http.Response, error) {
		status, body := answer(r, n)
		return textResponse(r, status, body), nil
	}}
	return newTestClient(t, "https://"+dliHost, func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} }), rt
}

func TestQueueDetailCamelCaseListSnakeCase(t *testing.T) {
	detail := `{"is_success":true,"message":"","queue_id":7,"queueName":"etl","description":"d","owner":"u",
		"create_time":1700000000123,"queueType":"general","cuCount":64,"chargingMode":1,"resource_id":"r-1",
		"resource_mode":1,"enterprise_project_id":"0","elastic_resource_pool_name":"pool"}`
	c, rt := scripted(t, func(r *http.Request, n int) (int, string) {
		if strings.HasSuffix(r.URL.Path, "/queues/etl") {
			return 200, detail
		}
		// Page 1 is full (100 queues), page 2 short: two list requests.
		var items []string
		count := 100
		if r.URL.Query().Get("current-page") == "2" {
			count = 2
		}
		for i := 0; i < count; i++ {
			items = append(items, fmt.Sprintf(`{"queue_name":"q%s_%d","queue_type":"sql","cu_count":16,"platform":"aarch64",
				"feature":"ai","engine":"hetuEngine","labels":"multi_az=2","create_time":1700000000000}`, r.URL.Query().Get("current-page"), i))
		}
		return 200, `{"is_success":true,"message":"","queues":[` + strings.Join(items, ",") + `]}`
	})
	q, err := c.GetQueue(context.Background(), "etl")
	if err != nil {
		t.Fatal(err)
	}
	if q.Name != "etl" || q.Type != "general" || q.CUCount != 64 || q.ResourceMode != 1 || q.Pool != "pool" ||
		q.CreatedAt.UnixMilli() != 1700000000123 || q.Listed {
		t.Fatalf("detail decoded as %+v", q)
	}
	qs, err := c.ListQueues(context.Background(), QueueListOptions{Type: "all", Tags: map[string]string{"b": "2", "a": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 102 || qs[0].Type != "sql" || qs[0].CUCount != 16 || qs[0].Platform != "aarch64" ||
		qs[0].Engine != "hetuEngine" || strings.Join(qs[0].Labels, ",") != "multi_az=2" || !qs[0].Listed {
		t.Fatalf("list decoded as %d queues, first %+v", len(qs), qs[0])
	}
	if len(rt.reqs) != 3 {
		t.Fatalf("%d requests, want 1 detail + 2 list pages", len(rt.reqs))
	}
	if q := rt.reqs[1].URL.Query(); q.Get("queue_type") != "all" || q.Get("tags") != "a=1,b=2" || q.Get("current-page") != "1" {
		t.Fatalf("list query %v", q)
	}
	if p := rt.reqs[0].URL.Path; p != "/v1.0/"+testProject+"/queues/etl" {
		t.Fatalf("detail path %q", p)
	}
}

func TestQueueNotFoundRules(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   bool
	}{
		{400, `{"error_code":"DLI.0002","error_msg":"There is no queue named q"}`, true},
		{400, `{"error_code":"DLI.0008","error_msg":"There is no queue named q."}`, true},
		{400, `{"error_code":"DLI.0001","error_msg":"There is no queue named q"}`, true},
		{400, `{"error_code":"DLI.0001","error_msg":"The parameter cu_count is invalid"}`, false},
		{404, `{"error_code":"APIGW.0101","error_msg":"The API does not exist"}`, false},
		{403, `{"error_code":"DLI.0002","error_msg":"There is no queue named q"}`, false},
	}
	for _, tc := range cases {
		c, _ := scripted(t, func(*http.Request, int) (int, string) { return tc.status, tc.body })
		_, err := c.GetQueue(context.Background(), "q")
		if err == nil || IsNotFound(err) != tc.want {
			t.Errorf("%d %s: IsNotFound(%v) != %v", tc.status, tc.body, err, tc.want)
		}
		if err := c.DeleteQueue(context.Background(), "q"); IsNotFound(err) != tc.want {
			t.Errorf("delete %d %s: IsNotFound(%v) != %v", tc.status, tc.body, err, tc.want)
		}
	}
	c, rt := scripted(t, func(*http.Request, int) (int, string) { return 200, "{}" })
	for _, bad := range []string{"", "a/b", "..", "q q", strings.Repeat("a", 129)} {
		if _, err := c.GetQueue(context.Background(), bad); !errors.Is(err, ErrInvalidID) {
			t.Errorf("GetQueue(%q) = %v, want ErrInvalidID", bad, err)
		}
	}
	if len(rt.reqs) != 0 {
		t.Fatalf("%d requests sent for invalid names", len(rt.reqs))
	}
}

func TestScaleQueueByTheDifference(t *testing.T) {
	cases := []struct {
		delta      int64
		action     string
		answer     string
		wantErr    bool
		wantNoCall bool
	}{
		{48, "scale_out", `{"queue_name":"q","result":true}`, false, false},
		{-32, "scale_in", `{"queue_name":"q","result":true}`, false, false},
		{16, "scale_out", `{"queue_name":"q","result":false}`, true, false},
		{16, "scale_out", `{"is_success":false,"message":"busy"}`, true, false},
		{0, "", "", false, true},
	}
	for _, tc := range cases {
		c, rt := scripted(t, func(*http.Request, int) (int, string) { return 200, tc.answer })
		err := c.ScaleQueue(context.Background(), "q", tc.delta)
		if (err != nil) != tc.wantErr {
			t.Errorf("delta %d: err %v", tc.delta, err)
		}
		if tc.wantNoCall {
			if len(rt.reqs) != 0 {
				t.Errorf("delta 0 sent %d requests", len(rt.reqs))
			}
			continue
		}
		want := fmt.Sprintf(`{"action":%q,"cu_count":%d}`, tc.action, max(tc.delta, -tc.delta))
		if rt.reqs[0].Method != http.MethodPut || !strings.HasSuffix(rt.reqs[0].URL.Path, "/queues/q/action") || rt.bodies[0] != want {
			t.Errorf("delta %d sent %s %s %s, want %s", tc.delta, rt.reqs[0].Method, rt.reqs[0].URL.Path, rt.bodies[0], want)
		}
	}
	// A scale whose answer is lost is not sent again: it would scale twice.
	c, rt := scripted(t, func(*http.Request, int) (int, string) { return 502, `{"error_code":"APIG.0202"}` })
	if err := c.ScaleQueue(context.Background(), "q", 16); err == nil || len(rt.reqs) != 1 {
		t.Fatalf("scale on 502: err %v after %d requests, want an error after 1", err, len(rt.reqs))
	}
}

func TestWaitForQueueCU(t *testing.T) {
	sizes := []int{16, 16, 500, 32}
	c, rt := scripted(t, func(_ *http.Request, n int) (int, string) {
		if sizes[min(n, len(sizes)-1)] == 500 {
			return 503, `{"error_code":"DLI.0999","error_msg":"busy"}`
		}
		return 200, fmt.Sprintf(`{"is_success":true,"queueName":"q","cuCount":%d}`, sizes[min(n, len(sizes)-1)])
	})
	q, err := c.WaitForQueueCU(context.Background(), "q", 32)
	if err != nil || q.CUCount != 32 {
		t.Fatalf("wait = %+v, %v", q, err)
	}
	if len(rt.reqs) < 4 {
		t.Fatalf("%d requests, want the 503 tolerated and polled again", len(rt.reqs))
	}

	gone, _ := scripted(t, func(*http.Request, int) (int, string) {
		return 400, `{"error_code":"DLI.0002","error_msg":"There is no queue named q"}`
	})
	if _, err := gone.WaitForQueueCU(context.Background(), "q", 32); !IsNotFound(err) {
		t.Fatalf("wait on a deleted queue = %v, want not found", err)
	}
	if err := gone.WaitForQueueGone(context.Background(), "q"); err != nil {
		t.Fatalf("WaitForQueueGone = %v", err)
	}
}

func TestQueuePropertiesWire(t *testing.T) {
	c, rt := scripted(t, func(r *http.Request, _ int) (int, string) {
		if r.Method == http.MethodGet {
			return 200, `{"is_success":true,"count":2,"properties":[{"key":"job.maxConcurrent","value":"8"},{"key":"network.cidrInVpc","value":"10.0.0.0/8"}]}`
		}
		return 200, `{"is_success":true,"message":""}`
	})
	ctx := context.Background()
	props, err := c.GetQueueProperties(ctx, "q")
	if err != nil || props["job.maxConcurrent"] != "8" || len(props) != 2 {
		t.Fatalf("properties = %v, %v", props, err)
	}
	if err := c.SetQueueProperties(ctx, "q", map[string]string{"job.maxConcurrent": "4", "network.cidrInVpc": "10.0.0.0/8"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteQueueProperties(ctx, "q", []string{"computeEngine.maxInstance"}); err != nil {
		t.Fatal(err)
	}
	if got := rt.bodies[1]; got != `{"properties":{"job.maxConcurrent":4,"network.cidrInVpc":"10.0.0.0/8"}}` {
		t.Fatalf("PUT body %s: whole numbers go as numbers", got)
	}
	if rt.reqs[2].Method != http.MethodDelete || rt.bodies[2] != `{"keys":["computeEngine.maxInstance"]}` ||
		rt.reqs[2].URL.Path != "/v3/"+testProject+"/queues/q/properties" {
		t.Fatalf("DELETE %s %s", rt.reqs[2].URL.Path, rt.bodies[2])
	}
}

func TestCreateQueueBodyAndRedaction(t *testing.T) {
	c, rt := scripted(t, func(*http.Request, int) (int, string) {
		return 200, `{"is_success":true,"message":"","queue_name":"etl"}`
	})
	zero := int64(0)
	name, err := c.CreateQueue(context.Background(), CreateQueueRequest{Name: "ETL", Type: "sql", CUCount: 16,
		ResourceMode: &zero, Tags: map[string]string{"owner": "s3cr3t-team"}, Labels: []string{"multi_az=2"}})
	if err != nil || name != "etl" {
		t.Fatalf("create = %q, %v", name, err)
	}
	want := `{"queue_name":"ETL","queue_type":"sql","cu_count":16,"resource_mode":0,"labels":["multi_az=2"],"tags":[{"key":"owner","value":"s3cr3t-team"}]}`
	if rt.bodies[0] != want {
		t.Fatalf("create body\n%s\nwant\n%s", rt.bodies[0], want)
	}
	logged := c.redactBody(context.Background(), []byte(rt.bodies[0]), queueRedaction)
	if strings.Contains(logged, "s3cr3t") || !strings.Contains(logged, "ETL") {
		t.Fatalf("logged body %s: tag values masked, names shown", logged)
	}
}
