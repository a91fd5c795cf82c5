package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestAPIErrorBodyShapes(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		header    http.Header
		body      string
		wantCode  string
		wantMsg   string
		wantReqID string
	}{
		{
			name: "DLI body", status: 400,
			body:     `{"error_code":"DLI.0002","error_msg":"There is no queue named testqueue"}`,
			wantCode: "DLI.0002", wantMsg: "There is no queue named testqueue",
		},
		{
			name: "DLI body with extra keys", status: 400,
			body:     `{"error_msg":"bad","error_json_opt":{"error":"x"},"error_code":"DLI.10001"}`,
			wantCode: "DLI.10001", wantMsg: "bad",
		},
		{
			name: "APIG body with request_id", status: 401,
			body:     `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail","request_id":"0123456789abcdef0123456789abcdef"}`,
			wantCode: "APIGW.0301", wantMsg: "Incorrect IAM authentication information: verify aksk signature fail", wantReqID: "0123456789abcdef0123456789abcdef",
		},
		{
			name: "X-Request-Id header wins over body", status: 429,
			header:   http.Header{"X-Request-Id": {"hdr-id"}},
			body:     `{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached","request_id":"body-id"}`,
			wantCode: "APIG.0308", wantMsg: "The throttling threshold has been reached", wantReqID: "hdr-id",
		},
		{
			name: "code/message fallback", status: 500,
			body:     `{"code":"SYS.0001","message":"internal"}`,
			wantCode: "SYS.0001", wantMsg: "internal",
		},
		{
			name: "numeric code", status: 500,
			body:     `{"code":500,"message":"internal"}`,
			wantCode: "500", wantMsg: "internal",
		},
		{
			name: "nested error object", status: 403,
			body:     `{"error":{"code":"IAM.0001","message":"forbidden"}}`,
			wantCode: "IAM.0001", wantMsg: "forbidden",
		},
		{
			name: "error as string", status: 400,
			body:    `{"error":"something broke"}`,
			wantMsg: "something broke",
		},
		{
			name: "errorCode/errorMessage", status: 400,
			body:     `{"errorCode":"X.1","errorMessage":"camel"}`,
			wantCode: "X.1", wantMsg: "camel",
		},
		{
			name: "Livy msg", status: 404,
			body:    `{"msg":"Session '7' not found."}`,
			wantMsg: "Session '7' not found.",
		},
		{
			name: "non-JSON body", status: 502,
			body:    "<html>\n<body>  Bad   Gateway </body></html>",
			wantMsg: "<html> <body> Bad Gateway </body></html>",
		},
		{
			name: "empty body", status: 503,
			body: "",
		},
		{
			name: "broken JSON", status: 500,
			body:    `{"error_code":`,
			wantMsg: `{"error_code":`,
		},
		{
			name: "long non-JSON body is truncated", status: 500,
			body:    strings.Repeat("x", 2000),
			wantMsg: strings.Repeat("x", maxErrorMessageLen) + "...",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAPIError("get batch job", "0a324461-d9d9-45da-a52a-3b3c7a3d809e", tt.status, tt.header, []byte(tt.body))
			if e.Code != tt.wantCode || e.Message != tt.wantMsg || e.RequestID != tt.wantReqID || e.StatusCode != tt.status {
				t.Fatalf("got code=%q msg=%q reqid=%q status=%d", e.Code, e.Message, e.RequestID, e.StatusCode)
			}
			if string(e.Body) != tt.body {
				t.Fatalf("body %q", e.Body)
			}
			s := e.Error()
			if !strings.Contains(s, "get batch job 0a324461-d9d9-45da-a52a-3b3c7a3d809e") || !strings.Contains(s, fmt.Sprintf("HTTP %d", tt.status)) {
				t.Fatalf("Error() = %q", s)
			}
			if tt.wantCode != "" && !strings.Contains(s, tt.wantCode) {
				t.Fatalf("Error() = %q lacks the code", s)
			}
			if tt.wantReqID != "" && !strings.Contains(s, tt.wantReqID) {
				t.Fatalf("Error() = %q lacks the request id", s)
			}
		})
	}
}

func TestAPIErrorTextWithoutOperation(t *testing.T) {
	e := &APIError{StatusCode: 599}
	if got := e.Error(); got != "dli: request: HTTP 599" {
		t.Fatalf("Error() = %q", got)
	}
}

func TestErrorPredicates(t *testing.T) {
	type preds struct{ notFound, finished, throttled, auth bool }
	tests := []struct {
		name string
		err  error
		want preds
	}{
		{"404 DLI.0023", &APIError{StatusCode: 404, Code: "DLI.0023"}, preds{notFound: true}},
		{"400 DLI.0002", &APIError{StatusCode: 400, Code: "DLI.0002", Message: "The batch job does not exist"}, preds{notFound: true}},
		{"400 DLI.0023", &APIError{StatusCode: 400, Code: "dli.0023"}, preds{notFound: true}},
		// Issue 16 item 1: a 404 that does not say the job is gone (a proxy's page) keeps state.
		{"plain 404", &APIError{StatusCode: 404}, preds{}},
		{"Livy 404 not found", &APIError{StatusCode: 404, Message: "Session '7' not found."}, preds{notFound: true}},
		{"APIGW 404 route missing is not a missing job", &APIError{StatusCode: 404, Code: "APIGW.0101", Message: "The API does not exist"}, preds{}},
		{"400 DLI.0001 generic", &APIError{StatusCode: 400, Code: "DLI.0001", Message: "Parameter check failed"}, preds{}},
		{"500 DLI.0002 is a server error", &APIError{StatusCode: 500, Code: "DLI.0002"}, preds{}},
		{"400 DLI.0007", &APIError{StatusCode: 400, Code: "DLI.0007", Message: "Operation not supported"}, preds{finished: true}},
		{"400 DLI.0001 finished", &APIError{StatusCode: 400, Code: "DLI.0001", Message: "The job has finished and can not be cancelled"}, preds{finished: true}},
		{"400 DLI.0009 state", &APIError{StatusCode: 400, Code: "DLI.0009", Message: "Job state is success"}, preds{finished: true}},
		{"Livy already stopped", &APIError{StatusCode: 404, Message: "Session 0a32 already stopped."}, preds{finished: true}},
		{"500 DLI.0007 is not finished", &APIError{StatusCode: 500, Code: "DLI.0007"}, preds{}},
		{"429", &APIError{StatusCode: 429}, preds{throttled: true}},
		{"APIG.0308 with 400", &APIError{StatusCode: 400, Code: "APIG.0308"}, preds{throttled: true}},
		{"401", &APIError{StatusCode: 401}, preds{auth: true}},
		{"403", &APIError{StatusCode: 403, Code: "DLI.0003"}, preds{auth: true}},
		{"APIGW.0301", &APIError{StatusCode: 400, Code: "APIGW.0301"}, preds{auth: true}},
		{"APIG.0301", &APIError{StatusCode: 400, Code: "APIG.0301"}, preds{auth: true}},
		{"DLI.0015", &APIError{StatusCode: 400, Code: "DLI.0015"}, preds{auth: true}},
		{"wrapped", fmt.Errorf("outer: %w", &APIError{StatusCode: 400, Code: "DLI.0002"}), preds{notFound: true}},
		{"not an APIError", errors.New("boom"), preds{}},
		{"nil", nil, preds{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The answers come from a batch cancel: the collection classifies them.
			if e, ok := asAPIError(tt.err); ok {
				classifyBatchCancel(e)
			}
			got := preds{IsNotFound(tt.err), IsAlreadyFinished(tt.err), IsThrottled(tt.err), IsAuthFailed(tt.err)}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestJobFailedErrorText(t *testing.T) {
	e := &JobFailedError{ID: "id1", State: StateDead, Log: []string{"a", strings.Repeat("b", 2000)}}
	s := e.Error()
	if !strings.Contains(s, `batch job id1 ended in state "dead"`) || !strings.Contains(s, "\n  a") || len(s) > 1200 {
		t.Fatalf("Error() = %q", s)
	}
	if s := (&JobFailedError{ID: "x", State: StateSuccess}).Error(); strings.Contains(s, "log") {
		t.Fatalf("Error() = %q", s)
	}
}

// TestAPIErrorFromServerNeverLeaksSecrets: a server echoing credentials in an
// error body does not get them into the error text or Body.
func TestAPIErrorFromServerNeverLeaksSecrets(t *testing.T) {
	f := newFakeDLI(t)
	f.hook = func(f *fakeDLI, w http.ResponseWriter, r *http.Request, body []byte, n int) bool {
		writeJSON(w, 401, map[string]string{
			"error_code": "APIGW.0301",
			"error_msg":  "bad signature for secret TestSecretKeyValue and token " + r.Header.Get("X-Security-Token"),
		})
		return true
	}
	c := newTestClient(t, f.URL(), func(c *Config) { c.SecurityToken = "SecurityTokenValue" })
	_, err := c.GetBatchJob(context.Background(), "0a324461-d9d9-45da-a52a-3b3c7a3d809e")
	var e *APIError
	if !errors.As(err, &e) || !IsAuthFailed(err) {
		t.Fatalf("error %v", err)
	}
	for _, s := range []string{err.Error(), string(e.Body), e.Message} {
		if strings.Contains(s, "TestSecretKeyValue") || strings.Contains(s, "SecurityTokenValue") {
			t.Fatalf("secret leaked: %q", s)
		}
	}
	if e.Operation != "get batch job" || e.Subject != "0a324461-d9d9-45da-a52a-3b3c7a3d809e" || e.RequestID != "req-401" {
		t.Fatalf("error fields %+v", e)
	}
}
