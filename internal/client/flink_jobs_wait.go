package client

import (
	"context"
	"fmt"
)

// FlinkJobFailedError reports a job that reached a status it cannot leave by
// itself while it was waited for: it failed to submit or to run, a stop
// failed, or it was stopped by someone else.
type FlinkJobFailedError struct {
	ID     string
	Status FlinkJobStatus
	// Description is DLI's status_desc (scrubbed), often the reason.
	Description string
	// Goal is what was waited for ("running", "stopped").
	Goal string
}

func (e *FlinkJobFailedError) Error() string {
	msg := fmt.Sprintf("dli: Flink job %s reached %s while waiting for it to be %s", e.ID, e.Status, e.Goal)
	if e.Description != "" {
		msg += ": " + truncate(e.Description, 1024)
	}
	return msg
}

// WaitForFlinkJobRunning polls the job's detail until it runs (job_running,
// or job_finish for a bounded job that already ended) and returns the last
// detail read. job_init, job_submitting, job_downloading, job_idle and
// arrears recovery are waited through; job_submit_fail, job_running_exception
// and the stopped statuses end the wait with a *FlinkJobFailedError carrying
// DLI's status description; an undocumented status ends it at once with an
// *UnexpectedStateError. The wait tolerates transient errors and reports
// interruption and timeout with the last status, as every wait does.
func (c *Client) WaitForFlinkJobRunning(ctx context.Context, id string) (*FlinkJob, error) {
	return c.waitFlink(ctx, id, "running", func(s FlinkJobStatus) (bool, bool) {
		switch s {
		case FlinkRunning, FlinkFinish:
			return true, false
		case FlinkInit, FlinkSubmitting, FlinkDownloading, FlinkIdle, FlinkArrearageRecovering:
			return false, false
		}
		return false, true
	})
}

// WaitForFlinkJobStopped polls until the job no longer runs (see
// FlinkJobStatus.IsStopped); job_cancel_fail is a *FlinkJobFailedError.
func (c *Client) WaitForFlinkJobStopped(ctx context.Context, id string) (*FlinkJob, error) {
	return c.waitFlink(ctx, id, "stopped", func(s FlinkJobStatus) (bool, bool) {
		return s.IsStopped(), s == FlinkCancelFail
	})
}

// waitFlink polls GET detail; judge returns (reached, failed).
func (c *Client) waitFlink(ctx context.Context, id, goal string, judge func(FlinkJobStatus) (bool, bool)) (*FlinkJob, error) {
	if err := checkFlinkID("wait for Flink job", id); err != nil {
		return nil, err
	}
	what := "Flink job " + id
	var last *FlinkJob
	_, err := c.poll(ctx, pollTarget{what: what, goal: goal}, "", func(ctx context.Context) (string, bool, error) {
		job, err := c.GetFlinkJob(ctx, id)
		if err != nil {
			return "", false, err
		}
		last = job
		s := job.Status
		if !s.IsKnown() {
			return string(s), true, &UnexpectedStateError{Subject: what, State: string(s), Known: flinkStatusNames()}
		}
		reached, failed := judge(s)
		switch {
		case reached:
			return string(s), true, nil
		case failed:
			return string(s), true, &FlinkJobFailedError{ID: id, Status: s, Description: c.scrub(ctx, job.StatusDesc), Goal: goal}
		}
		return string(s), false, nil
	})
	return last, err
}

// StopFlinkJobAndWait stops a job that runs and waits until it is stopped;
// known is the status the caller last saw ("" = unknown, read first). A job
// already stopped costs no stop request, one stopping (job_canceling) is
// only waited for. The detail last read is returned (nil when the job was
// not read). A failure after DLI accepted the stop is a *CancelAcceptedError.
func (c *Client) StopFlinkJobAndWait(ctx context.Context, id string, savepoint bool, known FlinkJobStatus) (*FlinkJob, error) {
	if err := checkFlinkID("stop Flink job", id); err != nil {
		return nil, err
	}
	status := ParseFlinkJobStatus(string(known))
	if status == "" || !status.IsActive() && status != FlinkCanceling {
		var job *FlinkJob
		err := c.tolerateTransient(ctx, func() error {
			var e error
			job, e = c.GetFlinkJob(ctx, id)
			return e
		})
		if err != nil {
			return nil, err
		}
		if job.Status.IsStopped() {
			return job, nil
		}
		status = job.Status
	}
	if status == FlinkCanceling {
		return c.WaitForFlinkJobStopped(ctx, id)
	}
	if _, err := c.StopFlinkJob(ctx, id, savepoint); err != nil {
		return nil, err
	}
	job, err := c.WaitForFlinkJobStopped(ctx, id)
	if err != nil && !IsNotFound(err) {
		last := string(status)
		if job != nil {
			last = string(job.Status)
		}
		err = &CancelAcceptedError{Subject: "Flink job " + id, LastState: last, Request: "stop", Err: err}
	}
	return job, err
}

// StopAndDeleteFlinkJob is what destroy needs: a job that runs is stopped
// (with a savepoint when asked) and waited for until stopped, then deleted. A
// job DLI does not know (DLI.16001) at any step is gone: nil. known is the
// status last seen ("" = unknown).
func (c *Client) StopAndDeleteFlinkJob(ctx context.Context, id string, savepoint bool, known FlinkJobStatus) error {
	if _, err := c.StopFlinkJobAndWait(ctx, id, savepoint, known); err != nil {
		if IsNotFound(err) {
			return nil
		}
		return err
	}
	return c.tolerateTransient(ctx, func() error { return c.DeleteFlinkJob(ctx, id) })
}
