package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// withConfSecrets registers the job's conf values as secrets of every call made under ctx, so
// that a server message quoting the request never shows them.
func withConfSecrets(ctx context.Context, conf map[string]string) context.Context {
	values := make([]string, 0, len(conf))
	for _, v := range conf {
		values = append(values, v)
	}
	return client.WithSecrets(ctx, values...)
}

// readErrorDetail explains a failed refresh; one cut short by timeouts.read says so.
func readErrorDetail(ctx context.Context, id string, timeout time.Duration, err error) string {
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Sprintf("Batch job %s could not be read within timeouts.read (%s): %s\n\nThe job stays in state as it "+
			"was. Check that the endpoint answers, or raise timeouts.read.", id, timeout, err)
	}
	return fmt.Sprintf("Could not read batch job %s: %s", id, err)
}
