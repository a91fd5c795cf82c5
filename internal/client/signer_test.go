package client

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"testing"
)

const (
	dliHost    = "dli.cn-north-4.myhuaweicloud.com"
	dliProject = "48cc2c48765f481480c7db940d6409d1"
	dliDate    = "20240101T000000Z"
)

// TestSigningVectors reproduces the published vectors V1-V5 and the derived
// DLI vectors D1-D3 of dli-batch-api.md §10.3 byte for byte.
func TestSigningVectors(t *testing.T) {
	v1Query := url.Values{"limit": {"1"}}
	v2Query := url.Values{"key": {"value"}}
	tests := []struct {
		name      string
		ak, sk    string
		date      string
		in        signInput
		want      string
		wantCRSHA string // optional: hex sha256 of the canonical request
	}{
		{
			name: "V1 go-sdk-v3 GET, underscore header excluded",
			ak:   "AccessKey", sk: "SecretKey", date: "20060102T150405Z",
			in: signInput{
				Method: "GET", Path: "/path", Query: v1Query,
				Headers: map[string][]string{
					"x-sdk-date":      {"20060102T150405Z"},
					"test_underscore": {"TEST_VALUE"},
				},
				SignedHeaders: []string{"x-sdk-date"},
			},
			want:      "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
			wantCRSHA: "85c3b7730f308aee452b16138a42a914397e43a8f0d732dfa521c0ef2afa98a4",
		},
		{
			name: "V2 go-sdk-v3 POST with trailing newline body",
			ak:   "AccessKey", sk: "SecretKey", date: "20060102T150405Z",
			in: signInput{
				Method: "POST", Path: "/path", Query: v2Query,
				Headers: map[string][]string{
					"x-sdk-date":      {"20060102T150405Z"},
					"test_underscore": {"TEST_VALUE"},
					"content-type":    {"application/json"},
				},
				SignedHeaders: []string{"x-sdk-date"},
				Body:          []byte("{\"Name\":\"test\",\"Id\":1}\n"),
			},
			want: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
		},
		{
			name: "V3 golangsdk GET, all headers signed",
			ak:   "AccessKey", sk: "SecretKey", date: "20060102T150405Z",
			in: signInput{
				Method: "GET", Path: "/path", Query: v1Query,
				Headers: map[string][]string{
					"x-sdk-date":      {"20060102T150405Z"},
					"test_underscore": {"TEST_VALUE"},
				},
				SignedHeaders: []string{"x-sdk-date", "test_underscore"},
			},
			want: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=test_underscore;x-sdk-date, Signature=daeadcf4a306599f7422401cc55d3718a23ef159fed370c62c551a2c45ae9655",
		},
		{
			name: "V4 golangsdk POST, all headers signed",
			ak:   "AccessKey", sk: "SecretKey", date: "20060102T150405Z",
			in: signInput{
				Method: "POST", Path: "/path", Query: v2Query,
				Headers: map[string][]string{
					"x-sdk-date":      {"20060102T150405Z"},
					"test_underscore": {"TEST_VALUE"},
					"content-type":    {"application/json"},
				},
				SignedHeaders: []string{"Content-Type", "TEST_UNDERSCORE", "X-Sdk-Date"},
				Body:          []byte(`{"Name":"test","Id":1}`),
			},
			want: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=content-type;test_underscore;x-sdk-date, Signature=0238c3bedddfe8bf113c7530f783322380dedf720d514861623cfe5f73aa8f64",
		},
		{
			name: "V5 APIG guide example",
			ak:   "QTWAOYTTINDUT2QVKYUC", sk: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", date: "20191115T033655Z",
			in: signInput{
				Method: "GET", Path: "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
				Query: url.Values{"limit": {"2"}, "marker": {"13551d6b-755d-4757-b956-536f674975c0"}},
				Headers: map[string][]string{
					"content-type": {"application/json"},
					"host":         {"service.region.example.com"},
					"x-sdk-date":   {"20191115T033655Z"},
				},
				SignedHeaders: []string{"content-type", "host", "x-sdk-date"},
			},
			want:      "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
			wantCRSHA: "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a",
		},
		{
			name: "D1 DLI GET state",
			ak:   "AccessKey", sk: "SecretKey", date: dliDate,
			in: signInput{
				Method: "GET", Path: "/v2.0/" + dliProject + "/batches/0a324461-d9d9-45da-a52a-3b3c7a3d809e/state",
				Headers: map[string][]string{
					"content-type": {"application/json"},
					"host":         {dliHost},
					"x-sdk-date":   {dliDate},
				},
				SignedHeaders: []string{"content-type", "host", "x-sdk-date"},
			},
			want: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=content-type;host;x-sdk-date, Signature=2a38ca8ec795361779e4ea6f550f76e65bfa4ab1e1a222c1b2f20040f5a556e8",
		},
		{
			name: "D2 DLI list with project header",
			ak:   "AccessKey", sk: "SecretKey", date: dliDate,
			in: signInput{
				Method: "GET", Path: "/v2.0/" + dliProject + "/batches",
				Query: url.Values{"queue_name": {"my_queue"}, "size": {"10"}, "from": {"0"}, "state": {"running"}},
				Headers: map[string][]string{
					"content-type": {"application/json"},
					"host":         {dliHost},
					"x-sdk-date":   {dliDate},
					"x-project-id": {dliProject},
				},
				SignedHeaders: []string{"content-type", "host", "x-project-id", "x-sdk-date"},
			},
			want: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=d296f488ebb2bedda1846ca3318cc3b15494c2f8f4d8e846fe8e885ea90050a4",
		},
		{
			name: "D3 DLI POST create",
			ak:   "AccessKey", sk: "SecretKey", date: dliDate,
			in: signInput{
				Method: "POST", Path: "/v2.0/" + dliProject + "/batches",
				Headers: map[string][]string{
					"content-type": {"application/json"},
					"host":         {dliHost},
					"x-sdk-date":   {dliDate},
				},
				SignedHeaders: []string{"content-type", "host", "x-sdk-date"},
				Body:          []byte(`{"file":"obs://bucket/app.jar","className":"org.apache.spark.examples.SparkPi","queue":"my_queue","name":"demo"}`),
			},
			want: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=content-type;host;x-sdk-date, Signature=43fd982236cf071427c923434caa1f2a4a761a303e53a8a8c450532c45d30af1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := signAKSK(tt.in, tt.ak, tt.sk, tt.date)
			if got != tt.want {
				t.Errorf("authorization\n got %s\nwant %s", got, tt.want)
			}
			if tt.wantCRSHA != "" {
				cr, _ := canonicalRequest(tt.in)
				sum := sha256.Sum256([]byte(cr))
				if h := hex.EncodeToString(sum[:]); h != tt.wantCRSHA {
					t.Errorf("canonical request hash %s, want %s\n%s", h, tt.wantCRSHA, cr)
				}
			}
		})
	}
}

func TestCanonicalRequestV1ByteExact(t *testing.T) {
	in := signInput{
		Method: "GET", Path: "/path", Query: url.Values{"limit": {"1"}},
		Headers:       map[string][]string{"x-sdk-date": {"20060102T150405Z"}},
		SignedHeaders: []string{"x-sdk-date"},
	}
	cr, sh := canonicalRequest(in)
	want := "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if cr != want {
		t.Fatalf("canonical request\n got %q\nwant %q", cr, want)
	}
	if sh != "x-sdk-date" {
		t.Fatalf("signed headers %q", sh)
	}
	sts := stringToSign("20060102T150405Z", cr)
	if wantSTS := "SDK-HMAC-SHA256\n20060102T150405Z\n85c3b7730f308aee452b16138a42a914397e43a8f0d732dfa521c0ef2afa98a4"; sts != wantSTS {
		t.Fatalf("string to sign %q, want %q", sts, wantSTS)
	}
}

func TestCanonicalQueryVector(t *testing.T) {
	q := url.Values{
		"limit":  {"1"},
		"enable": {"true"},
		"test":   {"一 (&=?!#%.*)"},
		"path":   {"/tmp/123"},
		"multi":  {"3", "1", "2"},
	}
	want := "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
	if got := canonicalQuery(q); got != want {
		t.Fatalf("canonical query\n got %s\nwant %s", got, want)
	}
	if got := canonicalQuery(nil); got != "" {
		t.Fatalf("empty query %q", got)
	}
}

func TestCanonicalURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/v2.0/p/batches", "/v2.0/p/batches/"},
		{"/v2.0/p/batches/", "/v2.0/p/batches/"},
		{"/a b/c~d", "/a%20b/c~d/"},
		{"/ü", "/%C3%BC/"},
	}
	for _, tt := range tests {
		if got := canonicalURI(tt.in); got != tt.want {
			t.Errorf("canonicalURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPayloadHashOverride(t *testing.T) {
	in := signInput{
		Headers: map[string][]string{"x-sdk-content-sha256": {"UNSIGNED-PAYLOAD"}},
		Body:    []byte("x"),
	}
	if got := payloadHash(in); got != "UNSIGNED-PAYLOAD" {
		t.Fatalf("payloadHash = %q", got)
	}
}

func TestCanonicalHeadersMultiValueAndTrim(t *testing.T) {
	in := signInput{
		Method:        "get",
		Path:          "/x",
		Headers:       map[string][]string{"x-b": {" 2 ", "1"}, "x-a": {"a"}},
		SignedHeaders: []string{"X-B", "x-a", "x-a", ""},
	}
	cr, sh := canonicalRequest(in)
	if sh != "x-a;x-b" {
		t.Fatalf("signed headers %q", sh)
	}
	want := "GET\n/x/\n\nx-a:a\nx-b:1\nx-b:2\n\nx-a;x-b\n" + emptyPayloadSHA256
	if cr != want {
		t.Fatalf("canonical\n got %q\nwant %q", cr, want)
	}
}
