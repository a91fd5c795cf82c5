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

// Classification marks. A collection decides which of its answers mean
// "gone" or "already ended" (each API words them differently) and marks the
// *APIError; callers test with errors.Is or the predicates below.
var (
	// ErrNotFound marks an answer that says the object does not exist.
	ErrNotFound = errors.New("dli: object not found")
	// ErrAlreadyFinished marks the answer to stopping something that had
	// already ended.
	ErrAlreadyFinished = errors.New("dli: already finished")
	// ErrInvalidID is matched by every collection's invalid-ID error
	// sentinel. No request is sent in that case.
	ErrInvalidID = errors.New("dli: invalid ID")
)

// idKindError is the sentinel of one kind of ID ("SQL job", "queue" ...).
type idKindError struct{ kind string }

func (e *idKindError) Error() string        { return "invalid " + e.kind + " ID" }
func (e *idKindError) Is(target error) bool { return target == ErrInvalidID }

// newIDKind returns the sentinel a collection exports for its invalid IDs.
func newIDKind(kind string) error { return &idKindError{kind: kind} }

// checkID validates id before any request is built. want describes the
// expected form ("a UUID", "an integer" ...); the ID is quoted, cut to 80 bytes.
func checkID(op string, kind error, id string, valid func(string) bool, want string) error {
	if !valid(id) {
		return fmt.Errorf("dli: %s: %w %q: it must be %s", op, kind, truncate(id, 80), want)
	}
	return nil
}

// maxErrorMessageLen bounds the message taken from a non-JSON error body.
const maxErrorMessageLen = 512

// APIError is an answer of the DLI API (or of the API gateway in front of
// it) that reports a failure: a non-2xx status, or a 2xx whose envelope says
// is_success false.
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
	// Body is the raw response body (configured secrets, signatures and the
	// call's registered values, if ever echoed, are masked).
	Body []byte
	// Operation names the client call, e.g. "cancel SQL job".
	Operation string
	// Subject is what the call was about (a job ID, a queue name), if any.
	Subject string

	// marks are the classification sentinels set by the collection.
	marks []error
}

// Is matches the classification marks (ErrNotFound, ErrAlreadyFinished).
func (e *APIError) Is(target error) bool {
	for _, m := range e.marks {
		if m == target {
			return true
		}
	}
	return false
}

// mark adds a classification sentinel.
func (e *APIError) mark(kind error) { e.marks = append(e.marks, kind) }

// Error names the operation and the subject, then the HTTP status, code,
// message and request ID. It never includes the raw body or credentials.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("dli: ")
	if e.Operation != "" {
		b.WriteString(e.Operation)
	} else {
		b.WriteString("request")
	}
	if e.Subject != "" {
		b.WriteString(" ")
		b.WriteString(e.Subject)
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
func newAPIError(op, subject string, status int, header http.Header, body []byte) *APIError {
	e := &APIError{StatusCode: status, Body: body, Operation: op, Subject: subject}
	if header != nil {
		e.RequestID = strings.TrimSpace(header.Get("X-Request-Id"))
	}
	trimmed := strings.TrimSpace(string(body))
	if eb, ok := parseErrorBody(body); ok {
		e.Code, e.Message = eb.code(), eb.message()
		if e.RequestID == "" {
			e.RequestID = eb.RequestID
		}
	} else {
		e.Message = truncate(collapseSpace(trimmed), maxErrorMessageLen)
	}
	return e
}

// parseErrorBody decodes a JSON object error body.
func parseErrorBody(body []byte) (*errorBody, bool) {
	if !strings.HasPrefix(strings.TrimSpace(string(body)), "{") {
		return nil, false
	}
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil {
		return nil, false
	}
	return &eb, true
}

type nestedError struct {
	Code    json.RawMessage `json:"code"`
	Message string          `json:"message"`
}

func (eb *errorBody) nested() (*nestedError, bool) {
	if len(eb.Error) == 0 {
		return nil, false
	}
	var n nestedError
	if json.Unmarshal(eb.Error, &n) != nil {
		return nil, false
	}
	return &n, true
}

func (eb *errorBody) code() string {
	c := firstNonEmpty(eb.ErrorCode, rawToString(eb.Code), eb.ErrorCode2)
	if n, ok := eb.nested(); ok {
		c = firstNonEmpty(c, rawToString(n.Code))
	}
	return c
}

func (eb *errorBody) message() string {
	m := firstNonEmpty(eb.ErrorMsg, eb.Message, eb.Msg, eb.ErrorMsg2)
	if n, ok := eb.nested(); ok {
		return firstNonEmpty(m, n.Message)
	}
	if len(eb.Error) > 0 {
		return firstNonEmpty(m, rawToString(eb.Error))
	}
	return m
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

// normCode upper-cases and trims an error code for comparison.
func normCode(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// IsNotFound reports whether err carries an answer its collection read as
// "the object does not exist" (each collection documents its rule). A bare
// 404 without such a body (a proxy's page, a wrong path) is not "not found".
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsAlreadyFinished reports whether err is the answer to cancelling or
// stopping something that had already ended, as its collection reads it.
func IsAlreadyFinished(err error) bool { return errors.Is(err, ErrAlreadyFinished) }

// IsThrottled reports HTTP 429, or a 4xx whose error_code is the gateway's
// APIG.0308 throttling code. The code must be the error_code itself: the same
// text inside a message (a queue named after it) is not throttling.
func IsThrottled(err error) bool {
	e, ok := asAPIError(err)
	if !ok {
		return false
	}
	return e.StatusCode == http.StatusTooManyRequests ||
		(e.StatusCode >= 400 && e.StatusCode < 500 && isThrottleCode(e.Code))
}

func isThrottleCode(code string) bool {
	code = normCode(code)
	return code == "APIG.0308" || code == "APIGW.0308"
}

// HasCode reports whether err is an *APIError with one of codes
// (case-insensitive) and, when statuses are given, one of those statuses.
func HasCode(err error, codes []string, statuses ...int) bool {
	e, ok := asAPIError(err)
	if !ok {
		return false
	}
	return codeIn(e, codes) && (len(statuses) == 0 || statusIn(e, statuses))
}

func codeIn(e *APIError, codes []string) bool {
	c := normCode(e.Code)
	for _, want := range codes {
		if c != "" && c == normCode(want) {
			return true
		}
	}
	return false
}

func statusIn(e *APIError, statuses []int) bool {
	for _, s := range statuses {
		if e.StatusCode == s {
			return true
		}
	}
	return false
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
	return codeIn(e, []string{"APIGW.0301", "APIG.0301", "DLI.0013", "DLI.0014", "DLI.0015"})
}

// OutcomeUnknownError reports a submission whose outcome could not be
// decided: the answer was ambiguous (5xx, dropped connection, timeout,
// unreadable 2xx) and the lookup for its marker kept failing or could not
// check every candidate. The object may exist. Nothing was resubmitted
// after the last submission; a caller should keep Marker (e.g. in tainted
// state) and look for it again later instead of submitting anew.
type OutcomeUnknownError struct {
	// Operation is the call, e.g. "create SQL job".
	Operation string
	// MarkerKey is where the marker is recorded in the submission (a conf
	// key of the collection, such as SubmissionMarkerConfKey).
	MarkerKey string
	// Marker is the unique value every submission of this call carried.
	Marker string
	// Submissions is how many times the request was sent.
	Submissions int
	// Err is the ambiguous outcome of the last submission.
	Err error
	// LookupErr is why the lookup could not decide.
	LookupErr error
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("%v; it may have been created (%s=%s), but looking for it failed: %v",
		e.Err, e.MarkerKey, e.Marker, e.LookupErr)
}

// Unwrap exposes both the submission's and the lookup's error.
func (e *OutcomeUnknownError) Unwrap() []error { return []error{e.Err, e.LookupErr} }
