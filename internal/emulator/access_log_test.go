package emulator

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestAccessLog_linePerRequestWithCancelBody(t *testing.T) {
	var buf bytes.Buffer
	srv, err := New(Options{AccessLog: &buf, Clock: NewManualClock(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("X-Auth-Token", DefaultToken)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	base := "/v2.0/" + DefaultProjectID + "/batches"
	created := do(http.MethodPost, base, `{"file":"obs://b/app.jar","queue":"default"}`)
	if created.Code != http.StatusOK {
		t.Fatalf("create: %d %s", created.Code, created.Body)
	}
	id := between(created.Body.String(), `"id":"`, `"`)
	do(http.MethodDelete, base+"/"+id, "")
	do(http.MethodGet, base+"/not-a-uuid", "")

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		"POST " + base + " 200",
		"DELETE " + base + "/" + id + ` 200 {"msg":"deleted"}`,
		"GET " + base + "/not-a-uuid 400 {",
	}
	if len(lines) != len(want) {
		t.Fatalf("access log has %d lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], want[i])
		}
	}
	if strings.Contains(buf.String(), DefaultToken) {
		t.Error("the access log shows the token")
	}
}

func between(s, start, end string) string {
	_, after, _ := strings.Cut(s, start)
	v, _, _ := strings.Cut(after, end)
	return v
}
