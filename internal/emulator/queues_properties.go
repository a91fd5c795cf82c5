package emulator

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
)

// The v3 queue properties: GET, PUT and DELETE (with a JSON body) on
// /v3/{project_id}/queues/{queue_name}/properties.

// queueProperties are the keys DLI documents, and whether each takes a
// whole number.
var queueProperties = map[string]bool{
	"computeEngine.maxInstance":         true,
	"computeEngine.maxPrefetchInstance": true,
	"job.maxConcurrent":                 true,
	"job.savepoint.enabled":             false,
	"computeEngine.spark.nativeEnabled": false,
	"network.cidrInVpc":                 false,
}

type propertyItem struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type propertiesResponse struct {
	IsSuccess  bool           `json:"is_success"`
	Message    string         `json:"message"`
	Count      int            `json:"count"`
	Properties []propertyItem `json:"properties"`
}

// readProperties reads an object of property values, numbers or strings,
// as strings.
func readProperties(f *fieldReader, key string) map[string]string {
	_, v, ok := f.pick(key)
	if !ok {
		return nil
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(v, &raw) != nil {
		f.fail("the parameter %s must be an object", key)
		return nil
	}
	out := map[string]string{}
	for k, rv := range raw {
		t := bytes.TrimSpace(rv)
		var s string
		switch {
		case json.Unmarshal(t, &s) == nil:
		case len(t) > 0 && (t[0] == '-' || (t[0] >= '0' && t[0] <= '9')):
			s = string(t)
		case string(t) == "true" || string(t) == "false":
			s = string(t)
		default:
			f.fail("the property %s must be a number, a boolean or a string", k)
			continue
		}
		out[k] = s
	}
	return out
}

func checkProperties(props map[string]string) *response {
	for k, v := range props {
		whole, known := queueProperties[k]
		if !known {
			r := badRequest("The property %s is not supported", k)
			return &r
		}
		if n, err := strconv.Atoi(v); whole && (err != nil || n < 0) {
			r := badRequest("The property %s is invalid: %q, it must be a whole number", k, v)
			return &r
		}
	}
	return nil
}

// propertyPaging pages the properties (offset from 0, limit 1..100).
var propertyPaging = pageStyle{offsetKey: "offset", sizeKey: "limit", defaultSize: 100, maxSize: 100}

func (s *queueService) handleGetProperties(c *call) response {
	q, errResp := s.lookup(c.r.PathValue("queue_name"))
	if errResp != nil {
		return *errResp
	}
	_, pg, e := listQuery(c, propertyPaging)
	if e != nil {
		return *e
	}
	items := []propertyItem{}
	for k, v := range q.Properties {
		items = append(items, propertyItem{Key: k, Value: v})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Key < items[j].Key })
	return okJSON(propertiesResponse{IsSuccess: true, Count: len(items), Properties: pageOf(items, pg)})
}

func (s *queueService) handleSetProperties(c *call) response {
	f, e := readFields(c.body)
	if e != nil {
		return *e
	}
	props := readProperties(f, "properties")
	if e := f.done(); e != nil {
		return *e
	}
	if len(props) == 0 {
		return badRequest("The parameter properties is mandatory and must not be empty")
	}
	if e := checkProperties(props); e != nil {
		return *e
	}
	return s.updateProperties(c.r.PathValue("queue_name"), func(m map[string]string) {
		for k, v := range props {
			m[k] = v
		}
	})
}

func (s *queueService) handleDeleteProperties(c *call) response {
	obj, err := decodeObject(c.body)
	if err != nil {
		return *malformed(err)
	}
	var keys []string
	if v, ok := obj["keys"]; !ok || json.Unmarshal(v, &keys) != nil || len(keys) == 0 {
		return badRequest("The parameter keys is mandatory: an array of property keys")
	}
	for _, k := range keys {
		if _, known := queueProperties[k]; !known {
			return badRequest("The property %s is not supported", k)
		}
	}
	return s.updateProperties(c.r.PathValue("queue_name"), func(m map[string]string) {
		for _, k := range keys {
			delete(m, k)
		}
	})
}

func (s *queueService) updateProperties(name string, change func(map[string]string)) response {
	return s.change(name, func(q *queue) *response {
		m := map[string]string{}
		for k, v := range q.Properties {
			m[k] = v
		}
		change(m)
		q.Properties = m // replaced, never changed in place: copies share it
		return nil
	})
}
