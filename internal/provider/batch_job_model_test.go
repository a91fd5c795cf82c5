package provider

import (
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

func ptr[T any](v T) *T { return &v }

func sampleJob() *client.BatchJob {
	return &client.BatchJob{
		ID: "0a324461-d9d9-45da-a52a-3b3c7a3d809e", State: client.StateRunning, AppID: "application_1", Owner: "alice",
		Kind: "spark", ScType: "CUSTOMIZED", Queue: "default",
		CreatedAt: time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 11, 28, 9, 30, 1, 500_000_000, time.UTC),
		Request: &client.CreateBatchJobRequest{
			Queue: "default", File: "obs://b/app.jar", ClassName: "com.example.Main", Args: []string{"a"},
			Conf: map[string]string{"spark.x": "1"}, DriverCores: ptr(2), AutoRecovery: ptr(true), MaxRetryTimes: ptr(5),
			Resources: []client.JobResource{{Name: "r.jar", Type: "jar"}},
			Groups:    []client.JobResourceGroup{{Name: "g", Resources: []client.JobResource{{Name: "g.jar", Type: "jar"}}}},
		},
	}
}

// model -> request -> (DLI's echo) -> model: what the user wrote comes back as written.
func TestJobArgs_roundTrip(t *testing.T) {
	t.Parallel()
	full := jobArgsFromRequest(sampleJob().Request, sampleJob(), jobArgsModel{})
	tests := []struct {
		name string
		args jobArgsModel
	}{
		{"every kind of argument", full},
		{"only what is required", emptyJobArgsWith("q", "obs://b/a.py")},
		{"empty collections stay empty", func() jobArgsModel {
			a := emptyJobArgsWith("q", "obs://b/a.py")
			a.Args, a.Jars, a.Conf, a.Resources, a.Groups = []string{}, []string{}, map[string]string{}, []packageModel{}, []groupModel{}
			return a
		}()},
		{"defaults spelled out", func() jobArgsModel {
			a := emptyJobArgsWith("q", "obs://b/a.py")
			a.AutoRecovery, a.MaxRetryTimes = types.BoolValue(false), types.Int64Value(defaultDLIMaxRetryTimes)
			return a
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := tt.args.toCreateRequest()
			if got := jobArgsFromRequest(req, &client.BatchJob{}, tt.args); !reflect.DeepEqual(got, tt.args) {
				t.Errorf("round trip changed the arguments:\n got %+v\nwant %+v", got, tt.args)
			}
		})
	}
}

// What DLI adds or leaves out of its copy of the submission.
func TestJobArgsFromRequest_nullsAndDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		echo  client.CreateBatchJobRequest
		prior jobArgsModel
		check func(jobArgsModel) bool
	}{
		{"DLI's default retries, never set", client.CreateBatchJobRequest{MaxRetryTimes: ptr(20)}, jobArgsModel{},
			func(a jobArgsModel) bool { return a.MaxRetryTimes.IsNull() }},
		{"DLI's default retries, spelled out", client.CreateBatchJobRequest{}, jobArgsModel{MaxRetryTimes: types.Int64Value(20)},
			func(a jobArgsModel) bool { return a.MaxRetryTimes.ValueInt64() == 20 }},
		{"retries changed outside", client.CreateBatchJobRequest{MaxRetryTimes: ptr(3)}, jobArgsModel{MaxRetryTimes: types.Int64Value(20)},
			func(a jobArgsModel) bool { return a.MaxRetryTimes.ValueInt64() == 3 }},
		{"auto_recovery false echoed, never set", client.CreateBatchJobRequest{AutoRecovery: ptr(false)}, jobArgsModel{},
			func(a jobArgsModel) bool { return a.AutoRecovery.IsNull() }},
		{"auto_recovery false spelled out, not echoed", client.CreateBatchJobRequest{}, jobArgsModel{AutoRecovery: types.BoolValue(false)},
			func(a jobArgsModel) bool { return !a.AutoRecovery.IsNull() && !a.AutoRecovery.ValueBool() }},
		{"auto_recovery turned off outside", client.CreateBatchJobRequest{AutoRecovery: ptr(false)}, jobArgsModel{AutoRecovery: types.BoolValue(true)},
			func(a jobArgsModel) bool { return !a.AutoRecovery.IsNull() && !a.AutoRecovery.ValueBool() }},
		{"empty strings stay null", client.CreateBatchJobRequest{ClassName: "", Name: ""}, jobArgsModel{},
			func(a jobArgsModel) bool { return a.ClassName.IsNull() && a.Name.IsNull() }},
		{"queue from the job when the echo has none", client.CreateBatchJobRequest{}, jobArgsModel{},
			func(a jobArgsModel) bool { return a.Queue.ValueString() == "legacy" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := jobArgsFromRequest(&tt.echo, &client.BatchJob{ClusterName: "legacy"}, tt.prior)
			if !tt.check(got) {
				t.Errorf("unexpected arguments %+v", got)
			}
		})
	}
}

func TestStatusFromJob(t *testing.T) {
	t.Parallel()
	s := statusFromJob(sampleJob())
	if s.CreatedAt.ValueString() != "2026-11-28T09:30:00.000Z" || s.UpdatedAt.ValueString() != "2026-11-28T09:30:01.500Z" {
		t.Errorf("times %s and %s, want RFC 3339 with three fractional digits", s.CreatedAt, s.UpdatedAt)
	}
	if !s.ProxyUser.IsNull() {
		t.Errorf("an empty proxy_user is %s, want null", s.ProxyUser)
	}
	job := sampleJob()
	job.ProxyUser = "tenant"
	if got := statusFromJob(job).ProxyUser.ValueString(); got != "tenant" {
		t.Errorf("proxy_user = %q", got)
	}
	if got := statusFromJob(&client.BatchJob{}).CreatedAt.ValueString(); got != "" {
		t.Errorf("a missing time is %q, want empty", got)
	}
}

func emptyJobArgsWith(queue, file string) jobArgsModel {
	a := emptyJobArgs()
	a.Queue, a.File = types.StringValue(queue), types.StringValue(file)
	return a
}
