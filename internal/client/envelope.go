package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// The success envelope of DLI's v1.0 and v3 management APIs (CreateSqlJob,
// ListQueues, ShowFlinkJob ...): {"is_success": ..., "message": "...", ...}.
//
//   - is_success is a JSON boolean on most APIs and the string "true" or
//     "false" on the Flink job APIs; it is absent on some answers (and on
//     every v2.0 answer), which then say nothing about failure;
//   - a 2xx answer with is_success false is a failure: an *APIError with the
//     HTTP status, the message and error_code (if present);
//   - some Flink calls (run and stop of several jobs) answer an array of
//     such objects, one per job: any element that is false fails the call.

// envelope is one {"is_success","message"} object.
type envelope struct {
	IsSuccess json.RawMessage `json:"is_success"`
	Message   json.RawMessage `json:"message"`
	ErrorCode json.RawMessage `json:"error_code"`
	ErrorMsg  json.RawMessage `json:"error_msg"`
}

// errEnvelope says an is_success value is neither a boolean nor "true"/"false".
var errEnvelope = errors.New("unreadable is_success")

// envelopeSuccess reads is_success: (true, nil) when absent or null.
func envelopeSuccess(raw json.RawMessage) (bool, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return true, nil
	}
	var b bool
	if json.Unmarshal(t, &b) == nil {
		return b, nil
	}
	var s string
	if json.Unmarshal(t, &s) == nil {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, errEnvelope
}

// checkEnvelope returns an *APIError (marked by nothing yet) when body is an
// envelope, or an array of envelopes, that reports a failure. Bodies that
// are not JSON objects or arrays of objects are left to the caller's decoder.
func checkEnvelope(op, subject string, status int, header http.Header, body []byte) error {
	t := bytes.TrimSpace(body)
	switch {
	case len(t) > 0 && t[0] == '{':
		var e envelope
		if json.Valid(t) && json.Unmarshal(t, &e) == nil {
			return e.failure(op, subject, status, header, body)
		}
	case len(t) > 0 && t[0] == '[':
		var list []json.RawMessage
		_ = json.Unmarshal(t, &list) // not an array of objects: nothing to check
		for _, item := range list {
			var e envelope
			if it := bytes.TrimSpace(item); len(it) == 0 || it[0] != '{' || json.Unmarshal(it, &e) != nil {
				continue
			}
			if err := e.failure(op, subject, status, header, body); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *envelope) failure(op, subject string, status int, header http.Header, body []byte) error {
	ok, err := envelopeSuccess(e.IsSuccess)
	if err != nil {
		return &APIError{StatusCode: status, Operation: op, Subject: subject, Body: body,
			Message: "the answer's is_success is " + truncate(string(bytes.TrimSpace(e.IsSuccess)), 40) +
				", neither true nor false", RequestID: requestIDOf(header)}
	}
	if ok {
		return nil
	}
	msg := firstNonEmpty(rawToString(e.Message), rawToString(e.ErrorMsg))
	if msg == "" {
		msg = "is_success is false"
	}
	return &APIError{StatusCode: status, Code: rawToString(e.ErrorCode), Message: truncate(msg, maxErrorMessageLen), Operation: op, Subject: subject,
		Body: body, RequestID: requestIDOf(header)}
}

func requestIDOf(header http.Header) string {
	if header == nil {
		return ""
	}
	return strings.TrimSpace(header.Get("X-Request-Id"))
}
