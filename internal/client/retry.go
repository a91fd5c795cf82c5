package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The retry policy handed to go-retryablehttp (which answers are retried, for
// which methods), the backoff (exponential with jitter, capped, Retry-After
// honoured up to the cap, never sleeping past the context deadline), and the
// classification of transport errors it rests on.

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
