package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// queueFields are the attributes of a queue shown by the resource and the data sources.
type queueFields struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	Type         types.String `tfsdk:"type"`
	CUCount      types.Int64  `tfsdk:"cu_count"`
	Description  types.String `tfsdk:"description"`
	Platform     types.String `tfsdk:"platform"`
	ResourceMode types.Int64  `tfsdk:"resource_mode"`
	Feature      types.String `tfsdk:"feature"`
	Labels       types.List   `tfsdk:"labels"`
	Engine       types.String `tfsdk:"engine"`
	Pool         types.String `tfsdk:"elastic_resource_pool"`
	ResourceID   types.String `tfsdk:"resource_id"`
	Owner        types.String `tfsdk:"owner"`
	CreateTime   types.String `tfsdk:"create_time"`
}

type queueResourceModel struct {
	queueFields
	Tags            types.Map            `tfsdk:"tags"`
	ScalingPolicies []scalingPolicyModel `tfsdk:"scaling_policies"`
	Properties      types.Map            `tfsdk:"properties"`
	Timeouts        timeouts.Value       `tfsdk:"timeouts"`
}

type scalingPolicyModel struct {
	Priority  types.Int64  `tfsdk:"priority"`
	StartTime types.String `tfsdk:"impact_start_time"`
	StopTime  types.String `tfsdk:"impact_stop_time"`
	MinCU     types.Int64  `tfsdk:"min_cu"`
	MaxCU     types.Int64  `tfsdk:"max_cu"`
}

// queueDataSourceSkip are resource attributes the queue data sources do not show: provider-side
// settings and what the queue APIs do not report in one read.
var queueDataSourceSkip = []string{"timeouts", "tags", "scaling_policies", "properties"}

func rfc3339ms(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
}

func stringsOf(ctx context.Context, l types.List, diags *diag.Diagnostics) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out
}

func stringMapOf(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := map[string]string{}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

func (m *queueResourceModel) toCreateRequest(ctx context.Context, diags *diag.Diagnostics) client.CreateQueueRequest {
	req := client.CreateQueueRequest{
		Name: m.Name.ValueString(), Type: m.Type.ValueString(), Description: m.Description.ValueString(),
		CUCount: m.CUCount.ValueInt64(), Platform: m.Platform.ValueString(), Feature: m.Feature.ValueString(),
		Labels: stringsOf(ctx, m.Labels, diags), Engine: m.Engine.ValueString(), Pool: m.Pool.ValueString(),
		Tags: stringMapOf(ctx, m.Tags, diags),
	}
	if !m.ResourceMode.IsNull() && !m.ResourceMode.IsUnknown() {
		v := m.ResourceMode.ValueInt64()
		req.ResourceMode = &v
	}
	return req
}

// applyDetail takes what the detail reports. Platform, feature, engine and labels are only in
// the list (applyListed); the previous values are kept.
func (f *queueFields) applyDetail(q *client.Queue) {
	f.ID, f.Name = types.StringValue(q.Name), types.StringValue(q.Name)
	if q.Type != "" {
		f.Type = types.StringValue(q.Type)
	}
	f.CUCount = types.Int64Value(q.CUCount)
	f.Description = types.StringValue(q.Description)
	f.ResourceMode = types.Int64Value(q.ResourceMode)
	f.Pool = types.StringNull()
	if q.Pool != "" {
		f.Pool = types.StringValue(q.Pool)
	}
	f.ResourceID, f.Owner, f.CreateTime = types.StringValue(q.ResourceID), types.StringValue(q.Owner), rfc3339ms(q.CreatedAt)
}

// applyListed takes the fields only the list reports.
func (f *queueFields) applyListed(q *client.Queue) {
	f.Platform = types.StringValue(firstNonEmpty(q.Platform, "x86_64"))
	f.Feature = types.StringValue(firstNonEmpty(q.Feature, "basic"))
	f.Engine = types.StringNull()
	if q.Engine != "" && q.Type == "sql" {
		f.Engine = types.StringValue(q.Engine)
	}
	f.Labels = types.ListNull(types.StringType)
	if len(q.Labels) > 0 {
		f.Labels, _ = types.ListValueFrom(context.Background(), types.StringType, q.Labels)
	}
}

func policiesToClient(ps []scalingPolicyModel) []client.ScalingPolicy {
	out := make([]client.ScalingPolicy, len(ps))
	for i, p := range ps {
		out[i] = client.ScalingPolicy{Priority: p.Priority.ValueInt64(), StartTime: p.StartTime.ValueString(),
			StopTime: p.StopTime.ValueString(), MinCU: p.MinCU.ValueInt64(), MaxCU: p.MaxCU.ValueInt64()}
	}
	return out
}

func policiesFromClient(ps []client.ScalingPolicy) []scalingPolicyModel {
	out := make([]scalingPolicyModel, len(ps))
	for i, p := range ps {
		out[i] = scalingPolicyModel{Priority: types.Int64Value(p.Priority), StartTime: types.StringValue(p.StartTime),
			StopTime: types.StringValue(p.StopTime), MinCU: types.Int64Value(p.MinCU), MaxCU: types.Int64Value(p.MaxCU)}
	}
	return out
}

func minutesOf(s string) int {
	var h, m int
	_, _ = fmt.Sscanf(s, "%d:%d", &h, &m)
	return h*60 + m
}

// checkPolicies applies DLI's rules to a queue's scaling policies (dli-more-api.md §5.5): a
// default policy covers 00:00-24:00, the other windows do not overlap one another, each window
// starts before it ends, and min_cu <= max_cu. Unknown values are skipped.
func checkPolicies(ps []scalingPolicyModel, diags *diag.Diagnostics) {
	type window struct{ from, to, index int }
	var windows []window
	hasDefault := false
	for i, p := range ps {
		at := path.Root("scaling_policies").AtListIndex(i)
		if p.StartTime.IsUnknown() || p.StopTime.IsUnknown() || p.MinCU.IsUnknown() || p.MaxCU.IsUnknown() {
			return
		}
		if p.MinCU.ValueInt64() > p.MaxCU.ValueInt64() {
			diags.AddAttributeError(at.AtName("min_cu"), "Invalid scaling policy",
				fmt.Sprintf("Policy %d has min_cu %d above max_cu %d.", i+1, p.MinCU.ValueInt64(), p.MaxCU.ValueInt64()))
		}
		from, to := minutesOf(p.StartTime.ValueString()), minutesOf(p.StopTime.ValueString())
		switch {
		case from >= to:
			diags.AddAttributeError(at.AtName("impact_stop_time"), "Invalid scaling policy",
				fmt.Sprintf("Policy %d ends (%s) before it starts (%s).", i+1, p.StopTime.ValueString(), p.StartTime.ValueString()))
		case from == 0 && to == 24*60 && !hasDefault:
			hasDefault = true
		default:
			windows = append(windows, window{from, to, i})
		}
	}
	if !hasDefault {
		diags.AddAttributeError(path.Root("scaling_policies"), "Missing default scaling policy",
			"DLI needs one policy covering the whole day: impact_start_time = \"00:00\" and impact_stop_time = \"24:00\".")
	}
	sort.Slice(windows, func(i, j int) bool { return windows[i].from < windows[j].from })
	for i := 1; i < len(windows); i++ {
		if a, b := windows[i-1], windows[i]; b.from < a.to {
			diags.AddAttributeError(path.Root("scaling_policies").AtListIndex(b.index), "Overlapping scaling policies",
				fmt.Sprintf("The windows of policies %d and %d overlap; apart from the 00:00-24:00 default, windows may not overlap.",
					a.index+1, b.index+1))
		}
	}
}

// jobsDetail names the active batch jobs on a queue for a refused delete; "" when none is
// found (or the list fails: the refusal is still shown).
func jobsDetail(ctx context.Context, c *client.Client, queue string) string {
	jobs, err := c.ListBatchJobs(ctx, client.ListOptions{Queue: queue, Limit: 50})
	if err != nil {
		return ""
	}
	var ids []string
	for _, j := range jobs {
		if j.State.IsActive() {
			ids = append(ids, j.ID)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return fmt.Sprintf(" Active batch jobs on the queue: %s. Destroy or cancel them first.", strings.Join(ids, ", "))
}
