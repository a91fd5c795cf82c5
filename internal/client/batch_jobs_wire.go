package client

import (
	"encoding/json"
	"strings"
	"time"
)

// JobState is the state of a batch job.
type JobState string

// The five DLI batch job states (ShowSparkJobStatus, dli_02_0125).
const (
	StateStarting   JobState = "starting"
	StateRunning    JobState = "running"
	StateRecovering JobState = "recovering"
	StateSuccess    JobState = "success"
	StateDead       JobState = "dead"
)

// ParseJobState normalizes a state case-insensitively ("Success" -> success).
// Unknown values are returned lower-cased.
func ParseJobState(s string) JobState {
	return JobState(strings.ToLower(strings.TrimSpace(s)))
}

// IsTerminal reports success and dead: a job in these states never changes
// state again.
func (s JobState) IsTerminal() bool { return s == StateSuccess || s == StateDead }

// IsActive reports starting, running and recovering: the states in which a
// job can be cancelled.
func (s JobState) IsActive() bool {
	return s == StateStarting || s == StateRunning || s == StateRecovering
}

func (s JobState) String() string { return string(s) }

// JobResource is a package reference (resources[] or groups[].resources[]).
type JobResource struct {
	Name string `json:"name,omitempty"`
	Type string `json:"type,omitempty"`
}

// JobResourceGroup is a package group reference (groups[]).
type JobResourceGroup struct {
	Name      string        `json:"name,omitempty"`
	Resources []JobResource `json:"resources,omitempty"`
}

// CreateBatchJobRequest is the body of POST /v2.0/{project_id}/batches, in
// its wire form: the current camelCase Livy keys (className, pyFiles,
// driverMemory, driverCores, executorMemory, executorCores, numExecutors)
// and the snake_case DLI keys (sc_type, obs_bucket, auto_recovery,
// max_retry_times, spark_version, catalog_name, execution_agency_urn).
// className is always sent (the API documents it as mandatory; "" for
// Python apps), like the official SDK does. CreateBatchJob adds the
// submission marker to a copy of Conf.
type CreateBatchJobRequest struct {
	File      string   `json:"file"`
	ClassName string   `json:"className"`
	Queue     string   `json:"queue,omitempty"`
	Name      string   `json:"name,omitempty"`
	Args      []string `json:"args,omitempty"`
	Jars      []string `json:"jars,omitempty"`
	PyFiles   []string `json:"pyFiles,omitempty"`
	Files     []string `json:"files,omitempty"`
	Modules   []string `json:"modules,omitempty"`

	Resources []JobResource      `json:"resources,omitempty"`
	Groups    []JobResourceGroup `json:"groups,omitempty"`
	Conf      map[string]string  `json:"conf,omitempty"`

	ScType         string `json:"sc_type,omitempty"`
	DriverMemory   string `json:"driverMemory,omitempty"`
	DriverCores    *int   `json:"driverCores,omitempty"`
	ExecutorMemory string `json:"executorMemory,omitempty"`
	ExecutorCores  *int   `json:"executorCores,omitempty"`
	NumExecutors   *int   `json:"numExecutors,omitempty"`

	ObsBucket     string `json:"obs_bucket,omitempty"`
	AutoRecovery  *bool  `json:"auto_recovery,omitempty"`
	MaxRetryTimes *int   `json:"max_retry_times,omitempty"`

	Feature            string `json:"feature,omitempty"`
	SparkVersion       string `json:"spark_version,omitempty"`
	Image              string `json:"image,omitempty"`
	CatalogName        string `json:"catalog_name,omitempty"`
	ExecutionAgencyURN string `json:"execution_agency_urn,omitempty"`
}

// wireBody encodes the request with the submission marker added to a copy of
// conf (the caller's map is not modified).
func (r *CreateBatchJobRequest) wireBody(marker string) ([]byte, error) {
	conf := make(map[string]string, len(r.Conf)+1)
	for k, v := range r.Conf {
		conf[k] = v
	}
	if marker != "" {
		conf[SubmissionMarkerConfKey] = marker
	}
	if len(conf) == 0 {
		conf = nil
	}
	out := *r
	out.Conf = conf
	return json.Marshal(&out)
}

// parseRequestBody decodes a req_body echo into a CreateBatchJobRequest.
// raw may be a JSON string holding the JSON document (the documented form) or
// the object itself. Both camelCase and legacy snake_case keys are accepted;
// when both are present the camelCase one wins. Conf values that are not
// strings are stringified; the submission marker is removed from Conf and
// returned separately. Empty lists and an empty conf become nil.
func parseRequestBody(raw json.RawMessage) (*CreateBatchJobRequest, string) {
	if isNull(raw) {
		return nil, ""
	}
	doc := []byte(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, ""
		}
		doc = []byte(s)
	}
	var m rawObject
	if err := json.Unmarshal(doc, &m); err != nil || m == nil {
		return nil, ""
	}
	pick, str, strs := m.pick, m.str, m.strs
	intp := func(keys ...string) *int {
		if v, ok := jsonToInt64(pick(keys...)); ok {
			i := int(v)
			return &i
		}
		return nil
	}
	boolp := func(keys ...string) *bool {
		if v, ok := jsonToBool(pick(keys...)); ok {
			return &v
		}
		return nil
	}

	req := &CreateBatchJobRequest{
		File:               str("file"),
		ClassName:          str("className", "class_name"),
		Queue:              str("queue", "cluster_name", "queue_name"),
		Name:               str("name"),
		Args:               strs("args"),
		Jars:               strs("jars"),
		PyFiles:            strs("pyFiles", "python_files", "py_files"),
		Files:              strs("files"),
		Modules:            strs("modules"),
		ScType:             str("scType", "sc_type"),
		DriverMemory:       str("driverMemory", "driver_memory"),
		ExecutorMemory:     str("executorMemory", "executor_memory"),
		DriverCores:        intp("driverCores", "driver_cores"),
		ExecutorCores:      intp("executorCores", "executor_cores"),
		NumExecutors:       intp("numExecutors", "num_executors"),
		MaxRetryTimes:      intp("maxRetryTimes", "max_retry_times"),
		AutoRecovery:       boolp("autoRecovery", "auto_recovery"),
		ObsBucket:          str("obsBucket", "obs_bucket"),
		Feature:            str("feature"),
		SparkVersion:       str("sparkVersion", "spark_version"),
		Image:              str("image"),
		CatalogName:        str("catalogName", "catalog_name"),
		ExecutionAgencyURN: str("executionAgencyUrn", "executionAgencyURN", "execution_agency_urn"),
	}
	if v := pick("resources"); v != nil {
		var rs []JobResource
		if json.Unmarshal(v, &rs) == nil && len(rs) > 0 {
			req.Resources = rs
		}
	}
	if v := pick("groups"); v != nil {
		var gs []JobResourceGroup
		if json.Unmarshal(v, &gs) == nil && len(gs) > 0 {
			for i := range gs {
				if len(gs[i].Resources) == 0 {
					gs[i].Resources = nil
				}
			}
			req.Groups = gs
		}
	}
	var marker string
	if v := pick("conf"); v != nil {
		var cm map[string]json.RawMessage
		if json.Unmarshal(v, &cm) == nil {
			conf := make(map[string]string, len(cm))
			for k, val := range cm {
				if k == SubmissionMarkerConfKey {
					marker = jsonToString(val)
					continue
				}
				conf[k] = jsonToString(val)
			}
			if len(conf) > 0 {
				req.Conf = conf
			}
		}
	}
	return req, marker
}

// BatchJob is a batch job as returned by create, get and list.
type BatchJob struct {
	ID    string
	State JobState
	// AppID is decoded tolerantly: a string as is, an array as its element(s)
	// joined with ",", null as "".
	AppID string

	Name         string
	Owner        string
	ProxyUser    string
	Kind         string
	ScType       string
	Queue        string // queue, or cluster_name when queue is absent
	ClusterName  string
	Image        string
	Feature      string
	SparkVersion string

	// Log holds the last log lines (nil when the key is missing).
	Log []string

	CreatedAt time.Time // UTC; zero when absent
	UpdatedAt time.Time // UTC; zero when absent
	Duration  time.Duration

	// Request is the original submission parsed from req_body (nil when
	// absent or unparseable). The submission marker is stripped from its
	// Conf.
	Request *CreateBatchJobRequest
	// SubmissionID is the submission marker found in req_body, if any.
	SubmissionID string
}

type batchJobWire struct {
	ID           flexString      `json:"id"`
	State        flexString      `json:"state"`
	AppID        json.RawMessage `json:"appId"`
	Name         flexString      `json:"name"`
	Owner        flexString      `json:"owner"`
	ProxyUser    flexString      `json:"proxyUser"`
	Kind         flexString      `json:"kind"`
	ScType       flexString      `json:"sc_type"`
	Queue        flexString      `json:"queue"`
	ClusterName  flexString      `json:"cluster_name"`
	Image        flexString      `json:"image"`
	Feature      flexString      `json:"feature"`
	SparkVersion flexString      `json:"spark_version"`
	Log          json.RawMessage `json:"log"`
	CreateTime   flexInt64       `json:"create_time"`
	UpdateTime   flexInt64       `json:"update_time"`
	Duration     flexInt64       `json:"duration"`
	ReqBody      json.RawMessage `json:"req_body"`
}

// UnmarshalJSON decodes the API's job object tolerantly.
func (j *BatchJob) UnmarshalJSON(b []byte) error {
	var w batchJobWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*j = BatchJob{
		ID:           string(w.ID),
		State:        ParseJobState(string(w.State)),
		AppID:        appIDFromJSON(w.AppID),
		Name:         string(w.Name),
		Owner:        string(w.Owner),
		ProxyUser:    string(w.ProxyUser),
		Kind:         string(w.Kind),
		ScType:       string(w.ScType),
		Queue:        string(w.Queue),
		ClusterName:  string(w.ClusterName),
		Image:        string(w.Image),
		Feature:      string(w.Feature),
		SparkVersion: string(w.SparkVersion),
		Log:          jsonToStrings(w.Log),
		CreatedAt:    msToTime(int64(w.CreateTime)),
		UpdatedAt:    msToTime(int64(w.UpdateTime)),
		Duration:     time.Duration(w.Duration) * time.Millisecond,
	}
	if j.Queue == "" {
		j.Queue = j.ClusterName
	}
	j.Request, j.SubmissionID = parseRequestBody(w.ReqBody)
	return nil
}

// batchStates are the five documented states, in their usual order.
var batchStates = []JobState{StateStarting, StateRunning, StateRecovering, StateSuccess, StateDead}

// IsKnown reports the five documented states.
func (s JobState) IsKnown() bool { return s.IsActive() || s.IsTerminal() }

func batchStateNames() []string {
	out := make([]string, len(batchStates))
	for i, s := range batchStates {
		out[i] = string(s)
	}
	return out
}

// batchRedaction is what a trace log may show of batch bodies: names,
// packages, sizes and states. conf values and application arguments are
// masked whole (they routinely carry passwords); req_body is the submission
// echoed as a JSON string and redacted the same way; the job log and any key
// not listed here are masked.
var batchRedaction = newRedaction(
	[]string{
		"file", "className", "class_name", "queue", "queue_name", "cluster_name", "name", "kind",
		"sc_type", "scType", "jars", "pyFiles", "python_files", "py_files", "files", "modules", "resources",
		"groups", "type", "driverMemory", "driver_memory", "executorMemory", "executor_memory",
		"obs_bucket", "obsBucket", "feature", "spark_version", "sparkVersion", "image",
		"catalog_name", "catalogName", "id", "state", "appId", "owner", "proxyUser",
	},
	[]string{"conf", "args"},
	[]string{"req_body"},
)
