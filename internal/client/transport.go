package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// This file wires go-retryablehttp: the state of one call across its
// attempts, and the signing RoundTripper that re-signs every attempt with a
// fresh X-Sdk-Date, bounds it by AttemptTimeout and logs it. The retry
// policy and backoff are in retry.go; log.go adapts retryablehttp's logger
// onto tflog.

type callStateKey struct{}

// callState follows one logical call across its attempts. All of its methods
// run on the goroutine that called retryablehttp.Client.Do (RoundTrip,
// CheckRetry and Backoff are invoked synchronously), so no locking is needed.
type callState struct {
	c          *Client
	idempotent bool
	// creds authorize every attempt; contentType (default application/json)
	// is declared and signed; unscoped calls carry no X-Project-Id.
	creds       credentialSource
	contentType string
	unscoped    bool
	// renewed is set once a 401 made the call renew its credentials.
	renewed bool

	// attempts counts requests handed to the network transport.
	attempts int
	// retries counts retries granted by checkRetry.
	retries int
	// nextWait is the wait chosen by checkRetry for the next retry.
	nextWait time.Duration
	// lastMaybeProcessed is false only when the last attempt provably did
	// not reach the service's processing (connection never established, 4xx
	// answer, throttled); true when it might have been processed.
	lastMaybeProcessed bool
	lastStatus         int
	lastErr            error
}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

// record notes the outcome of one attempt. handshakeFailed says the TLS
// handshake of the attempt's connection failed before any request byte was
// written: nothing was sent.
func (st *callState) record(resp *http.Response, err error, handshakeFailed bool) {
	st.lastErr = err
	if err != nil {
		st.lastStatus = 0
		st.lastMaybeProcessed = !isNotSentError(err) && !handshakeFailed
		return
	}
	st.lastStatus = resp.StatusCode
	st.lastMaybeProcessed = resp.StatusCode < 400 || resp.StatusCode >= 500
}

// authTransport signs (or adds the token to) every attempt and logs it.
type authTransport struct {
	c    *Client
	base http.RoundTripper
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("%w: reading request body: %v", errNotSent, err)
		}
		body = b
	}
	out := req.Clone(ctx)
	if len(body) > 0 {
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		out.ContentLength = int64(len(body))
	} else {
		out.Body = nil
		out.GetBody = nil
		out.ContentLength = 0
	}
	st := stateFrom(ctx)
	if st == nil { // only a caller bypassing execute; sign like a DLI call
		st = &callState{c: t.c, creds: t.c.creds}
	}
	cr, err := st.creds.get(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errNotSent, err)
	}
	t.c.authorize(out, body, cr, st)

	st.attempts++
	attempt := st.attempts
	start := time.Now()
	resp, handshakeFailed, err := t.attempt(ctx, out)
	if err == nil && resp.StatusCode == http.StatusUnauthorized && st.creds.renewable() && !st.renewed {
		// The credentials expired or were revoked: renew them and try once
		// more within this attempt. A 401 proves nothing was processed.
		st.renewed = true
		st.creds.reject(cr)
		if fresh, ferr := st.creds.get(ctx); ferr == nil && !fresh.same(cr) {
			tflog.Debug(ctx, "DLI API: credentials refused, renewed them", map[string]interface{}{"path": out.URL.Path})
			_ = resp.Body.Close()
			retry := req.Clone(ctx)
			retry.Header = req.Header.Clone()
			if len(body) > 0 {
				retry.Body = io.NopCloser(bytes.NewReader(body))
				retry.ContentLength = int64(len(body))
			} else {
				retry.Body, retry.ContentLength = nil, 0
			}
			t.c.authorize(retry, body, fresh, st)
			out = retry
			resp, handshakeFailed, err = t.attempt(ctx, out)
		}
	}
	elapsed := time.Since(start)
	st.record(resp, err, handshakeFailed)

	fields := map[string]interface{}{
		"method":      out.Method,
		"path":        out.URL.Path,
		"attempt":     attempt,
		"duration_ms": elapsed.Milliseconds(),
	}
	if err != nil {
		fields["error"] = err.Error()
		tflog.Debug(ctx, "DLI API request failed", fields)
		return nil, err
	}
	fields["status"] = resp.StatusCode
	if id := resp.Header.Get("X-Request-Id"); id != "" {
		fields["request_id"] = id
	}
	tflog.Debug(ctx, "DLI API request", fields)
	return resp, nil
}

// attemptTimeoutError ends an attempt that did not deliver a complete answer
// within AttemptTimeout. It does not wrap context.DeadlineExceeded: the
// caller's context is still alive, and the attempt may be retried.
type attemptTimeoutError struct {
	limit time.Duration
	cause string
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no complete answer within the attempt timeout of %s (%s)", e.limit, e.cause)
}

// bufferedBody is an answer already read in full by attempt.
type bufferedBody struct {
	*bytes.Reader
	data []byte
}

func (*bufferedBody) Close() error { return nil }

// attempt sends one request and reads its whole answer (up to
// maxResponseBody) under the attempt deadline, so that a stalled body ends
// the attempt instead of hanging the call. handshakeFailed reports a TLS
// handshake that failed before any request byte was written.
func (t *authTransport) attempt(ctx context.Context, out *http.Request) (*http.Response, bool, error) {
	actx, cancel := context.WithTimeout(ctx, t.c.attemptTimeout)
	defer cancel()
	// The trace hooks run on the transport's own goroutines.
	var handshakeErr, wrote atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			if err != nil {
				handshakeErr.Store(true)
			}
		},
		WroteHeaders: func() { wrote.Store(true) },
	})
	resp, err := t.base.RoundTrip(out.WithContext(actx))
	if err == nil {
		data, rerr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
		_ = resp.Body.Close()
		if rerr != nil {
			resp, err = nil, fmt.Errorf("reading the response body: %w", rerr)
		} else {
			resp.Body = &bufferedBody{Reader: bytes.NewReader(data), data: data}
		}
	}
	if err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		err = &attemptTimeoutError{limit: t.c.attemptTimeout, cause: err.Error()}
	}
	return resp, handshakeErr.Load() && !wrote.Load(), err
}

// authorize sets the common headers and the credentials on one attempt.
//
// AK/SK mode signs content-type, host, x-project-id (DLI calls), x-sdk-date
// and (for temporary credentials) x-security-token, plus the body hash.
func (c *Client) authorize(req *http.Request, body []byte, cr credentials, st *callState) {
	contentType := "application/json"
	if st.contentType != "" {
		contentType = st.contentType
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Del("X-Auth-Token")
	req.Header.Del("X-Security-Token")
	req.Header.Del("Authorization")
	headers := map[string][]string{"content-type": {contentType}}
	if !st.unscoped {
		req.Header.Set("X-Project-Id", c.projectID)
		headers["x-project-id"] = []string{c.projectID}
	}
	if !cr.signs() {
		if cr.token != "" {
			req.Header.Set("X-Auth-Token", cr.token)
		}
		return
	}
	date := c.now().UTC().Format(sdkDateLayout)
	req.Header.Set(headerSdkDate, date)
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	headers["host"] = []string{host}
	headers["x-sdk-date"] = []string{date}
	if cr.securityToken != "" {
		req.Header.Set("X-Security-Token", cr.securityToken)
		headers["x-security-token"] = []string{cr.securityToken}
	}
	signed := make([]string, 0, len(headers))
	for name := range headers {
		signed = append(signed, name)
	}
	req.Header.Set("Authorization", signAKSK(signInput{
		Method:        req.Method,
		Path:          req.URL.Path,
		Query:         req.URL.Query(),
		Headers:       headers,
		SignedHeaders: signed,
		Body:          body,
	}, cr.accessKey, cr.secretKey, date))
}
