package client

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// leveledLogger adapts retryablehttp.LeveledLogger onto tflog. Per-attempt
// failures that retryablehttp reports at ERROR are logged at WARN: the final
// outcome is returned to the caller, who decides whether it is an error.
type leveledLogger struct{ ctx context.Context }

func (l leveledLogger) Error(msg string, kv ...interface{}) {
	tflog.Warn(l.ctx, "retryablehttp: "+msg, kvFields(kv))
}
func (l leveledLogger) Info(msg string, kv ...interface{}) {
	tflog.Info(l.ctx, "retryablehttp: "+msg, kvFields(kv))
}
func (l leveledLogger) Debug(msg string, kv ...interface{}) {
	tflog.Debug(l.ctx, "retryablehttp: "+msg, kvFields(kv))
}
func (l leveledLogger) Warn(msg string, kv ...interface{}) {
	tflog.Warn(l.ctx, "retryablehttp: "+msg, kvFields(kv))
}

func kvFields(kv []interface{}) map[string]interface{} {
	fields := make(map[string]interface{}, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		key := fmt.Sprint(kv[i])
		var v interface{} = "(missing)"
		if i+1 < len(kv) {
			v = kv[i+1]
		}
		switch x := v.(type) {
		case error:
			v = x.Error()
		case fmt.Stringer:
			v = x.String()
		}
		fields[key] = v
	}
	return fields
}
