package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// This file wires go-retryablehttp: the retry policy (which answers are
// retried, for which methods), the backoff (exponential with jitter, capped,
// Retry-After honoured up to the cap, never sleeping past the context
// deadline), and the signing RoundTripper that re-signs every attempt with
// a fresh X-Sdk-Date, bounds it by AttemptTimeout and logs it (log.go
// adapts retryablehttp's logger onto tflog).

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

// checkRetry is the retryablehttp.CheckRetry policy. It never returns an
// error, so that the final response (or transport error) reaches the caller
// through PassthroughErrorHandler and can be decoded.
func (st *callState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	// The transport error (if any) is deliberately not returned: retryablehttp
	// hands it to PassthroughErrorHandler together with the last response.
	select {
	case <-ctx.Done():
		return false, nil
	default:
	}
	if st.retries >= st.c.maxRetries || !st.retryable(resp, err) {
		return false, nil
	}
	wait := st.c.retryWait(st.retries, resp)
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
		// Sleeping would outlive the caller's deadline: give up now and
		// report the real answer instead of a context error.
		tflog.Debug(ctx, "DLI API: not retrying, the wait would pass the context deadline", map[string]interface{}{
			"wait_ms": wait.Milliseconds(),
		})
		return false, nil
	}
	st.nextWait = wait
	st.retries++
	return true, nil
}

// backoff is the retryablehttp.Backoff; the wait was chosen by checkRetry.
func (st *callState) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return st.nextWait
}

// retryable decides whether an attempt may be repeated.
//
//   - 429, and a 4xx whose error_code is APIG.0308: always (throttled, the
//     request was not processed). A 5xx is never "not processed", whatever
//     its body says.
//   - connection not established (dial error, DNS): always.
//   - 500/502/503/504 and other connection errors: only for idempotent calls
//     (GET, DELETE). A POST that may have been processed is never resent
//     here; a collection's create reconciles by marker instead.
//   - TLS certificate errors, context errors, everything else: never.
func (st *callState) retryable(resp *http.Response, err error) bool {
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || isPermanentTransportError(err) {
			return false
		}
		if isNotSentError(err) {
			return true
		}
		return st.idempotent
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if st.idempotent {
			return true
		}
	}
	if resp.StatusCode >= 400 && resp.StatusCode < 500 && bodyHasThrottleCode(resp) {
		st.lastMaybeProcessed = false
		return true
	}
	return false
}

// bodyHasThrottleCode reads an error body's error_code (or code) and puts
// the body back for later decoding. Only the code field counts: the same
// text in a message (a queue named "APIG.0308") is not throttling.
func bodyHasThrottleCode(resp *http.Response) bool {
	if resp.Body == nil {
		return false
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	eb, ok := parseErrorBody(data)
	return ok && isThrottleCode(eb.code())
}

// retryWait returns the wait before retry number n (0-based): Retry-After
// (429/503) honoured up to RetryWaitMax, otherwise min*2^n capped at
// RetryWaitMax with "equal jitter" (half fixed, half random).
func (c *Client) retryWait(n int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			if d > c.retryWaitMax {
				d = c.retryWaitMax
			}
			return d
		}
	}
	return jitter(expBackoff(c.retryWaitMin, c.retryWaitMax, n))
}

// expBackoff returns min*2^n capped at max, without overflow.
func expBackoff(lo, hi time.Duration, n int) time.Duration {
	d := lo
	for i := 0; i < n && d < hi; i++ {
		d *= 2
	}
	if d > hi || d <= 0 {
		d = hi
	}
	return d
}

// jitter returns a duration in [d/2, d].
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(d-half)+1))
}

// parseRetryAfter understands delay-seconds and HTTP-date forms.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

// errNotSent marks failures that happened before anything was written to the
// network (e.g. reading the request body for signing).
var errNotSent = errors.New("request not sent")

// isNotSentError reports errors that prove the request never reached the
// server: the connection could not be established (refused, unreachable,
// DNS failure, dial timeout, the TLS peer is not verified or does not speak
// TLS) or the request could not be prepared.
func isNotSentError(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, errNotSent) || errors.Is(err, syscall.ECONNREFUSED) || isTLSVerificationError(err) {
		return true
	}
	var recErr tls.RecordHeaderError
	if errors.As(err, &recErr) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect") {
		return true
	}
	return false
}

// isTLSVerificationError reports a server certificate that failed
// verification (only possible during the handshake).
func isTLSVerificationError(err error) bool {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &invalid)
}

// isPermanentTransportError reports transport failures a retry cannot fix.
func isPermanentTransportError(err error) bool {
	if isTLSVerificationError(err) || errors.Is(err, errNotSent) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "stopped after") ||
		strings.Contains(msg, "invalid header")
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
