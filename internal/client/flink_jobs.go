package client

import (
	"net/http"
	"strconv"
	"strings"
)

// The Flink job collection: /v1.0/{project_id}/streaming/... (dli_02_0228
// and dli_02_0230 create, dli_02_0229 and dli_02_0231 update, dli_02_0233
// run, dli_02_0241 stop, dli_02_0242 delete, dli_02_0235 detail, dli_02_0234
// list). Answers carry the {"is_success","message"} envelope with is_success
// as the string "true"/"false"; run and stop answer a top-level array of such
// envelopes. Job IDs are integers.

const flinkAPIVersion = "v1.0"

// ErrInvalidFlinkJobID is returned (wrapped) when a Flink job ID is not a
// positive integer. No request is sent in that case. It matches ErrInvalidID.
var ErrInvalidFlinkJobID = newIDKind("Flink job")

// ValidFlinkJobID reports whether id is the decimal form of a positive
// 64-bit integer, without sign, spaces or leading zeros.
func ValidFlinkJobID(id string) bool {
	if id == "" || id[0] == '0' || len(id) > 19 || strings.Trim(id, "0123456789") != "" {
		return false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return err == nil && n > 0
}

func checkFlinkID(op, id string) error {
	return checkID(op, ErrInvalidFlinkJobID, id, ValidFlinkJobID, "a positive integer")
}

// flinkJobNotFoundCode is DLI's answer (with HTTP 400) for a Flink job it does
// not know, deleted ones included.
const flinkJobNotFoundCode = "DLI.16001"

// classifyFlink marks "not found": a 400 with DLI.16001, and nothing else (a
// plain 404 is a wrong path or a proxy, not a missing job).
func classifyFlink(e *APIError) {
	if e.StatusCode == http.StatusBadRequest && codeIn(e, []string{flinkJobNotFoundCode}) {
		e.mark(ErrNotFound)
	}
}

// flinkCall is a call on the Flink collection.
func flinkCall(op, subject, method string, segments ...string) apiCall {
	return apiCall{
		op: op, subject: subject, method: method, version: flinkAPIVersion,
		segments: append([]string{"streaming"}, segments...), redact: flinkRedaction, classify: classifyFlink,
		idempotent: method == http.MethodGet || method == http.MethodDelete || method == http.MethodPut,
	}
}

// FlinkJobStatus is the status of a Flink job (status_name on create,
// status in detail and list).
type FlinkJobStatus string

// The fourteen documented statuses (dli_02_0234).
const (
	FlinkInit                FlinkJobStatus = "job_init"
	FlinkSubmitting          FlinkJobStatus = "job_submitting"
	FlinkSubmitFail          FlinkJobStatus = "job_submit_fail"
	FlinkRunning             FlinkJobStatus = "job_running"
	FlinkRunningException    FlinkJobStatus = "job_running_exception"
	FlinkDownloading         FlinkJobStatus = "job_downloading"
	FlinkIdle                FlinkJobStatus = "job_idle"
	FlinkCanceling           FlinkJobStatus = "job_canceling"
	FlinkCancelSuccess       FlinkJobStatus = "job_cancel_success"
	FlinkCancelFail          FlinkJobStatus = "job_cancel_fail"
	FlinkSavepointing        FlinkJobStatus = "job_savepointing"
	FlinkArrearageStopped    FlinkJobStatus = "job_arrearage_stopped"
	FlinkArrearageRecovering FlinkJobStatus = "job_arrearage_recovering"
	FlinkFinish              FlinkJobStatus = "job_finish"
)

var flinkStatuses = []FlinkJobStatus{
	FlinkInit, FlinkSubmitting, FlinkSubmitFail, FlinkRunning, FlinkRunningException, FlinkDownloading, FlinkIdle,
	FlinkCanceling, FlinkCancelSuccess, FlinkCancelFail, FlinkSavepointing, FlinkArrearageStopped,
	FlinkArrearageRecovering, FlinkFinish,
}

// ParseFlinkJobStatus lower-cases and trims a status.
func ParseFlinkJobStatus(s string) FlinkJobStatus {
	return FlinkJobStatus(strings.ToLower(strings.TrimSpace(s)))
}

func (s FlinkJobStatus) String() string { return string(s) }

// IsKnown reports the fourteen documented statuses.
func (s FlinkJobStatus) IsKnown() bool {
	for _, k := range flinkStatuses {
		if s == k {
			return true
		}
	}
	return false
}

// IsActive reports the statuses in which a job uses its queue and must be
// stopped before it is changed: submitting, downloading, running, idle,
// savepointing and recovering from arrears. job_canceling is on its way to
// stopped and is not counted.
func (s FlinkJobStatus) IsActive() bool {
	switch s {
	case FlinkSubmitting, FlinkDownloading, FlinkRunning, FlinkIdle, FlinkSavepointing, FlinkArrearageRecovering:
		return true
	}
	return false
}

// IsStopped reports the statuses in which the job does not run and can be
// updated, run or deleted without stopping: a draft (job_init), stopped,
// finished, failed, or stopped for arrears. job_cancel_fail is not one: the
// stop failed and the job may still run.
func (s FlinkJobStatus) IsStopped() bool {
	switch s {
	case FlinkInit, FlinkCancelSuccess, FlinkFinish, FlinkSubmitFail, FlinkRunningException, FlinkArrearageStopped:
		return true
	}
	return false
}

// IsFailed reports the statuses that mean the job could not run:
// job_submit_fail and job_running_exception.
func (s FlinkJobStatus) IsFailed() bool {
	return s == FlinkSubmitFail || s == FlinkRunningException
}

func flinkStatusNames() []string {
	out := make([]string, len(flinkStatuses))
	for i, s := range flinkStatuses {
		out[i] = string(s)
	}
	return out
}

// FlinkJobKind selects the create and update routes: sql-jobs or flink-jobs.
type FlinkJobKind int

// The two kinds of Flink job.
const (
	FlinkSQL FlinkJobKind = iota
	FlinkJar
)

func (k FlinkJobKind) route() string {
	if k == FlinkJar {
		return "flink-jobs"
	}
	return "sql-jobs"
}

func (k FlinkJobKind) String() string {
	if k == FlinkJar {
		return "Flink Jar job"
	}
	return "Flink SQL job"
}

// Flink job types (job_type in create, detail, list).
const (
	FlinkJobTypeSQL           = "flink_sql_job"
	FlinkJobTypeOpenSourceSQL = "flink_opensource_sql_job"
	FlinkJobTypeEdgeSQL       = "flink_sql_edge_job"
	FlinkJobTypeJar           = "flink_jar_job"
)

// flinkRedaction is what a trace log may show of Flink bodies: names,
// queues, sizes, statuses and packages. The SQL body, runtime
// configuration, entry point arguments and anything not listed are masked.
var flinkRedaction = newRedaction(
	[]string{
		"name", "desc", "queue_name", "run_mode", "job_type", "status", "status_name", "status_desc", "flink_version",
		"feature", "image", "entrypoint", "main_class", "dependency_jars", "dependency_files", "obs_bucket",
		"checkpoint_path", "checkpoint_mode", "smn_topic", "udf_jar_url", "dirty_data_strategy", "savepoint_path",
		"resource_config_version", "execution_agency_urn", "user_name", "username", "key",
	},
	[]string{"sql_body", "runtime_config", "entrypoint_args", "value"},
	nil,
)
