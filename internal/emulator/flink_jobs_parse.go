package emulator

import (
	"bytes"
	"encoding/json"
)

// Reading Flink create and update bodies (§3.1–§3.3). Both apply the keys
// present in the body to a configuration (the defaults on create, the
// job's own on update); a key whose value is null counts as absent, and
// unknown keys are ignored. The whole result is validated afterwards.

type flinkSetter func(f *fieldReader, c *flinkConfig, key string)

// flinkField is one body key and the job kinds that accept it.
type flinkField struct {
	key      string
	sql, jar bool
	set      flinkSetter
}

func setStr(get func(*flinkConfig) *string) flinkSetter {
	return func(f *fieldReader, c *flinkConfig, k string) {
		if v, ok := f.str(k); ok {
			*get(c) = v
		}
	}
}

func setInt(get func(*flinkConfig) *int) flinkSetter {
	return func(f *fieldReader, c *flinkConfig, k string) {
		if v, ok := f.integer(k); ok {
			*get(c) = v
		}
	}
}

func setBool(get func(*flinkConfig) *bool) flinkSetter {
	return func(f *fieldReader, c *flinkConfig, k string) {
		if v, ok := f.boolean(k); ok {
			*get(c) = v
		}
	}
}

func setList(get func(*flinkConfig) *[]string) flinkSetter {
	return func(f *fieldReader, c *flinkConfig, k string) {
		if _, v, ok := f.pick(k); ok {
			var ss []string
			if json.Unmarshal(v, &ss) != nil {
				f.fail("the parameter %s must be an array of strings", k)
				return
			}
			*get(c) = ss
		}
	}
}

var flinkFields = []flinkField{
	{"name", true, true, setStr(func(c *flinkConfig) *string { return &c.Name })},
	{"desc", true, true, setStr(func(c *flinkConfig) *string { return &c.Desc })},
	{"queue_name", true, true, setQueue},
	{"job_type", true, true, setStr(func(c *flinkConfig) *string { return &c.JobType })},
	{"run_mode", true, false, setStr(func(c *flinkConfig) *string { return &c.RunMode })},
	{"sql_body", true, false, setStr(func(c *flinkConfig) *string { return &c.SQLBody })},
	{"template_id", true, false, func(f *fieldReader, _ *flinkConfig, k string) { f.integer(k) }},
	{"cu_number", true, true, setInt(func(c *flinkConfig) *int { return &c.CUNumber })},
	{"manager_cu_number", true, true, setInt(func(c *flinkConfig) *int { return &c.ManagerCUNumber })},
	{"parallel_number", true, true, setInt(func(c *flinkConfig) *int { return &c.ParallelNumber })},
	{"tm_cus", true, true, setInt(func(c *flinkConfig) *int { return &c.TMCUs })},
	{"tm_slot_num", true, true, setInt(func(c *flinkConfig) *int { return &c.TMSlotNum })},
	{"checkpoint_enabled", true, true, setBool(func(c *flinkConfig) *bool { return &c.CheckpointEnabled })},
	{"checkpoint_mode", true, true, setCheckpointMode},
	{"checkpoint_interval", true, true, setInt(func(c *flinkConfig) *int { return &c.CheckpointInterval })},
	{"checkpoint_path", false, true, setStr(func(c *flinkConfig) *string { return &c.CheckpointPath })},
	{"obs_bucket", true, true, setStr(func(c *flinkConfig) *string { return &c.ObsBucket })},
	{"log_enabled", true, true, setBool(func(c *flinkConfig) *bool { return &c.LogEnabled })},
	{"smn_topic", true, true, setStr(func(c *flinkConfig) *string { return &c.SMNTopic })},
	{"restart_when_exception", true, true, setBool(func(c *flinkConfig) *bool { return &c.RestartWhenException })},
	{"resume_checkpoint", true, true, setBool(func(c *flinkConfig) *bool { return &c.ResumeCheckpoint })},
	{"resume_max_num", true, true, setInt(func(c *flinkConfig) *int { return &c.ResumeMaxNum })},
	{"idle_state_retention", true, false, setInt(func(c *flinkConfig) *int { return &c.IdleStateRetention })},
	{"dirty_data_strategy", true, false, setStr(func(c *flinkConfig) *string { return &c.DirtyDataStrategy })},
	{"udf_jar_url", true, false, setStr(func(c *flinkConfig) *string { return &c.UDFJarURL })},
	{"runtime_config", true, true, setRuntimeConfig},
	{"tags", true, true, setTags},
	{"flink_version", true, true, setStr(func(c *flinkConfig) *string { return &c.FlinkVersion })},
	{"execution_agency_urn", true, true, setStr(func(c *flinkConfig) *string { return &c.ExecutionAgencyURN })},
	{"resource_config_version", true, true, setStr(func(c *flinkConfig) *string { return &c.ResourceConfigVersion })},
	{"resource_config", true, true, setResourceConfig},
	{"edge_group_ids", true, false, setList(func(c *flinkConfig) *[]string { return &c.EdgeGroupIDs })},
	{"operator_config", true, false, setStr(func(c *flinkConfig) *string { return &c.OperatorConfig })},
	{"static_estimator_config", true, false, setStr(func(c *flinkConfig) *string { return &c.StaticEstimatorConfig })},
	{"entrypoint", false, true, setStr(func(c *flinkConfig) *string { return &c.Entrypoint })},
	{"main_class", false, true, setStr(func(c *flinkConfig) *string { return &c.MainClass })},
	{"entrypoint_args", false, true, setStr(func(c *flinkConfig) *string { return &c.EntrypointArgs })},
	{"dependency_jars", false, true, setList(func(c *flinkConfig) *[]string { return &c.DependencyJars })},
	{"dependency_files", false, true, setList(func(c *flinkConfig) *[]string { return &c.DependencyFiles })},
	{"feature", false, true, setStr(func(c *flinkConfig) *string { return &c.Feature })},
	{"image", false, true, setStr(func(c *flinkConfig) *string { return &c.Image })},
}

// applyFlinkBody applies a create or update body to c; a malformed body is
// 400 DLI.0001 "The format of message is error: …".
func applyFlinkBody(body []byte, jar bool, c *flinkConfig) *response {
	f, e := readFields(body)
	if e != nil {
		return e
	}
	for _, fd := range flinkFields {
		if jar && fd.jar || !jar && fd.sql {
			fd.set(f, c, fd.key)
		}
	}
	if e := f.done(); e != nil {
		return e
	}
	return nil
}

// setQueue ignores an empty queue_name: the job keeps its queue (on create,
// the first configured one).
func setQueue(f *fieldReader, c *flinkConfig, k string) {
	if v, ok := f.str(k); ok && v != "" {
		c.QueueName = v
	}
}

// setCheckpointMode takes the integer the API documents (1, 2) and, as the
// documentation's own example sends it, the name.
func setCheckpointMode(f *fieldReader, c *flinkConfig, k string) {
	_, v, ok := f.pick(k)
	if !ok {
		return
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		switch s {
		case "exactly_once", "1":
			c.CheckpointMode = 1
		case "at_least_once", "2":
			c.CheckpointMode = 2
		default:
			f.fail("the parameter %s must be 1 (exactly_once) or 2 (at_least_once)", k)
		}
		return
	}
	if m, ok := f.integer(k); ok {
		c.CheckpointMode = m
	}
}

// setRuntimeConfig keeps runtime_config as the string sent; a JSON array or
// object sent as such (not as a string) is kept as its compact text.
func setRuntimeConfig(f *fieldReader, c *flinkConfig, k string) {
	_, v, ok := f.pick(k)
	if !ok {
		return
	}
	v = bytes.TrimSpace(v)
	var s string
	switch {
	case json.Unmarshal(v, &s) == nil:
		c.RuntimeConfig = s
	case v[0] == '[' || v[0] == '{':
		var buf bytes.Buffer
		if json.Compact(&buf, v) != nil {
			f.fail("the parameter %s must be a string", k)
			return
		}
		c.RuntimeConfig = buf.String()
	default:
		f.fail("the parameter %s must be a string", k)
	}
}

func setTags(f *fieldReader, c *flinkConfig, k string) {
	_, v, ok := f.pick(k)
	if !ok {
		return
	}
	var raw []struct {
		Key   *string `json:"key"`
		Value *string `json:"value"`
	}
	if json.Unmarshal(v, &raw) != nil {
		f.fail("the parameter %s must be an array of {key, value} objects", k)
		return
	}
	tags := make([]flinkTag, 0, len(raw))
	for _, t := range raw {
		if t.Key == nil {
			f.fail("every entry of %s needs a key", k)
			return
		}
		tag := flinkTag{Key: *t.Key}
		if t.Value != nil {
			tag.Value = *t.Value
		}
		tags = append(tags, tag)
	}
	c.Tags = tags
}

// setResourceConfig applies resource_config over the job's (or the
// defaults); zero or empty members count as absent.
func setResourceConfig(f *fieldReader, c *flinkConfig, k string) {
	_, v, ok := f.pick(k)
	if !ok {
		return
	}
	type spec struct {
		CPU    float64 `json:"cpu"`
		Memory string  `json:"memory"`
	}
	var in struct {
		MaxSlot        int   `json:"max_slot"`
		ParallelNumber int   `json:"parallel_number"`
		JobManager     *spec `json:"jobmanager_resource_spec"`
		TaskManager    *spec `json:"taskmanager_resource_spec"`
	}
	v = bytes.TrimSpace(v)
	if json.Unmarshal(v, &in) != nil || v[0] != '{' {
		f.fail("the parameter %s must be an object {max_slot, parallel_number, jobmanager_resource_spec, taskmanager_resource_spec}", k)
		return
	}
	rc := defaultResourceConfig()
	if c.ResourceConfig != nil {
		rc = *c.ResourceConfig
	}
	if in.MaxSlot != 0 {
		rc.MaxSlot = in.MaxSlot
	}
	if in.ParallelNumber != 0 {
		rc.ParallelNumber = in.ParallelNumber
	}
	for _, p := range []struct {
		in  *spec
		out *flinkResourceSpec
	}{{in.JobManager, &rc.JobManager}, {in.TaskManager, &rc.TaskManager}} {
		if p.in == nil {
			continue
		}
		if p.in.CPU != 0 {
			p.out.CPU = p.in.CPU
		}
		if p.in.Memory != "" {
			p.out.Memory = p.in.Memory
		}
	}
	c.ResourceConfig = &rc
}
