package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// listIDs lists with the given query and returns the IDs and total.
func (h *harness) list(query string) ([]string, listResponse, int) {
	h.t.Helper()
	rec := h.do("GET", pp("")+query, "")
	if rec.Code != 200 {
		return nil, listResponse{}, rec.Code
	}
	lr := decodeAs[listResponse](h.t, rec)
	var ids []string
	for _, s := range lr.Sessions {
		ids = append(ids, s.ID)
	}
	return ids, lr, rec.Code
}

func TestListFilters(t *testing.T) {
	h := newHarness(t, Options{})
	tokOwner := OwnerForToken(DefaultToken)
	// j0: default, "alpha", runs 10s; j1: q2 "beta"; j2: default "alpha" dead; j3 by AK owner; j4 cancelled.
	j0 := h.create(`{"file":"a.jar","queue":"default","name":"alpha","conf":{"emulator.run_duration":"10s"}}`)
	h.clock.Advance(time.Second)
	j1 := h.create(`{"file":"a.jar","cluster_name":"q2","name":"beta"}`)
	h.clock.Advance(time.Second)
	j2 := h.create(`{"file":"a.jar","queue":"default","name":"alpha","conf":{"emulator.outcome":"dead","emulator.run_duration":"1s"}}`)
	h.clock.Advance(time.Second)
	body := `{"file":"a.jar","queue":"q2","name":"gamma"}`
	rec := h.raw("POST", pp(""), body, signedHeader("POST", "http://dli.emulator.test"+pp(""), "dli.emulator.test",
		[]byte(body), h.clock.Now(), []string{"content-type", "host", "x-sdk-date"}, http.Header{"Content-Type": {"application/json"}}))
	if rec.Code != 200 {
		t.Fatalf("signed create: %d %s", rec.Code, rec.Body.String())
	}
	j3 := decodeAs[createResponse](t, rec)
	h.clock.Advance(time.Second)
	j4 := h.create(`{"file":"a.jar","queue":"default","name":"delta"}`)
	if rec := h.do("DELETE", pp("/"+j4.ID), ""); rec.Code != 200 {
		t.Fatal(rec.Body.String())
	}
	h.clock.Advance(2 * time.Second) // now t0+6s
	// States now: j0 running (started t0+1s), j1 running, j2 dead (t0+2+1+1=4s), j3 running, j4 dead.
	ms := func(d time.Duration) string { return fmt.Sprint(t0.Add(d).UnixMilli()) }
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{j4.ID, j3.ID, j2.ID, j1.ID, j0.ID}},
		{"?queue_name=default", []string{j4.ID, j2.ID, j0.ID}},
		{"?cluster_name=q2", []string{j3.ID, j1.ID}},
		{"?queue_name=q2&cluster_name=default", []string{j3.ID, j1.ID}},
		{"?queue_name=nope", nil},
		{"?job_name=alpha", []string{j2.ID, j0.ID}},
		{"?job-name=beta", []string{j1.ID}},
		{"?job_name=alph", nil},
		{"?job-id=" + j1.ID, []string{j1.ID}},
		{"?job_id=" + j2.ID, []string{j2.ID}},
		{"?job-id=" + strings.ToUpper(j2.ID), []string{j2.ID}},
		{"?state=dead", []string{j4.ID, j2.ID}},
		{"?state=running", []string{j3.ID, j1.ID, j0.ID}},
		{"?state=success", nil},
		{"?owner=" + tokOwner, []string{j4.ID, j2.ID, j1.ID, j0.ID}},
		{"?owner=" + OwnerForAccessKey(DefaultAccessKey), []string{j3.ID}},
		{"?start=" + ms(time.Second), []string{j4.ID, j3.ID, j2.ID, j1.ID}},
		{"?end=" + ms(time.Second), []string{j1.ID, j0.ID}},
		{"?start=" + ms(time.Second) + "&end=" + ms(3*time.Second), []string{j3.ID, j2.ID, j1.ID}},
		{"?queue_name=default&job_name=alpha&state=running", []string{j0.ID}},
		{"?queue_name=&job_name=", []string{j4.ID, j3.ID, j2.ID, j1.ID, j0.ID}},
		{"?order=CREATE_TIME_ASC", []string{j0.ID, j1.ID, j2.ID, j3.ID, j4.ID}},
		// Durations at t0+6s: j0 5s, j1 4s, j2 1s, j3 3s, j4 0 (cancelled while starting).
		{"?order=DURATION_DESC", []string{j0.ID, j1.ID, j3.ID, j2.ID, j4.ID}},
		{"?order=DURATION_ASC", []string{j4.ID, j2.ID, j3.ID, j1.ID, j0.ID}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			ids, lr, code := h.list(c.query)
			if code != 200 {
				t.Fatalf("status %d", code)
			}
			if !slices.Equal(ids, c.want) || lr.Total != len(c.want) || lr.From != 0 {
				t.Fatalf("got %v (total %d), want %v", ids, lr.Total, c.want)
			}
		})
	}
	// Session objects carry req_body and duration; the raw JSON has sessions: [] when empty.
	_, lr, _ := h.list("?job-id=" + j0.ID)
	s := lr.Sessions[0]
	if s.ReqBody != `{"file":"a.jar","queue":"default","name":"alpha","conf":{"emulator.run_duration":"10s"}}` ||
		s.Duration != 5000 || s.State != "running" || s.AppID == "" || s.Owner != tokOwner || s.Kind != "spark" {
		t.Fatalf("session %+v", s)
	}
	if rec := h.do("GET", pp("?queue_name=nope"), ""); rec.Body.String() != `{"from":0,"total":0,"sessions":[]}` {
		t.Fatalf("empty list body %s", rec.Body.String())
	}
}

func TestListPaging(t *testing.T) {
	h := newHarness(t, Options{})
	var all []string
	for i := 0; i < 250; i++ {
		all = append(all, h.create(`{"file":"a.jar","queue":"default"}`).ID) // same millisecond: submission order
	}
	slices.Reverse(all)
	cases := []struct {
		query      string
		from, n    int
		wantStatus int
	}{
		{"", 0, 100, 200},
		{"?size=100&from=100", 100, 100, 200},
		{"?size=100&from=200", 200, 50, 200},
		{"?size=100&from=250", 250, 0, 200},
		{"?size=100&from=999", 999, 0, 200},
		{"?size=1000", 0, 250, 200},
		{"?size=7&from=3", 3, 7, 200},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			ids, lr, code := h.list(c.query)
			if code != c.wantStatus {
				t.Fatalf("status %d", code)
			}
			if lr.Total != 250 || lr.From != c.from || len(ids) != c.n {
				t.Fatalf("from %d total %d n %d", lr.From, lr.Total, len(ids))
			}
			if c.n > 0 && !slices.Equal(ids, all[c.from:c.from+c.n]) {
				t.Fatalf("page content out of order")
			}
		})
	}
	// Terraform-style pagination visits every job once.
	var seen []string
	for from := 0; ; from += 100 {
		ids, _, _ := h.list(fmt.Sprintf("?size=100&from=%d", from))
		seen = append(seen, ids...)
		if len(ids) < 100 {
			break
		}
	}
	if !slices.Equal(seen, all) {
		t.Fatalf("paginated %d jobs", len(seen))
	}
}

func TestListBadParams(t *testing.T) {
	h := newHarness(t, Options{})
	for _, q := range []string{
		"?size=abc", "?size=0", "?size=-1", "?from=-1", "?from=1.5", "?start=yesterday", "?end=1e3",
		"?order=NAME_ASC", "?order=create_time_desc", "?state=Success", "?state=killed", "?from=%zz",
	} {
		t.Run(q, func(t *testing.T) {
			expectError(t, h.do("GET", pp("")+q, ""), 400, CodeParameter)
		})
	}
}
