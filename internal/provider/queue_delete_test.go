package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// DLI refuses to delete a queue with running jobs; the error destroy shows names them.
func TestQueueDeleteRefusalNamesJobs(t *testing.T) {
	tg := acctest.NewEmulator(t, emulator.Options{JobRun: time.Hour, Queues: []string{"busy"}})
	c := newTestClient(t, tg)
	ctx := context.Background()
	job, err := c.CreateBatchJob(ctx, &client.CreateBatchJobRequest{Queue: "busy", File: "obs://b/app.jar"})
	if err != nil {
		t.Fatal(err)
	}
	err = c.DeleteQueue(ctx, "busy")
	if err == nil || client.IsNotFound(err) {
		t.Fatalf("delete of a busy queue = %v, want a refusal", err)
	}
	if detail := jobsDetail(ctx, c, "busy"); !strings.Contains(detail, job.ID) {
		t.Fatalf("refusal detail %q does not name job %s", detail, job.ID)
	}
	if detail := jobsDetail(ctx, c, "idle"); detail != "" {
		t.Fatalf("detail for a queue without jobs = %q", detail)
	}
}
