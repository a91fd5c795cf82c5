package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// tagService is the v3 tag API (dli-more-api.md §9) of queues and pools:
//
//	GET  /v3/{project_id}/{resource_type}/{resource_id}/tags         {"tags":[{key,value}],"count":n}
//	POST /v3/{project_id}/{resource_type}/{resource_id}/tags/create  {"tags":[{key,value}]} → 204
//	POST /v3/{project_id}/{resource_type}/{resource_id}/tags/delete  {"tags":[{key[,value]}]} → 204
//
// for the resource types dli_queue and dli_elastic_resource_pool (Flink
// jobs answer their own GET, flink_jobs_routes.go). It owns nothing: the
// tags are those of the queue and pool stores, set on create, so the list
// filters by tags see every change. resource_id is the object's
// resource_id or its name (which one DLI takes is UNCONFIRMED; both are
// accepted, see doc.go).
type tagService struct {
	env
	queues *queueService
	pools  *poolService
}

// tag is one tag of a queue or pool, as bodies and the store hold it.
type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Tag resource types served here (the SDK's enum).
const (
	tagTypeQueue = "dli_queue"
	tagTypePool  = "dli_elastic_resource_pool"
)

func newTagService(e env, queues *queueService, pools *poolService) *tagService {
	return &tagService{env: e, queues: queues, pools: pools}
}

func (s *tagService) register(rt *routes) {
	for _, typ := range []string{tagTypeQueue, tagTypePool} {
		base := "/v3/{project_id}/" + typ + "/{resource_id}/tags"
		rt.read("GET "+base, func(c *call) response { return s.handleGet(c, typ) })
		rt.write("POST "+base+"/create", func(c *call) response { return s.handleChange(c, typ, true) })
		rt.write("POST "+base+"/delete", func(c *call) response { return s.handleChange(c, typ, false) })
	}
}

func (s *tagService) kind() string { return "tags" }

// reset, save and load have nothing to do: the queue and pool services
// keep the tags with their objects.
func (s *tagService) reset()                         {}
func (s *tagService) stateKey() string               { return "tags" }
func (s *tagService) save() (json.RawMessage, error) { return nil, nil }
func (s *tagService) load(json.RawMessage) error     { return nil }

// taggedObject is one entry of the admin listing.
type taggedObject struct {
	Type       string `json:"resource_type"`
	ResourceID string `json:"resource_id"`
	Name       string `json:"name"`
	Tags       []tag  `json:"tags"`
}

// adminJobs lists every queue and pool that has tags.
func (s *tagService) adminJobs() any {
	out := []taggedObject{}
	for _, q := range s.queues.sorted() {
		if len(q.Tags) > 0 {
			out = append(out, taggedObject{tagTypeQueue, q.ResourceID, q.Name, q.Tags})
		}
	}
	for _, p := range s.pools.sorted() {
		if len(p.Tags) > 0 {
			out = append(out, taggedObject{tagTypePool, p.ResourceID, p.Name, p.Tags})
		}
	}
	return out
}

type tagsResponse struct {
	Tags  []tag `json:"tags"`
	Count int   `json:"count"`
}

func tagMissing(typ, id string) response {
	if typ == tagTypePool {
		return poolMissing(id)
	}
	return queueMissing(id)
}

// edit runs fn on the tags of the object typ/id under its store's lock;
// found is false when there is no such object (a pool being deleted is
// still one until it is gone).
func (s *tagService) edit(typ, id string, fn func(tags *[]tag)) (found bool) {
	if typ == tagTypeQueue {
		return s.queues.updateWhere(func(q *queue) bool { return sameObject(id, q.Name, q.ResourceID) },
			func(q *queue) { fn(&q.Tags) })
	}
	return s.pools.updateWhere(func(p *pool) bool { return sameObject(id, p.Name, p.ResourceID) },
		func(p *pool) { fn(&p.Tags) })
}

// sameObject: id is the object's resource_id or (case-insensitively) its name.
func sameObject(id, name, resourceID string) bool {
	return id == resourceID || strings.EqualFold(id, name)
}

func (s *tagService) handleGet(c *call, typ string) response {
	id := c.r.PathValue("resource_id")
	var out tagsResponse
	if !s.edit(typ, id, func(tags *[]tag) { out = tagsResponse{Tags: append([]tag{}, *tags...), Count: len(*tags)} }) {
		return tagMissing(typ, id)
	}
	return okJSON(out)
}

// handleChange is tags/create (a key already there takes the new value)
// and tags/delete (by key; a value sent is not compared, an absent key is
// no error). The body is checked in full before anything changes.
func (s *tagService) handleChange(c *call, typ string, creating bool) response {
	id := c.r.PathValue("resource_id")
	tags, e := parseTagBody(c.body, creating)
	if e != nil {
		return *e
	}
	// A new slice: copies of the object (sorted) may still read the old one.
	found := s.edit(typ, id, func(have *[]tag) { *have = mergeTags(*have, tags, creating) })
	if !found {
		return tagMissing(typ, id)
	}
	s.changed()
	return response{status: http.StatusNoContent}
}

// parseTagBody reads {"tags":[{key,value}]}: at least one tag, each key
// once and valid (validTagKey), values of at most 255 characters (create
// only; delete takes keys alone too).
func parseTagBody(body []byte, creating bool) ([]tag, *response) {
	fail := func(format string, args ...any) ([]tag, *response) {
		r := badRequest(format, args...)
		return nil, &r
	}
	obj, err := decodeObject(body)
	if err != nil {
		return nil, malformed(err)
	}
	var tags []tag
	if v, ok := obj["tags"]; !ok || json.Unmarshal(v, &tags) != nil || len(tags) == 0 {
		return fail("The parameter tags is mandatory: a non-empty array of {key, value} objects")
	}
	if msg := checkTags(tags, creating); msg != "" {
		return fail("%s", msg)
	}
	return tags, nil
}

// checkTags applies DLI's tag rules (keys as validTagKey, values up to 255
// characters, each key once) and describes the first breach; "" when the
// tags are valid. withValues also checks the values.
func checkTags(tags []tag, withValues bool) string {
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case !validTagKey(t.Key):
			return fmt.Sprintf("The parameter tags is invalid: the key %q must be 1 to 128 letters, digits, spaces or "+
				"_.:+-@, not starting or ending with a space, not starting with _sys_", t.Key)
		case withValues && utf8.RuneCountInString(t.Value) > 255:
			return fmt.Sprintf("The parameter tags is invalid: the value of %q is longer than 255 characters", t.Key)
		case seen[t.Key]:
			return fmt.Sprintf("The parameter tags is invalid: the key %q is repeated", t.Key)
		}
		seen[t.Key] = true
	}
	return ""
}

// readTags reads "tags": [{"key","value"}] of a create body (null or
// absent: none), with the rules of the tag API (checkTags).
func readTags(f *fieldReader) []tag {
	_, v, ok := f.pick("tags")
	if !ok {
		return nil
	}
	var ts []tag
	if json.Unmarshal(v, &ts) != nil {
		f.fail("the parameter tags must be an array of {key, value} objects")
		return nil
	}
	if msg := checkTags(ts, true); msg != "" {
		f.fail("%s", msg)
	}
	return ts
}

// parseTagFilter reads the list filter tags=k1=v1,k2=v2.
func parseTagFilter(s string) (map[string]string, *response) {
	want := map[string]string{}
	if s == "" {
		return want, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			r := badRequest("The parameter tags is invalid: %q, it must be k1=v1,k2=v2", s)
			return nil, &r
		}
		want[k] = v
	}
	return want, nil
}

// tagged keeps the objects whose tags hold every pair of the list filter
// (parseTagFilter), in their order.
func tagged[T any](filter string, objs []*T, tags func(*T) []tag) ([]*T, *response) {
	want, e := parseTagFilter(filter)
	if e != nil {
		return nil, e
	}
	out := make([]*T, 0, len(objs))
	for _, o := range objs {
		if hasTags(tags(o), want) {
			out = append(out, o)
		}
	}
	return out, nil
}

func hasTags(have []tag, want map[string]string) bool {
	for k, v := range want {
		if !slices.Contains(have, tag{Key: k, Value: v}) {
			return false
		}
	}
	return true
}
