package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// ValidateConfig checks at plan time what DLI would refuse after the create, naming the attribute.
func (r *flinkJobResource[T, P]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m T
	p := P(&m)
	config, err := withoutSecretRuntimeConfig(req.Config)
	if err != nil {
		resp.Diagnostics.AddError("Error reading the configuration", err.Error())
		return
	}
	resp.Diagnostics.Append(config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateFlinkSecrets(ctx, req.Config, &resp.Diagnostics)
	_, a, set, _ := p.parts()
	cu, manager := valueOr(a.CUCount, defaultFlinkCU), valueOr(a.ManagerCUCount, defaultFlinkManagerC)
	if !a.ResourceConfig.IsNull() {
		// v2 sizing: DLI ignores the CU counts, so their rule does not apply.
	} else if known(a.CUCount, a.ManagerCUCount) && manager >= cu {
		resp.Diagnostics.AddAttributeError(path.Root("manager_cu_count"), "Too many JobManager CUs",
			fmt.Sprintf("manager_cu_count (%d) must be less than cu_count (%d): the rest runs the TaskManagers.", manager, cu))
	} else if par := valueOr(a.Parallelism, 1); known(a.CUCount, a.ManagerCUCount, a.Parallelism) && par > flinkSlotsPerCU*(cu-manager) {
		resp.Diagnostics.AddAttributeError(path.Root("parallelism"), "Parallelism too high",
			fmt.Sprintf("parallelism (%d) may be at most 4 x (cu_count - manager_cu_count) = %d.", par, flinkSlotsPerCU*(cu-manager)))
	}
	// Unknown storage (from another resource) is given the benefit of the doubt.
	storage := p.hasStorage() || a.ObsBucket.IsUnknown()
	storageName := "obs_bucket"
	if jar, ok := any(&m).(*flinkJarJobModel); ok {
		storage = storage || jar.CheckpointPath.IsUnknown()
		storageName = "checkpoint_path or obs_bucket"
		validateImage(jar, resp)
	}
	if a.CheckpointEnabled.ValueBool() && !storage {
		resp.Diagnostics.AddAttributeError(path.Root("checkpoint_enabled"), "Checkpoints need storage",
			fmt.Sprintf("checkpoint_enabled = true needs %s: DLI stores the checkpoints there.", storageName))
	}
	if a.LogEnabled.ValueBool() && a.ObsBucket.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("log_enabled"), "Logs need a bucket",
			"log_enabled = true needs obs_bucket: DLI saves the job's logs there.")
	}
	for name, v := range map[string]types.Bool{"savepoint_on_update": set.SavepointOnUpdate, "savepoint_on_destroy": set.SavepointOnDestroy} {
		if v.ValueBool() && !storage {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Savepoints need storage",
				fmt.Sprintf("%s = true needs %s: DLI writes the savepoint there.", name, storageName))
		}
	}
	// job_type defaults to flink_opensource_sql_job, which shared_cluster does not run.
	if sql, ok := any(&m).(*flinkSQLJobModel); ok && sql.RunMode.ValueString() == "shared_cluster" &&
		!sql.JobType.IsUnknown() && sql.JobType.ValueString() != client.FlinkJobTypeSQL {
		resp.Diagnostics.AddAttributeError(path.Root("run_mode"), "Run mode not available for this job type",
			`run_mode = "shared_cluster" runs only jobs of job_type = "flink_sql_job".`)
	}
}

// withoutSecretRuntimeConfig is the configuration with secret_runtime_config null. The model holds
// the write-only map as plain strings, which cannot carry the unknown values it has at validation
// when they come from an ephemeral variable or another resource; validateFlinkSecrets reads it
// on its own.
func withoutSecretRuntimeConfig(config tfsdk.Config) (tfsdk.Config, error) {
	secret := tftypes.NewAttributePath().WithAttributeName("secret_runtime_config")
	raw, err := tftypes.Transform(config.Raw, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if p.Equal(secret) {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	return tfsdk.Config{Raw: raw, Schema: config.Schema}, err
}

func validateImage(m *flinkJarJobModel, resp *resource.ValidateConfigResponse) {
	if m.Feature.IsUnknown() || m.Image.IsUnknown() {
		return
	}
	switch {
	case m.Feature.ValueString() == "custom" && m.Image.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("image"), "Missing image",
			`feature = "custom" runs your own image: set image to its SWR name, such as "org/flink:1.15".`)
	case m.Feature.ValueString() != "custom" && !m.Image.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("image"), "Image without custom feature",
			`image is only used with feature = "custom"; set feature = "custom" or remove image.`)
	}
}

func valueOr(v types.Int64, def int64) int64 {
	if v.IsNull() || v.IsUnknown() {
		return def
	}
	return v.ValueInt64()
}

func known(values ...types.Int64) bool {
	for _, v := range values {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}
