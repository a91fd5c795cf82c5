package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

func TestValidators(t *testing.T) {
	t.Parallel()
	checkStringValidators(t, []stringValidatorCase{
		{"batch ID", batchJobIDValidator(), "0a324461-d9d9-45da-a52a-3b3c7a3d809e", ""},
		{"batch ID traversal", batchJobIDValidator(), "../queues", "must be a DLI batch job ID"},
		{"blank", notBlankValidator(), " \t", "must not be empty or only white space"},
		{"not blank", notBlankValidator(), " a ", ""},
		{"NUL", printableValidator(), "a\x00b", "must not contain control characters"},
		{"new line", printableValidator(), "a\nb", "must not contain control characters"},
		{"unicode name", printableValidator(), "名前 job", ""},
		{"queue with a space", queueNameValidator(), "a b", "must be a DLI queue name"},
		{"queue with a slash", queueNameValidator(), "a/b", "must be a DLI queue name"},
		{"queue", queueNameValidator(), "etl_queue-1", ""},
		{"negative timeout", positiveDurationValidator(), "-5m", "must be a positive duration"},
		{"zero timeout", positiveDurationValidator(), "0s", "must be a positive duration"},
		{"timeout", positiveDurationValidator(), "90s", ""},
		{"not a duration (left to the timeouts package)", positiveDurationValidator(), "soon", ""},
		{"reserved conf key", reservedConfKeyValidator(), client.SubmissionMarkerConfKey, "which is reserved: the provider puts a unique marker there"},
		{"conf key", reservedConfKeyValidator(), "spark.x", ""},
		{"bad regex", regexValidator(), "(", "must be a valid regular expression"},
		{"regex", regexValidator(), "^etl-", ""},
		{"timestamp", rfc3339Validator(), "2026-11-01T00:00:00Z", ""},
		{"bad timestamp", rfc3339Validator(), "yesterday", "must be an RFC 3339 timestamp"},
	})
}

// stringValidatorCase is one value given to a string validator; want is a phrase of the
// first error's detail, "" when the value is valid.
type stringValidatorCase struct {
	name  string
	v     validator.String
	value string
	want  string
}

// checkStringValidators runs each case as a parallel subtest.
func checkStringValidators(t *testing.T, tests []stringValidatorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			diags := validateString(tt.v, "x", tt.value)
			switch {
			case tt.want == "" && diags.HasError():
				t.Errorf("%q refused: %v", tt.value, diags)
			case tt.want != "" && (!diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), tt.want)):
				t.Errorf("%q: diagnostics %v, want %q", tt.value, diags, tt.want)
			}
		})
	}
}

// validateString gives value, as the configuration of attribute, to the validator.
func validateString(v validator.String, attribute, value string) diag.Diagnostics {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(attribute), ConfigValue: types.StringValue(value)}, resp)
	return resp.Diagnostics
}

func newTestClient(t *testing.T, tg *acctest.Target) *client.Client {
	t.Helper()
	c, err := tg.Client()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func submitRunning(t *testing.T, c *client.Client, tg *acctest.Target) string {
	t.Helper()
	job, err := c.CreateBatchJob(context.Background(), &client.CreateBatchJobRequest{
		Queue: tg.Queue, File: tg.File, Conf: map[string]string{"emulator.run_duration": "10m"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitForBatchJob(context.Background(), job.ID, client.StateRunning); err != nil {
		t.Fatal(err)
	}
	return job.ID
}

// Ctrl-C (a cancelled context) and the create timeout are told apart, and both say how to
// keep the job.
func TestDescribeWaitError_interruptedOrTimedOut(t *testing.T) {
	t.Parallel()
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	c := newTestClient(t, tg)
	id := submitRunning(t, c, tg)

	interrupted, stop := context.WithCancel(context.Background())
	stop()
	expired, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	for _, tt := range []struct {
		ctx        context.Context
		summary    string
		detail     string
		notDetails string
	}{
		{interrupted, "Interrupted while waiting for batch job", "Apply was interrupted while waiting for batch job", "timed out"},
		{expired, "Batch job did not reach success", "did not reach success within timeouts.create (1m0s)", "interrupted"},
	} {
		last, err := c.AwaitBatchJob(tt.ctx, id, client.StateSuccess)
		if err == nil {
			t.Fatal("the wait succeeded")
		}
		summary, detail := describeWaitError(id, waitForSuccess, time.Minute, last, err)
		if summary != tt.summary || !strings.Contains(detail, tt.detail) || !strings.Contains(detail, "terraform untaint") ||
			strings.Contains(detail, tt.notDetails) {
			t.Errorf("wait error %v described as %q: %q", err, summary, detail)
		}
	}
}

// A delete that times out after DLI accepted the cancel says so, with the last state and how to
// wait longer; a cancel DLI refused is still "could not cancel".
func TestDescribeDeleteError(t *testing.T) {
	t.Parallel()
	opts := acctest.FastJobs()
	opts.CancelDelay = time.Hour // the cancelled job stays running
	tg := acctest.NewEmulator(t, opts)
	c := newTestClient(t, tg)
	id := submitRunning(t, c, tg)

	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, err := c.StopBatchJob(ctx, id, client.StateRunning)
	if err == nil {
		t.Fatal("the cancelled job ended")
	}
	if job, _ := tg.Emulator.Job(id); !job.CancelRequested {
		t.Fatalf("the cancel was not accepted: %v", err)
	}
	summary, detail := describeDeleteError(ctx, c, id, 2*time.Second, err)
	for _, want := range []string{"DLI accepted the cancel of batch job " + id, "within timeouts.delete (2s)", "state is now running",
		"Destroy uses the timeouts stored in state"} {
		if !strings.Contains(detail, want) {
			t.Errorf("delete timeout described as %q: %q lacks %q", summary, detail, want)
		}
	}

	wrong := *tg
	wrong.SecretKey = "not-the-secret-key"
	_, err = newTestClient(t, &wrong).StopBatchJob(context.Background(), id, client.StateRunning)
	if summary, _ := describeDeleteError(context.Background(), c, id, time.Minute, err); err == nil || summary != "Error cancelling batch job" {
		t.Errorf("a refused cancel (%v) is described as %q", err, summary)
	}
}
