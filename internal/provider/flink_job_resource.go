package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

const (
	defaultFlinkCreateTimeout = 20 * time.Minute
	defaultFlinkUpdateTimeout = 30 * time.Minute
	defaultFlinkDeleteTimeout = 20 * time.Minute
)

// flinkKind describes one of the two Flink job resources; the resource code is shared.
type flinkKind struct {
	name     string // "Flink SQL job", for messages
	suffix   string // type name after the provider's
	client   client.FlinkJobKind
	schema   func(context.Context) schema.Schema
	jobTypes []string // the job_type values DLI reports for this kind
}

var (
	flinkSQLKind = flinkKind{name: "Flink SQL job", suffix: "_flink_sql_job", client: client.FlinkSQL, schema: flinkSQLJobSchema,
		jobTypes: []string{client.FlinkJobTypeOpenSourceSQL, client.FlinkJobTypeSQL, client.FlinkJobTypeEdgeSQL}}
	flinkJarKind = flinkKind{name: "Flink Jar job", suffix: "_flink_jar_job", client: client.FlinkJar, schema: flinkJarJobSchema,
		jobTypes: []string{client.FlinkJobTypeJar}}
)

// flinkModel is what the shared resource code needs of a kind's model.
type flinkModel interface {
	parts() (*types.String, *flinkArgsModel, *flinkSettingsModel, *flinkStatusModel)
	fillKind(ctx context.Context, r *client.FlinkJobRequest, mode reqMode)
	applyKind(job *client.FlinkJob)
	// hasStorage reports checkpoint storage, where savepoints go.
	hasStorage() bool
}

type flinkModelPtr[T any] interface {
	*T
	flinkModel
}

func (m *flinkSQLJobModel) parts() (*types.String, *flinkArgsModel, *flinkSettingsModel, *flinkStatusModel) {
	return &m.ID, &m.flinkArgsModel, &m.flinkSettingsModel, &m.flinkStatusModel
}
func (m *flinkSQLJobModel) fillKind(_ context.Context, r *client.FlinkJobRequest, mode reqMode) {
	m.fill(r, mode)
}
func (m *flinkSQLJobModel) applyKind(job *client.FlinkJob) { m.flinkSQLArgs.apply(job) }
func (m *flinkSQLJobModel) hasStorage() bool               { return !m.ObsBucket.IsNull() }

func (m *flinkJarJobModel) parts() (*types.String, *flinkArgsModel, *flinkSettingsModel, *flinkStatusModel) {
	return &m.ID, &m.flinkArgsModel, &m.flinkSettingsModel, &m.flinkStatusModel
}
func (m *flinkJarJobModel) fillKind(ctx context.Context, r *client.FlinkJobRequest, mode reqMode) {
	m.fill(ctx, r, mode)
}
func (m *flinkJarJobModel) applyKind(job *client.FlinkJob) { m.flinkJarArgs.apply(job) }
func (m *flinkJarJobModel) hasStorage() bool {
	return !m.ObsBucket.IsNull() || !m.CheckpointPath.IsNull()
}

// NewFlinkSQLJobResource returns the dli_flink_sql_job resource.
func NewFlinkSQLJobResource() resource.Resource {
	return &flinkJobResource[flinkSQLJobModel, *flinkSQLJobModel]{kind: flinkSQLKind}
}

// NewFlinkJarJobResource returns the dli_flink_jar_job resource.
func NewFlinkJarJobResource() resource.Resource {
	return &flinkJobResource[flinkJarJobModel, *flinkJarJobModel]{kind: flinkJarKind}
}

type flinkJobResource[T any, P flinkModelPtr[T]] struct {
	resourceBase
	kind flinkKind
}

var (
	_ resource.ResourceWithConfigure      = (*flinkJobResource[flinkSQLJobModel, *flinkSQLJobModel])(nil)
	_ resource.ResourceWithImportState    = (*flinkJobResource[flinkSQLJobModel, *flinkSQLJobModel])(nil)
	_ resource.ResourceWithModifyPlan     = (*flinkJobResource[flinkSQLJobModel, *flinkSQLJobModel])(nil)
	_ resource.ResourceWithValidateConfig = (*flinkJobResource[flinkJarJobModel, *flinkJarJobModel])(nil)
)

func (r *flinkJobResource[T, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.kind.suffix
}

func (r *flinkJobResource[T, P]) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.kind.schema(ctx)
}

// savepointWanted resolves savepoint_on_update / savepoint_on_destroy: unset means "when the
// job has checkpoint storage".
func savepointWanted(v types.Bool, storage bool) bool {
	if v.IsNull() || v.IsUnknown() {
		return storage
	}
	return v.ValueBool()
}

func (r *flinkJobResource[T, P]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m T
	p := P(&m)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	id, args, set, st := p.parts()
	timeout, diags := set.Timeouts.Create(ctx, defaultFlinkCreateTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel, secrets := withConfigSecrets(ctx, req.Config, timeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	creq := args.request(ctx, r.kind.client, forCreate)
	p.fillKind(ctx, creq, forCreate)
	creq.RuntimeConfig = withListedSecrets(flinkSecretKeysConfigKey, creq.RuntimeConfig, secrets)
	var job *client.FlinkJob
	err := r.client.SubmitWhenQueueReady(ctx, queueOf(creq.Queue), func(ctx context.Context) (err error) {
		job, err = r.client.CreateFlinkJob(ctx, creq)
		return err
	})
	if err != nil {
		resp.Diagnostics.AddError("Error creating "+r.kind.name, fmt.Sprintf("Could not create %s %q: %s%s",
			r.kind.name, args.Name.ValueString(), err, queueNotReadyHint(err, timeout)))
		return
	}
	*id = types.StringValue(job.ID)
	planned := m
	st.Status = types.StringValue(string(job.Status))
	// Track the job before running it: a failed or interrupted run leaves it in state (tainted),
	// never orphaned.
	recorded := m
	nullUnknowns(&recorded)
	resp.Diagnostics.Append(resp.State.Set(ctx, &recorded)...)
	resp.Diagnostics.Append(saveLocation(ctx, resp.Private, r.client)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, job.ID, nil)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Info(ctx, "created Flink job", map[string]any{"job_id": job.ID, "kind": r.kind.name})

	var runErr error
	var running *client.FlinkJob
	if set.DesiredState.ValueString() != desiredStopped {
		running, runErr = r.run(ctx, job.ID, false, set.WaitFor.ValueString())
	}
	r.record(ctx, &planned, &m, job.ID, running)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if runErr != nil {
		summary, detail := r.describeRunError(job.ID, "timeouts.create", timeout, st.Status.ValueString(), runErr)
		resp.Diagnostics.AddError(summary, detail+" It stays in state as tainted: the next apply replaces it. "+
			"If the job is healthy (the wait only timed out or was interrupted), `terraform untaint` with this "+
			"resource's address keeps it.")
	}
}

// run starts a stopped job and, for wait_for = running, waits until it runs. The wait's last
// answer is returned (nil without a wait or on error): it is the job's detail already.
func (r *flinkJobResource[T, P]) run(ctx context.Context, id string, resume bool, waitFor string) (*client.FlinkJob, error) {
	if _, err := r.client.RunFlinkJob(ctx, id, resume); err != nil {
		return nil, err
	}
	if waitFor == waitForSubmitted {
		return nil, nil
	}
	job, err := r.client.WaitForFlinkJobRunning(ctx, id)
	if err != nil {
		return nil, err
	}
	return job, nil
}

// record fills what the plan left unknown from the job's detail, so the state holds what DLI
// last reported and what the plan promised; arguments known in the plan are kept as planned.
// last is a detail the caller just got (a wait's final answer); without one the job is read
// once, on a short context of its own (the caller's may be over).
func (r *flinkJobResource[T, P]) record(ctx context.Context, planned, m *T, id string, last *client.FlinkJob) {
	job, err := last, error(nil)
	if job == nil {
		readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finalReadTimeout)
		defer cancel()
		job, err = r.client.GetFlinkJob(readCtx, id)
	}
	if err != nil {
		tflog.Warn(ctx, "could not read the Flink job; its details refresh on the next plan", map[string]any{"job_id": id, "error": err.Error()})
		nullUnknowns(m)
		return
	}
	read := *planned
	rp := P(&read)
	_, args, _, st := rp.parts()
	args.apply(job)
	rp.applyKind(job)
	*st = flinkStatusFrom(job)
	*m = *planned
	fillUnknowns(m, &read)
	nullUnknowns(m)
}

func (r *flinkJobResource[T, P]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m T
	p := P(&m)
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	id, args, set, st := p.parts()
	// Also when the job is kept without being found, and for states written before identities.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, r.client, id.ValueString(), req.Identity)...)
	job, err := r.client.GetFlinkJob(ctx, id.ValueString())
	if client.IsNotFound(err) {
		if moved, detail := locationChanged(ctx, req.Private, r.client, &resp.Diagnostics); moved {
			resp.Diagnostics.AddError(r.kind.name+" not found at the provider's new location",
				fmt.Sprintf("%s %s lives %s. It stays in state so that it is not created a second time. Point the "+
					"provider back at the job's project and endpoint to manage it; to forget it, run `terraform state rm`.",
					r.kind.name, id.ValueString(), detail))
			return
		}
		resp.Diagnostics.AddWarning(r.kind.name+" not found", fmt.Sprintf("DLI no longer knows %s %s (DLI.16001): it "+
			"is removed from state and will be created again on the next apply.", r.kind.name, id.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading "+r.kind.name, fmt.Sprintf("Could not read %s %s: %s", r.kind.name, id.ValueString(), err))
		return
	}
	adopt := justImported(ctx, req.Private, &resp.Diagnostics)
	if adopt && job.JobType != "" && !containsString(r.kind.jobTypes, job.JobType) {
		resp.Diagnostics.AddError("Wrong kind of Flink job", fmt.Sprintf("Job %s is a %s, not a %s: import it into the "+
			"resource of its kind (dli_flink_sql_job or dli_flink_jar_job).", id.ValueString(), job.JobType, r.kind.name))
		return
	}
	if job.Tags == nil && (adopt || !args.Tags.IsNull()) {
		// The detail has no tags: one more request, only for jobs that have them in state.
		if tags, err := r.client.GetFlinkJobTags(ctx, id.ValueString()); err == nil {
			job.Tags = tags
		} else {
			tflog.Warn(ctx, "could not read the Flink job's tags; keeping those in state", map[string]any{"job_id": id.ValueString(), "error": err.Error()})
		}
	}
	args.apply(job)
	p.applyKind(job)
	*st = flinkStatusFrom(job)
	if set.DesiredState.IsNull() {
		// Imported: the job's own state is what is wanted until the configuration says otherwise.
		set.DesiredState = types.StringValue(desiredStopped)
		if job.Status.IsActive() {
			set.DesiredState = types.StringValue(desiredRunning)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(saveLocation(ctx, resp.Private, r.client)...)
	if adopt {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, flinkImportedVersionKey, importedSecretKeys(job))...)
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
