package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// Signed requests over a real connection, as each kind of client sends
// them: the verifier sees what the Go HTTP stack delivers (Host, encoded
// query, Content-Length...).
func TestSignedRequestsOverTheWire(t *testing.T) {
	h := newHarness(t, Options{Clock: realClock{}})
	ts := httptest.NewServer(h.s)
	defer ts.Close()
	styles := []struct {
		name    string
		headers []string
		extra   http.Header
		after   http.Header // set after signing (unsigned)
	}{
		{"Go SDK v3", []string{"user-agent", "x-project-id", "x-sdk-date"},
			http.Header{"User-Agent": {"huaweicloud-usdk-go/3.0"}, "X-Project-Id": {DefaultProjectID}, "Content-Type": {"application/json"}}, nil},
		{"golangsdk", []string{"accept", "content-type", "user-agent", "x-sdk-date"},
			http.Header{"Accept": {"application/json"}, "User-Agent": {"golangsdk"}, "Content-Type": {"application/json"}},
			http.Header{"X-Project-Id": {DefaultProjectID}}},
		{"APIG", []string{"content-type", "host", "x-sdk-date"}, http.Header{"Content-Type": {"application/json"}}, nil},
	}
	send := func(method, target string, body []byte, names []string, extra, after http.Header) (int, []byte) {
		t.Helper()
		u, _ := url.Parse(target)
		hdr := signedHeader(method, target, u.Host, body, time.Now(), names, extra)
		for k, v := range after {
			hdr[k] = v
		}
		req, _ := http.NewRequest(method, target, bytes.NewReader(body))
		req.Header = hdr
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	for _, st := range styles {
		t.Run(st.name, func(t *testing.T) {
			body := []byte(`{"file":"obs://b/a.jar","queue":"default","name":"with space & sign+"}` + "\n")
			status, b := send("POST", ts.URL+pp(""), body, st.headers, st.extra, st.after)
			if status != 200 {
				t.Fatalf("create: %d %s", status, b)
			}
			var c createResponse
			_ = json.Unmarshal(b, &c)
			for _, target := range []string{
				ts.URL + pp("/"+c.ID),
				ts.URL + pp("?job_name=with+space+%26+sign%2B&queue_name=default&size=10"),
				ts.URL + pp("?size=10&queue_name=default&job_name=with%20space%20%26%20sign%2B"),
				ts.URL + pp("/"+c.ID+"/log?from=0&size=5"),
			} {
				if status, b := send("GET", target, nil, st.headers, st.extra, st.after); status != 200 {
					t.Fatalf("GET %s: %d %s", target, status, b)
				}
			}
			_, b = send("GET", ts.URL+pp("?job_name=with%20space%20%26%20sign%2B&job-id="+c.ID), nil, st.headers, st.extra, st.after)
			var lr listResponse
			_ = json.Unmarshal(b, &lr)
			if lr.Total != 1 {
				t.Fatalf("list by name: %s", b)
			}
			if status, b := send("DELETE", ts.URL+pp("/"+c.ID), nil, st.headers, st.extra, st.after); status != 200 {
				t.Fatalf("DELETE: %d %s", status, b)
			}
		})
	}
}
