package emulator

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

var memoryRE = regexp.MustCompile(`^[0-9]+[mMgG]$`)

// createRequest is a validated create body.
type createRequest struct {
	file, className, queue, name     string
	scType, feature, sparkVersion    string
	image                            string
	customized                       bool
	autoRecovery                     bool
	maxRetry                         int
	conf                             json.RawMessage
	outcome                          string
	runDuration                      time.Duration
	hasRunDuration                   bool
	reqBody                          string
	driverMemory, executorMemory     string
	driverCores, executorCores, nExe int
}

type jobResource struct {
	Name *string `json:"name"`
	Type *string `json:"type"`
}

type jobGroup struct {
	Name      *string       `json:"name"`
	Resources []jobResource `json:"resources"`
}

// checkShape fails the request when key is present and does not decode as a T (shape says
// what it must be).
func checkShape[T any](f *fieldReader, key, shape string) {
	_, v, ok := f.pick(key)
	if !ok {
		return
	}
	var out T
	if err := json.Unmarshal(v, &out); err != nil {
		f.fail("the parameter %s must be %s", key, shape)
	}
}

// parseCreate validates a create body (§2, §9). It returns a DLI.0001 error
// response on failure; the queue's existence is checked by the caller.
func parseCreate(body []byte, defaultRun time.Duration) (createRequest, *response) {
	var c createRequest
	f, e := readFields(body)
	if e != nil {
		return c, e
	}
	c.file, _ = f.str("file")
	c.className, _ = f.str("className", "class_name")
	queue, _ := f.str("queue")
	cluster, _ := f.str("cluster_name")
	c.name, _ = f.str("name")
	c.scType, _ = f.str("sc_type")
	c.feature, _ = f.str("feature")
	c.sparkVersion, _ = f.str("spark_version")
	c.image, _ = f.str("image")
	f.str("obs_bucket")
	f.str("catalog_name")
	f.str("execution_agency_urn")
	f.strings("args")
	f.strings("jars")
	f.strings("pyFiles", "python_files")
	f.strings("files")
	f.strings("modules")
	checkShape[[]jobResource](f, "resources", "an array of {name, type} objects")
	checkShape[[]jobGroup](f, "groups", "an array of {name, resources} objects")
	dm, hasDM := f.str("driverMemory", "driver_memory")
	em, hasEM := f.str("executorMemory", "executor_memory")
	dc, hasDC := f.integer("driverCores", "driver_cores")
	ec, hasEC := f.integer("executorCores", "executor_cores")
	ne, hasNE := f.integer("numExecutors", "num_executors")
	c.autoRecovery, _ = f.boolean("autoRecovery", "auto_recovery")
	mr, hasMR := f.integer("maxRetryTimes", "max_retry_times")
	var conf map[string]json.RawMessage
	if _, v, ok := f.pick("conf"); ok {
		if err := json.Unmarshal(v, &conf); err != nil {
			f.fail("the parameter conf must be an object")
		} else {
			c.conf = append(json.RawMessage(nil), bytes.TrimSpace(v)...)
		}
	}
	if e := f.done(); e != nil {
		return c, e
	}
	fail := func(format string, args ...any) (createRequest, *response) {
		r := badRequest(format, args...)
		return c, &r
	}
	if strings.TrimSpace(c.file) == "" {
		return fail("The parameter file is mandatory and must not be empty")
	}
	// queue wins over cluster_name when both are set.
	c.queue = queue
	if c.queue == "" {
		c.queue = cluster
	}
	if c.queue == "" {
		return fail("The parameter queue (or cluster_name) is mandatory")
	}
	if n := utf8.RuneCountInString(c.name); n > 128 {
		return fail("The parameter name is too long: %d characters, the maximum is 128", n)
	}
	switch c.scType {
	case "":
		c.scType = "A"
	case "A", "B", "C":
	default:
		return fail("The parameter sc_type is invalid: %q, it must be A, B or C", c.scType)
	}
	for _, m := range []struct {
		key, v string
		has    bool
	}{{"driverMemory", dm, hasDM}, {"executorMemory", em, hasEM}} {
		if m.has && m.v != "" && !memoryRE.MatchString(m.v) {
			return fail("The parameter %s is invalid: %q, the memory size needs a unit, for example 2G or 2048M", m.key, m.v)
		}
	}
	for _, n := range []struct {
		key string
		v   int
		has bool
	}{{"driverCores", dc, hasDC}, {"executorCores", ec, hasEC}, {"numExecutors", ne, hasNE}} {
		if n.has && n.v < 0 {
			return fail("The parameter %s is invalid: %d, it must not be negative", n.key, n.v)
		}
	}
	c.driverMemory, c.executorMemory = dm, em
	c.driverCores, c.executorCores, c.nExe = dc, ec, ne
	c.customized = (hasDM && dm != "") || (hasEM && em != "") || hasDC || hasEC || hasNE
	c.maxRetry = 20
	if hasMR {
		if mr < 0 || mr > 100 {
			return fail("The parameter max_retry_times is invalid: %d, it must be between 0 and 100", mr)
		}
		c.maxRetry = mr
	}
	switch c.feature {
	case "":
		c.feature = "basic"
	case "basic", "ai", "custom":
	default:
		return fail("The parameter feature is invalid: %q, it must be basic, ai or custom", c.feature)
	}
	if c.feature == "custom" && c.image == "" {
		return fail("The parameter image is mandatory when feature is custom")
	}
	if c.feature != "custom" && c.image != "" {
		return fail("The parameter image is only allowed when feature is custom")
	}
	if c.sparkVersion == "" {
		c.sparkVersion = "2.3.2"
	}
	c.outcome = StateSuccess
	c.runDuration = defaultRun
	if v, ok := conf[ConfOutcome]; ok {
		var s string
		if json.Unmarshal(v, &s) != nil || !slices.Contains([]string{StateSuccess, StateDead}, s) {
			return fail("The spark conf %s is invalid: %s, it must be \"success\" or \"dead\"", ConfOutcome, v)
		}
		c.outcome = s
	}
	if v, ok := conf[ConfRunDuration]; ok {
		var s string
		var d time.Duration
		var err error
		if json.Unmarshal(v, &s) == nil {
			d, err = time.ParseDuration(s)
		}
		if s == "" || err != nil || d < 0 {
			return fail("The spark conf %s is invalid: %s, it must be a Go duration such as \"30s\"", ConfRunDuration, v)
		}
		c.runDuration, c.hasRunDuration = d, true
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, body); err != nil {
		return c, malformed(err)
	}
	c.reqBody = compact.String()
	return c, nil
}
