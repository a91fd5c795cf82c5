package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// Error codes used by the emulator. DLI.* bodies carry error_code and
// error_msg; APIG/APIGW (gateway) bodies also carry request_id.
const (
	CodeParameter      = "DLI.0001" // parameter check failed (400)
	CodeNotExist       = "DLI.0002" // object does not exist (400)
	CodeNotSupported   = "DLI.0007" // operation not supported (400)
	CodeServerError    = "DLI.0999" // server-side error (injected 500)
	CodeAPINotFound    = "APIGW.0101"
	CodeRequestError   = "APIGW.0201" // 413 Request entity too large
	CodeAuth           = "APIGW.0301"
	CodeAdminForbidden = "APIGW.0302" // admin route from a foreign client or Host
	CodeThrottled      = "APIG.0308"
	CodeBackendUnavail = "APIG.0202" // injected 502 after commit
)

// response is what a handler or a gateway step produces; ServeHTTP writes
// it (or, for an abort, writes nothing).
type response struct {
	status    int
	body      []byte
	errorCode string
	header    http.Header
	abort     abortKind
}

type abortKind int

const (
	abortNone abortKind = iota
	abortGone           // the client went away: nothing to write
	abortDrop           // drop the connection after the work was done
)

func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only our own types are encoded; this cannot happen.
		panic(fmt.Sprintf("emulator: encode response: %v", err))
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

func okJSON(v any) response {
	return response{status: http.StatusOK, body: marshal(v)}
}

type dliErrorBody struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
}

type apigErrorBody struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id"`
}

// dliError is a DLI service error body.
func dliError(status int, code, format string, args ...any) response {
	return response{
		status:    status,
		errorCode: code,
		body:      marshal(dliErrorBody{ErrorCode: code, ErrorMsg: fmt.Sprintf(format, args...)}),
	}
}

func badRequest(format string, args ...any) response {
	return dliError(http.StatusBadRequest, CodeParameter, format, args...)
}

// apigError is an API-gateway error body (with request_id).
func apigError(status int, code, msg, requestID string) response {
	return response{
		status:    status,
		errorCode: code,
		body:      marshal(apigErrorBody{ErrorCode: code, ErrorMsg: msg, RequestID: requestID}),
	}
}

const authPrefix = "Incorrect IAM authentication information: "

func authFailure(sub, requestID string) response {
	return apigError(http.StatusUnauthorized, CodeAuth, authPrefix+sub, requestID)
}
