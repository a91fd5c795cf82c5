package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// flinkConfig is everything a create or update body sets on a Flink job.
// Its JSON keys are the wire keys, so that an update can name the keys it
// changed; it is also the state-file format.
type flinkConfig struct {
	Name                  string               `json:"name"`
	Desc                  string               `json:"desc"`
	QueueName             string               `json:"queue_name"`
	JobType               string               `json:"job_type"`
	RunMode               string               `json:"run_mode"`
	SQLBody               string               `json:"sql_body"`
	CUNumber              int                  `json:"cu_number"`
	ManagerCUNumber       int                  `json:"manager_cu_number"`
	ParallelNumber        int                  `json:"parallel_number"`
	TMCUs                 int                  `json:"tm_cus"`
	TMSlotNum             int                  `json:"tm_slot_num"` // 0: derived from the others
	CheckpointEnabled     bool                 `json:"checkpoint_enabled"`
	CheckpointMode        int                  `json:"checkpoint_mode"` // 1 exactly_once, 2 at_least_once
	CheckpointInterval    int                  `json:"checkpoint_interval"`
	CheckpointPath        string               `json:"checkpoint_path"`
	ObsBucket             string               `json:"obs_bucket"`
	LogEnabled            bool                 `json:"log_enabled"`
	SMNTopic              string               `json:"smn_topic"`
	RestartWhenException  bool                 `json:"restart_when_exception"`
	ResumeCheckpoint      bool                 `json:"resume_checkpoint"`
	ResumeMaxNum          int                  `json:"resume_max_num"`
	IdleStateRetention    int                  `json:"idle_state_retention"`
	DirtyDataStrategy     string               `json:"dirty_data_strategy"`
	UDFJarURL             string               `json:"udf_jar_url"`
	RuntimeConfig         string               `json:"runtime_config"`
	Tags                  []flinkTag           `json:"tags"`
	FlinkVersion          string               `json:"flink_version"`
	ExecutionAgencyURN    string               `json:"execution_agency_urn"`
	ResourceConfigVersion string               `json:"resource_config_version"`
	ResourceConfig        *flinkResourceConfig `json:"resource_config"`
	EdgeGroupIDs          []string             `json:"edge_group_ids"`
	OperatorConfig        string               `json:"operator_config"`
	StaticEstimatorConfig string               `json:"static_estimator_config"`
	Entrypoint            string               `json:"entrypoint"`
	MainClass             string               `json:"main_class"`
	EntrypointArgs        string               `json:"entrypoint_args"`
	DependencyJars        []string             `json:"dependency_jars"`
	DependencyFiles       []string             `json:"dependency_files"`
	Feature               string               `json:"feature"`
	Image                 string               `json:"image"`
}

type flinkTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type flinkResourceSpec struct {
	CPU    float64 `json:"cpu"`
	Memory string  `json:"memory"`
}

type flinkResourceConfig struct {
	MaxSlot        int               `json:"max_slot"`
	ParallelNumber int               `json:"parallel_number"`
	JobManager     flinkResourceSpec `json:"jobmanager_resource_spec"`
	TaskManager    flinkResourceSpec `json:"taskmanager_resource_spec"`
}

// defaultFlinkConfig holds the documented defaults (§3.1, §3.2).
func defaultFlinkConfig(jar bool, queue string) flinkConfig {
	c := flinkConfig{
		QueueName: queue, CUNumber: 2, ManagerCUNumber: 1, ParallelNumber: 1, TMCUs: 1,
		CheckpointMode: 1, CheckpointInterval: 10, ResumeMaxNum: -1, ResourceConfigVersion: "v1",
		FlinkVersion: "1.15",
	}
	if jar {
		c.JobType, c.RunMode, c.Feature = "flink_jar_job", "exclusive_cluster", "basic"
	} else {
		c.JobType, c.RunMode = "flink_opensource_sql_job", "shared_cluster"
		c.IdleStateRetention, c.DirtyDataStrategy = 3600, "0"
	}
	return c
}

func defaultResourceConfig() flinkResourceConfig {
	spec := flinkResourceSpec{CPU: 1, Memory: "4GB"}
	return flinkResourceConfig{MaxSlot: 1, ParallelNumber: 1, JobManager: spec, TaskManager: spec}
}

func (c flinkConfig) clone() flinkConfig {
	c.Tags = slices.Clone(c.Tags)
	c.EdgeGroupIDs = slices.Clone(c.EdgeGroupIDs)
	c.DependencyJars = slices.Clone(c.DependencyJars)
	c.DependencyFiles = slices.Clone(c.DependencyFiles)
	if c.ResourceConfig != nil {
		rc := *c.ResourceConfig
		c.ResourceConfig = &rc
	}
	return c
}

// slotNum is tm_slot_num as given, else (parallel_number × tm_cus) /
// (cu_number − manager_cu_number), at least 1.
func (c *flinkConfig) slotNum() int {
	if c.TMSlotNum > 0 {
		return c.TMSlotNum
	}
	if workers := c.CUNumber - c.ManagerCUNumber; workers > 0 {
		return max(1, c.ParallelNumber*c.TMCUs/workers)
	}
	return 1
}

// tagMap returns the tags as a map.
func (c *flinkConfig) tagMap() map[string]string {
	m := make(map[string]string, len(c.Tags))
	for _, t := range c.Tags {
		m[t.Key] = t.Value
	}
	return m
}

// flinkRunningSafe are the keys an update may change while the job runs
// (only Terraform's comments say which, §3.3: UNCONFIRMED).
var flinkRunningSafe = []string{"smn_topic", "restart_when_exception", "resume_checkpoint", "resume_max_num", "checkpoint_path", "obs_bucket"}

// changedKeys lists, in key order, the wire keys whose values differ.
func changedKeys(a, b flinkConfig) []string {
	var ma, mb map[string]json.RawMessage
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &ma)
	_ = json.Unmarshal(jb, &mb)
	var out []string
	for k, v := range ma {
		if !bytes.Equal(v, mb[k]) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

var (
	dirtyDataRE = regexp.MustCompile(`^(0|1|2:.+)$`)
	memoryGBRE  = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?) *([mMgG][bB]?)?$`)
)

// memoryMB reads a resource memory size (MB or GB, GB without a unit).
func memoryMB(s string) (float64, bool) {
	m := memoryGBRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	if u := strings.ToUpper(m[2]); u == "" || u[0] == 'G' {
		v *= 1024
	}
	return v, true
}

// badParam is the error of an invalid parameter value.
func badParam(key, format string, args ...any) error {
	return fmt.Errorf("the parameter %s is invalid: "+format, append([]any{key}, args...)...)
}

// validate checks a whole configuration (after an update too); the error
// is the message of a 400 DLI.0001 and never quotes SQL or conf values.
func (c *flinkConfig) validate(jar bool) error {
	n := runeLen
	types := []string{"flink_sql_job", "flink_opensource_sql_job", "flink_sql_edge_job"}
	if jar {
		types = []string{"flink_jar_job"}
	}
	switch {
	case strings.TrimSpace(c.Name) == "":
		return errors.New("the parameter name is mandatory and must not be empty")
	case n(c.Name) > 57:
		return badParam("name", "%d characters, the maximum is 57", n(c.Name))
	case n(c.Desc) > 2048:
		return badParam("desc", "%d characters, the maximum is 2048", n(c.Desc))
	case n(c.SQLBody) > 1024*1024:
		return badParam("sql_body", "%d characters, the maximum is 1048576", n(c.SQLBody))
	case !slices.Contains(types, c.JobType):
		return badParam("job_type", "%q, it must be one of %s", c.JobType, strings.Join(types, ", "))
	case !slices.Contains([]string{"shared_cluster", "exclusive_cluster", "edge_node"}, c.RunMode):
		return badParam("run_mode", "%q, it must be shared_cluster, exclusive_cluster or edge_node", c.RunMode)
	case c.CheckpointMode != 1 && c.CheckpointMode != 2:
		return badParam("checkpoint_mode", "%d, it must be 1 (exactly_once) or 2 (at_least_once)", c.CheckpointMode)
	case c.CheckpointInterval < 1:
		return badParam("checkpoint_interval", "%d, it must be at least 1 (seconds)", c.CheckpointInterval)
	case c.CheckpointEnabled && c.ObsBucket == "" && (!jar || c.CheckpointPath == ""):
		if jar {
			return errors.New("the parameter checkpoint_path or obs_bucket is mandatory when checkpoint_enabled is true")
		}
		return errors.New("the parameter obs_bucket is mandatory when checkpoint_enabled is true")
	case c.LogEnabled && c.ObsBucket == "":
		return errors.New("the parameter obs_bucket is mandatory when log_enabled is true")
	case c.ResumeMaxNum != -1 && c.ResumeMaxNum < 1:
		return badParam("resume_max_num", "%d, it must be -1 (unlimited) or at least 1", c.ResumeMaxNum)
	case c.IdleStateRetention < 0:
		return badParam("idle_state_retention", "%d, it must not be negative", c.IdleStateRetention)
	case !jar && !dirtyDataRE.MatchString(c.DirtyDataStrategy):
		return badParam("dirty_data_strategy", "%q, it must be 0, 1 or 2:<obs path>", c.DirtyDataStrategy)
	}
	if err := c.validateResources(); err != nil {
		return err
	}
	if err := validateFlinkTags(c.Tags); err != nil {
		return err
	}
	if err := validateRuntimeConfig(c.RuntimeConfig); err != nil {
		return err
	}
	if jar {
		switch {
		case c.Feature != "basic" && c.Feature != "custom":
			return badParam("feature", "%q, it must be basic or custom", c.Feature)
		case c.Feature == "custom" && c.Image == "":
			return errors.New("the parameter image is mandatory when feature is custom")
		case c.Feature != "custom" && c.Image != "":
			return errors.New("the parameter image is only allowed when feature is custom")
		}
	}
	return nil
}

func (c *flinkConfig) validateResources() error {
	switch c.ResourceConfigVersion {
	case "v1":
		if c.ResourceConfig != nil {
			return errors.New("the parameter resource_config is only valid with resource_config_version v2")
		}
	case "v2":
		rc := c.ResourceConfig
		if rc == nil {
			return nil // the defaults
		}
		for _, s := range []struct {
			key  string
			spec flinkResourceSpec
		}{{"jobmanager_resource_spec", rc.JobManager}, {"taskmanager_resource_spec", rc.TaskManager}} {
			if s.spec.CPU < 0.5 {
				return badParam("resource_config."+s.key+".cpu", "%v, it must be at least 0.5", s.spec.CPU)
			}
			if mb, ok := memoryMB(s.spec.Memory); !ok || mb < 2048 {
				return badParam("resource_config."+s.key+".memory", "%q, it must be at least 2GB (a size in MB or GB)", s.spec.Memory)
			}
		}
		if rc.MaxSlot < 1 || rc.ParallelNumber < 1 {
			return errors.New("the parameter resource_config is invalid: max_slot and parallel_number must be at least 1")
		}
		return nil // v2 ignores the CU counts
	default:
		return badParam("resource_config_version", "%q, it must be v1 or v2", c.ResourceConfigVersion)
	}
	workers := c.CUNumber - c.ManagerCUNumber
	switch {
	case c.CUNumber < 2 || c.CUNumber > 400:
		return badParam("cu_number", "%d, it must be between 2 and 400", c.CUNumber)
	case c.ManagerCUNumber < 1 || workers < 1:
		return badParam("manager_cu_number", "%d, it must be at least 1 and less than cu_number (%d)", c.ManagerCUNumber, c.CUNumber)
	case c.ParallelNumber < 1 || c.ParallelNumber > 2000:
		return badParam("parallel_number", "%d, it must be between 1 and 2000", c.ParallelNumber)
	case c.ParallelNumber > 4*workers:
		return badParam("parallel_number", "%d, it must not exceed 4 × (cu_number − manager_cu_number) = %d", c.ParallelNumber, 4*workers)
	case c.TMCUs < 1:
		return badParam("tm_cus", "%d, it must be at least 1", c.TMCUs)
	case c.TMSlotNum < 0:
		return badParam("tm_slot_num", "%d, it must not be negative", c.TMSlotNum)
	}
	return nil
}

var tagKeyRE = regexp.MustCompile(`^[\p{L}\p{N} _.:+\-@]+$`)

func validateFlinkTags(tags []flinkTag) error {
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case t.Key == "" || runeLen(t.Key) > 128 || strings.TrimSpace(t.Key) != t.Key || !tagKeyRE.MatchString(t.Key):
			return fmt.Errorf("the parameter tags is invalid: the key %q must be 1 to 128 letters, digits, spaces or _.:+-@, not starting or ending with a space", t.Key)
		case strings.HasPrefix(t.Key, "_sys_"):
			return fmt.Errorf("the parameter tags is invalid: the key %q must not start with _sys_", t.Key)
		case runeLen(t.Value) > 255:
			return fmt.Errorf("the parameter tags is invalid: the value of %q is longer than 255 characters", t.Key)
		case seen[t.Key]:
			return fmt.Errorf("the parameter tags is invalid: the key %q is repeated", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// parseRuntimeConfig reads runtime_config, a string whose format DLI does
// not document (UNCONFIRMED): a JSON array of {"key","value"} (what
// Terraform sends), a JSON object, or "key=value" lines. Errors never
// quote the text.
func parseRuntimeConfig(s string) (map[string]string, error) {
	s = strings.TrimSpace(s)
	out := map[string]string{}
	scalar := func(raw json.RawMessage) (string, bool) {
		var v any
		if json.Unmarshal(raw, &v) != nil {
			return "", false
		}
		switch x := v.(type) {
		case string:
			return x, true
		case float64, bool:
			return strings.TrimSpace(string(raw)), true
		}
		return "", false
	}
	switch {
	case s == "":
	case s[0] == '[':
		var kvs []struct {
			Key   *string         `json:"key"`
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal([]byte(s), &kvs); err != nil {
			return nil, errors.New("a JSON array must hold {\"key\",\"value\"} objects")
		}
		for _, kv := range kvs {
			v, ok := scalar(kv.Value)
			if kv.Key == nil || !ok {
				return nil, errors.New("every entry needs a string key and a scalar value")
			}
			out[*kv.Key] = v
		}
	case s[0] == '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(s), &obj); err != nil {
			return nil, errors.New("a JSON object is malformed")
		}
		for k, raw := range obj {
			v, ok := scalar(raw)
			if !ok {
				return nil, errors.New("every value must be a scalar")
			}
			out[k] = v
		}
	default:
		for i, line := range strings.Split(s, "\n") {
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if !ok || strings.TrimSpace(k) == "" {
				return nil, fmt.Errorf("line %d is not key=value", i+1)
			}
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out, nil
}

func validateRuntimeConfig(s string) error {
	kv, err := parseRuntimeConfig(s)
	if err != nil {
		return fmt.Errorf("the parameter runtime_config is invalid: %v", err)
	}
	if v, ok := kv[FlinkConfOutcome]; ok && !slices.Contains(flinkOutcomes, v) {
		return fmt.Errorf("the runtime_config %s is invalid: %q, it must be running, failed or finished", FlinkConfOutcome, v)
	}
	if v, ok := kv[FlinkConfRunDuration]; ok {
		if d, err := time.ParseDuration(v); err != nil || d < 0 {
			return fmt.Errorf("the runtime_config %s is invalid: %q, it must be a Go duration such as \"30s\"", FlinkConfRunDuration, v)
		}
	}
	return nil
}
