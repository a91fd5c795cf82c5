package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// harness drives a Server in-process with a ManualClock.
type harness struct {
	t     *testing.T
	s     *Server
	clock *ManualClock
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	clock := NewManualClock(t0)
	if opts.Clock == nil {
		opts.Clock = clock
	}
	if opts.Queues == nil {
		opts.Queues = []string{"default", "q2"}
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return &harness{t: t, s: s, clock: clock}
}

// pp is an API path in the default project.
func pp(suffix string) string { return "/v2.0/" + DefaultProjectID + "/batches" + suffix }

// newTestRequest is a request as it reaches the server from remote, with exactly hdr.
func newTestRequest(method, host, remote, target, body string, hdr http.Header) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, "http://"+host+target, rd)
	r.RemoteAddr = remote
	for k, v := range hdr {
		r.Header[k] = v
	}
	return r
}

// newStatefulServer is a harness with a state file behind a real HTTP server (for the
// concurrency tests).
func newStatefulServer(t *testing.T) (*harness, *httptest.Server) {
	h := newHarness(t, Options{StateFile: filepath.Join(t.TempDir(), "state.json")})
	ts := httptest.NewServer(h.s)
	t.Cleanup(ts.Close)
	return h, ts
}

// raw sends a request with exactly the given headers. Admin requests go as
// a local tool sends them: to a loopback Host, POSTs as JSON.
func (h *harness) raw(method, target, body string, hdr http.Header) *httptest.ResponseRecorder {
	h.t.Helper()
	host := "dli.emulator.test"
	admin := strings.HasPrefix(target, "/_emulator")
	if admin {
		host = "127.0.0.1:8787"
	}
	r := newTestRequest(method, host, "127.0.0.1:40000", target, body, hdr)
	if admin && method == http.MethodPost && r.Header.Get("Content-Type") == "" {
		r.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.s.ServeHTTP(rec, r)
	return rec
}

// do sends a request authenticated with the demo token.
func (h *harness) do(method, target, body string) *httptest.ResponseRecorder {
	h.t.Helper()
	return h.raw(method, target, body, http.Header{
		"X-Auth-Token": {DefaultToken},
		"Content-Type": {"application/json"},
	})
}

func decodeAs[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %T from %q: %v", v, rec.Body.String(), err)
	}
	return v
}

func (h *harness) create(body string) createResponse {
	h.t.Helper()
	rec := h.do("POST", pp(""), body)
	if rec.Code != 200 {
		h.t.Fatalf("create %s: %d %s", body, rec.Code, rec.Body.String())
	}
	return decodeAs[createResponse](h.t, rec)
}

func (h *harness) state(id string) string {
	h.t.Helper()
	rec := h.do("GET", pp("/"+id+"/state"), "")
	if rec.Code != 200 {
		h.t.Fatalf("state %s: %d %s", id, rec.Code, rec.Body.String())
	}
	return decodeAs[stateResponse](h.t, rec).State
}

func (h *harness) detail(id string) detailResponse {
	h.t.Helper()
	rec := h.do("GET", pp("/"+id), "")
	if rec.Code != 200 {
		h.t.Fatalf("get %s: %d %s", id, rec.Code, rec.Body.String())
	}
	return decodeAs[detailResponse](h.t, rec)
}

// expectError checks status and error code of a response.
func expectError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) map[string]any {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d (body %s)", rec.Code, status, rec.Body.String())
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("error body %q is not JSON: %v", rec.Body.String(), err)
	}
	if body["error_code"] != code {
		t.Fatalf("error_code = %v, want %s (body %s)", body["error_code"], code, rec.Body.String())
	}
	if msg, _ := body["error_msg"].(string); msg == "" {
		t.Fatalf("error_msg missing in %s", rec.Body.String())
	}
	return body
}

// A test-only SDK-HMAC-SHA256 signer, written independently of auth.go:
// encoding via url.QueryEscape with the usual fix-ups, sorting through
// url.Values.

func testEscape(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	e = strings.ReplaceAll(e, "%7E", "~")
	return e
}

type signOpts struct {
	ak, sk  string
	headers []string // names to sign; sorted lower-case
	body    []byte   // hashed body (nil = empty)
	hash    string   // explicit payload hash (X-Sdk-Content-Sha256 value)
}

// testCanonical builds the canonical request the way a client would,
// from the URL it is about to send.
func testCanonical(method string, u *url.URL, host string, hdr http.Header, o signOpts) string {
	parts := strings.Split(u.Path, "/")
	for i, p := range parts {
		parts[i] = testEscape(p)
	}
	path := strings.Join(parts, "/")
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var qs []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			qs = append(qs, testEscape(k)+"="+testEscape(v))
		}
	}
	var hb strings.Builder
	for _, name := range o.headers {
		v := hdr.Get(name)
		if name == "host" {
			v = host
		}
		hb.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
	}
	hash := o.hash
	if hash == "" {
		sum := sha256.Sum256(o.body)
		hash = hex.EncodeToString(sum[:])
	}
	return method + "\n" + path + "\n" + strings.Join(qs, "&") + "\n" + hb.String() + "\n" +
		strings.Join(o.headers, ";") + "\n" + hash
}

func testAuthorization(method string, u *url.URL, host string, hdr http.Header, o signOpts) string {
	c := testCanonical(method, u, host, hdr, o)
	sum := sha256.Sum256([]byte(c))
	sts := "SDK-HMAC-SHA256\n" + hdr.Get("X-Sdk-Date") + "\n" + hex.EncodeToString(sum[:])
	m := hmac.New(sha256.New, []byte(o.sk))
	m.Write([]byte(sts))
	return "SDK-HMAC-SHA256 Access=" + o.ak + ", SignedHeaders=" + strings.Join(o.headers, ";") +
		", Signature=" + hex.EncodeToString(m.Sum(nil))
}

// signedHeader returns headers for a request signed with the demo AK/SK.
// extra headers are set before signing; names lists the signed ones.
func signedHeader(method, target, host string, body []byte, date time.Time, names []string, extra http.Header) http.Header {
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	hdr := http.Header{}
	for k, v := range extra {
		hdr[k] = v
	}
	hdr.Set("X-Sdk-Date", date.UTC().Format("20060102T150405Z"))
	hdr.Set("Authorization", testAuthorization(method, u, host, hdr, signOpts{
		ak: DefaultAccessKey, sk: DefaultSecretKey, headers: names, body: body,
	}))
	return hdr
}

// str returns v if it is a string, else "".
func str(v any) string {
	s, _ := v.(string)
	return s
}
