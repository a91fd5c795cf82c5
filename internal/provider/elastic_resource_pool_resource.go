package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

const (
	poolCreateTimeout = 60 * time.Minute
	poolUpdateTimeout = 60 * time.Minute
	poolDeleteTimeout = 30 * time.Minute
)

var (
	_ resource.ResourceWithConfigure      = (*poolResource)(nil)
	_ resource.ResourceWithIdentity       = (*poolResource)(nil)
	_ resource.ResourceWithImportState    = (*poolResource)(nil)
	_ resource.ResourceWithValidateConfig = (*poolResource)(nil)
)

// NewElasticResourcePoolResource returns the dli_elastic_resource_pool resource.
func NewElasticResourcePoolResource() resource.Resource { return &poolResource{} }

type poolResource struct{ specResource[poolKind] }

type poolKind struct{}

func (poolKind) resourceSpec() resourceSpec {
	return resourceSpec{typeName: "_elastic_resource_pool", schema: poolResourceSchema,
		// A pool is imported by name.
		imports: importSpec{kind: "elastic resource pool",
			idDesc: "Name of the elastic resource pool (DLI names pools by name, in lower case).", valid: client.ValidPoolName, byName: true}}
}

// poolFields are the attributes of a pool shown by the resource and the data sources.
type poolFields struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	MinCU       types.Int64  `tfsdk:"min_cu"`
	MaxCU       types.Int64  `tfsdk:"max_cu"`
	Description types.String `tfsdk:"description"`
	CIDRInVPC   types.String `tfsdk:"cidr_in_vpc"`
	Label       types.Map    `tfsdk:"label"`
	Status      types.String `tfsdk:"status"`
	ActualCU    types.Int64  `tfsdk:"actual_cu"`
	CurrentCU   types.Int64  `tfsdk:"current_cu"`
	ResourceID  types.String `tfsdk:"resource_id"`
	CreateTime  types.String `tfsdk:"create_time"`
	FailReason  types.String `tfsdk:"fail_reason"`
	Queues      types.List   `tfsdk:"queues"`
}

type poolResourceModel struct {
	poolFields
	Tags     types.Map      `tfsdk:"tags"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// poolDataSourceSkip are resource attributes the pool data sources do not show.
var poolDataSourceSkip = []string{"timeouts", "tags"}

func (f *poolFields) apply(ctx context.Context, p *client.ElasticResourcePool) {
	f.ID, f.Name = types.StringValue(p.Name), types.StringValue(p.Name)
	f.MinCU, f.MaxCU = types.Int64Value(p.MinCU), types.Int64Value(p.MaxCU)
	f.Description, f.CIDRInVPC = types.StringValue(p.Description), types.StringValue(p.CIDRInVPC)
	f.Status, f.ActualCU, f.CurrentCU = types.StringValue(p.Status), types.Int64Value(p.ActualCU), types.Int64Value(p.CurrentCU)
	f.ResourceID, f.CreateTime = types.StringValue(p.ResourceID), rfc3339ms(p.CreatedAt)
	f.FailReason = types.StringValue(p.FailReason)
	f.Label = types.MapNull(types.StringType)
	if len(p.Label) > 0 {
		f.Label, _ = types.MapValueFrom(ctx, types.StringType, p.Label)
	}
	f.Queues, _ = types.ListValueFrom(ctx, types.StringType, append([]string{}, p.Queues...))
}

func (r *poolResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m poolResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if !resp.Diagnostics.HasError() {
		checkPoolCUs(ctx, m.MinCU, m.MaxCU, m.Label, &resp.Diagnostics)
	}
}

// poolWaitError turns a failed wait into a diagnostic: FAILED shows DLI's fail_reason.
func poolWaitError(diags *diag.Diagnostics, name, doing string, err error) {
	var failed *client.PoolFailedError
	if errors.As(err, &failed) {
		diags.AddError("Elastic resource pool failed", fmt.Sprintf("DLI could not create elastic resource pool %s: %s. "+
			"The pool stays in state as tainted: the next apply deletes it and creates it again.", name, firstNonEmpty(failed.Reason, "no reason given")))
		return
	}
	diags.AddError("Error waiting for elastic resource pool", fmt.Sprintf("Elastic resource pool %s %s: %s", name, doing, err))
}

func (r *poolResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan poolResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	// The tags go in the create body: no tag call on create.
	creq := client.CreatePoolRequest{
		Name: plan.Name.ValueString(), Description: plan.Description.ValueString(), CIDRInVPC: plan.CIDRInVPC.ValueString(),
		MinCU: plan.MinCU.ValueInt64(), MaxCU: plan.MaxCU.ValueInt64(),
		Tags: stringMapOf(ctx, plan.Tags, &resp.Diagnostics), Label: stringMapOf(ctx, plan.Label, &resp.Diagnostics),
	}
	ctx, cancel, _, ok := r.start(ctx, &resp.Diagnostics, plan.Timeouts.Create, poolCreateTimeout)
	if !ok {
		return
	}
	defer cancel()
	name, err := r.client.CreatePool(ctx, creq)
	if err != nil {
		resp.Diagnostics.AddError("Error creating elastic resource pool", fmt.Sprintf("Could not create elastic resource pool %s: %s", creq.Name, err))
		return
	}
	// In state before the wait: a failed or interrupted wait leaves it tainted, not orphaned.
	plan.ID = types.StringValue(name)
	plan.Status = types.StringValue(client.PoolCreating)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, name, nil)...)
	for _, s := range []*types.String{&plan.CIDRInVPC, &plan.ResourceID, &plan.CreateTime, &plan.FailReason} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	plan.ActualCU, plan.CurrentCU, plan.Queues = types.Int64Null(), types.Int64Null(), types.ListNull(types.StringType)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	p, err := r.client.WaitForPool(ctx, name, nil)
	if p != nil {
		plan.apply(ctx, p)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
	if err != nil {
		poolWaitError(&resp.Diagnostics, name, "was created but did not become AVAILABLE", err)
	}
}

func (r *poolResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state poolResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	name := state.ID.ValueString()
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, name, req.Identity)...)
	p, err := r.client.GetPool(ctx, name)
	if client.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Elastic resource pool not found",
			fmt.Sprintf("Elastic resource pool %s is no longer listed by DLI; it is removed from state and will be created again on the next apply.", name))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading elastic resource pool", fmt.Sprintf("Could not read elastic resource pool %s: %s", name, err))
		return
	}
	// ImportState sets only the ID: a state without a name is that of an import.
	imported := state.Name.IsNull()
	if tagsManaged(state.Tags, imported) {
		tags, ok := readPoolTags(ctx, r.client, p, state.Tags, &resp.Diagnostics)
		if !ok {
			return
		}
		state.Tags = tags
	}
	state.apply(ctx, p)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// readPoolTags reads the tags of pool p for state, prior being the tags in state (null after
// an import): see readTags.
func readPoolTags(ctx context.Context, c *client.Client, p *client.ElasticResourcePool, prior types.Map, diags *diag.Diagnostics) (types.Map, bool) {
	return readTags(ctx, c, client.TagTargetOf(client.TagElasticResourcePool, p.ResourceID, p.Name), prior, diags)
}

func (r *poolResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state poolResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, _, ok := r.start(ctx, &resp.Diagnostics, plan.Timeouts.Update, poolUpdateTimeout)
	if !ok {
		return
	}
	defer cancel()
	name := state.ID.ValueString()
	// Terraform before 1.12 plans no identity.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, name, req.Identity)...)
	// Tags first: quick, and kept in state (updateTags) if the change of CUs fails.
	target := client.TagTargetOf(client.TagElasticResourcePool, state.ResourceID.ValueString(), name)
	if !updateTags(ctx, r.client, target, state.Tags, plan.Tags, &resp.State, &resp.Diagnostics) {
		return
	}
	var ureq client.UpdatePoolRequest
	minCU, maxCU, desc := plan.MinCU.ValueInt64(), plan.MaxCU.ValueInt64(), plan.Description.ValueString()
	if minCU != state.MinCU.ValueInt64() {
		ureq.MinCU = &minCU
	}
	if maxCU != state.MaxCU.ValueInt64() {
		ureq.MaxCU = &maxCU
	}
	if desc != state.Description.ValueString() {
		ureq.Description = &desc
	}
	if ureq != (client.UpdatePoolRequest{}) {
		if err := r.client.UpdatePool(ctx, name, ureq); err != nil {
			resp.Diagnostics.AddError("Error updating elastic resource pool", fmt.Sprintf("Could not update elastic resource pool %s: %s", name, err))
			return
		}
	}
	p, err := r.client.WaitForPool(ctx, name, func(p *client.ElasticResourcePool) bool {
		return p.MinCU == minCU && p.MaxCU == maxCU
	})
	if err != nil {
		poolWaitError(&resp.Diagnostics, name, fmt.Sprintf("did not reach %d to %d CUs", minCU, maxCU), err)
		return
	}
	plan.apply(ctx, p)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *poolResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state poolResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, _, ok := r.start(ctx, &resp.Diagnostics, state.Timeouts.Delete, poolDeleteTimeout)
	if !ok {
		return
	}
	defer cancel()
	deleteNamed(ctx, &resp.Diagnostics, "elastic resource pool", state.ID.ValueString(), r.client.DeletePool, r.client.WaitForPoolGone, nil)
}
