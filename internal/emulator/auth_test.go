package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

const dliProject = "48cc2c48765f481480c7db940d6409d1"

type vector struct {
	name    string
	method  string
	url     string
	headers map[string]string
	body    string
	auth    string // published Authorization
	ak, sk  string
	now     time.Time
}

var vectors = []vector{
	{
		name: "V1 Go SDK v3 GET", method: "GET", url: "https://example.huaweicloud.com/path?limit=1",
		headers: map[string]string{"X-Sdk-Date": "20060102T150405Z", "TEST_UNDERSCORE": "TEST_VALUE"},
		auth:    "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
		ak:      "AccessKey", sk: "SecretKey", now: time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC),
	},
	{
		name: "V2 Go SDK v3 POST", method: "POST", url: "https://example.huaweicloud.com/path?key=value",
		headers: map[string]string{"X-Sdk-Date": "20060102T150405Z", "TEST_UNDERSCORE": "TEST_VALUE", "Content-Type": "application/json"},
		body:    "{\"Name\":\"test\",\"Id\":1}\n",
		auth:    "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
		ak:      "AccessKey", sk: "SecretKey", now: time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC),
	},
	{
		name: "V3 golangsdk GET", method: "GET", url: "https://example.huaweicloud.com/path?limit=1",
		headers: map[string]string{"X-Sdk-Date": "20060102T150405Z", "TEST_UNDERSCORE": "TEST_VALUE"},
		auth:    "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=test_underscore;x-sdk-date, Signature=daeadcf4a306599f7422401cc55d3718a23ef159fed370c62c551a2c45ae9655",
		ak:      "AccessKey", sk: "SecretKey", now: time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC),
	},
	{
		name: "V4 golangsdk POST", method: "POST", url: "https://example.huaweicloud.com/path?key=value",
		headers: map[string]string{"X-Sdk-Date": "20060102T150405Z", "TEST_UNDERSCORE": "TEST_VALUE", "Content-Type": "application/json"},
		body:    `{"Name":"test","Id":1}`,
		auth:    "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=content-type;test_underscore;x-sdk-date, Signature=0238c3bedddfe8bf113c7530f783322380dedf720d514861623cfe5f73aa8f64",
		ak:      "AccessKey", sk: "SecretKey", now: time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC),
	},
	{
		name: "V5 APIG example", method: "GET",
		url:     "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
		headers: map[string]string{"Content-Type": "application/json", "X-Sdk-Date": "20191115T033655Z"},
		auth:    "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
		ak:      "QTWAOYTTINDUT2QVKYUC", sk: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
		now: time.Date(2019, 11, 15, 3, 36, 55, 0, time.UTC),
	},
	{
		name: "D1 state", method: "GET",
		url:     "https://dli.cn-north-4.myhuaweicloud.com/v2.0/" + dliProject + "/batches/0a324461-d9d9-45da-a52a-3b3c7a3d809e/state",
		headers: map[string]string{"Content-Type": "application/json", "X-Sdk-Date": "20240101T000000Z"},
		auth:    "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=content-type;host;x-sdk-date, Signature=2a38ca8ec795361779e4ea6f550f76e65bfa4ab1e1a222c1b2f20040f5a556e8",
		ak:      "AccessKey", sk: "SecretKey", now: t0,
	},
	{
		name: "D2 list", method: "GET",
		url:     "https://dli.cn-north-4.myhuaweicloud.com/v2.0/" + dliProject + "/batches?queue_name=my_queue&size=10&from=0&state=running",
		headers: map[string]string{"Content-Type": "application/json", "X-Sdk-Date": "20240101T000000Z", "X-Project-Id": dliProject},
		auth:    "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=d296f488ebb2bedda1846ca3318cc3b15494c2f8f4d8e846fe8e885ea90050a4",
		ak:      "AccessKey", sk: "SecretKey", now: t0,
	},
	{
		name: "D3 create", method: "POST", url: "https://dli.cn-north-4.myhuaweicloud.com/v2.0/" + dliProject + "/batches",
		headers: map[string]string{"Content-Type": "application/json", "X-Sdk-Date": "20240101T000000Z"},
		body:    `{"file":"obs://bucket/app.jar","className":"org.apache.spark.examples.SparkPi","queue":"my_queue","name":"demo"}`,
		auth:    "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=content-type;host;x-sdk-date, Signature=43fd982236cf071427c923434caa1f2a4a761a303e53a8a8c450532c45d30af1",
		ak:      "AccessKey", sk: "SecretKey", now: t0,
	},
}

func (v vector) request() *http.Request {
	var r *http.Request
	if v.body != "" {
		r = httptest.NewRequest(v.method, v.url, strings.NewReader(v.body))
	} else {
		r = httptest.NewRequest(v.method, v.url, nil)
	}
	for k, val := range v.headers {
		r.Header.Set(k, val)
	}
	r.Header.Set("Authorization", v.auth)
	return r
}

func (v vector) lookup(ak string) (string, bool) {
	if ak == v.ak {
		return v.sk, true
	}
	return "", false
}

// The verifier accepts every published and derived vector, at the vector's
// own time and at the edges of the ±15 minute window.
func TestVerifySignatureVectors(t *testing.T) {
	for _, v := range vectors {
		for _, skew := range []time.Duration{0, 15 * time.Minute, -15 * time.Minute} {
			t.Run(v.name+"/"+skew.String(), func(t *testing.T) {
				ak, sub := verifySignature(v.request(), []byte(v.body), v.now.Add(skew), v.lookup)
				if sub != "" || ak != v.ak {
					t.Fatalf("verify: ak=%q sub=%q", ak, sub)
				}
			})
		}
	}
}

// The test signer reproduces the vectors too, so requests it signs in the
// other tests are signed as the real clients sign.
func TestTestSignerMatchesVectors(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			r := v.request()
			a, ok := parseAuthorization(v.auth)
			if !ok {
				t.Fatalf("cannot parse %q", v.auth)
			}
			got := testAuthorization(v.method, r.URL, r.Host, r.Header, signOpts{
				ak: v.ak, sk: v.sk, headers: strings.Split(a.signedHeaders, ";"), body: []byte(v.body),
			})
			if got != v.auth {
				t.Fatalf("got  %s\nwant %s", got, v.auth)
			}
		})
	}
}

func TestCanonicalPieces(t *testing.T) {
	v1 := vectors[0]
	r := v1.request()
	a, _ := parseAuthorization(v1.auth)
	wantV1 := "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if got := canonicalRequest(r, a.signedHeaders, hexSHA256(nil)); got != wantV1 {
		t.Fatalf("V1 canonical request:\n%q\nwant\n%q", got, wantV1)
	}
	if got, want := stringToSign(wantV1, "20060102T150405Z"),
		"SDK-HMAC-SHA256\n20060102T150405Z\n85c3b7730f308aee452b16138a42a914397e43a8f0d732dfa521c0ef2afa98a4"; got != want {
		t.Fatalf("V1 string to sign %q, want %q", got, want)
	}
	v5 := vectors[4]
	r5 := v5.request()
	a5, _ := parseAuthorization(v5.auth)
	if got := hexSHA256([]byte(canonicalRequest(r5, a5.signedHeaders, hexSHA256(nil)))); got != "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a" {
		t.Fatalf("V5 canonical request hash %s", got)
	}

	queries := []struct{ raw, want string }{
		{"", ""},
		{"limit=1", "limit=1"},
		{"queue_name=my_queue&size=10&from=0&state=running", "from=0&queue_name=my_queue&size=10&state=running"},
		// The published canonical query vector, sent in two different wire encodings.
		{"limit=1&enable=true&test=%E4%B8%80+%28%26%3D%3F%21%23%25.%2A%29&path=%2Ftmp%2F123&multi=3&multi=1&multi=2",
			"enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"},
		{"test=%E4%B8%80%20%28%26%3D%3F!%23%25.*%29&path=/tmp/123&multi=1&multi=2&multi=3&limit=1&enable=true",
			"enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"},
		{"flag&a=", "a=&flag="},
	}
	for _, q := range queries {
		if got := canonicalQuery(q.raw); got != q.want {
			t.Errorf("canonicalQuery(%q) = %q, want %q", q.raw, got, q.want)
		}
	}

	paths := []struct{ raw, want string }{
		{"/", "/"},
		{"/v2.0/p/batches", "/v2.0/p/batches/"},
		{"/v2.0/p/batches/", "/v2.0/p/batches/"},
		{"/a%20b/c~d/e*f", "/a%20b/c~d/e%2Af/"},
		{"/a%2Fb", "/a%2Fb/"},
	}
	for _, p := range paths {
		u, err := url.Parse("http://h" + p.raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := canonicalURI(u); got != p.want {
			t.Errorf("canonicalURI(%q) = %q, want %q", p.raw, got, p.want)
		}
	}
}

// Tampered requests are refused with the matching cause.
func TestVerifySignatureTampered(t *testing.T) {
	d2, d3 := vectors[6], vectors[7]
	cases := []struct {
		name   string
		base   vector
		mutate func(r *http.Request, body *string, now *time.Time)
		sub    string
	}{
		{"wrong secret key", d3, func(r *http.Request, _ *string, _ *time.Time) {
			u, _ := url.Parse(d3.url)
			r.Header.Set("Authorization", testAuthorization("POST", u, r.Host, r.Header,
				signOpts{ak: "AccessKey", sk: "NotTheSecret", headers: []string{"content-type", "host", "x-sdk-date"}, body: []byte(d3.body)}))
		}, subSignature},
		{"unknown access key", d3, func(r *http.Request, _ *string, _ *time.Time) {
			r.Header.Set("Authorization", strings.Replace(d3.auth, "Access=AccessKey", "Access=OtherKey", 1))
		}, subUnknownAK},
		{"altered body", d3, func(_ *http.Request, body *string, _ *time.Time) {
			*body = strings.Replace(*body, "demo", "demo2", 1)
		}, subSignature},
		{"altered query", d2, func(r *http.Request, _ *string, _ *time.Time) {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "size=10", "size=11", 1)
		}, subSignature},
		{"added query parameter", d2, func(r *http.Request, _ *string, _ *time.Time) {
			r.URL.RawQuery += "&owner=x"
		}, subSignature},
		{"altered path", d3, func(r *http.Request, _ *string, _ *time.Time) {
			r.URL.Path += "/x"
		}, subSignature},
		{"altered method", d3, func(r *http.Request, _ *string, _ *time.Time) { r.Method = "PUT" }, subSignature},
		{"altered host", d3, func(r *http.Request, _ *string, _ *time.Time) { r.Host = "evil.example.com" }, subSignature},
		{"altered signed header", d2, func(r *http.Request, _ *string, _ *time.Time) {
			r.Header.Set("X-Project-Id", "ffffffffffffffffffffffffffffffff")
		}, subSignature},
		{"missing signed header", d3, func(r *http.Request, _ *string, _ *time.Time) {
			r.Header.Del("Content-Type")
		}, subSignature},
		{"stale date", d3, func(_ *http.Request, _ *string, now *time.Time) {
			*now = now.Add(15*time.Minute + time.Second)
		}, subDateSkew},
		{"date in the future", d3, func(_ *http.Request, _ *string, now *time.Time) {
			*now = now.Add(-16 * time.Minute)
		}, subDateSkew},
		{"missing date", d3, func(r *http.Request, _ *string, _ *time.Time) { r.Header.Del("X-Sdk-Date") }, subNoDate},
		{"malformed date", d3, func(r *http.Request, _ *string, _ *time.Time) {
			r.Header.Set("X-Sdk-Date", "2024-01-01T00:00:00Z")
		}, subNoDate},
		{"altered date", d3, func(r *http.Request, _ *string, _ *time.Time) {
			r.Header.Set("X-Sdk-Date", "20240101T000001Z")
		}, subSignature},
		{"date not signed", d3, func(r *http.Request, _ *string, _ *time.Time) {
			u, _ := url.Parse(d3.url)
			r.Header.Set("Authorization", testAuthorization("POST", u, r.Host, r.Header,
				signOpts{ak: "AccessKey", sk: "SecretKey", headers: []string{"content-type", "host"}, body: []byte(d3.body)}))
		}, subDateNotSigned},
		{"missing authorization", d3, func(r *http.Request, _ *string, _ *time.Time) { r.Header.Del("Authorization") }, subMalformedAuth},
		{"other algorithm", d3, func(r *http.Request, _ *string, _ *time.Time) {
			r.Header.Set("Authorization", strings.Replace(d3.auth, "SDK-HMAC-SHA256", "V11-HMAC-SHA256", 1))
		}, subMalformedAuth},
		{"short signature", d3, func(r *http.Request, _ *string, _ *time.Time) {
			r.Header.Set("Authorization", d3.auth[:len(d3.auth)-2])
		}, subMalformedAuth},
		{"upper-case signature", d3, func(r *http.Request, _ *string, _ *time.Time) {
			r.Header.Set("Authorization", strings.ToUpper(d3.auth[:len(d3.auth)-64])+strings.ToUpper(d3.auth[len(d3.auth)-64:]))
		}, subMalformedAuth},
		{"content hash does not match body", d3, func(r *http.Request, _ *string, _ *time.Time) {
			r.Header.Set("X-Sdk-Content-Sha256", hexSHA256([]byte("other")))
		}, subBadContentHash},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, now := c.base.body, c.base.now
			r := c.base.request()
			c.mutate(r, &body, &now)
			if _, sub := verifySignature(r, []byte(body), now, c.base.lookup); sub != c.sub {
				t.Fatalf("sub = %q, want %q", sub, c.sub)
			}
		})
	}
}

// X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD or the real hash is what is signed.
func TestVerifySignatureContentHash(t *testing.T) {
	d3 := vectors[7]
	u, _ := url.Parse(d3.url)
	for _, hash := range []string{unsignedPayload, hexSHA256([]byte(d3.body))} {
		t.Run(hash, func(t *testing.T) {
			r := d3.request()
			r.Header.Set("X-Sdk-Content-Sha256", hash)
			r.Header.Set("Authorization", testAuthorization("POST", u, r.Host, r.Header, signOpts{
				ak: "AccessKey", sk: "SecretKey", headers: []string{"content-type", "host", "x-sdk-content-sha256", "x-sdk-date"}, hash: hash,
			}))
			if _, sub := verifySignature(r, []byte(d3.body), d3.now, d3.lookup); sub != "" {
				t.Fatalf("sub = %q", sub)
			}
		})
	}
}
