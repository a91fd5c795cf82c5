package emulator

import (
	"fmt"
	"testing"
)

// Tags of a Flink job change through tags/create and tags/delete while the job runs, as those
// of queues and pools do; a bad body or an unknown job changes nothing.
func TestFlinkTagChange(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.flinkCreate("sql-jobs", flinkSQL("t", `,"tags":[{"key":"team","value":"data"},{"key":"tier","value":"gold"}]`))
	base := fmt.Sprintf("/v3/%s/dli_flink_job/%d/tags", DefaultProjectID, id)
	tags := func() string { return h.do("GET", base, "").Body.String() }
	steps := []struct {
		name, route, body string
		status            int
		code              string // error_code of a refusal
		want              string // GET …/tags afterwards
	}{
		{"create sets a new key and overwrites one", "/create", `{"tags":[{"key":"tier","value":"silver"},{"key":"env","value":"prod"}]}`, 204, "",
			`{"tags":[{"key":"team","value":"data"},{"key":"tier","value":"silver"},{"key":"env","value":"prod"}],"count":3}`},
		{"delete by key ignores an absent key", "/delete", `{"tags":[{"key":"team"},{"key":"nope"}]}`, 204, "",
			`{"tags":[{"key":"tier","value":"silver"},{"key":"env","value":"prod"}],"count":2}`},
		{"a repeated key refuses the whole body", "/create", `{"tags":[{"key":"a","value":"1"},{"key":"a","value":"2"}]}`, 400, CodeParameter,
			`{"tags":[{"key":"tier","value":"silver"},{"key":"env","value":"prod"}],"count":2}`},
		{"an empty body is refused", "/delete", `{"tags":[]}`, 400, CodeParameter,
			`{"tags":[{"key":"tier","value":"silver"},{"key":"env","value":"prod"}],"count":2}`},
	}
	for _, s := range steps {
		rec := h.do("POST", base+s.route, s.body)
		if s.code != "" {
			expectError(t, rec, s.status, s.code)
		} else if rec.Code != s.status || rec.Body.Len() != 0 {
			t.Errorf("%s: %d %q, want %d and no body", s.name, rec.Code, rec.Body.String(), s.status)
		}
		if got := tags(); got != s.want {
			t.Errorf("%s: tags %s, want %s", s.name, got, s.want)
		}
	}
	expectError(t, h.do("POST", fmt.Sprintf("/v3/%s/dli_flink_job/4242/tags/create", DefaultProjectID), `{"tags":[{"key":"a","value":"1"}]}`),
		400, CodeFlinkNotExist)
	expectError(t, h.do("POST", fmt.Sprintf("/v3/%s/dli_flink_job/x/tags/delete", DefaultProjectID), `{"tags":[{"key":"a"}]}`),
		400, CodeParameter)
}
