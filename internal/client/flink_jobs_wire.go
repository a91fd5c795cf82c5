package client

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// FlinkSubmissionMarkerKey is the runtime_config key under which
// CreateFlinkJob records a unique submission ID (a random UUID) in every job it
// creates, to find the job again when the answer to a create is lost. Flink
// ignores configuration keys it does not know. Jobs read back have it removed
// from RuntimeConfig and exposed as FlinkJob.SubmissionID.
const FlinkSubmissionMarkerKey = "terraform.submission.id"

// FlinkJobRequest is the body of a Flink job create or update. A nil pointer
// (or nil slice or map) is not sent; a pointer to "" or an empty slice is
// sent as such, which is how an update clears a value. Fields of the other
// kind are ignored.
type FlinkJobRequest struct {
	Kind FlinkJobKind

	Name        *string // name, at most 57 characters
	Description *string // desc
	Queue       *string // queue_name

	FlinkVersion       *string // flink_version
	CUNumber           *int64  // cu_number (JobManager CUs included)
	ManagerCUNumber    *int64  // manager_cu_number
	ParallelNumber     *int64  // parallel_number
	TMCUs              *int64  // tm_cus
	TMSlotNum          *int64  // tm_slot_num
	CheckpointEnabled  *bool   // checkpoint_enabled
	CheckpointMode     *string // "exactly_once" or "at_least_once", sent as 1 or 2
	CheckpointInterval *int64  // checkpoint_interval, seconds
	ObsBucket          *string // obs_bucket
	LogEnabled         *bool   // log_enabled
	SMNTopic           *string // smn_topic
	RestartOnException *bool   // restart_when_exception
	ResumeCheckpoint   *bool   // resume_checkpoint
	ResumeMaxNum       *int64  // resume_max_num (-1: unlimited)
	ExecutionAgencyURN *string // execution_agency_urn
	// RuntimeConfig is sent as DLI's string: a JSON array of {key, value}.
	RuntimeConfig map[string]string
	// Tags are sent as an array of {key, value}.
	Tags map[string]string
	// ResourceConfig, when set, is sent with resource_config_version v2 (DLI then ignores the
	// CU counts).
	ResourceConfig *FlinkResourceConfig

	// Flink SQL jobs.
	SQLBody            *string // sql_body
	RunMode            *string // run_mode
	JobType            *string // job_type
	IdleStateRetention *int64  // idle_state_retention, seconds
	DirtyDataStrategy  *string // dirty_data_strategy: "0", "1" or "2:obs://..."
	UDFJarURL          *string // udf_jar_url

	// Flink Jar jobs.
	Entrypoint *string // entrypoint (main JAR)
	MainClass  *string // main_class
	// EntrypointArgs is sent as DLI's space-separated string.
	EntrypointArgs  []string
	DependencyJars  []string // dependency_jars
	DependencyFiles []string // dependency_files
	Feature         *string  // feature: basic or custom
	Image           *string  // image, with feature custom
	CheckpointPath  *string  // checkpoint_path
}

// checkpointModes maps the names to the integers create and update take.
var checkpointModes = map[string]int{"exactly_once": 1, "at_least_once": 2}

// CheckpointModeName reads a checkpoint mode as detail answers it (a name) or
// as create takes it (1 or 2); anything else is returned as is.
func CheckpointModeName(v string) string {
	switch s := strings.ToLower(strings.TrimSpace(v)); s {
	case "1", "exactlyonce", "exactly_once":
		return "exactly_once"
	case "2", "atleastonce", "at_least_once":
		return "at_least_once"
	default:
		return s
	}
}

type keyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func keyValues(m map[string]string) []keyValue {
	out := make([]keyValue, 0, len(m))
	for k, v := range m {
		out = append(out, keyValue{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// wireBody encodes the request; marker (when not "") is added to a copy of
// the runtime configuration.
func (r *FlinkJobRequest) wireBody(marker string) ([]byte, error) {
	m := map[string]interface{}{}
	str := func(k string, v *string) {
		if v != nil {
			m[k] = *v
		}
	}
	num := func(k string, v *int64) {
		if v != nil {
			m[k] = *v
		}
	}
	flag := func(k string, v *bool) {
		if v != nil {
			m[k] = *v
		}
	}
	list := func(k string, v []string) {
		if v != nil {
			m[k] = v
		}
	}
	str("name", r.Name)
	str("desc", r.Description)
	str("queue_name", r.Queue)
	str("flink_version", r.FlinkVersion)
	num("cu_number", r.CUNumber)
	num("manager_cu_number", r.ManagerCUNumber)
	num("parallel_number", r.ParallelNumber)
	num("tm_cus", r.TMCUs)
	num("tm_slot_num", r.TMSlotNum)
	flag("checkpoint_enabled", r.CheckpointEnabled)
	if r.CheckpointMode != nil {
		if n, ok := checkpointModes[CheckpointModeName(*r.CheckpointMode)]; ok {
			m["checkpoint_mode"] = n
		}
	}
	num("checkpoint_interval", r.CheckpointInterval)
	str("obs_bucket", r.ObsBucket)
	flag("log_enabled", r.LogEnabled)
	str("smn_topic", r.SMNTopic)
	flag("restart_when_exception", r.RestartOnException)
	flag("resume_checkpoint", r.ResumeCheckpoint)
	num("resume_max_num", r.ResumeMaxNum)
	str("execution_agency_urn", r.ExecutionAgencyURN)
	if r.RuntimeConfig != nil || marker != "" {
		rc := make(map[string]string, len(r.RuntimeConfig)+1)
		for k, v := range r.RuntimeConfig {
			rc[k] = v
		}
		if marker != "" {
			rc[FlinkSubmissionMarkerKey] = marker
		}
		b, err := json.Marshal(keyValues(rc))
		if err != nil {
			return nil, err
		}
		m["runtime_config"] = string(b)
	}
	if r.Tags != nil {
		m["tags"] = keyValues(r.Tags)
	}
	if r.ResourceConfig != nil {
		m["resource_config_version"], m["resource_config"] = "v2", r.ResourceConfig.wire()
	}
	if r.Kind == FlinkJar {
		str("entrypoint", r.Entrypoint)
		str("main_class", r.MainClass)
		if r.EntrypointArgs != nil {
			m["entrypoint_args"] = strings.Join(r.EntrypointArgs, " ")
		}
		list("dependency_jars", r.DependencyJars)
		list("dependency_files", r.DependencyFiles)
		str("feature", r.Feature)
		str("image", r.Image)
		str("checkpoint_path", r.CheckpointPath)
	} else {
		str("sql_body", r.SQLBody)
		str("run_mode", r.RunMode)
		str("job_type", r.JobType)
		num("idle_state_retention", r.IdleStateRetention)
		str("dirty_data_strategy", r.DirtyDataStrategy)
		str("udf_jar_url", r.UDFJarURL)
	}
	return json.Marshal(m)
}

// secretValues lists what must never be shown back: the SQL body and the
// runtime configuration values.
func (r *FlinkJobRequest) secretValues() []string {
	var out []string
	if r.SQLBody != nil {
		out = append(out, *r.SQLBody)
	}
	for _, v := range r.RuntimeConfig {
		out = append(out, v)
	}
	return append(out, r.EntrypointArgs...)
}

// FlinkJob is a Flink job as detail and list (with show_detail) report it.
// Pointers are nil when DLI did not report the value.
type FlinkJob struct {
	ID          string
	Name        string
	Description string
	JobType     string
	Status      FlinkJobStatus
	StatusDesc  string
	Queue       string
	RunMode     string
	UserName    string

	SQLBody        string
	MainClass      string
	EntrypointArgs []string
	Feature        string
	FlinkVersion   string
	Image          string

	SavepointPath string
	HasSavepoint  bool
	RestartTimes  int64

	CreatedAt time.Time // UTC; zero when absent
	StartedAt time.Time // zero when null (never started)
	UpdatedAt time.Time

	Config FlinkJobConfig
	// Tags, when the answer carries them (detail does not document them).
	Tags map[string]string
	// SubmissionID is the marker found in the runtime configuration, if any.
	SubmissionID string
}

// FlinkJobConfig is detail's job_config.
type FlinkJobConfig struct {
	CheckpointEnabled  *bool
	CheckpointMode     string // exactly_once or at_least_once
	CheckpointInterval *int64
	LogEnabled         *bool
	ObsBucket          string
	SMNTopic           string
	CUNumber           *int64
	ManagerCUNumber    *int64
	ParallelNumber     *int64
	TMCUs              *int64
	TMSlotNum          *int64
	RestartOnException *bool
	ResumeCheckpoint   *bool
	ResumeMaxNum       *int64
	CheckpointPath     string
	IdleStateRetention *int64
	UDFJarURL          string
	DirtyDataStrategy  string
	Entrypoint         string
	DependencyJars     []string
	DependencyFiles    []string
	ExecutionAgencyURN string
	// RuntimeConfig, without the submission marker (nil when absent).
	RuntimeConfig map[string]string
	// Feature, FlinkVersion and Image appear here in list answers.
	Feature, FlinkVersion, Image string
	// ResourceConfigVersion is v1 (CU counts) or v2 (ResourceConfig).
	ResourceConfigVersion string
	ResourceConfig        *FlinkResourceConfig
}

type flinkJobWire struct {
	JobID          flexString      `json:"job_id"`
	Name           flexString      `json:"name"`
	Desc           flexString      `json:"desc"`
	JobType        flexString      `json:"job_type"`
	Status         flexString      `json:"status"`
	StatusName     flexString      `json:"status_name"`
	StatusDesc     flexString      `json:"status_desc"`
	QueueName      flexString      `json:"queue_name"`
	RunMode        flexString      `json:"run_mode"`
	UserName       flexString      `json:"user_name"`
	Username       flexString      `json:"username"`
	SQLBody        flexString      `json:"sql_body"`
	MainClass      flexString      `json:"main_class"`
	EntrypointArgs flexString      `json:"entrypoint_args"`
	Feature        flexString      `json:"feature"`
	FlinkVersion   flexString      `json:"flink_version"`
	Image          flexString      `json:"image"`
	SavepointPath  flexString      `json:"savepoint_path"`
	HasSavepoint   json.RawMessage `json:"has_savepoint"`
	RestartTimes   flexInt64       `json:"restart_times"`
	CreateTime     flexInt64       `json:"create_time"`
	StartTime      flexInt64       `json:"start_time"`
	UpdateTime     flexInt64       `json:"update_time"`
	JobConfig      json.RawMessage `json:"job_config"`
	Tags           json.RawMessage `json:"tags"`
}

// UnmarshalJSON decodes a job tolerantly: numbers may come as strings,
// job_config may be null or missing.
func (j *FlinkJob) UnmarshalJSON(b []byte) error {
	var w flinkJobWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	status := firstNonEmpty(string(w.Status), string(w.StatusName))
	*j = FlinkJob{
		ID: string(w.JobID), Name: string(w.Name), Description: string(w.Desc), JobType: string(w.JobType),
		Status: ParseFlinkJobStatus(status), StatusDesc: string(w.StatusDesc), Queue: string(w.QueueName),
		RunMode: string(w.RunMode), UserName: firstNonEmpty(string(w.UserName), string(w.Username)),
		SQLBody: string(w.SQLBody), MainClass: string(w.MainClass), EntrypointArgs: strings.Fields(string(w.EntrypointArgs)),
		Feature: string(w.Feature), FlinkVersion: string(w.FlinkVersion), Image: string(w.Image),
		SavepointPath: string(w.SavepointPath), RestartTimes: int64(w.RestartTimes),
		CreatedAt: msToTime(int64(w.CreateTime)), StartedAt: msToTime(int64(w.StartTime)),
		UpdatedAt: msToTime(int64(w.UpdateTime)), Tags: decodeKeyValues(w.Tags),
	}
	j.HasSavepoint, _ = jsonToBool(w.HasSavepoint)
	j.Config, j.SubmissionID = decodeFlinkConfig(w.JobConfig)
	j.Feature = firstNonEmpty(j.Feature, j.Config.Feature)
	j.FlinkVersion = firstNonEmpty(j.FlinkVersion, j.Config.FlinkVersion)
	j.Image = firstNonEmpty(j.Image, j.Config.Image)
	return nil
}

func decodeFlinkConfig(raw json.RawMessage) (FlinkJobConfig, string) {
	var m map[string]json.RawMessage
	if isNull(raw) || json.Unmarshal(raw, &m) != nil {
		return FlinkJobConfig{}, ""
	}
	str := func(k string) string { return jsonToString(m[k]) }
	num := func(k string) *int64 {
		if v, ok := jsonToInt64(m[k]); ok {
			return &v
		}
		return nil
	}
	flag := func(k string) *bool {
		if v, ok := jsonToBool(m[k]); ok {
			return &v
		}
		return nil
	}
	cfg := FlinkJobConfig{
		CheckpointEnabled: flag("checkpoint_enabled"), CheckpointMode: CheckpointModeName(str("checkpoint_mode")),
		CheckpointInterval: num("checkpoint_interval"), LogEnabled: flag("log_enabled"), ObsBucket: str("obs_bucket"),
		SMNTopic: str("smn_topic"), CUNumber: num("cu_number"), ManagerCUNumber: num("manager_cu_number"),
		ParallelNumber: num("parallel_number"), TMCUs: num("tm_cus"), TMSlotNum: num("tm_slot_num"),
		RestartOnException: flag("restart_when_exception"), ResumeCheckpoint: flag("resume_checkpoint"),
		ResumeMaxNum: num("resume_max_num"), CheckpointPath: str("checkpoint_path"),
		IdleStateRetention: num("idle_state_retention"), UDFJarURL: str("udf_jar_url"),
		DirtyDataStrategy: str("dirty_data_strategy"), Entrypoint: str("entrypoint"),
		DependencyJars: jsonToStrings(m["dependency_jars"]), DependencyFiles: jsonToStrings(m["dependency_files"]),
		ExecutionAgencyURN: str("execution_agency_urn"),
		Feature:            str("feature"), FlinkVersion: str("flink_version"), Image: str("image"),
		ResourceConfigVersion: str("resource_config_version"), ResourceConfig: decodeResourceConfig(m["resource_config"]),
	}
	rc := decodeKeyValues(m["runtime_config"])
	marker := rc[FlinkSubmissionMarkerKey]
	if rc != nil {
		delete(rc, FlinkSubmissionMarkerKey)
	}
	cfg.RuntimeConfig = rc
	return cfg, marker
}

// decodeKeyValues reads DLI's key-value lists in every form seen: an array
// of {key, value}, an object, or either of them JSON-encoded in a string (how
// runtime_config travels). Anything else gives nil.
func decodeKeyValues(raw json.RawMessage) map[string]string {
	if isNull(raw) {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if strings.TrimSpace(s) == "" {
			return map[string]string{}
		}
		raw = json.RawMessage(s)
	}
	var list []struct {
		Key   flexString `json:"key"`
		Value flexString `json:"value"`
	}
	if json.Unmarshal(raw, &list) == nil {
		out := make(map[string]string, len(list))
		for _, kv := range list {
			if kv.Key != "" {
				out[string(kv.Key)] = string(kv.Value)
			}
		}
		return out
	}
	var obj map[string]flexString
	if json.Unmarshal(raw, &obj) == nil {
		out := make(map[string]string, len(obj))
		for k, v := range obj {
			out[k] = string(v)
		}
		return out
	}
	return nil
}
