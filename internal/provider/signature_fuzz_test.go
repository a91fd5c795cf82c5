package provider_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// wireToEmulator is a transport that writes each request as bytes, reads it back as a server
// would and hands it to an in-process emulator: the client's signature is checked by the
// independent implementation of the gateway on exactly what would cross the network. (This
// cross-check lives here because internal/client and internal/emulator may not import each
// other, not even in tests.)
type wireToEmulator struct{ srv *emulator.Server }

func (w wireToEmulator) RoundTrip(req *http.Request) (*http.Response, error) {
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		return nil, err
	}
	sreq, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		return nil, err
	}
	sreq.RemoteAddr = "127.0.0.1:40000"
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, sreq)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// FuzzClientSignaturesAcceptedByEmulator: whatever filters, names, arguments and conf a user
// writes, the client's requests (temporary AK/SK, so the security token is signed too) pass the
// emulator's gateway (never a 401, never a 5xx), and a submission the emulator accepts reads back
// with the arguments and conf that were sent.
func FuzzClientSignaturesAcceptedByEmulator(f *testing.F) {
	f.Add("default", "nightly-etl", "user_demoaccesskey", "running", "CREATE_TIME_DESC", "obs://b/a.jar", "--date=2026-11-28", "spark.sql.shuffle.partitions", "200")
	f.Add("default", "名前 with spaces+plus&amp;=", "~!*'();:@", "", "", "obs://b/a b.py", "a&b=c", "spark.a", "p@ss w0rd%")
	f.Add("nope", "", "", "bogus", "bogus", " ", "", "emulator.run_duration", "not a duration")
	f.Add("default", "%zz", "/", "dead", "DURATION_ASC", "f", "\x00\xff", "", "")
	f.Fuzz(func(t *testing.T, queue, name, owner, state, order, file, arg, confKey, confValue string) {
		const securityToken = "fuzz-security-token"
		srv, err := emulator.New(emulator.Options{SecurityToken: securityToken, Queues: []string{"default"}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := client.New(client.Config{
			Endpoint: "http://127.0.0.1:8787", ProjectID: emulator.DefaultProjectID,
			AccessKey: emulator.DefaultAccessKey, SecretKey: emulator.DefaultSecretKey, SecurityToken: securityToken,
			HTTPClient: &http.Client{Transport: wireToEmulator{srv}},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		check := func(op string, err error) {
			t.Helper()
			if err == nil {
				return
			}
			var apiErr *client.APIError
			if !errors.As(err, &apiErr) {
				if strings.HasPrefix(err.Error(), "dli: create batch job: file is required") {
					return // refused before anything was sent
				}
				t.Fatalf("%s: not an answer of the API: %v", op, err)
			}
			if client.IsAuthFailed(err) || apiErr.StatusCode >= 500 {
				t.Fatalf("%s: %v", op, err)
			}
		}
		_, err = c.ListBatchJobs(ctx, client.ListOptions{Queue: queue, JobName: name, Owner: owner, State: state, Order: order, Limit: 1})
		check("list", err)
		_, err = c.GetBatchJobLog(ctx, "0a324461-d9d9-45da-a52a-3b3c7a3d809e", client.LogOptions{Type: state})
		check("log", err)
		job, err := c.CreateBatchJob(ctx, &client.CreateBatchJobRequest{
			File: file, Queue: queue, Name: name, Args: []string{arg}, Conf: map[string]string{confKey: confValue},
		})
		check("create", err)
		if err != nil {
			return
		}
		read, err := c.GetBatchJob(ctx, job.ID)
		check("get", err)
		if read.Request == nil || read.SubmissionID != job.SubmissionID {
			t.Fatalf("job %s reads back without its submission: %+v", job.ID, read)
		}
		for _, s := range []string{arg, confKey, confValue} {
			if !utf8.ValidString(s) {
				return // JSON text: invalid UTF-8 is replaced on the way
			}
		}
		if confKey != client.SubmissionMarkerConfKey && (!reflect.DeepEqual(read.Request.Args, []string{arg}) || read.Request.Conf[confKey] != confValue) {
			t.Fatalf("sent args %q and conf %q=%q, read back %q and %q", arg, confKey, confValue, read.Request.Args, read.Request.Conf)
		}
	})
}
