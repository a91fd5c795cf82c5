package client

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// A small fake of DLI's v3 tag API for the client's tests, written from the
// reference (dli-more-api.md §9), independent of the emulator: objects are
// "type/id" keys; GET answers {"tags","count"} with getStatus (200 or 202),
// create and delete answer 204 with no body; an unknown object is 400
// DLI.0002.

type fakeTags struct {
	t   *testing.T
	srv *httptest.Server

	mu      sync.Mutex
	objects map[string]map[string]string // "dli_queue/<id>" -> tags
	reqs    []fakeRequest
	// getStatus is the status of a successful GET (200 when zero).
	getStatus int
	// hook runs first; returning true means it answered. n is the request index.
	hook func(w http.ResponseWriter, r *http.Request, n int) bool
}

func newFakeTags(t *testing.T) *fakeTags {
	t.Helper()
	f := &fakeTags{t: t, objects: map[string]map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeTags) add(key string, tags map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[key] = tags
}

func (f *fakeTags) tagsOf(key string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for k, v := range f.objects[key] {
		out[k] = v
	}
	return out
}

// calls returns "METHOD suffix" for every request, suffix below /v3/{project}/.
func (f *fakeTags) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.reqs))
	for i, r := range f.reqs {
		out[i] = r.Method + " " + strings.TrimPrefix(r.Path, "/v3/"+testProject+"/")
	}
	return out
}

func (f *fakeTags) bodies() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.reqs))
	for i, r := range f.reqs {
		out[i] = r.Body
	}
	return out
}

func (f *fakeTags) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	n := len(f.reqs)
	f.reqs = append(f.reqs, fakeRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body), Time: time.Now()})
	hook := f.hook
	f.mu.Unlock()
	if hook != nil && hook(w, r, n) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// /v3/{project}/{type}/{id}/tags[/create|/delete]
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v3/"+testProject+"/"), "/")
	if len(parts) < 3 || parts[2] != "tags" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error_code": "APIGW.0101", "error_msg": "no such API"})
		return
	}
	tags, ok := f.objects[parts[0]+"/"+parts[1]]
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error_code": "DLI.0002", "error_msg": "The object " + parts[1] + " does not exist"})
		return
	}
	switch {
	case r.Method == http.MethodGet && len(parts) == 3:
		list := []map[string]string{}
		for k, v := range tags {
			list = append(list, map[string]string{"key": k, "value": v})
		}
		sort.Slice(list, func(i, j int) bool { return list[i]["key"] < list[j]["key"] })
		status := f.getStatus
		if status == 0 {
			status = http.StatusOK
		}
		writeJSON(w, status, map[string]interface{}{"tags": list, "count": len(list)})
	case r.Method == http.MethodPost && len(parts) == 4 && (parts[3] == "create" || parts[3] == "delete"):
		var in struct {
			Tags []struct{ Key, Value string } `json:"tags"`
		}
		if err := json.Unmarshal(body, &in); err != nil || len(in.Tags) == 0 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error_code": "DLI.0001", "error_msg": "tags is mandatory"})
			return
		}
		for _, t := range in.Tags {
			if parts[3] == "create" {
				tags[t.Key] = t.Value
			} else {
				delete(tags, t.Key)
			}
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error_code": "APIGW.0101", "error_msg": "no such API"})
	}
}
