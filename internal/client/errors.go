package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// ErrInvalidBatchID is returned (wrapped) when a batch job ID is not a UUID.
// No request is sent in that case.
var ErrInvalidBatchID = errors.New("invalid batch job ID")

// maxErrorMessageLen bounds the message taken from a non-JSON error body.
const maxErrorMessageLen = 512

// APIError is a non-2xx answer of the DLI API or of the API gateway in front
// of it.
type APIError struct {
	StatusCode int
	// Code is the error_code (DLI.xxxx, APIGW.xxxx, APIG.xxxx) or code.
	Code string
	// Message is error_msg, message, or Livy's msg; for a non-JSON body the
	// (truncated) body text.
	Message string
	// RequestID comes from the X-Request-Id response header, or the body's
	// request_id when the header is absent.
	RequestID string
	// Body is the raw response body (secrets of the client configuration, if
	// ever echoed, are masked).
	Body []byte
	// Operation names the client call, e.g. "cancel batch job".
	Operation string
	// BatchID is the batch job the call was about, if any.
	BatchID string
}

// Error names the operation and the batch ID, then the HTTP status, code,
// message and request ID. It never includes the raw body or credentials.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("dli: ")
	if e.Operation != "" {
		b.WriteString(e.Operation)
	} else {
		b.WriteString("request")
	}
	if e.BatchID != "" {
		b.WriteString(" ")
		b.WriteString(e.BatchID)
	}
	fmt.Fprintf(&b, ": HTTP %d", e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" ")
		b.WriteString(t)
	}
	if e.Code != "" {
		b.WriteString(", ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

// errorBody covers every error body shape seen in front of or from DLI.
type errorBody struct {
	ErrorCode  string          `json:"error_code"`
	ErrorMsg   string          `json:"error_msg"`
	Code       json.RawMessage `json:"code"`
	Message    string          `json:"message"`
	Msg        string          `json:"msg"`
	RequestID  string          `json:"request_id"`
	Error      json.RawMessage `json:"error"`
	ErrorCode2 string          `json:"errorCode"`
	ErrorMsg2  string          `json:"errorMessage"`
}

// newAPIError parses an error response. Shapes understood:
//   - DLI: {"error_code":"DLI.0002","error_msg":"..."}
//   - API gateway: {"error_code":"APIGW.0301","error_msg":"...","request_id":"..."}
//   - generic: {"code":"...","message":"..."} and {"error":{"code":..,"message":..}}
//   - Livy: {"msg":"..."}
//   - anything else (HTML, plain text, empty): the truncated text.
func newAPIError(op, batchID string, status int, header http.Header, body []byte) *APIError {
	e := &APIError{
		StatusCode: status,
		Body:       body,
		Operation:  op,
		BatchID:    batchID,
	}
	if header != nil {
		e.RequestID = strings.TrimSpace(header.Get("X-Request-Id"))
	}
	var eb errorBody
	trimmed := strings.TrimSpace(string(body))
	if strings.HasPrefix(trimmed, "{") && json.Unmarshal(body, &eb) == nil {
		e.Code = firstNonEmpty(eb.ErrorCode, rawToString(eb.Code), eb.ErrorCode2)
		e.Message = firstNonEmpty(eb.ErrorMsg, eb.Message, eb.Msg, eb.ErrorMsg2)
		if len(eb.Error) > 0 {
			var nested struct {
				Code    json.RawMessage `json:"code"`
				Message string          `json:"message"`
			}
			if json.Unmarshal(eb.Error, &nested) == nil {
				e.Code = firstNonEmpty(e.Code, rawToString(nested.Code))
				e.Message = firstNonEmpty(e.Message, nested.Message)
			} else if s := rawToString(eb.Error); s != "" {
				e.Message = firstNonEmpty(e.Message, s)
			}
		}
		if e.RequestID == "" {
			e.RequestID = eb.RequestID
		}
	} else {
		e.Message = truncate(collapseSpace(trimmed), maxErrorMessageLen)
	}
	return e
}

func rawToString(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	t := strings.TrimSpace(string(raw))
	if t == "null" {
		return ""
	}
	return t
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

var spaceRun = regexp.MustCompile(`\s+`)

func collapseSpace(s string) string { return spaceRun.ReplaceAllString(s, " ") }

// truncate cuts s to at most n bytes on a rune boundary, adding "...".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func asAPIError(err error) (*APIError, bool) {
	var e *APIError
	if errors.As(err, &e) && e != nil {
		return e, true
	}
	return nil, false
}

// IsNotFound reports whether err says the batch job does not exist:
// HTTP 404 (DLI.0023, Livy "Session '<id>' not found.", or any 404 that is not
// the gateway's "API does not exist" APIGW.0101, which means a wrong endpoint
// rather than a missing job), or HTTP 400 with DLI.0002 / DLI.0023.
func IsNotFound(err error) bool {
	e, ok := asAPIError(err)
	if !ok {
		return false
	}
	code := strings.ToUpper(strings.TrimSpace(e.Code))
	switch code {
	case "DLI.0002", "DLI.0023":
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusNotFound
	}
	if e.StatusCode != http.StatusNotFound {
		return false
	}
	if code == "APIGW.0101" || code == "APIG.0101" {
		return false
	}
	// A Livy 404 for an already stopped session is "already finished", not
	// "not found".
	return !livyAlreadyStopped(e)
}

var finishedMessage = regexp.MustCompile(`(?i)(finish|stopped|terminated|complete|success|succeeded|dead|can ?not be cancel|cannot be cancel|can't be cancel|not allowed|state|status)`)

func livyAlreadyStopped(e *APIError) bool {
	return e.StatusCode == http.StatusNotFound && strings.Contains(strings.ToLower(e.Message), "already stopped")
}

// IsAlreadyFinished reports whether err is the answer to cancelling a job
// that already ended (success or dead): a 4xx with DLI.0007 (operation not
// supported), a 4xx with DLI.0001/DLI.0009 whose message talks about the job
// being finished, stopped, in a state that cannot be cancelled, or Livy's 404
// "Session <id> already stopped.".
func IsAlreadyFinished(err error) bool {
	e, ok := asAPIError(err)
	if !ok || e.StatusCode < 400 || e.StatusCode >= 500 {
		return false
	}
	if livyAlreadyStopped(e) {
		return true
	}
	switch strings.ToUpper(strings.TrimSpace(e.Code)) {
	case "DLI.0007":
		return true
	case "DLI.0001", "DLI.0009":
		return finishedMessage.MatchString(e.Message)
	}
	return false
}

// IsThrottled reports HTTP 429 or the gateway's APIG.0308 throttling code.
func IsThrottled(err error) bool {
	e, ok := asAPIError(err)
	if !ok {
		return false
	}
	return e.StatusCode == http.StatusTooManyRequests || isThrottleCode(e.Code)
}

func isThrottleCode(code string) bool {
	code = strings.ToUpper(strings.TrimSpace(code))
	return code == "APIG.0308" || code == "APIGW.0308"
}

// IsAuthFailed reports HTTP 401/403 or an authentication error code
// (APIGW.0301 / APIG.0301, DLI.0013, DLI.0014, DLI.0015).
func IsAuthFailed(err error) bool {
	e, ok := asAPIError(err)
	if !ok {
		return false
	}
	if e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden {
		return true
	}
	switch strings.ToUpper(strings.TrimSpace(e.Code)) {
	case "APIGW.0301", "APIG.0301", "DLI.0013", "DLI.0014", "DLI.0015":
		return true
	}
	return false
}

// JobFailedError is returned by WaitForBatchJob when the job reached a
// terminal state that was not one of the targets (typically dead while
// waiting for running or success).
type JobFailedError struct {
	ID    string
	State JobState
	// Log holds the last log lines of the job, when they could be fetched.
	Log []string
}

func (e *JobFailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dli: batch job %s ended in state %q", e.ID, string(e.State))
	if len(e.Log) > 0 {
		b.WriteString("; last log lines:")
		for _, l := range e.Log {
			b.WriteString("\n  ")
			b.WriteString(truncate(l, 1024))
		}
	}
	return b.String()
}
