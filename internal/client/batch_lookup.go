package client

import (
	"context"
	"errors"
	"time"
)

// FindBatchJobBySubmission looks for the job a submission created, by the marker it carried
// (the Marker of an *OutcomeUnknownError), the way CreateBatchJob does after an ambiguous
// answer: the queue's jobs are listed newest first from well before since (the submission
// time), candidates without req_body are checked through their details, and the lookup is
// repeated once and retried on transient failures. name, when set, narrows the candidates.
//
// It returns the job (with SubmissionID set), or (nil, nil) when every job that could be the
// submission was checked and none carries the marker; an error means it could not decide.
func (c *Client) FindBatchJobBySubmission(ctx context.Context, queue, name, marker string, since time.Time) (*BatchJob, error) {
	if marker == "" || queue == "" {
		return nil, errors.New("dli: find batch job by submission: a queue and a marker are needed")
	}
	req := &CreateBatchJobRequest{Queue: queue, Name: name}
	job, err := lookTwice(ctx, c, func(ctx context.Context) (*BatchJob, error) { return c.findSubmission(ctx, req, marker, since) })
	if job != nil {
		job.SubmissionID = marker
	}
	return job, err
}
