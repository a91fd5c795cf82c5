package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Helpers for what happens "outside Terraform": a client on the target, and jobs submitted
// through it as a user or a scheduler would.

// apiClient is an API client on the target.
func apiClient(t *testing.T, tg *acctest.Target) *client.Client {
	t.Helper()
	c, err := tg.Client()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// submitN makes n submissions with submit(i) and returns their IDs; what names one in a failure.
func submitN(t *testing.T, n int, what string, submit func(i int) (string, error)) []string {
	t.Helper()
	ids := make([]string, 0, n)
	for i := 0; i < n; i++ {
		id, err := submit(i)
		if err != nil {
			t.Fatalf("submitting %s %d: %v", what, i, err)
		}
		ids = append(ids, id)
	}
	return ids
}

// submitBatch submits n batch jobs, the i-th with req(i).
func submitBatch(t *testing.T, tg *acctest.Target, n int, req func(i int) client.CreateBatchJobRequest) []string {
	t.Helper()
	c := apiClient(t, tg)
	return submitN(t, n, "job", func(i int) (string, error) {
		r := req(i)
		job, err := c.CreateBatchJob(context.Background(), &r)
		if err != nil {
			return "", err
		}
		return job.ID, nil
	})
}

// submitJobs submits n batch jobs of the same name.
func submitJobs(t *testing.T, tg *acctest.Target, n int, queue, name string, conf map[string]string) []string {
	t.Helper()
	return submitBatch(t, tg, n, func(int) client.CreateBatchJobRequest {
		return client.CreateBatchJobRequest{Queue: queue, File: tg.File, Name: name, Conf: conf}
	})
}

// submitByHand submits n SparkPi jobs named prefix-000...; conf is the conf of each.
func submitByHand(t *testing.T, tg *acctest.Target, queue, prefix string, n int, conf map[string]string) []string {
	t.Helper()
	return submitBatch(t, tg, n, func(i int) client.CreateBatchJobRequest {
		return client.CreateBatchJobRequest{Queue: queue, File: tg.File, Name: fmt.Sprintf("%s-%03d", prefix, i),
			ClassName: "org.apache.spark.examples.SparkPi", Conf: conf}
	})
}

// submitSQLJobs submits n statements, each with req.
func submitSQLJobs(t *testing.T, tg *acctest.Target, n int, req client.CreateSQLJobRequest) []string {
	t.Helper()
	c := apiClient(t, tg)
	return submitN(t, n, "statement", func(int) (string, error) {
		r := req
		sub, err := c.CreateSQLJob(context.Background(), &r)
		if err != nil {
			return "", err
		}
		return sub.ID, nil
	})
}
