package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// locationKey holds, in private state, where a job lives. A job ID means something only in
// its project at its endpoint: asked elsewhere, DLI answers "not found" for a job that runs on.
const locationKey = "location"

type jobLocation struct {
	ProjectID string `json:"project_id"`
	Region    string `json:"region,omitempty"`
	Endpoint  string `json:"endpoint"`
}

func currentLocation(c *client.Client) jobLocation {
	return jobLocation{ProjectID: c.ProjectID(), Region: c.Region(), Endpoint: strings.TrimRight(c.Endpoint(), "/")}
}

// sameAs compares what addresses a job: the project and the endpoint (the region only selects
// the default endpoint).
func (l jobLocation) sameAs(o jobLocation) bool {
	return l.ProjectID == o.ProjectID && strings.EqualFold(l.Endpoint, o.Endpoint)
}

func (l jobLocation) String() string {
	s := fmt.Sprintf("project %s at %s", l.ProjectID, l.Endpoint)
	if l.Region != "" {
		s += " (region " + l.Region + ")"
	}
	return s
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func saveLocation(ctx context.Context, private privateSetter, c *client.Client) diag.Diagnostics {
	b, err := json.Marshal(currentLocation(c))
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Could not record the job's location", err.Error())
		return diags
	}
	return private.SetKey(ctx, locationKey, b)
}

// locationChanged reports whether the job was recorded at another location than the client's,
// with a sentence saying where it was and where the provider points now. A job recorded before
// locations were kept has none, and counts as not moved.
func locationChanged(ctx context.Context, private privateGetter, c *client.Client, diags *diag.Diagnostics) (bool, string) {
	b, d := private.GetKey(ctx, locationKey)
	diags.Append(d...)
	var recorded jobLocation
	if len(b) == 0 || json.Unmarshal(b, &recorded) != nil || recorded.ProjectID == "" {
		return false, ""
	}
	now := currentLocation(c)
	if recorded.sameAs(now) {
		return false, ""
	}
	return true, fmt.Sprintf("in %s; the provider now points at %s, where DLI does not know it", recorded, now)
}
