package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

const (
	queueCreateTimeout = 30 * time.Minute
	queueUpdateTimeout = 45 * time.Minute
	queueDeleteTimeout = 30 * time.Minute
)

var (
	_ resource.ResourceWithConfigure      = (*queueResource)(nil)
	_ resource.ResourceWithIdentity       = (*queueResource)(nil)
	_ resource.ResourceWithImportState    = (*queueResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*queueResource)(nil)
	_ resource.ResourceWithValidateConfig = (*queueResource)(nil)
)

// NewQueueResource returns the dli_queue resource.
func NewQueueResource() resource.Resource { return &queueResource{} }

type queueResource struct{ specResource[queueKind] }

type queueKind struct{}

func (queueKind) resourceSpec() resourceSpec {
	return resourceSpec{typeName: "_queue", schema: queueResourceSchema,
		// A queue is imported by name; the Read that follows reads everything it has (the imported mark).
		imports: importSpec{kind: "queue", idDesc: "Name of the queue (DLI names queues by name, in lower case).",
			valid: client.ValidQueueName, byName: true, marked: true}}
}

func (r *queueResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m queueResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.ScalingPolicies != nil {
		if m.Pool.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("scaling_policies"), "Scaling policies without a pool",
				"scaling_policies apply to a queue in an elastic resource pool: set elastic_resource_pool too.")
		}
		checkPolicies(m.ScalingPolicies, &resp.Diagnostics)
	}
	if !m.Engine.IsNull() && !m.Type.IsUnknown() && m.Type.ValueString() == "general" {
		resp.Diagnostics.AddAttributeError(path.Root("engine"), "Engine of a general queue",
			`engine only applies to queues with type = "sql".`)
	}
}

// ModifyPlan checks what depends on the queue's current state: the sizes DLI creates queues
// with, and that a pool queue is sized by its policies rather than by scaling.
func (r *queueResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan queueResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.CUCount.IsUnknown() {
		return
	}
	cu := plan.CUCount.ValueInt64()
	if req.State.Raw.IsNull() {
		if cu != 16 && cu != 64 && cu != 256 {
			resp.Diagnostics.AddAttributeError(path.Root("cu_count"), "Invalid CU count for a new queue",
				fmt.Sprintf("DLI creates queues with 16, 64 or 256 CUs, got %d. Create it with one of those and change cu_count afterwards: it scales in place.", cu))
		}
		return
	}
	var state queueResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !state.Pool.IsNull() && state.Pool.Equal(plan.Pool) && state.CUCount.ValueInt64() != cu {
		resp.Diagnostics.AddAttributeError(path.Root("cu_count"), "Queue in an elastic resource pool",
			fmt.Sprintf("Queue %s is in elastic resource pool %s, where DLI does not scale queues by cu_count: change scaling_policies instead.",
				state.Name.ValueString(), state.Pool.ValueString()))
	}
}

func (r *queueResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan queueResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creq := plan.toCreateRequest(ctx, &resp.Diagnostics)
	ctx, cancel, _, ok := r.start(ctx, &resp.Diagnostics, plan.Timeouts.Create, queueCreateTimeout)
	if !ok {
		return
	}
	defer cancel()
	// The tags go in the create body: no tag call on create.
	name, err := r.client.CreateQueue(ctx, creq)
	if err != nil {
		resp.Diagnostics.AddError("Error creating queue", fmt.Sprintf("Could not create queue %s: %s", creq.Name, err))
		return
	}
	// In state from now on (tainted if a later step fails), with its name as the ID.
	plan.ID = types.StringValue(name)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, name, nil)...)
	for _, unknown := range []*types.String{&plan.ResourceID, &plan.Owner, &plan.CreateTime} {
		if unknown.IsUnknown() {
			*unknown = types.StringNull()
		}
	}
	if plan.Engine.IsUnknown() {
		plan.Engine = types.StringNull()
		if plan.Type.ValueString() == "sql" {
			plan.Engine = types.StringValue("spark") // DLI's default
		}
	}
	if plan.ResourceMode.IsUnknown() {
		plan.ResourceMode = types.Int64Null()
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if plan.ScalingPolicies != nil {
		if err := r.client.SetQueueScalingPolicies(ctx, plan.Pool.ValueString(), name, policiesToClient(plan.ScalingPolicies)); err != nil {
			resp.Diagnostics.AddError("Error setting scaling policies", fmt.Sprintf("Queue %s was created, but: %s", name, err))
			return
		}
	}
	if props := stringMapOf(ctx, plan.Properties, &resp.Diagnostics); len(props) > 0 {
		if err := r.client.SetQueueProperties(ctx, name, props); err != nil {
			resp.Diagnostics.AddError("Error setting queue properties", fmt.Sprintf("Queue %s was created, but: %s", name, err))
			return
		}
	}
	r.readInto(ctx, &plan, false, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// readInto refreshes m from DLI as after an import (full) or after a create or update: the
// detail (one request) and, for what it manages, the policies and properties. full also reads
// what only the list reports, every property and the tags. Create and update leave the tags as
// planned: they sent them.
func (r *queueResource) readInto(ctx context.Context, m *queueResourceModel, full bool, diags *diag.Diagnostics) bool {
	return r.read(ctx, m, full, full, diags)
}

// read is readInto, with the tags read (one more request) when withTags.
func (r *queueResource) read(ctx context.Context, m *queueResourceModel, full, withTags bool, diags *diag.Diagnostics) bool {
	name := m.ID.ValueString()
	q, err := r.client.GetQueue(ctx, name)
	if err != nil {
		if !client.IsNotFound(err) {
			diags.AddError("Error reading queue", fmt.Sprintf("Could not read queue %s: %s", name, err))
		}
		return false
	}
	m.applyDetail(q)
	if full {
		if listed, err := r.client.FindQueue(ctx, name); err == nil {
			m.applyListed(listed)
		} else {
			diags.AddError("Error reading queue", fmt.Sprintf("Could not find queue %s in the list: %s", name, err))
			return false
		}
	}
	if m.ScalingPolicies != nil || (full && q.Pool != "") {
		ps, err := r.client.QueueScalingPolicies(ctx, q.Pool, name)
		if err != nil {
			diags.AddError("Error reading scaling policies", fmt.Sprintf("Could not read the scaling policies of queue %s: %s", name, err))
			return false
		}
		m.ScalingPolicies = policiesFromClient(ps)
	}
	if !m.Properties.IsNull() || full {
		props, err := r.client.GetQueueProperties(ctx, name)
		if err != nil {
			diags.AddError("Error reading queue properties", fmt.Sprintf("Could not read the properties of queue %s: %s", name, err))
			return false
		}
		managed := stringMapOf(ctx, m.Properties, diags)
		kept := map[string]string{}
		for k, v := range props {
			if _, ok := managed[k]; ok || full {
				kept[k] = v
			}
		}
		m.Properties = types.MapNull(types.StringType)
		if len(kept) > 0 || len(managed) > 0 {
			m.Properties, _ = types.MapValueFrom(ctx, types.StringType, kept)
		}
	}
	if withTags {
		tags, ok := readTags(ctx, r.client, client.TagTargetOf(client.TagQueue, q.ResourceID, name), m.Tags, diags)
		if !ok {
			return false
		}
		m.Tags = tags
	}
	return true
}

func (r *queueResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state queueResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, state.ID.ValueString(), req.Identity)...)
	mark, diags := req.Private.GetKey(ctx, importedKey)
	resp.Diagnostics.Append(diags...)
	imported := len(mark) > 0
	if !r.read(ctx, &state, imported, tagsManaged(state.Tags, imported), &resp.Diagnostics) {
		if !resp.Diagnostics.HasError() {
			resp.Diagnostics.AddWarning("Queue not found",
				fmt.Sprintf("Queue %s was not found in DLI; it is removed from state and will be created again on the next apply.", state.ID.ValueString()))
			resp.State.RemoveResource(ctx)
		}
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

func (r *queueResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state queueResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, _, ok := r.start(ctx, &resp.Diagnostics, plan.Timeouts.Update, queueUpdateTimeout)
	if !ok {
		return
	}
	defer cancel()
	name := state.ID.ValueString()
	// Terraform before 1.12 plans no identity.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, name, req.Identity)...)

	if want := plan.CUCount.ValueInt64(); want != state.CUCount.ValueInt64() {
		if err := r.client.ScaleQueue(ctx, name, want-state.CUCount.ValueInt64()); err != nil {
			resp.Diagnostics.AddError("Error scaling queue", fmt.Sprintf("Could not scale queue %s from %d to %d CUs: %s",
				name, state.CUCount.ValueInt64(), want, err))
			return
		}
		if _, err := r.client.WaitForQueueCU(ctx, name, want); err != nil {
			resp.Diagnostics.AddError("Error waiting for queue scaling", fmt.Sprintf("Queue %s was asked to have %d CUs: %s", name, want, err))
			return
		}
	}
	if state.Pool.IsNull() && !plan.Pool.IsNull() {
		// Joining a pool is the one pool change made in place (see poolChangeReplaces).
		if err := r.client.AddQueueToPool(ctx, plan.Pool.ValueString(), name); err != nil {
			resp.Diagnostics.AddError("Error adding queue to elastic resource pool", fmt.Sprintf("Could not add queue %s to elastic resource pool %s: %s",
				name, plan.Pool.ValueString(), err))
			return
		}
		// In the pool from now on, even if a later step fails: the next apply must not add it again.
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("elastic_resource_pool"), plan.Pool)...)
	}
	if plan.ScalingPolicies != nil && !policiesEqual(plan.ScalingPolicies, state.ScalingPolicies) {
		if err := r.client.SetQueueScalingPolicies(ctx, plan.Pool.ValueString(), name, policiesToClient(plan.ScalingPolicies)); err != nil {
			resp.Diagnostics.AddError("Error setting scaling policies", fmt.Sprintf("Queue %s: %s", name, err))
			return
		}
	}
	want, had := stringMapOf(ctx, plan.Properties, &resp.Diagnostics), stringMapOf(ctx, state.Properties, &resp.Diagnostics)
	changed, removed := map[string]string{}, []string{}
	for k, v := range want {
		if old, ok := had[k]; !ok || old != v {
			changed[k] = v
		}
	}
	for k := range had {
		if _, ok := want[k]; !ok {
			removed = append(removed, k)
		}
	}
	if err := r.client.SetQueueProperties(ctx, name, changed); err != nil {
		resp.Diagnostics.AddError("Error setting queue properties", fmt.Sprintf("Queue %s: %s", name, err))
		return
	}
	if err := r.client.DeleteQueueProperties(ctx, name, removed); err != nil {
		resp.Diagnostics.AddError("Error resetting queue properties", fmt.Sprintf("Queue %s: %s", name, err))
		return
	}
	target := client.TagTargetOf(client.TagQueue, state.ResourceID.ValueString(), name)
	if !updateTags(ctx, r.client, target, state.Tags, plan.Tags, &resp.State, &resp.Diagnostics) {
		return
	}
	plan.ID = state.ID
	r.readInto(ctx, &plan, false, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func policiesEqual(a, b []scalingPolicyModel) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (r *queueResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state queueResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, _, ok := r.start(ctx, &resp.Diagnostics, state.Timeouts.Delete, queueDeleteTimeout)
	if !ok {
		return
	}
	defer cancel()
	name := state.ID.ValueString()
	deleteNamed(ctx, &resp.Diagnostics, "queue", name, r.client.DeleteQueue, r.client.WaitForQueueGone,
		func(ctx context.Context) string { return jobsDetail(ctx, r.client, name) })
}
