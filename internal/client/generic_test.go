package client

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// TestEnvelope: DLI's {"is_success","message"} envelope in every shape the
// APIs use.
func TestEnvelope(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantErr  bool
		wantMsg  string
		wantCode string
	}{
		{"bool true", `{"is_success":true,"message":""}`, false, "", ""},
		{"string true (Flink)", `{"is_success":"true","message":"ok"}`, false, "", ""},
		{"string TRUE with spaces", `{"is_success":" TRUE "}`, false, "", ""},
		{"absent", `{"job_id":"x"}`, false, "", ""},
		{"null", `{"is_success":null}`, false, "", ""},
		{"bool false", `{"is_success":false,"message":"queue busy","error_code":"DLI.0999"}`, true, "queue busy", "DLI.0999"},
		{"string false (Flink)", `{"is_success":"false","message":"no such job"}`, true, "no such job", ""},
		{"false without message", `{"is_success":false}`, true, "is_success is false", ""},
		{"false with odd types", `{"is_success":false,"message":5,"error_code":["DLI.1"]}`, true, "5", `["DLI.1"]`},
		{"false with error_msg only", `{"is_success":false,"error_msg":"bad"}`, true, "bad", ""},
		{"unreadable value", `{"is_success":"yes"}`, true, `the answer's is_success is "yes", neither true nor false`, ""},
		{"number", `{"is_success":1}`, true, "the answer's is_success is 1, neither true nor false", ""},
		{"array all true", `[{"is_success":"true","message":"a"},{"is_success":true}]`, false, "", ""},
		{"array one false", `[{"is_success":"true"},{"is_success":"false","message":"job 7 is not running"}]`, true, "job 7 is not running", ""},
		{"array of non-objects", `[1,"x",null]`, false, "", ""},
		{"empty array", `[]`, false, "", ""},
		{"not JSON", `ok`, false, "", ""},
		{"empty", ``, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkEnvelope("run flink job", "7", 200, http.Header{"X-Request-Id": {"r1"}}, []byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if err == nil {
				return
			}
			var e *APIError
			if !errors.As(err, &e) || e.StatusCode != 200 || e.Message != tt.wantMsg || e.Code != tt.wantCode || e.RequestID != "r1" {
				t.Fatalf("error %#v", err)
			}
			if !strings.HasPrefix(err.Error(), "dli: run flink job 7: HTTP 200 OK") {
				t.Fatalf("Error() = %q", err)
			}
		})
	}
}

// TestEnvelopeThroughDo: a 200 with is_success false is an error of the
// call, classified and scrubbed like any other answer.
func TestEnvelopeThroughDo(t *testing.T) {
	rt := &captureRT{respond: func(r *http.Request, n int) (*http.Response, error) {
		return textResponse(r, 200, `{"is_success":"false","message":"job gone; key TestSecretKeyValue"}`), nil
	}}
	c := newTestClient(t, "https://"+dliHost, func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} })
	call := apiCall{op: "get flink job", subject: "7", method: http.MethodGet, version: "v1.0",
		segments: []string{"streaming", "jobs", "7"}, idempotent: true,
		classify: func(e *APIError) { e.mark(ErrNotFound) }}
	var out map[string]interface{}
	_, err := c.do(context.Background(), call, &out)
	if !IsNotFound(err) || strings.Contains(err.Error(), "TestSecretKeyValue") || !strings.Contains(err.Error(), "job gone") {
		t.Fatalf("error %v", err)
	}
	if p := rt.reqs[0].URL.Path; p != "/v1.0/"+testProject+"/streaming/jobs/7" {
		t.Fatalf("path %q", p)
	}
}

// TestURLVersionsAndSegments: any API version, every segment escaped, and
// the segments that could climb a level refused before anything is sent.
func TestURLVersionsAndSegments(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1/p")
	ok := []struct {
		version  string
		segments []string
		want     string
	}{
		{"v1.0", []string{"jobs", "submit-job"}, "/v1.0/" + testProject + "/jobs/submit-job"},
		{"v3", []string{"elastic-resource-pools", "pool 1"}, "/v3/" + testProject + "/elastic-resource-pools/pool%201"},
		{"v2.0", []string{"batches", "a/b", "..."}, "/v2.0/" + testProject + "/batches/a%2Fb/..."},
		{"v1", []string{"jobs", "x?y#z"}, "/v1/" + testProject + "/jobs/x%3Fy%23z"},
	}
	for _, tt := range ok {
		got, err := c.url(tt.version, tt.segments, nil)
		if err != nil || got != "http://127.0.0.1:1/p"+tt.want {
			t.Errorf("url(%q, %q) = %q, %v", tt.version, tt.segments, got, err)
		}
	}
	bad := []struct {
		version  string
		segments []string
	}{
		{"v2.0", []string{"batches", ".."}},
		{"v2.0", []string{"batches", "."}},
		{"v2.0", []string{"batches", ""}},
		{"", []string{"batches"}},
		{"v2.0/..", []string{"batches"}},
		{"../v2.0", nil},
		{"2.0", nil},
	}
	f := newFakeDLI(t)
	c2 := newTestClient(t, f.URL())
	for _, tt := range bad {
		if _, err := c.url(tt.version, tt.segments, nil); !errors.Is(err, errBadPath) {
			t.Errorf("url(%q, %q): error %v", tt.version, tt.segments, err)
		}
		_, err := c2.do(context.Background(), apiCall{op: "probe", method: http.MethodGet, version: tt.version, segments: tt.segments, idempotent: true}, nil)
		if !errors.Is(err, errBadPath) || isTransient(err) || !strings.Contains(err.Error(), "dli: probe: invalid request path") {
			t.Errorf("do(%q, %q): error %v", tt.version, tt.segments, err)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// TestCheckID: the generic ID helper behind every collection's check.
func TestCheckID(t *testing.T) {
	kind := newIDKind("Flink job")
	isInt := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	if err := checkID("get flink job", kind, "104", isInt, "an integer"); err != nil {
		t.Fatal(err)
	}
	err := checkID("get flink job", kind, "../1", isInt, "an integer")
	if !errors.Is(err, kind) || !errors.Is(err, ErrInvalidID) || errors.Is(err, ErrInvalidBatchID) {
		t.Fatalf("error %v", err)
	}
	if err.Error() != `dli: get flink job: invalid Flink job ID "../1": it must be an integer` {
		t.Fatalf("Error() = %q", err)
	}
	if !errors.Is(checkBatchID("x", "nope"), ErrInvalidID) {
		t.Fatal("ErrInvalidBatchID does not match ErrInvalidID")
	}
}

// TestCancelFinishedPhrasings: only answers known to mean "the job had
// ended" stop destroy from cancelling; each phrasing has a row.
func TestCancelFinishedPhrasings(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		code     string
		msg      string
		finished bool
	}{
		{"emulator DLI.0007", 400, "DLI.0007", "The batch job 0a32 is already finished (state: dead) and cannot be cancelled", true},
		{"DLI.0007 alone", 400, "DLI.0007", "Operation not supported", true},
		{"DLI.0001 has finished", 400, "DLI.0001", "The job has finished and can not be cancelled", true},
		{"DLI.0001 already stopped", 400, "DLI.0001", "Job 0a32 already stopped", true},
		{"DLI.0009 state is success", 400, "DLI.0009", "Job state is success", true},
		{"DLI.0009 state: dead", 400, "DLI.0009", `cannot cancel, state: "dead"`, true},
		{"DLI.0001 has ended", 400, "DLI.0001", "The job has already ended.", true},
		{"Livy already stopped", 404, "", "Session 0a32 already stopped.", true},
		{"DLI.0001 validation on cancel", 400, "DLI.0001", "Parameter check failed: batch_id state must be a UUID", false},
		{"DLI.0001 queue status", 400, "DLI.0001", "The status of the queue is abnormal", false},
		{"DLI.0001 cannot be cancelled for another reason", 400, "DLI.0001", "The job cannot be cancelled: the queue is frozen", false},
		{"DLI.0009 system restriction", 400, "DLI.0009", "Too many requests in progress for this state machine", false},
		{"DLI.0001 complete word elsewhere", 400, "DLI.0001", "Incomplete request: finished_at is invalid", false},
		{"5xx finished text", 500, "DLI.0001", "The job has finished", false},
		{"other code", 400, "DLI.0003", "The job has finished", false},
		{"Livy other 404", 404, "", "Session 0a32 is stopping", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &APIError{StatusCode: tt.status, Code: tt.code, Message: tt.msg}
			classifyBatchCancel(e)
			if IsAlreadyFinished(e) != tt.finished {
				t.Fatalf("IsAlreadyFinished = %v", !tt.finished)
			}
			// A read is never "already finished".
			r := &APIError{StatusCode: tt.status, Code: tt.code, Message: tt.msg}
			classifyBatch(r)
			if IsAlreadyFinished(r) {
				t.Fatal("a read answer classified as already finished")
			}
		})
	}
}

// TestNotFoundOnlyWhenSaid: issue 16 item 1.
func TestNotFoundOnlyWhenSaid(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   bool
	}{
		{"400 DLI.0002", 400, `{"error_code":"DLI.0002","error_msg":"The batch job x does not exist"}`, true},
		{"404 DLI.0023", 404, `{"error_code":"DLI.0023","error_msg":"No related resources found"}`, true},
		{"Livy 404", 404, `{"msg":"Session '0a32' not found."}`, true},
		{"HTML 404 of a proxy", 404, `<html><body><h1>404 Not Found</h1></body></html>`, false},
		{"empty 404", 404, ``, false},
		{"gateway APIGW.0101", 404, `{"error_code":"APIGW.0101","error_msg":"The API does not exist"}`, false},
		{"JSON 404 of another kind", 404, `{"message":"Not Found"}`, false},
		{"410", 410, `{"error_code":"DLI.0002"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := &captureRT{respond: func(r *http.Request, n int) (*http.Response, error) {
				return textResponse(r, tt.status, tt.body), nil
			}}
			c := newTestClient(t, "https://"+dliHost, func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} })
			_, err := c.GetBatchJob(context.Background(), someID)
			if err == nil || IsNotFound(err) != tt.want {
				t.Fatalf("IsNotFound(%v) = %v, want %v", err, IsNotFound(err), tt.want)
			}
			_, err = c.CancelAndWait(context.Background(), someID, StateRunning)
			if (err == nil) != tt.want {
				t.Fatalf("CancelAndWait: %v (a job not known gone must not count as cancelled)", err)
			}
		})
	}
}

// TestRedactionIsAllowList: a collection with no allow-list shows nothing
// but the envelope; a SQL statement is never logged.
func TestRedactionIsAllowList(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1")
	ctx := context.Background()
	sqlPolicy := newRedaction([]string{"queue_name", "currentdb"}, []string{"conf"}, nil)
	tests := []struct {
		name   string
		policy *redaction
		in     string
		want   string
	}{
		{"unknown keys masked, numbers kept", nil, `{"sql":"select 1","n":3,"ok":true,"message":"m"}`, `{"message":"m","n":3,"ok":true,"sql":"***"}`},
		{"sql masked, allowed keys shown", sqlPolicy, `{"sql":"CREATE USER u PASSWORD 'p4ss'","queue_name":"q","currentdb":"db","conf":["a=1"]}`,
			`{"conf":["***"],"currentdb":"db","queue_name":"q","sql":"***"}`},
		{"nested arrays inherit their key", sqlPolicy, `{"queue_name":["a",["b"]],"tags":[{"key":"k","value":"v"}]}`,
			`{"queue_name":["a",["b"]],"tags":[{"key":"***","value":"***"}]}`},
		{"opaque numbers masked", sqlPolicy, `{"conf":{"a":1,"b":null,"c":[true]}}`, `{"conf":{"a":"***","b":null,"c":["***"]}}`},
		{"batch log lines masked", batchRedaction, `{"id":"x","log":["password=hunter2"],"state":"dead"}`, `{"id":"x","log":["***"],"state":"dead"}`},
		{"batch unknown key masked", batchRedaction, `{"file":"obs://b/a.jar","new_field":"v"}`, `{"file":"obs://b/a.jar","new_field":"***"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.redactBody(ctx, []byte(tt.in), tt.policy); got != tt.want {
				t.Fatalf("redactBody\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	base := testConfig("https://dli.cn-north-4.myhuaweicloud.com")
	tests := []struct {
		name   string
		mod    func(*Config)
		fields []string
		text   string
	}{
		{"valid", func(*Config) {}, nil, ""},
		{"loopback http", func(c *Config) { c.Endpoint = "http://localhost:8787" }, nil, ""},
		{"loopback v6 http", func(c *Config) { c.Endpoint = "http://[::1]:8787" }, nil, ""},
		{"plain http to a remote host", func(c *Config) { c.Endpoint = "http://dli.example.com" }, []string{"endpoint"}, "plain http to a non-loopback host"},
		{"plain http to a private address", func(c *Config) { c.Endpoint = "http://10.0.0.8:8787" }, []string{"endpoint"}, "use https"},
		{"bad region", func(c *Config) { c.Region = "North 4" }, []string{"region"}, "region ID such as cn-north-4"},
		{"nothing", func(c *Config) { *c = Config{} }, []string{"region", "project_id", "access_key"}, "an endpoint or a region"},
		{"token conflict", func(c *Config) { c.AuthToken = "t" }, []string{"auth_token"}, "not both"},
		{"AK only", func(c *Config) { c.SecretKey = "" }, []string{"secret_key"}, "requires a secret key"},
		{"SK only", func(c *Config) { c.AccessKey = "" }, []string{"access_key"}, "requires an access key"},
		{"security token alone", func(c *Config) { c.AccessKey, c.SecretKey, c.SecurityToken = "", "", "s" }, []string{"security_token"}, "security token requires"},
		{"retries", func(c *Config) { c.MaxRetries = 21 }, []string{"max_retries"}, "at most 20"},
		{"several at once", func(c *Config) { c.ProjectID = "a/b"; c.MaxRetries = -2; c.Endpoint = "ftp://x" },
			[]string{"endpoint", "project_id", "max_retries"}, "absolute http"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.mod(&cfg)
			problems := cfg.Validate()
			var fields []string
			var all []string
			for _, p := range problems {
				fields = append(fields, p.Field)
				all = append(all, p.Message)
				if strings.Contains(p.Message, "TestSecretKeyValue") {
					t.Fatalf("message leaks the secret key: %q", p.Message)
				}
			}
			if strings.Join(fields, ",") != strings.Join(tt.fields, ",") || !strings.Contains(strings.Join(all, "|"), tt.text) {
				t.Fatalf("problems %+v, want fields %v with %q", problems, tt.fields, tt.text)
			}
			if _, err := New(cfg); (err == nil) != (len(problems) == 0) || (err != nil && !strings.Contains(err.Error(), tt.text)) {
				t.Fatalf("New disagrees with Validate: %v", err)
			}
		})
	}
}

// TestPollInterruptedVersusTimedOut: Ctrl-C (a cancelled context) is an
// interruption, a deadline a timeout; both name the last state and wrap
// the context's error (issue 10).
func TestPollInterruptedVersusTimedOut(t *testing.T) {
	f := newFakeDLI(t)
	j := f.addJob(&fakeJob{State: StateRunning})
	c := newTestClient(t, f.URL())

	ctx, cancel := context.WithCancel(context.Background())
	f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
		if n == 1 {
			cancel() // the user presses Ctrl-C during the second poll
		}
		return false
	}
	_, err := c.WaitForBatchJob(ctx, j.ID, StateSuccess)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted while waiting for batch job "+j.ID) ||
		!strings.Contains(err.Error(), "last state: running") || strings.Contains(err.Error(), "timed out") {
		t.Fatalf("error %v", err)
	}

	f.hook = nil
	ctx2, cancel2 := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel2()
	_, err = c.CancelAndWait(ctx2, f.addJob(&fakeJob{State: StateRunning, AfterCancel: []JobState{StateRunning}}).ID, StateRunning)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out while waiting") || strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("error %v", err)
	}
}

// TestPollTransientOnly: transport failures, 5xx and 429 are tolerated;
// other errors end the wait at once.
func TestPollTransientOnly(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&APIError{StatusCode: 503}, true},
		{&APIError{StatusCode: 500}, true},
		{&APIError{StatusCode: 429}, true},
		{&APIError{StatusCode: 403, Code: "APIG.0308"}, true},
		{&APIError{StatusCode: 400, Code: "DLI.0001"}, false},
		{&APIError{StatusCode: 404}, false},
		{&APIError{StatusCode: 200, Message: "is_success is false"}, false},
		{errors.New("dli: x: decoding response (HTTP 200): unexpected end of JSON input"), false},
		{errors.New("dli: x: the response has no state"), false},
		{&noAnswerError{connRefused()}, true},
		{&noAnswerError{&attemptTimeoutError{limit: time.Second, cause: "x"}}, true},
		{&noAnswerError{context.DeadlineExceeded}, false},
		{&noAnswerError{errNotSent}, false},
		{&UnexpectedStateError{State: "killed"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := isTransient(tt.err); got != tt.want {
			t.Errorf("isTransient(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// TestWithSecretsScrubsEverywhere: values a caller registers are masked in
// error texts and logs, signatures always are (issue 16 item 11).
func TestWithSecretsScrubsEverywhere(t *testing.T) {
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	f := newFakeDLI(t)
	f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
		writeJSON(w, 400, map[string]string{"error_code": "DLI.0001",
			"error_msg": "bad request " + string(body) + " signed " + r.Header.Get("Authorization")})
		return true
	}
	c := newTestClient(t, f.URL())
	_, err := c.CreateBatchJob(ctx, &CreateBatchJobRequest{File: "obs://b/a.jar", Queue: "q",
		Conf: map[string]string{"spark.hadoop.fs.obs.secret": "s3cr3t-value-1", "spark.plain": "jdbc:mysql://u:pw-in-url@h/db", "short": "2g"}})
	if err == nil {
		t.Fatal("no error")
	}
	var e *APIError
	if !errors.As(err, &e) {
		t.Fatalf("error %v", err)
	}
	for _, s := range []string{err.Error(), string(e.Body), buf.String()} {
		for _, secret := range []string{"s3cr3t-value-1", "pw-in-url", "Signature=", "TestSecretKeyValue"} {
			if strings.Contains(s, secret) {
				t.Fatalf("%q leaked in %.400s", secret, s)
			}
		}
	}
	if !strings.Contains(err.Error(), "bad request") || !strings.Contains(err.Error(), "spark.plain") {
		t.Fatalf("the message lost more than the secrets: %v", err)
	}
	if got := WithSecrets(context.Background(), "1", "", "abcdef"); len(secretsFrom(got)) != 1 {
		t.Fatalf("short values registered: %q", secretsFrom(got))
	}
}
