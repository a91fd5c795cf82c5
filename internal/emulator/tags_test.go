package emulator

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// tagPath is a tag route of one object: typ is dli_queue or dli_elastic_resource_pool.
func tagPath(typ, id, suffix string) string { return q3("/" + typ + "/" + id + "/tags" + suffix) }

// tagsOf reads an object's tags as "k=v,k=v" in DLI's order, checking count.
func (h *harness) tagsOf(typ, id string) string {
	h.t.Helper()
	got := h.ok("GET", tagPath(typ, id, ""), "")
	var parts []string
	for _, it := range as[[]any](h.t, got["tags"]) {
		m := as[map[string]any](h.t, it)
		parts = append(parts, as[string](h.t, m["key"])+"="+as[string](h.t, m["value"]))
	}
	if got["count"] != float64(len(parts)) {
		h.t.Fatalf("count %v for %d tags", got["count"], len(parts))
	}
	return strings.Join(parts, ",")
}

// post sends a tag change and expects DLI's 204 with no body.
func (h *harness) post(target, body string) {
	h.t.Helper()
	if rec := h.do("POST", target, body); rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		h.t.Fatalf("POST %s: %d %q, want 204 and no body", target, rec.Code, rec.Body.String())
	}
}

// Tags set on create are read back by name or by resource_id; create adds or
// overwrites, delete removes by key; the list filters see every change.
func TestTags_queueAndPoolRoutes(t *testing.T) {
	h := newHarness(t, Options{JobStart: -1})
	h.ok("POST", qp(""), `{"queue_name":"tagged","cu_count":16,"tags":[{"key":"team","value":"etl"},{"key":"env","value":"dev"}]}`)
	h.ok("POST", poolPath(""), `{"elastic_resource_pool_name":"pool_t","min_cu":64,"max_cu":64,"tags":[{"key":"team","value":"etl"}]}`)
	qid := as[string](t, h.ok("GET", qp("/tagged"), "")["resource_id"])
	pid := as[string](t, h.pool("pool_t")["resource_id"])

	for _, obj := range []struct{ typ, name, rid, initial string }{
		{"dli_queue", "tagged", qid, "team=etl,env=dev"},
		{"dli_elastic_resource_pool", "pool_t", pid, "team=etl"},
	} {
		for _, id := range []string{obj.name, strings.ToUpper(obj.name), obj.rid} {
			if got := h.tagsOf(obj.typ, id); got != obj.initial {
				t.Fatalf("%s %s tags = %q, want %q", obj.typ, id, got, obj.initial)
			}
		}
		h.post(tagPath(obj.typ, obj.rid, "/delete"), `{"tags":[{"key":"team","value":"etl"},{"key":"absent"}]}`)
		h.post(tagPath(obj.typ, obj.name, "/create"), `{"tags":[{"key":"team","value":"bi"},{"key":"cost","value":"42"}]}`)
		h.post(tagPath(obj.typ, obj.rid, "/create"), `{"tags":[{"key":"cost","value":"43"}]}`)
		want := strings.TrimPrefix(strings.TrimPrefix(obj.initial, "team=etl"), ",")
		want = strings.TrimPrefix(want+",team=bi,cost=43", ",")
		if got := h.tagsOf(obj.typ, obj.rid); got != want {
			t.Fatalf("%s tags after delete and create = %q, want %q", obj.typ, got, want)
		}
	}
	if names := listNames(t, h.ok("GET", qp("?tags=team=bi"), ""), "queues", "queue_name"); strings.Join(names, ",") != "tagged" {
		t.Fatalf("queues with team=bi: %v", names)
	}
	if names := listNames(t, h.ok("GET", qp("?tags=team=etl"), ""), "queues", "queue_name"); len(names) != 0 {
		t.Fatalf("queues with the old tag: %v", names)
	}
	if names := listNames(t, h.ok("GET", poolPath("?tags=cost=43"), ""), "elastic_resource_pools", "elastic_resource_pool_name"); strings.Join(names, ",") != "pool_t" {
		t.Fatalf("pools with cost=43: %v", names)
	}
	// Seeded queues have tags too (none at first).
	if got := h.tagsOf("dli_queue", "default"); got != "" {
		t.Fatalf("seeded queue tags = %q", got)
	}
	// The request log records the tag routes.
	var logged []string
	for _, r := range h.s.Requests() {
		if strings.Contains(r.Path, "/tags") && r.Method == http.MethodPost {
			logged = append(logged, strings.TrimPrefix(r.Path, "/v3/"+DefaultProjectID+"/"))
		}
	}
	if len(logged) != 6 || !strings.HasSuffix(logged[0], "/tags/delete") || !strings.HasSuffix(logged[1], "/tags/create") {
		t.Fatalf("logged tag changes %v", logged)
	}
}

// Unknown objects are DLI.0002 as the queue and pool services answer; bodies are
// checked like DLI's tag rules before anything changes; other resource types are
// not served here.
func TestTags_refusals(t *testing.T) {
	h := newHarness(t, Options{JobStart: 20e9})
	h.ok("POST", qp(""), `{"queue_name":"q1","cu_count":16,"tags":[{"key":"keep","value":"1"}]}`)
	h.ok("POST", poolPath(""), `{"elastic_resource_pool_name":"gone_soon","min_cu":64,"max_cu":64}`)

	for _, p := range []string{
		tagPath("dli_queue", "nope", ""),
		tagPath("dli_elastic_resource_pool", "nope", ""),
	} {
		body := expectError(t, h.do("GET", p, ""), 400, CodeNotExist)
		if !strings.Contains(as[string](t, body["error_msg"]), "nope") {
			t.Fatalf("missing-object message %v", body)
		}
		expectError(t, h.do("POST", p+"/create", `{"tags":[{"key":"k","value":"v"}]}`), 400, CodeNotExist)
		expectError(t, h.do("POST", p+"/delete", `{"tags":[{"key":"k"}]}`), 400, CodeNotExist)
	}
	// A queue's name is not a pool's.
	expectError(t, h.do("GET", tagPath("dli_elastic_resource_pool", "q1", ""), ""), 400, CodeNotExist)

	bad := map[string]string{
		"no body":        ``,
		"not JSON":       `{`,
		"no tags":        `{}`,
		"empty tags":     `{"tags":[]}`,
		"tags object":    `{"tags":{"k":"v"}}`,
		"empty key":      `{"tags":[{"key":"","value":"v"}]}`,
		"long key":       `{"tags":[{"key":"` + strings.Repeat("k", 129) + `","value":"v"}]}`,
		"key with slash": `{"tags":[{"key":"a/b","value":"v"}]}`,
		"blank around":   `{"tags":[{"key":" k","value":"v"}]}`,
		"system key":     `{"tags":[{"key":"_sys_x","value":"v"}]}`,
		"long value":     `{"tags":[{"key":"k","value":"` + strings.Repeat("v", 256) + `"}]}`,
		"repeated key":   `{"tags":[{"key":"k","value":"1"},{"key":"k","value":"2"}]}`,
	}
	for name, body := range bad {
		rec := h.do("POST", tagPath("dli_queue", "q1", "/create"), body)
		if rec.Code != 400 {
			t.Errorf("%s: %d %s, want 400", name, rec.Code, rec.Body.String())
			continue
		}
		expectError(t, rec, 400, CodeParameter)
	}
	expectError(t, h.do("POST", tagPath("dli_queue", "q1", "/delete"), `{"tags":[{"key":"k"},{"key":"k"}]}`), 400, CodeParameter)
	if got := h.tagsOf("dli_queue", "q1"); got != "keep=1" {
		t.Fatalf("tags after refused bodies = %q", got)
	}
	// Queue and pool creates follow the same rules.
	expectError(t, h.do("POST", qp(""), `{"queue_name":"q2","cu_count":16,"tags":[{"key":"_sys_a","value":"v"}]}`), 400, CodeParameter)
	expectError(t, h.do("POST", poolPath(""), `{"elastic_resource_pool_name":"p2","min_cu":64,"max_cu":64,"tags":[{"key":"k","value":"1"},{"key":"k","value":"2"}]}`), 400, CodeParameter)

	// A pool being deleted keeps its tags until it is gone.
	h.clock.Advance(20e9)
	h.ok("DELETE", poolPath("/gone_soon"), "")
	h.post(tagPath("dli_elastic_resource_pool", "gone_soon", "/create"), `{"tags":[{"key":"k","value":"v"}]}`)
	h.clock.Advance(20e9)
	expectError(t, h.do("GET", tagPath("dli_elastic_resource_pool", "gone_soon", ""), ""), 400, CodeNotExist)

	// Other resource types and methods are not routes here.
	expectError(t, h.do("GET", tagPath("dli_database", "db1", ""), ""), 404, CodeAPINotFound)
	expectError(t, h.do("PUT", tagPath("dli_queue", "q1", "/create"), `{"tags":[{"key":"k","value":"v"}]}`), 404, CodeAPINotFound)
}

// Tags changed through the tag API are kept by the state file with their queue
// and pool; the admin route lists the tagged objects.
func TestTags_stateFileAndAdmin(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, Options{StateFile: file, JobStart: -1})
	h.ok("POST", qp(""), `{"queue_name":"kept","cu_count":16}`)
	h.ok("POST", poolPath(""), `{"elastic_resource_pool_name":"pool_k","min_cu":64,"max_cu":64,"tags":[{"key":"a","value":"1"}]}`)
	h.post(tagPath("dli_queue", "kept", "/create"), `{"tags":[{"key":"owner","value":"bi"}]}`)
	h.post(tagPath("dli_elastic_resource_pool", "pool_k", "/delete"), `{"tags":[{"key":"a"}]}`)
	admin := decodeAs[[]map[string]any](t, h.admin("GET", "/_emulator/jobs/tags", ""))
	if len(admin) != 1 || admin[0]["name"] != "kept" || admin[0]["resource_type"] != "dli_queue" {
		t.Fatalf("admin listing of tagged objects %v", admin)
	}
	if err := h.s.Close(); err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t, Options{StateFile: file, JobStart: -1})
	if got := h2.tagsOf("dli_queue", "kept"); got != "owner=bi" {
		t.Fatalf("queue tags after reload = %q", got)
	}
	if got := h2.tagsOf("dli_elastic_resource_pool", "pool_k"); got != "" {
		t.Fatalf("pool tags after reload = %q", got)
	}
}
