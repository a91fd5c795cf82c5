package client

import "encoding/json"

// FlinkResourceConfig is the v2 sizing: slots, parallelism and the JobManager's and each
// TaskManager's CPU and memory (such as "4G" or "4096M").
type FlinkResourceConfig struct {
	MaxSlot           int64
	ParallelNumber    int64
	JobManagerCPU     float64
	JobManagerMemory  string
	TaskManagerCPU    float64
	TaskManagerMemory string
}

type resourceSpecWire struct {
	CPU    float64 `json:"cpu"`
	Memory string  `json:"memory"`
}

type resourceConfigWire struct {
	MaxSlot        int64            `json:"max_slot"`
	ParallelNumber int64            `json:"parallel_number"`
	JobManager     resourceSpecWire `json:"jobmanager_resource_spec"`
	TaskManager    resourceSpecWire `json:"taskmanager_resource_spec"`
}

func (r *FlinkResourceConfig) wire() resourceConfigWire {
	return resourceConfigWire{MaxSlot: r.MaxSlot, ParallelNumber: r.ParallelNumber,
		JobManager:  resourceSpecWire{CPU: r.JobManagerCPU, Memory: r.JobManagerMemory},
		TaskManager: resourceSpecWire{CPU: r.TaskManagerCPU, Memory: r.TaskManagerMemory}}
}

// decodeResourceConfig reads job_config.resource_config tolerantly (numbers as strings).
func decodeResourceConfig(raw json.RawMessage) *FlinkResourceConfig {
	var m map[string]json.RawMessage
	if isNull(raw) || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	spec := func(k string) (float64, string) {
		var s map[string]json.RawMessage
		if json.Unmarshal(m[k], &s) != nil {
			return 0, ""
		}
		var cpu float64
		var n json.Number
		if json.Unmarshal(s["cpu"], &n) == nil {
			cpu, _ = n.Float64()
		} else if v := jsonToString(s["cpu"]); v != "" {
			_ = json.Unmarshal([]byte(v), &cpu)
		}
		return cpu, jsonToString(s["memory"])
	}
	rc := &FlinkResourceConfig{}
	rc.MaxSlot, _ = jsonToInt64(m["max_slot"])
	rc.ParallelNumber, _ = jsonToInt64(m["parallel_number"])
	rc.JobManagerCPU, rc.JobManagerMemory = spec("jobmanager_resource_spec")
	rc.TaskManagerCPU, rc.TaskManagerMemory = spec("taskmanager_resource_spec")
	return rc
}
