package provider

import (
	"errors"
	"fmt"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// A job resource created in the same apply as its queue submits through
// client.SubmitWhenQueueReady: while DLI still prepares the new queue, the
// submission is tried again, bounded by the job's timeouts.create.

// queueWaitNote ends the description of every job resource's timeouts.create.
const queueWaitNote = "This includes waiting for a queue DLI cannot run jobs on yet (one created in the same " +
	"apply, still assigning its resources): the job is submitted again until DLI takes it."

// queueNotReadyHint adds, to the error of a create that ended waiting for its queue, what to do
// about it; "" for any other error.
func queueNotReadyHint(err error, timeout time.Duration) string {
	var nr *client.QueueNotReadyError
	if !errors.As(err, &nr) {
		return ""
	}
	return fmt.Sprintf("\n\nDLI was still preparing the queue when timeouts.create (%s) ran out; nothing was "+
		"submitted. A new queue can take several minutes to accept jobs: to wait longer, raise timeouts.create.", timeout)
}

// queueOf is the queue a job names, "" for DLI's default queue.
func queueOf(name *string) string {
	if name == nil {
		return ""
	}
	return *name
}
