package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// jobArgsModel holds the create arguments of a job. The resource and the data sources share it,
// so the same names mean the same things everywhere.
type jobArgsModel struct {
	Queue              types.String      `tfsdk:"queue"`
	File               types.String      `tfsdk:"file"`
	ClassName          types.String      `tfsdk:"class_name"`
	Name               types.String      `tfsdk:"name"`
	Args               []string          `tfsdk:"args"`
	Jars               []string          `tfsdk:"jars"`
	PythonFiles        []string          `tfsdk:"python_files"`
	Files              []string          `tfsdk:"files"`
	Modules            []string          `tfsdk:"modules"`
	Resources          []packageModel    `tfsdk:"resources"`
	Groups             []groupModel      `tfsdk:"groups"`
	Conf               map[string]string `tfsdk:"conf"`
	Specification      types.String      `tfsdk:"specification"`
	DriverMemory       types.String      `tfsdk:"driver_memory"`
	DriverCores        types.Int64       `tfsdk:"driver_cores"`
	ExecutorMemory     types.String      `tfsdk:"executor_memory"`
	ExecutorCores      types.Int64       `tfsdk:"executor_cores"`
	NumExecutors       types.Int64       `tfsdk:"num_executors"`
	ObsBucket          types.String      `tfsdk:"obs_bucket"`
	AutoRecovery       types.Bool        `tfsdk:"auto_recovery"`
	MaxRetryTimes      types.Int64       `tfsdk:"max_retry_times"`
	Feature            types.String      `tfsdk:"feature"`
	SparkVersion       types.String      `tfsdk:"spark_version"`
	Image              types.String      `tfsdk:"image"`
	CatalogName        types.String      `tfsdk:"catalog_name"`
	ExecutionAgencyURN types.String      `tfsdk:"execution_agency_urn"`
}

type packageModel struct {
	Name types.String `tfsdk:"name"`
	Type types.String `tfsdk:"type"`
}

type groupModel struct {
	Name      types.String   `tfsdk:"name"`
	Resources []packageModel `tfsdk:"resources"`
}

// jobStatusModel holds what DLI reports about a submitted job.
type jobStatusModel struct {
	State     types.String `tfsdk:"state"`
	AppID     types.String `tfsdk:"app_id"`
	Owner     types.String `tfsdk:"owner"`
	ProxyUser types.String `tfsdk:"proxy_user"`
	Kind      types.String `tfsdk:"kind"`
	ScType    types.String `tfsdk:"sc_type"`
	CreatedAt types.String `tfsdk:"created_at"`
	UpdatedAt types.String `tfsdk:"updated_at"`
}

// toCreateRequest turns the arguments into the API's create request.
func (a jobArgsModel) toCreateRequest() *client.CreateBatchJobRequest {
	req := &client.CreateBatchJobRequest{
		File:               a.File.ValueString(),
		ClassName:          a.ClassName.ValueString(),
		Queue:              a.Queue.ValueString(),
		Name:               a.Name.ValueString(),
		Args:               a.Args,
		Jars:               a.Jars,
		PyFiles:            a.PythonFiles,
		Files:              a.Files,
		Modules:            a.Modules,
		Conf:               a.Conf,
		ScType:             a.Specification.ValueString(),
		DriverMemory:       a.DriverMemory.ValueString(),
		ExecutorMemory:     a.ExecutorMemory.ValueString(),
		DriverCores:        intPointer(a.DriverCores),
		ExecutorCores:      intPointer(a.ExecutorCores),
		NumExecutors:       intPointer(a.NumExecutors),
		MaxRetryTimes:      intPointer(a.MaxRetryTimes),
		AutoRecovery:       a.AutoRecovery.ValueBoolPointer(),
		ObsBucket:          a.ObsBucket.ValueString(),
		Feature:            a.Feature.ValueString(),
		SparkVersion:       a.SparkVersion.ValueString(),
		Image:              a.Image.ValueString(),
		CatalogName:        a.CatalogName.ValueString(),
		ExecutionAgencyURN: a.ExecutionAgencyURN.ValueString(),
	}
	for _, r := range a.Resources {
		req.Resources = append(req.Resources, r.toClient())
	}
	for _, g := range a.Groups {
		group := client.JobResourceGroup{Name: g.Name.ValueString()}
		for _, r := range g.Resources {
			group.Resources = append(group.Resources, r.toClient())
		}
		req.Groups = append(req.Groups, group)
	}
	return req
}

func (p packageModel) toClient() client.JobResource {
	return client.JobResource{Name: p.Name.ValueString(), Type: p.Type.ValueString()}
}

// jobArgsFromRequest rebuilds the arguments from the submission DLI echoes back (req_body).
// DLI fills unset fields with empty values; where the prior value was null they stay null,
// so neither an imported job nor a refreshed one shows a spurious diff.
func jobArgsFromRequest(req *client.CreateBatchJobRequest, job *client.BatchJob, prior jobArgsModel) jobArgsModel {
	queue := req.Queue
	if queue == "" {
		queue = firstNonEmpty(job.Queue, job.ClusterName)
	}
	a := jobArgsModel{
		Queue:              types.StringValue(queue),
		File:               types.StringValue(req.File),
		ClassName:          keepNullString(prior.ClassName, req.ClassName),
		Name:               keepNullString(prior.Name, req.Name),
		Args:               keepNullList(prior.Args, req.Args),
		Jars:               keepNullList(prior.Jars, req.Jars),
		PythonFiles:        keepNullList(prior.PythonFiles, req.PyFiles),
		Files:              keepNullList(prior.Files, req.Files),
		Modules:            keepNullList(prior.Modules, req.Modules),
		Conf:               keepNullMap(prior.Conf, withoutSecretConf(req.Conf)),
		Specification:      keepNullString(prior.Specification, req.ScType),
		DriverMemory:       keepNullString(prior.DriverMemory, req.DriverMemory),
		ExecutorMemory:     keepNullString(prior.ExecutorMemory, req.ExecutorMemory),
		DriverCores:        int64Value(req.DriverCores),
		ExecutorCores:      int64Value(req.ExecutorCores),
		NumExecutors:       int64Value(req.NumExecutors),
		MaxRetryTimes:      int64Value(req.MaxRetryTimes),
		AutoRecovery:       types.BoolPointerValue(req.AutoRecovery),
		ObsBucket:          keepNullString(prior.ObsBucket, req.ObsBucket),
		Feature:            keepNullString(prior.Feature, req.Feature),
		SparkVersion:       keepNullString(prior.SparkVersion, req.SparkVersion),
		Image:              keepNullString(prior.Image, req.Image),
		CatalogName:        keepNullString(prior.CatalogName, req.CatalogName),
		ExecutionAgencyURN: keepNullString(prior.ExecutionAgencyURN, req.ExecutionAgencyURN),
	}
	// DLI may echo defaults for values the user never set (auto_recovery false, max_retry_times
	// 20), or leave them out: either way the prior value, null or the default spelled out, stays.
	if !a.AutoRecovery.ValueBool() && (prior.AutoRecovery.IsNull() || !prior.AutoRecovery.ValueBool()) {
		a.AutoRecovery = prior.AutoRecovery
	}
	if retries := a.MaxRetryTimes; retries.IsNull() || retries.ValueInt64() == defaultDLIMaxRetryTimes {
		if prior.MaxRetryTimes.IsNull() || prior.MaxRetryTimes.ValueInt64() == defaultDLIMaxRetryTimes {
			a.MaxRetryTimes = prior.MaxRetryTimes
		}
	}
	if len(req.Resources) > 0 {
		a.Resources = make([]packageModel, 0, len(req.Resources))
		for _, r := range req.Resources {
			a.Resources = append(a.Resources, packageFromClient(r))
		}
	} else if prior.Resources != nil {
		a.Resources = []packageModel{}
	}
	if len(req.Groups) > 0 {
		a.Groups = make([]groupModel, 0, len(req.Groups))
		for _, g := range req.Groups {
			group := groupModel{Name: types.StringValue(g.Name), Resources: []packageModel{}}
			for _, r := range g.Resources {
				group.Resources = append(group.Resources, packageFromClient(r))
			}
			a.Groups = append(a.Groups, group)
		}
	} else if prior.Groups != nil {
		a.Groups = []groupModel{}
	}
	return a
}

func packageFromClient(r client.JobResource) packageModel {
	return packageModel{Name: types.StringValue(r.Name), Type: types.StringValue(r.Type)}
}

func statusFromJob(job *client.BatchJob) jobStatusModel {
	return jobStatusModel{
		State:     types.StringValue(string(job.State)),
		AppID:     types.StringValue(job.AppID),
		Owner:     types.StringValue(job.Owner),
		ProxyUser: optionalString(job.ProxyUser),
		Kind:      types.StringValue(job.Kind),
		ScType:    types.StringValue(job.ScType),
		CreatedAt: types.StringValue(formatTime(job.CreatedAt)),
		UpdatedAt: types.StringValue(formatTime(job.UpdatedAt)),
	}
}

// timeLayout is RFC 3339 with exactly three fractional digits: DLI keeps milliseconds, and a
// fixed width keeps times comparable as text.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// optionalString is null for "": DLI reports "" for what it does not know.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func intPointer(v types.Int64) *int {
	return pointerTo(v, func(v types.Int64) int { return int(v.ValueInt64()) })
}

func int64Value(p *int) types.Int64 {
	if p == nil {
		return types.Int64Null()
	}
	return types.Int64Value(int64(*p))
}

func keepNullString(prior types.String, v string) types.String {
	if v == "" && prior.IsNull() {
		return types.StringNull()
	}
	return types.StringValue(v)
}

func keepNullList(prior, v []string) []string {
	if len(v) == 0 {
		if prior == nil {
			return nil
		}
		return []string{}
	}
	return v
}

func keepNullMap(prior, v map[string]string) map[string]string {
	if len(v) == 0 {
		if prior == nil {
			return nil
		}
		return map[string]string{}
	}
	return v
}
