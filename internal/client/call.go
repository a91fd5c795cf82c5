package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// apiCall describes one logical API call (which may take several attempts).
// Collections build them; this file knows no collection.
type apiCall struct {
	op      string // e.g. "get SQL job"
	subject string // what the call is about (an ID, a name), shown after op
	method  string
	// version is the API version segment: "v1.0", "v2.0", "v3" ...
	version string
	// segments below /{version}/{project_id}/, unescaped, e.g. ["jobs", id, "status"];
	// each is escaped on its own, so a segment can never add a path level, and
	// "", "." and ".." are refused before anything is sent.
	segments []string
	query    url.Values
	body     []byte
	// idempotent calls (GET, DELETE) are retried on 5xx and any connection
	// error; non-idempotent ones (POST) only when provably not processed.
	idempotent bool
	// redact is the collection's policy for logged bodies (nil: mask every
	// string that is not a generic envelope field).
	redact *redaction
	// classify marks the collection's own answers (ErrNotFound ...).
	classify func(e *APIError)

	// base, when set, is another service's endpoint (IAM): the path is
	// {base}/{version}/{segments...}, without a project.
	base *url.URL
	// contentType replaces application/json.
	contentType string
	// creds authorize the call instead of the client's own (IAM sign-in).
	creds credentialSource
}

// apiResult is the final answer of a call.
type apiResult struct {
	status int
	header http.Header
	body   []byte
	state  *callState
}

var versionPattern = regexp.MustCompile(`^v[0-9]+(\.[0-9]+)?$`)

// errBadPath marks a call whose path could not be built; nothing is sent.
var errBadPath = errors.New("invalid request path")

// url builds {endpoint}/{version}/{project_id}/{segments...}?{query}.
func (c *Client) url(version string, segments []string, query url.Values) (string, error) {
	if !versionPattern.MatchString(version) {
		return "", fmt.Errorf("%w: API version %q", errBadPath, truncate(version, 20))
	}
	u := *c.endpoint
	decoded := []string{c.endpoint.Path, version, c.projectID}
	escaped := []string{c.endpoint.EscapedPath(), version, url.PathEscape(c.projectID)}
	for _, s := range segments {
		if s == "" || s == "." || s == ".." {
			return "", fmt.Errorf("%w: segment %q", errBadPath, s)
		}
		decoded = append(decoded, s)
		escaped = append(escaped, url.PathEscape(s))
	}
	u.Path = strings.Join(decoded, "/")
	u.RawPath = strings.Join(escaped, "/")
	u.RawQuery = canonicalQuery(query)
	return u.String(), nil
}

// callURL is url for DLI calls, and {base}/{version}/{segments...} for
// calls to another endpoint.
func (c *Client) callURL(call apiCall) (string, error) {
	if call.base == nil {
		return c.url(call.version, call.segments, call.query)
	}
	if !versionPattern.MatchString(call.version) {
		return "", fmt.Errorf("%w: API version %q", errBadPath, truncate(call.version, 20))
	}
	u := *call.base
	decoded := []string{call.base.Path, call.version}
	escaped := []string{call.base.EscapedPath(), call.version}
	for _, s := range call.segments {
		if s == "" || s == "." || s == ".." {
			return "", fmt.Errorf("%w: segment %q", errBadPath, s)
		}
		decoded = append(decoded, s)
		escaped = append(escaped, url.PathEscape(s))
	}
	u.Path, u.RawPath, u.RawQuery = strings.Join(decoded, "/"), strings.Join(escaped, "/"), canonicalQuery(call.query)
	return u.String(), nil
}

// logContext adds masking of every configured and registered secret, and
// of signatures, to ctx's loggers.
func (c *Client) logContext(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "authorization", "x-auth-token", "x-security-token", "secret_key", "security_token", "auth_token")
	if secrets := c.allSecrets(ctx); len(secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
		ctx = tflog.MaskMessageStrings(ctx, secrets...)
	}
	ctx = tflog.MaskAllFieldValuesRegexes(ctx, signaturePattern)
	return tflog.MaskMessageRegexes(ctx, signaturePattern)
}

func describe(op, subject string) string {
	if subject == "" {
		return op
	}
	return op + " " + subject
}

// sameJob checks that an answer is about the job (of kind) asked for: an answer about
// another job would re-point state to it. An answer without an ID says nothing.
func sameJob(op, kind, asked, got string) error {
	if got != "" && !strings.EqualFold(got, asked) {
		return fmt.Errorf("dli: %s: the answer is about %s %q, not the one asked for", describe(op, asked), kind, truncate(got, 80))
	}
	return nil
}

// execute runs a call through the retrying transport. It returns an apiResult
// for every HTTP answer (2xx or not) and an error only when no answer was
// obtained (connection failure, context end, ...). The callState is returned
// in both cases.
func (c *Client) execute(ctx context.Context, call apiCall) (*apiResult, *callState, error) {
	ctx = c.logContext(ctx)
	st := &callState{c: c, idempotent: call.idempotent, creds: call.creds, contentType: call.contentType, unscoped: call.base != nil}
	if st.creds == nil {
		st.creds = c.creds
	}
	ctx = context.WithValue(ctx, callStateKey{}, st)
	what := describe(call.op, call.subject)

	target, err := c.callURL(call)
	if err != nil {
		return nil, st, fmt.Errorf("dli: %s: %w", what, err)
	}
	// Sign in (or renew) before the first attempt, so that a refused login
	// reads as such rather than as a transport failure.
	if _, err := st.creds.get(ctx); err != nil {
		return nil, st, fmt.Errorf("%w (needed to %s)", err, what)
	}
	var body interface{}
	if call.body != nil {
		body = call.body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, call.method, target, body)
	if err != nil {
		return nil, st, fmt.Errorf("dli: %s: building request: %w", what, err)
	}
	if call.body != nil && tflog.IsTrace(ctx) {
		tflog.Trace(ctx, "DLI API request body", map[string]interface{}{
			"method": call.method, "path": req.URL.Path, "body": c.redactBody(ctx, call.body, call.redact),
		})
	}
	rc := &retryablehttp.Client{
		HTTPClient:   c.httpClient,
		Logger:       leveledLogger{ctx: ctx},
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		RetryMax:     c.maxRetries,
		CheckRetry:   st.checkRetry,
		Backoff:      st.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	start := time.Now()
	resp, err := rc.Do(req)
	if err != nil {
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		if ctx.Err() == nil && st.attempts > 0 {
			// Say how hard we tried: "nothing listens" reads differently after 6
			// attempts over 30s than after one.
			return nil, st, fmt.Errorf("dli: %s: no answer after %s over %s: %w",
				what, plural(st.attempts, "attempt"), time.Since(start).Round(time.Millisecond), &noAnswerError{err})
		}
		return nil, st, fmt.Errorf("dli: %s: %w", what, &noAnswerError{err})
	}
	defer resp.Body.Close()
	var data []byte
	if bb, ok := resp.Body.(*bufferedBody); ok && bb.Len() == len(bb.data) {
		data = bb.data // read in full by the attempt, not consumed since
	} else {
		data, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	}
	if err != nil {
		// The status line arrived but the body was cut: for a POST this is
		// as ambiguous as a dropped connection.
		st.lastMaybeProcessed = true
		return nil, st, fmt.Errorf("dli: %s: reading response: %w", what, &noAnswerError{err})
	}
	if tflog.IsTrace(ctx) {
		tflog.Trace(ctx, "DLI API response body", map[string]interface{}{
			"method": call.method, "path": req.URL.Path, "status": resp.StatusCode, "body": c.redactBody(ctx, data, call.redact),
		})
	}
	return &apiResult{status: resp.StatusCode, header: resp.Header, body: data, state: st}, st, nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// do executes a call and decodes a 2xx JSON answer into out (if non-nil).
// Non-2xx answers, and 2xx answers whose envelope says is_success false,
// become *APIError (classified by the call's collection).
func (c *Client) do(ctx context.Context, call apiCall, out interface{}) (*apiResult, error) {
	res, _, err := c.execute(ctx, call)
	if err != nil {
		return nil, err
	}
	if res.status < 200 || res.status > 299 {
		return res, c.apiError(ctx, call, res)
	}
	if err := c.envelopeError(ctx, call, res); err != nil {
		return res, err
	}
	if out != nil {
		what := describe(call.op, call.subject)
		if len(bytes.TrimSpace(res.body)) == 0 {
			return res, fmt.Errorf("dli: %s: empty response body (HTTP %d)", what, res.status)
		}
		if err := json.Unmarshal(res.body, out); err != nil {
			return res, fmt.Errorf("dli: %s: decoding response (HTTP %d): %w", what, res.status, err)
		}
	}
	return res, nil
}

// apiError builds the *APIError of a non-2xx answer, scrubbed and classified.
func (c *Client) apiError(ctx context.Context, call apiCall, res *apiResult) *APIError {
	e := newAPIError(call.op, call.subject, res.status, res.header, []byte(c.scrub(ctx, string(res.body))))
	return c.finishError(ctx, call, e)
}

// envelopeError checks a 2xx answer's {"is_success"} envelope.
func (c *Client) envelopeError(ctx context.Context, call apiCall, res *apiResult) error {
	err := checkEnvelope(call.op, call.subject, res.status, res.header, res.body)
	var e *APIError
	if !errors.As(err, &e) {
		return err
	}
	e.Body = []byte(c.scrub(ctx, string(e.Body)))
	return c.finishError(ctx, call, e)
}

func (c *Client) finishError(ctx context.Context, call apiCall, e *APIError) *APIError {
	// Decoding can undo JSON escapes that hid a secret from the scrub of the
	// body, and the request ID may come from a header: scrub every field the
	// error text shows.
	e.Message, e.Code, e.RequestID = c.scrub(ctx, e.Message), c.scrub(ctx, e.Code), c.scrub(ctx, e.RequestID)
	if call.classify != nil {
		call.classify(e)
	}
	return e
}
