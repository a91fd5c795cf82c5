package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Every resource of the provider has the same identity (Terraform 1.12 and later): the ID DLI
// gave the object, required for import, and the project and region it lives in, optional for
// import and filled from the provider's configuration.

// identityModel is the identity of a resource of the provider.
type identityModel struct {
	ID        types.String `tfsdk:"id"`
	ProjectID types.String `tfsdk:"project_id"`
	Region    types.String `tfsdk:"region"`
}

// identitySchema describes an identity whose id is the object's ID, described by idDesc.
func identitySchema(idDesc string) identityschema.Schema {
	return identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"id": identityschema.StringAttribute{RequiredForImport: true, Description: idDesc},
		"project_id": identityschema.StringAttribute{OptionalForImport: true,
			Description: "Project that owns the object; defaults to the provider's project_id."},
		"region": identityschema.StringAttribute{OptionalForImport: true,
			Description: "Region of the object; defaults to the provider's region (null when the provider sets only an endpoint)."},
	}}
}

// newIdentity is the identity of the object id at the client's location. Values of a prior
// identity are kept, so that pointing the provider elsewhere does not read as an identity change
// (the location check of each resource reports a moved object instead).
func newIdentity(ctx context.Context, c *client.Client, id string, prior *tfsdk.ResourceIdentity) (identityModel, diag.Diagnostics) {
	m := identityModel{ID: types.StringValue(id), ProjectID: types.StringValue(c.ProjectID()), Region: optionalString(c.Region())}
	var diags diag.Diagnostics
	if prior == nil || prior.Raw.IsNull() {
		return m, diags
	}
	var old identityModel
	diags.Append(prior.Get(ctx, &old)...)
	if diags.HasError() {
		return m, diags
	}
	if old.ProjectID.ValueString() != "" {
		m.ProjectID = old.ProjectID
	}
	if old.Region.ValueString() != "" {
		m.Region = old.Region
	}
	return m, diags
}

// setIdentity records the identity of object id in dst (a response's identity; nil when the
// client does not support identities).
func setIdentity(ctx context.Context, dst *tfsdk.ResourceIdentity, c *client.Client, id string, prior *tfsdk.ResourceIdentity) diag.Diagnostics {
	if dst == nil || c == nil {
		return nil
	}
	m, diags := newIdentity(ctx, c, id, prior)
	if diags.HasError() {
		return diags
	}
	diags.Append(dst.Set(ctx, &m)...)
	return diags
}

// importedID is the ID an import names: req.ID for `terraform import` and import blocks with
// id, or the identity's id for import blocks with identity. An identity naming another project
// or region than the provider's is refused: the object cannot be read from here. kind and
// valid check the ID ("batch job", client.ValidBatchID); want describes a valid one.
func importedID(ctx context.Context, req resource.ImportStateRequest, c *client.Client, kind, want string,
	valid func(string) bool, diags *diag.Diagnostics,
) string {
	id := strings.TrimSpace(req.ID)
	byIdentity := id == "" && req.Identity != nil && !req.Identity.Raw.IsNull()
	if byIdentity {
		var m identityModel
		diags.Append(req.Identity.Get(ctx, &m)...)
		if diags.HasError() {
			return ""
		}
		id = strings.TrimSpace(m.ID.ValueString())
		if c != nil {
			checkIdentityLocation(m, c, kind, id, diags)
		}
	}
	if !valid(id) {
		what := "ID"
		if byIdentity {
			what = "identity id"
		}
		diags.AddError("Invalid "+kind+" ID", fmt.Sprintf("Import needs the %s of a DLI %s, %s; got %q.", what, kind, want, id))
		return ""
	}
	return id
}

func checkIdentityLocation(m identityModel, c *client.Client, kind, id string, diags *diag.Diagnostics) {
	mismatch := func(attr, given, have string) {
		diags.AddAttributeError(path.Root(attr), "Identity of another "+attr,
			fmt.Sprintf("The identity of %s %s names %s %q, but the provider is configured for %q, where DLI does not "+
				"know it. Import it with a provider configured for %q (a provider alias, named by the import block's "+
				"provider argument).", kind, id, attr, given, have, given))
	}
	if p := m.ProjectID.ValueString(); p != "" && p != c.ProjectID() {
		mismatch("project_id", p, c.ProjectID())
	}
	if r := m.Region.ValueString(); r != "" && c.Region() != "" && !strings.EqualFold(r, c.Region()) {
		mismatch("region", r, c.Region())
	}
}

// importSpec says how a resource is imported; its ImportState and IdentitySchema hand over to it.
type importSpec struct {
	kind   string // "batch job", for messages
	idDesc string // the identity's id
	want   string // what a valid ID looks like, for messages
	valid  func(string) bool
	byName bool // DLI names the object: the ID is a name, compared in lower case
	// waitFor and jobSettings are the provider-side settings of a job an import starts from:
	// wait_for when not empty, cancel_on_destroy and rerun_on_failure with jobSettings.
	waitFor     string
	jobSettings bool
	marked      bool // the Read that follows adopts what the configuration says (importedKey)
}

func (s importSpec) schema() identityschema.Schema { return identitySchema(s.idDesc) }

// importState takes the ID from `terraform import`, an import block's id or its identity; the
// Read that follows fills the rest.
func (s importSpec) importState(ctx context.Context, c *client.Client, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var id string
	if s.byName {
		id = importedName(ctx, req, c, s.kind, s.valid, &resp.Diagnostics)
	} else {
		id = importedID(ctx, req, c, s.kind, s.want, s.valid, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	set := func(attr string, v any) { resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...) }
	set("id", id)
	if s.waitFor != "" {
		set("wait_for", s.waitFor)
	}
	if s.jobSettings {
		set("cancel_on_destroy", true)
		set("rerun_on_failure", false)
	}
	if s.marked {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte("true"))...)
	}
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, c, id, req.Identity)...)
}

// importedName is the lower-case name an import of a queue or pool (kind) names, checked by
// valid; the identity's location is checked as for jobs.
func importedName(ctx context.Context, req resource.ImportStateRequest, c *client.Client, kind string,
	valid func(string) bool, diags *diag.Diagnostics,
) string {
	name := importedID(ctx, req, c, kind, "", func(string) bool { return true }, diags)
	if diags.HasError() {
		return ""
	}
	if !valid(name) {
		given := req.ID
		if strings.TrimSpace(req.ID) == "" {
			given = name
		}
		diags.AddError("Invalid "+kind+" name",
			fmt.Sprintf("Import needs the name of a DLI %s (letters, digits and '_'); got %q.", kind, given))
		return ""
	}
	return strings.ToLower(name)
}
