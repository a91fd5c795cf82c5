package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// What the queue and pool resources share around their calls: the delete that waits until DLI
// no longer knows the object (their tags: compute_tags.go).

// deleteNamed deletes a queue or pool (kind) and waits until DLI no longer knows it; one that
// is already gone is forgotten. refused adds to the error of a delete DLI refuses.
func deleteNamed(ctx context.Context, diags *diag.Diagnostics, kind, name string,
	del, gone func(context.Context, string) error, refused func(context.Context) string,
) {
	err := del(ctx, name)
	if client.IsNotFound(err) {
		return
	}
	if err != nil {
		more := ""
		if refused != nil {
			more = refused(ctx)
		}
		diags.AddError("Error deleting "+kind, fmt.Sprintf("Could not delete %s %s: %s.%s", kind, name, err, more))
		return
	}
	if err := gone(ctx, name); err != nil {
		diags.AddError("Error waiting for "+kind+" deletion", fmt.Sprintf("%s%s %s: %s", strings.ToUpper(kind[:1]), kind[1:], name, err))
	}
}
