package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

// Fuzz targets for the emulator's request decoding: create bodies, list and log queries, and the
// Authorization header. `go test` runs each on its seeds (f.Add and testdata/fuzz/<Name>/);
// `make fuzz` (scripts/fuzz.sh) explores further with `go test -fuzz`. Whatever arrives, the
// emulator answers with a 4xx in the documented shape, never a 5xx or a panic.

// fuzzRequest serves a request built field by field (the query is taken as is, so that
// anything a client could put on the wire reaches the handler), authenticated with the demo token
// unless hdr says otherwise.
func fuzzRequest(h *harness, method, path, rawQuery string, body []byte, hdr http.Header) *httptest.ResponseRecorder {
	var r *http.Request
	if body == nil {
		r = httptest.NewRequest(method, "http://dli.emulator.test"+path, nil)
	} else {
		r = httptest.NewRequest(method, "http://dli.emulator.test"+path, bytes.NewReader(body))
	}
	r.URL.RawQuery = rawQuery
	r.RemoteAddr = "127.0.0.1:40000"
	if hdr == nil {
		hdr = http.Header{"X-Auth-Token": {DefaultToken}, "Content-Type": {"application/json"}}
	}
	for k, v := range hdr {
		r.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.s.ServeHTTP(rec, r)
	return rec
}

// checkErrorAnswer fails unless rec is an error answer with one of the allowed statuses and a
// JSON body carrying an error code and a message.
func checkErrorAnswer(t *testing.T, rec *httptest.ResponseRecorder, allowed ...int) {
	t.Helper()
	ok := false
	for _, s := range allowed {
		ok = ok || rec.Code == s
	}
	if !ok {
		t.Fatalf("HTTP %d %s, want one of %v", rec.Code, rec.Body, allowed)
	}
	var e struct {
		Code string `json:"error_code"`
		Msg  string `json:"error_msg"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" || e.Msg == "" {
		t.Fatalf("error body %q: %v", rec.Body, err)
	}
}

func compactJSON(t *testing.T, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatalf("compact %q: %v", b, err)
	}
	return buf.String()
}

// asJSONString is s after a trip through a JSON string (invalid UTF-8 becomes U+FFFD).
func asJSONString(s string) string {
	var out string
	quoted, _ := json.Marshal(s)
	_ = json.Unmarshal(quoted, &out)
	return out
}

// FuzzCreateBody: any create body is either a job (200) or a 400 DLI.0001/DLI.0002 answer
// (413 above the size limit). An accepted body is echoed compacted as req_body, and req_body,
// submitted again, is parsed into the same request: decode and encode round-trip.
func FuzzCreateBody(f *testing.F) {
	f.Add([]byte(`{"file":"obs://b/a.jar","className":"Main","queue":"default"}`))
	f.Add([]byte(`{"file":"obs://b/a.py","queue":"q2","name":"n","args":["--x"],"conf":{"spark.a":"1","emulator.run_duration":"1h","emulator.outcome":"dead"},` +
		`"driverMemory":"2G","numExecutors":3,"auto_recovery":true,"max_retry_times":2}`))
	f.Add([]byte(`{"file":"f","cluster_name":"default","sc_type":"B","feature":"custom","image":"org/spark:1","driver_cores":1,"executor_memory":"512m"}`))
	f.Add([]byte(`{"file":"f","queue":"default","resources":[{"name":"r","type":"jar"}],"groups":[{"name":"g","resources":[{"name":"x"}]}]}`))
	f.Add([]byte(`{"file":"f","queue":"nope"}`))
	f.Add([]byte(`{"file":"f","queue":"default","conf":{"emulator.run_duration":"2562047h47m16.854775807s"}}`))
	f.Add([]byte(`{"file":"f","queue":"default","numExecutors":1e3,"maxRetryTimes":"5"}`))
	f.Add([]byte(`{"file":null,"queue":"default"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"file":"f"} {"file":"g"}`))
	f.Add([]byte(nil))
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		h := newHarness(t, Options{})
		rec := fuzzRequest(h, http.MethodPost, pp(""), "", body, nil)
		parsed, errResp := parseCreate(body, h.s.opts.JobRun)
		if rec.Code != http.StatusOK {
			checkErrorAnswer(t, rec, http.StatusBadRequest, http.StatusRequestEntityTooLarge)
			if errResp == nil && rec.Code == http.StatusBadRequest && !bytes.Contains(rec.Body.Bytes(), []byte(CodeNotExist)) {
				t.Fatalf("parseCreate accepted what the handler refused: %s", rec.Body)
			}
			return
		}
		if errResp != nil {
			t.Fatalf("parseCreate refused what the handler accepted: %s", errResp.body)
		}
		created := decodeAs[createResponse](t, rec)
		if created.State != StateStarting || !batchIDRE.MatchString(created.ID) {
			t.Fatalf("create answer %s", rec.Body)
		}
		detail := decodeAs[detailResponse](t, fuzzRequest(h, http.MethodGet, pp("/"+created.ID), "", nil, nil))
		// req_body is the compacted body, as a JSON string carries it: Go's decoder lets invalid
		// UTF-8 through, the encoder of the answer replaces it with U+FFFD.
		if want := asJSONString(compactJSON(t, body)); detail.ReqBody != want {
			t.Fatalf("req_body %q, want the compacted body %q", detail.ReqBody, want)
		}
		again, errResp := parseCreate([]byte(detail.ReqBody), h.s.opts.JobRun)
		if errResp != nil {
			t.Fatalf("req_body %q does not parse again: %s", detail.ReqBody, errResp.body)
		}
		// Compared as a JSON string carries them (see above): compact conf, valid UTF-8.
		normalize := func(c createRequest) createRequest {
			if c.conf != nil {
				c.conf = json.RawMessage(asJSONString(compactJSON(t, c.conf)))
			}
			c.reqBody = asJSONString(c.reqBody)
			return c
		}
		if !reflect.DeepEqual(normalize(parsed), normalize(again)) {
			t.Fatalf("round trip:\n%+v\n%+v", parsed, again)
		}
		// The job lives its life: every route answers at any later time.
		for _, d := range []time.Duration{0, time.Second, time.Hour, 290 * 365 * 24 * time.Hour} {
			h.clock.Set(t0.Add(d))
			for _, p := range []string{"", "/state", "/log"} {
				if rec := fuzzRequest(h, http.MethodGet, pp("/"+created.ID+p), "", nil, nil); rec.Code != http.StatusOK {
					t.Fatalf("GET %s after %v: HTTP %d %s", p, d, rec.Code, rec.Body)
				}
			}
		}
		if rec := fuzzRequest(h, http.MethodDelete, pp("/"+created.ID), "", nil, nil); rec.Code != http.StatusBadRequest && rec.Code != http.StatusOK {
			t.Fatalf("DELETE: HTTP %d %s", rec.Code, rec.Body)
		}
	})
}

// FuzzQueryParsing: any query string on list and log is answered 200 or 400 DLI.0001, and a 200
// is a consistent page: the list holds at most total sessions, the log's window lies within its
// lines.
func FuzzQueryParsing(f *testing.F) {
	f.Add("queue_name=default&from=0&size=2&order=CREATE_TIME_ASC")
	f.Add("cluster_name=q2&job_name=n1&job-id=x&owner=user_demoaccesskey&state=running&start=0&end=99999999999999")
	f.Add("from=-1&size=0")
	f.Add("size=9223372036854775807&from=1")
	f.Add("from=9223372036854775807")
	f.Add("index=1&type=driver&size=-1")
	f.Add("index=-1")
	f.Add("order=DURATION_DESC&state=dead")
	f.Add("a=%zz&;b")
	f.Add("")
	f.Fuzz(func(t *testing.T, rawQuery string) {
		h := newHarness(t, Options{})
		var ids []string
		for _, body := range []string{
			`{"file":"f","queue":"default","name":"n1"}`,
			`{"file":"f","queue":"q2","name":"n2","conf":{"emulator.outcome":"dead"},"auto_recovery":true,"max_retry_times":1}`,
			`{"file":"f","queue":"default","conf":{"emulator.run_duration":"1h"}}`,
		} {
			ids = append(ids, h.create(body).ID)
			h.clock.Advance(time.Second)
		}
		h.clock.Advance(10 * time.Second)
		_ = fuzzRequest(h, http.MethodDelete, pp("/"+ids[2]), "", nil, nil)

		rec := fuzzRequest(h, http.MethodGet, pp(""), rawQuery, nil, nil)
		if rec.Code != http.StatusOK {
			checkErrorAnswer(t, rec, http.StatusBadRequest)
		} else {
			list := decodeAs[listResponse](t, rec)
			if list.Total > len(ids) || len(list.Sessions) > list.Total || list.From < 0 {
				t.Fatalf("list %s", rec.Body)
			}
		}
		for _, id := range ids {
			rec := fuzzRequest(h, http.MethodGet, pp("/"+id+"/log"), rawQuery, nil, nil)
			if rec.Code != http.StatusOK {
				checkErrorAnswer(t, rec, http.StatusBadRequest)
				continue
			}
			l := decodeAs[logResponse](t, rec)
			if l.From < 0 || l.From > l.Total || l.From+len(l.Log) > l.Total || l.ID != id {
				t.Fatalf("log %s", rec.Body)
			}
		}
	})
}

// FuzzAuthorization: any Authorization, X-Sdk-Date, X-Security-Token and X-Auth-Token headers
// are answered 401 APIGW.0301, unless the token is a configured one (200). A parsed
// Authorization header renders back to itself.
func FuzzAuthorization(f *testing.F) {
	f.Add("SDK-HMAC-SHA256 Access=DEMOACCESSKEY, SignedHeaders=host;x-sdk-date, Signature="+
		"0000000000000000000000000000000000000000000000000000000000000000", "20240101T000000Z", "sts", "")
	f.Add("SDK-HMAC-SHA256 Access=DEMOACCESSKEY,SignedHeaders=x-sdk-date,Signature=abc", "20240101T000000Z", "", "")
	f.Add("SDK-HMAC-SHA256 Access=a=b, SignedHeaders=;;, Signature="+
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "garbage", "", "")
	f.Add("Bearer x", "", "", "demo-token")
	f.Add("", "", "", "wrong-token")
	f.Add("SDK-HMAC-SHA256 ", "99991231T235959Z", "\x00", "")
	f.Add("SDK-HMAC-SHA256 Access=A, Access=B", "", "", "")
	f.Fuzz(func(t *testing.T, authorization, sdkDate, securityToken, token string) {
		h := newHarness(t, Options{SecurityToken: "emu-security-token"})
		hdr := http.Header{"Content-Type": {"application/json"}}
		for k, v := range map[string]string{
			"Authorization": authorization, "X-Sdk-Date": sdkDate, "X-Security-Token": securityToken, "X-Auth-Token": token,
		} {
			if v != "" {
				hdr.Set(k, v)
			}
		}
		rec := fuzzRequest(h, http.MethodGet, pp(""), "", nil, hdr)
		if token == DefaultToken {
			if rec.Code != http.StatusOK {
				t.Fatalf("valid token: HTTP %d %s", rec.Code, rec.Body)
			}
		} else {
			checkErrorAnswer(t, rec, http.StatusUnauthorized)
			if !bytes.Contains(rec.Body.Bytes(), []byte(CodeAuth)) {
				t.Fatalf("auth failure body %s", rec.Body)
			}
			for _, secret := range []string{DefaultSecretKey, "emu-security-token", DefaultToken} {
				if bytes.Contains(rec.Body.Bytes(), []byte(secret)) {
					t.Fatalf("the answer echoes a secret: %s", rec.Body)
				}
			}
		}

		a, ok := parseAuthorization(authorization)
		if !ok {
			return
		}
		rendered := signAlgorithm + " Access=" + a.access + ", SignedHeaders=" + a.signedHeaders + ", Signature=" + a.signature
		b, ok := parseAuthorization(rendered)
		if !ok || b != a {
			t.Fatalf("%q parsed as %+v; rendered %q parses as %+v (%v)", authorization, a, rendered, b, ok)
		}
	})
}

// A log window whose size is near the int64 limit used to overflow from+size and panic
// (slice bounds out of range) instead of answering the lines from `from` on. Found by
// FuzzQueryParsing's seeds.
func TestLogWindowHugeSize(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.create(`{"file":"f","queue":"default"}`).ID
	h.clock.Advance(time.Hour)
	all := decodeAs[logResponse](t, fuzzRequest(h, http.MethodGet, pp("/"+id+"/log"), "size=-1", nil, nil))
	if all.Total < 3 {
		t.Fatalf("log %+v", all)
	}
	for _, q := range []string{"size=9223372036854775807&from=1", "from=1&size=9223372036854775806"} {
		rec := fuzzRequest(h, http.MethodGet, pp("/"+id+"/log"), q, nil, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: HTTP %d %s", q, rec.Code, rec.Body)
		}
		l := decodeAs[logResponse](t, rec)
		if l.From != 1 || !reflect.DeepEqual(l.Log, all.Log[1:]) {
			t.Errorf("%s: from %d, %d lines; want from 1, %d lines", q, l.From, len(l.Log), len(all.Log)-1)
		}
	}
}
