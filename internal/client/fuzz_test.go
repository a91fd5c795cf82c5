package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets. `go test` runs each on its seeds (f.Add and testdata/fuzz/<Name>/); `make fuzz`
// (scripts/fuzz.sh) explores further with `go test -fuzz`.

var authorizationRE = regexp.MustCompile(`^SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-sdk-date, Signature=[0-9a-f]{64}$`)

// FuzzSigner: the canonical request builder and the signer, on any method, path, query, header
// value and body. The canonical URI and query decode back to what was signed, the result is
// deterministic, the Authorization value is well formed, and the signature covers the body, the
// query and the path.
func FuzzSigner(f *testing.F) {
	f.Add("GET", "/v2.0/p/batches", "queue_name=default&size=100", "application/json", []byte(nil))
	f.Add("POST", "/v2.0/p/batches", "", "application/json", []byte(`{"file":"obs://b/a.jar","conf":{"k":"v"}}`))
	f.Add("DELETE", "/v2.0/p/batches/0a324461-d9d9-45da-a52a-3b3c7a3d809e", "", " application/json ", []byte{})
	f.Add("get", "/a b/ü/%2F/;,=+&?#", "a=1&a=0&b&=x&%zz=1", "x", []byte("\x00\xff"))
	f.Add("GET", "", "job_name=n%C3%A4me+with+space&owner=~user", "", []byte("{"))
	f.Add("GET", "//double//slash/", ";a=b", "v", []byte("body"))
	f.Fuzz(func(t *testing.T, method, path, rawQuery, contentType string, body []byte) {
		if strings.ContainsAny(contentType, "\r\n") || strings.ContainsAny(method, "\r\n") {
			return // not a header value or a method HTTP can carry
		}
		query, _ := url.ParseQuery(rawQuery) // whatever parsed
		in := signInput{
			Method: method, Path: path, Query: query, Body: body,
			Headers: map[string][]string{
				"content-type": {contentType}, "host": {"dli.example.com"}, "x-sdk-date": {dliDate},
			},
			SignedHeaders: []string{"x-sdk-date", "Host", "content-type", "content-type"},
		}
		canonical, signed := canonicalRequest(in)
		if again, _ := canonicalRequest(in); again != canonical {
			t.Fatalf("not deterministic:\n%q\n%q", canonical, again)
		}
		if signed != "content-type;host;x-sdk-date" {
			t.Fatalf("signed headers %q", signed)
		}
		lines := strings.Split(canonical, "\n")
		// method, URI, query, 3 header lines, blank end of headers, signed headers, payload hash
		if len(lines) != 9 || lines[0] != strings.ToUpper(method) || lines[8] != payloadHash(in) {
			t.Fatalf("canonical request %q", canonical)
		}

		uri := canonicalURI(path)
		if lines[1] != uri || !strings.HasSuffix(uri, "/") {
			t.Fatalf("canonical URI %q", uri)
		}
		if !strings.HasSuffix(path, "/") {
			uri = strings.TrimSuffix(uri, "/")
		}
		segs := strings.Split(uri, "/")
		for i, s := range segs {
			d, err := url.PathUnescape(s)
			if err != nil || signEscape(d) != s {
				t.Fatalf("segment %q of %q is not a canonical escape", s, uri)
			}
			segs[i] = d
		}
		if strings.Join(segs, "/") != path {
			t.Fatalf("canonical URI %q decodes to %q, want %q", uri, strings.Join(segs, "/"), path)
		}

		cq := canonicalQuery(query)
		if lines[2] != cq {
			t.Fatalf("canonical query line %q, want %q", lines[2], cq)
		}
		back, err := url.ParseQuery(cq)
		if err != nil {
			t.Fatalf("canonical query %q does not parse: %v", cq, err)
		}
		if !reflect.DeepEqual(sortedValues(back), sortedValues(query)) {
			t.Fatalf("canonical query %q parses to %v, want %v", cq, back, query)
		}
		if canonicalQuery(back) != cq {
			t.Fatalf("canonical query is not stable: %q", cq)
		}

		auth := signAKSK(in, "AK", "SK", dliDate)
		if !authorizationRE.MatchString(auth) {
			t.Fatalf("Authorization %q", auth)
		}
		changed := in
		changed.Body = append(append([]byte(nil), body...), '.')
		if signAKSK(changed, "AK", "SK", dliDate) == auth {
			t.Fatal("the signature does not cover the body")
		}
		changed = in
		changed.Path = path + "x"
		if signAKSK(changed, "AK", "SK", dliDate) == auth {
			t.Fatal("the signature does not cover the path")
		}
		changed = in
		changed.Query = url.Values{}
		for k, v := range query {
			changed.Query[k] = v
		}
		changed.Query.Add("fuzz-extra", "1")
		if signAKSK(changed, "AK", "SK", dliDate) == auth {
			t.Fatal("the signature does not cover the query")
		}
	})
}

func sortedValues(q url.Values) map[string][]string {
	out := make(map[string][]string, len(q))
	for k, v := range q {
		v = append([]string(nil), v...)
		sort.Strings(v)
		out[k] = v
	}
	return out
}

// FuzzAPIError: the error-body parser on any status, body and request ID header. It never
// panics, the message names the operation and the status, a non-JSON body is cut, and no
// configured secret survives in the error text, even when the server echoes it.
func FuzzAPIError(f *testing.F) {
	f.Add(400, []byte(`{"error_code":"DLI.0002","error_msg":"The batch job does not exist"}`), "")
	f.Add(401, []byte(`{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail","request_id":"abc"}`), "")
	f.Add(404, []byte(`{"msg":"Session '0a324461-d9d9-45da-a52a-3b3c7a3d809e' not found."}`), "rid")
	f.Add(429, []byte(`{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached"}`), "")
	f.Add(500, []byte(`{"error":{"code":500,"message":"boom"}}`), "")
	f.Add(502, []byte("<html><body>Bad Gateway</body></html>"), "")
	f.Add(403, []byte(`{"code":"x","message":"forbidden for fuzz-secret-key"}`), "")
	f.Add(400, []byte(`{"error_msg":"token fuzz-auth-\u0074oken in message"}`), "")
	// A server (or a proxy) echoing a credential in any field, JSON-escaped or not.
	f.Add(401, []byte(`{"error_code":"fuzz-secret-key","error_msg":"x"}`), "")
	f.Add(401, []byte(`{"error_code":"fuzz-secret-\u006bey","error_msg":"x"}`), "")
	f.Add(401, []byte(`{"error_code":"APIGW.0301","error_msg":"x","request_id":"fuzz-auth-\u0074oken"}`), "")
	f.Add(400, []byte(`{"error":{"code":"fuzz-secret-key","message":"m"}}`), "")
	f.Add(502, []byte(`{"msg":"x"}`), "fuzz-auth-token")
	f.Add(0, []byte(nil), "")
	f.Add(999, []byte(`{"errorCode":7,"errorMessage":null,"error":"str"}`), "")
	f.Fuzz(func(t *testing.T, status int, body []byte, requestID string) {
		c := &Client{secrets: []string{"fuzz-secret-key", "fuzz-auth-token"}}
		res := &apiResult{status: status, header: http.Header{"X-Request-Id": {requestID}}, body: body}
		e := c.apiError(context.Background(), apiCall{op: "get batch job", subject: "id", classify: classifyBatchCancel}, res)
		msg := e.Error()
		if !strings.HasPrefix(msg, "dli: get batch job id: HTTP "+strconv.Itoa(status)) {
			t.Fatalf("error text %q", msg)
		}
		for _, secret := range c.secrets {
			for _, s := range []string{msg, string(e.Body), e.Message, e.Code, e.RequestID} {
				if strings.Contains(s, secret) {
					t.Fatalf("secret %q in %q", secret, s)
				}
			}
		}
		if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) && len(e.Message) > maxErrorMessageLen+3 {
			t.Fatalf("message of a non-JSON body not cut: %d bytes", len(e.Message))
		}
		if utf8.Valid(body) && !utf8.ValidString(e.Message) {
			t.Fatalf("message %q is not valid UTF-8", e.Message)
		}
		// The predicates never panic and agree with the status.
		_, _ = IsNotFound(e), IsAlreadyFinished(e)
		if status == http.StatusTooManyRequests && !IsThrottled(e) {
			t.Fatal("429 not throttled")
		}
		if (status == http.StatusUnauthorized || status == http.StatusForbidden) && !IsAuthFailed(e) {
			t.Fatal("401/403 not an auth failure")
		}
		if status >= 500 && IsNotFound(e) {
			t.Fatal("a 5xx must not read as not found")
		}
		// The cancel answer checker on the same body.
		if err := checkCancelBody("cancel batch job", "id", body); err == nil {
			trimmed := strings.TrimSpace(string(body))
			var out struct {
				Msg       *string `json:"msg"`
				IsSuccess *bool   `json:"is_success"`
			}
			_ = json.Unmarshal(body, &out)
			ok := trimmed == "" || trimmed == "{}" ||
				out.Msg != nil && strings.EqualFold(strings.TrimSpace(*out.Msg), "deleted") ||
				out.Msg == nil && out.IsSuccess != nil && *out.IsSuccess
			if !ok {
				t.Fatalf("cancel answer %q accepted", body)
			}
		}
		if d, ok := parseRetryAfter(requestID, time.Unix(1_700_000_000, 0)); ok && d < 0 {
			t.Fatalf("Retry-After %q gives %v", requestID, d)
		}
	})
}

// FuzzBatchJobDecode: the job decoder, req_body included, on any JSON. It never panics; when it
// decodes, the state is normalized and the submission marker never shows up in the conf; a
// req_body decoded, encoded again and decoded once more gives the same request.
func FuzzBatchJobDecode(f *testing.F) {
	reqBody := `{"file":"obs://b/a.jar","className":"Main","queue":"default","args":["--x","1"],` +
		`"conf":{"spark.a":"1","spark.terraform.submissionId":"m-1"},"driverCores":2,"auto_recovery":true}`
	quoted, _ := json.Marshal(reqBody)
	f.Add([]byte(`{"id":"0a324461-d9d9-45da-a52a-3b3c7a3d809e","state":"Running","appId":"","req_body":` + string(quoted) + `}`))
	f.Add([]byte(`{"id":"x","state":"dead","appId":["application_1","application_2"],"log":["a","b"],"create_time":1700000000000,"duration":"12"}`))
	f.Add([]byte(`{"id":1,"state":null,"appId":null,"req_body":{"file":"f","class_name":"C","python_files":"a.py","executor_cores":"3","conf":{"k":1}}}`))
	f.Add([]byte(`{"req_body":"{\"resources\":[{\"name\":\"r\",\"type\":\"jar\"}],\"groups\":[{\"name\":\"g\",\"resources\":[]}]}"}`))
	f.Add([]byte(`{"req_body":"not json","create_time":-5,"update_time":1e300,"cluster_name":"q"}`))
	f.Add([]byte(`{"sessions":[{"id":"a"}],"req_body":"\"{}\""}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var j BatchJob
		if err := json.Unmarshal(data, &j); err == nil {
			if j.State != ParseJobState(string(j.State)) {
				t.Fatalf("state %q not normalized", j.State)
			}
			if j.Request != nil {
				if _, ok := j.Request.Conf[SubmissionMarkerConfKey]; ok {
					t.Fatal("the submission marker is in the conf")
				}
			}
			if j.Queue == "" && j.ClusterName != "" {
				t.Fatalf("queue empty with cluster_name %q", j.ClusterName)
			}
		}
		var list struct {
			Sessions []BatchJob `json:"sessions"`
		}
		_ = json.Unmarshal(data, &list)

		// req_body round trip: decode, encode with the same marker, decode again. JSON is UTF-8
		// (RFC 8259): text with invalid bytes is not expected to survive re-encoding.
		if !utf8.Valid(data) {
			return
		}
		req, marker := parseRequestBody(data)
		if req == nil {
			return
		}
		wire, err := req.wireBody(marker)
		if err != nil {
			t.Fatalf("encoding %+v: %v", req, err)
		}
		again, marker2 := parseRequestBody(wire)
		if again == nil || marker2 != marker || !reflect.DeepEqual(again, req) {
			t.Fatalf("round trip of %s:\n%+v (%q)\n%+v (%q)", wire, req, marker, again, marker2)
		}
	})
}

// FuzzCreateRequestRoundTrip: a request the provider builds, sent, echoed back by DLI as
// req_body and decoded, is the request that was sent (plus the marker, apart).
func FuzzCreateRequestRoundTrip(f *testing.F) {
	f.Add("obs://b/a.jar", "com.example.Main", "default", "nightly", "--date", "", "spark.sql.password", "p@ss:w0rd", 2, true, "2G")
	f.Add("obs://b/a.py", "", "etl", "", "", "a b", "", "", 0, false, "")
	f.Add("f", "c", "q", "n", "<>&", "\u2028", "spark.terraform.submissionId", "user-value", -1, false, "512m")
	f.Fuzz(func(t *testing.T, file, class, queue, name, arg1, arg2, confKey, confValue string, cores int, recovery bool, memory string) {
		for _, s := range []string{file, class, queue, name, arg1, arg2, confKey, confValue, memory} {
			if !utf8.ValidString(s) {
				return // JSON carries text; invalid UTF-8 is replaced on the way, by design
			}
		}
		req := &CreateBatchJobRequest{
			File: file, ClassName: class, Queue: queue, Name: name,
			Args: []string{arg1, arg2}, Conf: map[string]string{confKey: confValue},
			DriverMemory: memory, ExecutorCores: &cores, AutoRecovery: &recovery,
			Resources: []JobResource{{Name: name, Type: "jar"}},
		}
		const marker = "2b1f9c3e-0000-4000-8000-000000000001"
		wire, err := req.wireBody(marker)
		if err != nil {
			t.Fatal(err)
		}
		reqBody, _ := json.Marshal(string(wire))
		var job BatchJob
		if err := json.Unmarshal([]byte(`{"id":"j","state":"starting","req_body":`+string(reqBody)+`}`), &job); err != nil {
			t.Fatal(err)
		}
		if job.SubmissionID != marker || job.Request == nil {
			t.Fatalf("marker %q, request %+v", job.SubmissionID, job.Request)
		}
		want := *req
		want.Conf = map[string]string{}
		for k, v := range req.Conf {
			if k != SubmissionMarkerConfKey { // the marker wins over a user key of the same name
				want.Conf[k] = v
			}
		}
		if len(want.Conf) == 0 {
			want.Conf = nil
		}
		if !reflect.DeepEqual(*job.Request, want) {
			t.Fatalf("sent %+v\ngot  %+v", want, *job.Request)
		}
	})
}
