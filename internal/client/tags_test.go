package client

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// Read, create and delete go to the documented paths with DLI's body; a
// 202 on read and a 204 on change are success.
func TestTags_routesAndBodies(t *testing.T) {
	for _, getStatus := range []int{http.StatusOK, http.StatusAccepted} {
		f := newFakeTags(t)
		f.getStatus = getStatus
		f.add("dli_queue/3f1e-uuid", map[string]string{"team": "etl"})
		c := newTestClient(t, f.srv.URL)
		ctx := context.Background()
		target := TagTargetOf(TagQueue, "3f1e-uuid", "etl_q")

		got, err := c.GetTags(ctx, target)
		if err != nil || !reflect.DeepEqual(got, map[string]string{"team": "etl"}) {
			t.Fatalf("GetTags (HTTP %d) = %v, %v", getStatus, got, err)
		}
		if err := c.DeleteTags(ctx, target, map[string]string{"team": "etl"}); err != nil {
			t.Fatal(err)
		}
		if err := c.CreateTags(ctx, target, map[string]string{"team": "bi", "cost": "42"}); err != nil {
			t.Fatal(err)
		}
		want := []string{"GET dli_queue/3f1e-uuid/tags", "POST dli_queue/3f1e-uuid/tags/delete", "POST dli_queue/3f1e-uuid/tags/create"}
		if calls := f.calls(); !reflect.DeepEqual(calls, want) {
			t.Fatalf("calls %v, want %v", calls, want)
		}
		if b := f.bodies(); b[1] != `{"tags":[{"key":"team","value":"etl"}]}` || b[2] != `{"tags":[{"key":"cost","value":"42"},{"key":"team","value":"bi"}]}` {
			t.Fatalf("bodies %q", b[1:])
		}
		if tags := f.tagsOf("dli_queue/3f1e-uuid"); !reflect.DeepEqual(tags, map[string]string{"team": "bi", "cost": "42"}) {
			t.Fatalf("tags on the fake %v", tags)
		}
	}
}

// Nothing to change sends nothing; an invalid target is refused before any request.
func TestTags_refusedAndEmpty(t *testing.T) {
	f := newFakeTags(t)
	c := newTestClient(t, f.srv.URL)
	ctx := context.Background()
	pool := TagTarget{Type: TagElasticResourcePool, ID: "p-1"}
	if err := c.CreateTags(ctx, pool, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteTags(ctx, pool, map[string]string{}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []TagTarget{
		{Type: "dli_table", ID: "x"},
		{Type: TagQueue, ID: ""},
		{Type: TagQueue, ID: "a/b"},
		{Type: TagQueue, ID: ".."},
		{Type: TagQueue, ID: strings.Repeat("a", 257)},
	} {
		if _, err := c.GetTags(ctx, bad); !errors.Is(err, ErrInvalidID) || !errors.Is(err, ErrInvalidTagTarget) {
			t.Errorf("GetTags(%v) = %v, want an invalid target", bad, err)
		}
		if err := c.CreateTags(ctx, bad, map[string]string{"k": "v"}); !errors.Is(err, ErrInvalidTagTarget) {
			t.Errorf("CreateTags(%v) = %v, want an invalid target", bad, err)
		}
	}
	if n := len(f.calls()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
	if got := TagTargetOf(TagQueue, "", "etl"); got.ID != "etl" {
		t.Fatalf("a queue without resource_id is named by its name, got %v", got)
	}
}

// Answers are classified: DLI's missing-object codes are "not found", a
// throttle is throttled, a refusal is an *APIError with DLI's code; 5xx
// are retried (every tag call says the end result, so repeating is safe).
func TestTags_errorClassification(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		check  func(error) bool
	}{
		{"missing pool", 400, `{"error_code":"DLI.0002","error_msg":"The elastic resource pool p does not exist"}`, IsNotFound},
		{"missing queue", 400, `{"error_code":"DLI.0008","error_msg":"There is no queue named q"}`, IsNotFound},
		{"missing as 404", 404, `{"error_code":"DLI.0002","error_msg":"gone"}`, IsNotFound},
		{"throttled", 429, `{"error_code":"APIG.0308","error_msg":"too many"}`, IsThrottled},
		{"invalid tag", 400, `{"error_code":"DLI.0001","error_msg":"The key is too long"}`, func(err error) bool {
			var e *APIError
			return errors.As(err, &e) && e.Code == "DLI.0001" && !IsNotFound(err) && strings.Contains(err.Error(), "too long")
		}},
		{"auth", 401, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`, IsAuthFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeTags(t)
			f.hook = func(w http.ResponseWriter, _ *http.Request, _ int) bool {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
				return true
			}
			c := newTestClient(t, f.srv.URL, func(c *Config) { c.MaxRetries = 0 })
			target := TagTarget{Type: TagElasticResourcePool, ID: "p"}
			_, getErr := c.GetTags(context.Background(), target)
			delErr := c.DeleteTags(context.Background(), target, map[string]string{"k": "v"})
			for _, err := range []error{getErr, delErr} {
				if !tc.check(err) {
					t.Errorf("error %v not classified as %s", err, tc.name)
				}
			}
		})
	}

	// A 503, then success: the change is sent again and succeeds.
	f := newFakeTags(t)
	f.add("dli_elastic_resource_pool/p", map[string]string{})
	f.hook = func(w http.ResponseWriter, _ *http.Request, n int) bool {
		if n > 0 {
			return false
		}
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error_code": "DLI.0999", "error_msg": "busy"})
		return true
	}
	c := newTestClient(t, f.srv.URL)
	if err := c.CreateTags(context.Background(), TagTarget{Type: TagElasticResourcePool, ID: "p"}, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	if calls := f.calls(); len(calls) != 2 || f.tagsOf("dli_elastic_resource_pool/p")["k"] != "v" {
		t.Fatalf("calls %v, tags %v", calls, f.tagsOf("dli_elastic_resource_pool/p"))
	}
}

// The tags of a read come back in either of DLI's forms; none is an empty map.
func TestTags_readForms(t *testing.T) {
	cases := map[string]struct {
		body string
		want map[string]string
	}{
		"array":       {`{"tags":[{"key":"a","value":"1"},{"key":"b","value":""}],"count":2}`, map[string]string{"a": "1", "b": ""}},
		"null":        {`{"tags":null,"count":0}`, map[string]string{}},
		"absent":      {`{"count":0}`, map[string]string{}},
		"number kept": {`{"tags":[{"key":"n","value":7}]}`, map[string]string{"n": "7"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, _ := scripted(t, func(*http.Request, int) (int, string) { return 200, tc.body })
			got, err := c.GetTags(context.Background(), TagTarget{Type: TagQueue, ID: "q"})
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("GetTags = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// Tag keys and values are shown in trace logs (they are not secrets); other
// strings a tag answer may carry are masked.
func TestTags_redaction(t *testing.T) {
	c := newTestClient(t, "https://"+dliHost)
	in := `{"tags":[{"key":"team","value":"etl"}],"count":1,"other":"x"}`
	want := `{"count":1,"other":"***","tags":[{"key":"team","value":"etl"}]}`
	if got := c.redactBody(context.Background(), []byte(in), tagRedaction); got != want {
		t.Fatalf("redactBody\n got %s\nwant %s", got, want)
	}
}

// A queue joins a pool with one POST naming it; a missing pool is "not found".
func TestAddQueueToPool(t *testing.T) {
	c, rt := scripted(t, func(r *http.Request, _ int) (int, string) {
		if strings.Contains(r.URL.Path, "/absent/") {
			return 400, `{"error_code":"DLI.0002","error_msg":"The elastic resource pool absent does not exist"}`
		}
		return 200, `{"is_success":true,"message":""}`
	})
	ctx := context.Background()
	if err := c.AddQueueToPool(ctx, "pool_a", "q1"); err != nil {
		t.Fatal(err)
	}
	if r := rt.reqs[0]; r.Method != http.MethodPost || r.URL.Path != "/v3/"+testProject+"/elastic-resource-pools/pool_a/queues" {
		t.Fatalf("request %s %s", r.Method, r.URL.Path)
	}
	if err := c.AddQueueToPool(ctx, "absent", "q1"); !IsNotFound(err) {
		t.Fatalf("AddQueueToPool(absent) = %v", err)
	}
	if err := c.AddQueueToPool(ctx, "p", "a/b"); !errors.Is(err, ErrInvalidID) {
		t.Fatalf("AddQueueToPool(bad queue) = %v", err)
	}
}
