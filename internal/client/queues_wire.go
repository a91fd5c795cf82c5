package client

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Wire format of the queue collection. The detail (dli_02_0016) spells its
// own keys in camelCase (queueName, queueType, cuCount, chargingMode), the
// list (dli_02_0196) in snake_case: both are read with either spelling.

// Queue is a DLI queue as the detail or the list reports it.
type Queue struct {
	ID                  int64
	Name                string
	Type                string // sql or general
	Description         string
	Owner               string
	CUCount             int64
	ChargingMode        int64
	ResourceID          string
	ResourceMode        int64 // 0 shared, 1 dedicated
	EnterpriseProjectID string
	Pool                string // elastic_resource_pool_name
	CreatedAt           time.Time

	// Platform, Feature, Engine and Labels are in the list only; Listed
	// says the queue came from the list (so they are known).
	Platform string
	Feature  string
	Engine   string
	Labels   []string
	Listed   bool
}

func (q *Queue) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	pick := func(keys ...string) json.RawMessage {
		for _, k := range keys {
			if v, ok := m[k]; ok && !isNull(v) {
				return v
			}
		}
		return nil
	}
	str := func(keys ...string) string { return jsonToString(pick(keys...)) }
	num := func(keys ...string) int64 { n, _ := jsonToInt64(pick(keys...)); return n }
	*q = Queue{
		ID: num("queue_id", "queueId"), Name: str("queueName", "queue_name"), Type: str("queueType", "queue_type"),
		Description: str("description"), Owner: str("owner"), CUCount: num("cuCount", "cu_count"),
		ChargingMode: num("chargingMode", "charging_mode"), ResourceID: str("resource_id", "resourceId"),
		ResourceMode: num("resource_mode", "resourceMode"), EnterpriseProjectID: str("enterprise_project_id"),
		Pool: str("elastic_resource_pool_name"), CreatedAt: msToTime(num("create_time", "createTime")),
		Platform: str("platform"), Feature: str("feature"), Engine: str("engine"),
	}
	// labels: a string "multi_az=2" (list) or an array.
	for _, l := range jsonToStrings(pick("labels")) {
		for _, part := range strings.Split(l, ",") {
			if part = strings.TrimSpace(part); part != "" {
				q.Labels = append(q.Labels, part)
			}
		}
	}
	return nil
}

// CreateQueueRequest is the body of POST /v1.0/{project_id}/queues
// (dli_02_0194). Zero values are not sent, except ResourceMode when set.
type CreateQueueRequest struct {
	Name                string
	Type                string
	Description         string
	CUCount             int64
	Platform            string
	ResourceMode        *int64
	Feature             string
	Labels              []string
	Engine              string
	Tags                map[string]string
	Pool                string
	EnterpriseProjectID string
}

type wireTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// tagList renders tags as DLI's [{key, value}], sorted by key.
func tagList(tags map[string]string) []wireTag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]wireTag, 0, len(tags))
	for k, v := range tags {
		out = append(out, wireTag{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func (r *CreateQueueRequest) wireBody() ([]byte, error) {
	type body struct {
		Name         string    `json:"queue_name"`
		Type         string    `json:"queue_type,omitempty"`
		Description  string    `json:"description,omitempty"`
		CUCount      int64     `json:"cu_count"`
		Platform     string    `json:"platform,omitempty"`
		ResourceMode *int64    `json:"resource_mode,omitempty"`
		Feature      string    `json:"feature,omitempty"`
		Labels       []string  `json:"labels,omitempty"`
		Engine       string    `json:"engine,omitempty"`
		Tags         []wireTag `json:"tags,omitempty"`
		Pool         string    `json:"elastic_resource_pool_name,omitempty"`
		Project      string    `json:"enterprise_project_id,omitempty"`
	}
	return json.Marshal(body{
		Name: r.Name, Type: r.Type, Description: r.Description, CUCount: r.CUCount, Platform: r.Platform,
		ResourceMode: r.ResourceMode, Feature: r.Feature, Labels: r.Labels, Engine: r.Engine, Tags: tagList(r.Tags),
		Pool: r.Pool, Project: r.EnterpriseProjectID,
	})
}

// propertyValues renders queue properties for the v3 PUT: whole numbers
// as JSON numbers (computeEngine.maxInstance, job.maxConcurrent ...), the
// rest as strings.
func propertyValues(props map[string]string) map[string]any {
	out := make(map[string]any, len(props))
	for k, v := range props {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			out[k] = n
		} else {
			out[k] = v
		}
	}
	return out
}

// queueRedaction shows names, sizes and types of queue bodies; tag values,
// property values and anything not listed are masked.
var queueRedaction = newRedaction(
	[]string{
		"queue_name", "queueName", "queue_type", "queueType", "description", "owner", "platform", "feature",
		"labels", "engine", "elastic_resource_pool_name", "resource_id", "resource_type", "queue_resource_type",
		"enterprise_project_id", "action", "key", "keys", "default_spark_version", "support_spark_versions",
		"status", "fail_reason", "cidr_in_vpc", "impact_start_time", "impact_stop_time",
	},
	nil, nil,
)
