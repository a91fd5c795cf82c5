package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// NewBatchJobListResource returns the dli_batch_job list resource.
func NewBatchJobListResource() list.ListResource { return &batchJobListResource{} }

type batchJobListResource = listResource[batchJobList, batchJobListModel, client.BatchJob]

// batchJobListModel holds the filters, those of dli_batch_jobs.
type batchJobListModel struct {
	Queue         types.String `tfsdk:"queue"`
	Name          types.String `tfsdk:"name"`
	NamePrefix    types.String `tfsdk:"name_prefix"`
	NameRegex     types.String `tfsdk:"name_regex"`
	State         types.String `tfsdk:"state"`
	Owner         types.String `tfsdk:"owner"`
	CreatedAfter  types.String `tfsdk:"created_after"`
	CreatedBefore types.String `tfsdk:"created_before"`
	Order         types.String `tfsdk:"order"`
}

type batchJobList struct{}

func (batchJobList) listSpec() listSpec[batchJobListModel, client.BatchJob] {
	return listSpec[batchJobListModel, client.BatchJob]{
		typeName: "_batch_job",
		description: "Finds Spark batch jobs for `terraform query` (Terraform 1.14 and later), with the filters of " +
			"the `dli_batch_jobs` data source, following every page. Each result carries the job's identity and, with " +
			"`include_resource` (or `-generate-config-out`), the job as `dli_batch_job` would read it after an import: " +
			"the generated `resource` and `import` blocks plan with no change, so that jobs started by hand are adopted " +
			"in one step. `secret_conf` values are never part of a result: DLI's copy of the conf is shown without them.",
		filters: NewBatchJobsDataSource,
		plural:  "batch jobs",
		list: func(ctx context.Context, c *client.Client, f *batchJobListModel, limit int64, _ *diag.Diagnostics) ([]client.BatchJob, error) {
			opts := f.options()
			opts.Limit = int(limit)
			return c.ListBatchJobs(ctx, opts)
		},
		keep: func(f *batchJobListModel) func(*client.BatchJob) bool {
			prefix, pattern := f.NamePrefix.ValueString(), f.NameRegex.ValueString()
			if prefix == "" && pattern == "" {
				return nil
			}
			keep := nameFilter(prefix, pattern)
			return func(job *client.BatchJob) bool { return keep(job.Name) }
		},
		id: func(job *client.BatchJob) string { return job.ID },
		display: func(job *client.BatchJob) string {
			return fmt.Sprintf("%s (%s)", firstNonEmpty(job.Name, job.ID), stateDesc(job.State))
		},
		// The listed job carries the submission; else one read gets it.
		resource: func(ctx context.Context, c *client.Client, job *client.BatchJob, diags *diag.Diagnostics) any {
			if job.Request == nil {
				detail, err := c.GetBatchJob(ctx, job.ID)
				if err != nil {
					readError(diags, "batch job", job.ID, err)
					return nil
				}
				job = detail
			}
			m := importedBatchJob(job)
			return &m
		},
	}
}

// options are the filters DLI applies.
func (f *batchJobListModel) options() client.ListOptions {
	opts := client.ListOptions{
		Queue: f.Queue.ValueString(), JobName: f.Name.ValueString(), State: f.State.ValueString(),
		Owner: f.Owner.ValueString(), Order: f.Order.ValueString(),
	}
	opts.CreatedAfter, _ = parseOptionalTime(f.CreatedAfter)
	opts.CreatedBefore, _ = parseOptionalTime(f.CreatedBefore)
	return opts
}

// importedBatchJob is the resource as ImportState and the Read after it make it.
func importedBatchJob(job *client.BatchJob) batchJobResourceModel {
	data := jobDataFromClient(job)
	m := batchJobResourceModel{ID: data.ID, jobArgsModel: data.jobArgsModel, jobStatusModel: data.jobStatusModel}
	m.adoptDefaults(waitForSubmitted)
	m.Timeouts = timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{ // as in the schema's timeouts
		"create": types.StringType, "read": types.StringType, "delete": types.StringType,
	})}
	m.SecretConfVersion = types.Int64Null()
	return m
}
