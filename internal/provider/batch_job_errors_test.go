package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// The messages follow the client's typed errors, not their wording: an error that only has the
// type (no "context canceled", no "waiting for") is still described right.
func TestDescribeErrors_followTheTypes(t *testing.T) {
	t.Parallel()
	plain := errors.New("opaque")
	for _, tt := range []struct {
		err         error
		wantSummary string
		wantDetail  string
	}{
		{&client.WaitEndedError{Subject: "batch job x", Interrupted: true, Err: plain},
			"Interrupted while waiting for batch job", "Apply was interrupted"},
		{&client.WaitEndedError{Subject: "batch job x", Err: plain},
			"Batch job did not reach success", "within timeouts.create (1m0s)"},
	} {
		summary, detail := describeWaitError("x", waitForSuccess, time.Minute, client.StateRunning, tt.err)
		if summary != tt.wantSummary || !strings.Contains(detail, tt.wantDetail) {
			t.Errorf("%#v described as %q: %q", tt.err, summary, detail)
		}
	}

	tg := acctest.NewEmulator(t, acctest.FastJobs())
	c := newTestClient(t, tg)
	id := "0a324461-d9d9-45da-a52a-3b3c7a3d809e" // unknown to the emulator: the state read fails
	for _, tt := range []struct {
		err         error
		wantSummary string
		wantDetail  string
	}{
		{&client.CancelAcceptedError{Subject: "batch job " + id, LastState: "running", Err: &client.WaitEndedError{Err: plain}},
			"Cancelled batch job did not end in time", "its state is now running"},
		{&client.CancelAcceptedError{Subject: "batch job " + id, LastState: "running", Err: &client.WaitEndedError{Interrupted: true, Err: plain}},
			"Interrupted while waiting for the cancelled batch job", "destroy was interrupted before the job ended (its state is now running)"},
		{&client.CancelAcceptedError{Subject: "batch job " + id, LastState: "running", Err: plain},
			"Cancelled batch job: its end was not confirmed", "waiting for its end failed (its state is now running): opaque"},
		{plain, "Error cancelling batch job", "Could not cancel batch job " + id + ": opaque"},
	} {
		summary, detail := describeDeleteError(context.Background(), c, id, time.Minute, tt.err)
		if summary != tt.wantSummary || !strings.Contains(detail, tt.wantDetail) {
			t.Errorf("%#v described as %q: %q", tt.err, summary, detail)
		}
	}
}

// Ctrl-C while destroy waits for a cancelled job says so, with the job's state, and is not
// reported as a timeout or a refused cancel.
func TestDescribeDeleteError_interrupted(t *testing.T) {
	t.Parallel()
	opts := acctest.FastJobs()
	opts.CancelDelay = time.Hour // the cancelled job stays running
	tg := acctest.NewEmulator(t, opts)
	c := newTestClient(t, tg)
	id := submitRunning(t, c, tg)

	bound, cancelBound := context.WithTimeout(context.Background(), time.Minute)
	defer cancelBound()
	ctx, interrupt := context.WithCancel(bound)
	go func() {
		for ctx.Err() == nil {
			if job, _ := tg.Emulator.Job(id); job.CancelRequested {
				interrupt()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	_, err := c.StopBatchJob(ctx, id, client.StateRunning)
	summary, detail := describeDeleteError(ctx, c, id, time.Minute, err)
	if summary != "Interrupted while waiting for the cancelled batch job" || !strings.Contains(detail, "DLI accepted the cancel of batch job "+id) ||
		!strings.Contains(detail, "its state is now running") || strings.Contains(detail, "timeouts.delete") {
		t.Errorf("interrupted delete (%v) described as %q: %q", err, summary, detail)
	}
}
