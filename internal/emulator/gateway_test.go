package emulator

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestUnknownRoutes(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.create(`{"file":"a.jar","queue":"default"}`).ID
	cases := []struct{ method, path string }{
		{"GET", "/"},
		{"GET", "/v2.0"},
		{"GET", "/v2.0/" + DefaultProjectID},
		{"GET", "/v1.0/" + DefaultProjectID + "/batches"},
		{"GET", "/v2.0/" + DefaultProjectID + "/jobs"},
		{"GET", "/v2.0//batches"},
		{"PUT", pp("")},
		{"DELETE", pp("")},
		{"PATCH", pp("/" + id)},
		{"POST", pp("/" + id)},
		{"GET", pp("/")},
		{"POST", pp("/" + id + "/state")},
		{"GET", pp("/" + id + "/other")},
		{"GET", pp("/" + id + "/log/x")},
		{"GET", "/_emulatorx"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			rec := h.do(c.method, c.path, "")
			body := expectError(t, rec, 404, CodeAPINotFound)
			if body["request_id"] != rec.Header().Get("X-Request-Id") || !hex32.MatchString(rec.Header().Get("X-Request-Id")) {
				t.Fatalf("request_id %v vs header %q", body["request_id"], rec.Header().Get("X-Request-Id"))
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	h := newHarness(t, Options{MaxBodyBytes: 200})
	big := `{"file":"a.jar","queue":"default","name":"` + strings.Repeat("x", 300) + `"}`
	body := expectError(t, h.do("POST", pp(""), big), 413, CodeRequestError)
	if body["error_msg"] != "Request entity too large" || body["request_id"] == nil {
		t.Fatalf("body %v", body)
	}
	// Exactly at the limit is fine.
	ok := `{"file":"a.jar","queue":"default","className":"` + strings.Repeat("x", 200-len(`{"file":"a.jar","queue":"default","className":""}`)) + `"}`
	if len(ok) != 200 {
		t.Fatalf("len %d", len(ok))
	}
	h.create(ok)
}

func TestServerAuth(t *testing.T) {
	const host = "dli.emulator.test"
	target := "http://" + host + pp("")
	body := `{"file":"a.jar","queue":"default"}`
	ct := http.Header{"Content-Type": {"application/json"}}
	with := func(h http.Header, kv ...string) http.Header {
		out := http.Header{}
		for k, v := range h {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	type tc struct {
		name   string
		opts   Options
		method string
		path   string
		body   string
		hdr    func(now time.Time) http.Header
		status int
		sub    string
	}
	goSDK := func(b string, extra ...string) func(time.Time) http.Header {
		return func(now time.Time) http.Header {
			return signedHeader("POST", target, host, []byte(b), now, []string{"user-agent", "x-project-id", "x-sdk-date"},
				with(ct, append([]string{"User-Agent", "huaweicloud-usdk-go/3.0", "X-Project-Id", DefaultProjectID}, extra...)...))
		}
	}
	cases := []tc{
		{"token", Options{}, "POST", pp(""), body, func(time.Time) http.Header { return with(ct, "X-Auth-Token", DefaultToken) }, 200, ""},
		{"custom token", Options{Tokens: []string{"t1", "t2"}}, "POST", pp(""), body,
			func(time.Time) http.Header { return with(ct, "X-Auth-Token", "t2") }, 200, ""},
		{"unknown token", Options{}, "POST", pp(""), body, func(time.Time) http.Header { return with(ct, "X-Auth-Token", "nope") }, 401, subBadToken},
		{"tokens disabled", Options{Tokens: []string{}}, "POST", pp(""), body,
			func(time.Time) http.Header { return with(ct, "X-Auth-Token", DefaultToken) }, 401, subBadToken},
		{"no credentials", Options{}, "POST", pp(""), body, func(time.Time) http.Header { return ct }, 401, subNoCredentials},
		{"Go SDK v3 style (body with newline)", Options{}, "POST", pp(""), body + "\n", goSDK(body + "\n"), 200, ""},
		{"golangsdk style", Options{}, "POST", pp(""), body, func(now time.Time) http.Header {
			h := signedHeader("POST", target, host, []byte(body), now, []string{"accept", "content-type", "user-agent", "x-sdk-date"},
				with(ct, "Accept", "application/json", "User-Agent", "golangsdk/2.0.0"))
			return with(h, "X-Project-Id", DefaultProjectID) // set after signing, unsigned
		}, 200, ""},
		{"APIG style", Options{}, "POST", pp(""), body, func(now time.Time) http.Header {
			return signedHeader("POST", target, host, []byte(body), now, []string{"content-type", "host", "x-sdk-date"}, ct)
		}, 200, ""},
		{"unsigned payload", Options{}, "POST", pp(""), body, func(now time.Time) http.Header {
			u, _ := url.Parse(target)
			h := with(ct, "X-Sdk-Content-Sha256", unsignedPayload, "X-Sdk-Date", now.UTC().Format(sdkDateLayout))
			h.Set("Authorization", testAuthorization("POST", u, host, h, signOpts{ak: DefaultAccessKey, sk: DefaultSecretKey,
				headers: []string{"content-type", "x-sdk-content-sha256", "x-sdk-date"}, hash: unsignedPayload}))
			return h
		}, 200, ""},
		{"signed GET with query", Options{}, "GET", pp("?size=10&from=0&queue_name=default"), "", func(now time.Time) http.Header {
			return signedHeader("GET", target+"?queue_name=default&from=0&size=10", host, nil, now, []string{"content-type", "host", "x-sdk-date"}, ct)
		}, 200, ""},
		{"stale signature", Options{}, "POST", pp(""), body, func(now time.Time) http.Header {
			return signedHeader("POST", target, host, []byte(body), now.Add(-20*time.Minute), []string{"content-type", "x-sdk-date"}, ct)
		}, 401, subDateSkew},
		{"wrong secret", Options{SecretKey: "another-secret"}, "POST", pp(""), body, goSDK(body), 401, subSignature},
		{"wrong access key", Options{AccessKey: "OTHERAK"}, "POST", pp(""), body, goSDK(body), 401, subUnknownAK},
		{"foreign project in path", Options{}, "POST", "/v2.0/ffffffffffffffffffffffffffffffff/batches", body, func(now time.Time) http.Header {
			return signedHeader("POST", "http://"+host+"/v2.0/ffffffffffffffffffffffffffffffff/batches", host, []byte(body), now,
				[]string{"content-type", "x-sdk-date"}, ct)
		}, 401, subProjectMismatch},
		{"foreign project with token", Options{}, "GET", "/v2.0/ffffffffffffffffffffffffffffffff/batches", "",
			func(time.Time) http.Header { return with(ct, "X-Auth-Token", DefaultToken) }, 401, subProjectMismatch},
		{"foreign X-Project-Id", Options{}, "POST", pp(""), body, func(now time.Time) http.Header {
			return with(signedHeader("POST", target, host, []byte(body), now, []string{"content-type", "x-sdk-date"}, ct),
				"X-Project-Id", "ffffffffffffffffffffffffffffffff")
		}, 401, subProjectMismatch},
		{"configured project", Options{ProjectID: "p1"}, "GET", "/v2.0/p1/batches", "",
			func(time.Time) http.Header { return with(ct, "X-Auth-Token", DefaultToken) }, 200, ""},
		{"temporary AK without token", Options{SecurityToken: "sts"}, "POST", pp(""), body, goSDK(body), 401, subNoSecToken},
		{"temporary AK, signed token", Options{SecurityToken: "sts"}, "POST", pp(""), body, func(now time.Time) http.Header {
			return signedHeader("POST", target, host, []byte(body), now, []string{"content-type", "x-sdk-date", "x-security-token"},
				with(ct, "X-Security-Token", "sts"))
		}, 200, ""},
		{"temporary AK, token added after signing", Options{SecurityToken: "sts"}, "POST", pp(""), body, func(now time.Time) http.Header {
			return with(signedHeader("POST", target, host, []byte(body), now, []string{"content-type", "x-sdk-date"}, ct),
				"X-Security-Token", "sts")
		}, 200, ""},
		{"temporary AK, wrong token", Options{SecurityToken: "sts"}, "POST", pp(""), body, func(now time.Time) http.Header {
			return with(signedHeader("POST", target, host, []byte(body), now, []string{"content-type", "x-sdk-date"}, ct),
				"X-Security-Token", "other")
		}, 401, subBadSecToken},
		{"temporary AK, signed token altered", Options{SecurityToken: "sts"}, "POST", pp(""), body, func(now time.Time) http.Header {
			return with(signedHeader("POST", target, host, []byte(body), now, []string{"content-type", "x-sdk-date", "x-security-token"},
				with(ct, "X-Security-Token", "other")), "X-Security-Token", "sts")
		}, 401, subSignature},
		{"tampered body through the server", Options{}, "POST", pp(""), `{"file":"b.jar","queue":"default"}`, goSDK(body), 401, subSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.opts)
			rec := h.raw(c.method, c.path, c.body, c.hdr(h.clock.Now()))
			if c.status == 200 {
				if rec.Code != 200 {
					t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
				}
				return
			}
			b := expectError(t, rec, c.status, CodeAuth)
			if b["error_msg"] != authPrefix+c.sub || b["request_id"] != rec.Header().Get("X-Request-Id") {
				t.Fatalf("body %v", b)
			}
			if len(h.s.Jobs()) != 0 {
				t.Fatal("a refused request created a job")
			}
		})
	}
}
