package emulator

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"
)

func keysOf(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestCreateResponseShape(t *testing.T) {
	h := newHarness(t, Options{})
	body := `{"file":"obs://bucket/app.jar","className":"org.example.Main","queue":"default","name":"demo"}`
	rec := h.do("POST", pp(""), body)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	if id := rec.Header().Get("X-Request-Id"); !hex32.MatchString(id) {
		t.Fatalf("X-Request-Id = %q", id)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"appId", "cluster_name", "create_time", "duration", "id", "image", "kind", "log", "name",
		"owner", "proxyUser", "queue", "sc_type", "state", "update_time"}
	if got := keysOf(m); !slices.Equal(got, wantKeys) {
		t.Fatalf("keys = %v, want %v", got, wantKeys)
	}
	checks := map[string]any{
		"appId": "", "name": "demo", "owner": OwnerForToken(DefaultToken), "proxyUser": "", "state": "starting",
		"kind": "spark", "sc_type": "A", "cluster_name": "default", "queue": "default", "image": "",
		"create_time": float64(t0.UnixMilli()), "update_time": float64(t0.UnixMilli()), "duration": float64(0),
	}
	for k, want := range checks {
		if m[k] != want {
			t.Errorf("%s = %#v, want %#v", k, m[k], want)
		}
	}
	if log, ok := m["log"].([]any); !ok || len(log) != 0 {
		t.Errorf("log = %#v, want []", m["log"])
	}
	if !batchIDRE.MatchString(str(m["id"])) {
		t.Errorf("id %v is not a UUID", m["id"])
	}
}

func TestCreateScType(t *testing.T) {
	cases := []struct {
		extra, want string
	}{
		{``, "A"},
		{`,"sc_type":"B"`, "B"},
		{`,"sc_type":"C"`, "C"},
		{`,"sc_type":""`, "A"},
		{`,"sc_type":"B","driverMemory":"2G"`, "CUSTOMIZED"},
		{`,"executorMemory":"2048m"`, "CUSTOMIZED"},
		{`,"driverCores":1`, "CUSTOMIZED"},
		{`,"executorCores":0`, "CUSTOMIZED"},
		{`,"numExecutors":3`, "CUSTOMIZED"},
		{`,"num_executors":3`, "CUSTOMIZED"},
		{`,"driver_memory":"4G"`, "CUSTOMIZED"},
		{`,"driverMemory":""`, "A"},
	}
	h := newHarness(t, Options{})
	for _, c := range cases {
		t.Run(c.extra, func(t *testing.T) {
			got := h.create(`{"file":"a.jar","queue":"default"` + c.extra + `}`)
			if got.ScType != c.want {
				t.Fatalf("sc_type = %q, want %q", got.ScType, c.want)
			}
			if d := h.detail(got.ID); d.ScType != c.want {
				t.Fatalf("detail sc_type = %q, want %q", d.ScType, c.want)
			}
		})
	}
}

func TestCreateValidation(t *testing.T) {
	long := strings.Repeat("n", 129)
	cases := []struct {
		name, body string
		status     int
		code, msg  string
	}{
		{"empty body", ``, 400, CodeParameter, "format of message"},
		{"malformed JSON", `{"file":`, 400, CodeParameter, "format of message"},
		{"not an object", `["file"]`, 400, CodeParameter, "format of message"},
		{"null", `null`, 400, CodeParameter, "format of message"},
		{"trailing data", `{"file":"a.jar","queue":"default"} {}`, 400, CodeParameter, "format of message"},
		{"missing file", `{"queue":"default"}`, 400, CodeParameter, "file"},
		{"empty file", `{"file":" ","queue":"default"}`, 400, CodeParameter, "file"},
		{"file not a string", `{"file":1,"queue":"default"}`, 400, CodeParameter, "file"},
		{"no queue", `{"file":"a.jar"}`, 400, CodeParameter, "queue"},
		{"unknown queue", `{"file":"a.jar","queue":"nope"}`, 400, CodeNotExist, "There is no queue named nope"},
		{"unknown cluster_name", `{"file":"a.jar","cluster_name":"gone"}`, 400, CodeNotExist, "There is no queue named gone"},
		{"queue wins over cluster_name", `{"file":"a.jar","queue":"nope","cluster_name":"default"}`, 400, CodeNotExist, "There is no queue named nope"},
		{"bad sc_type", `{"file":"a.jar","queue":"default","sc_type":"D"}`, 400, CodeParameter, "sc_type"},
		{"lower-case sc_type", `{"file":"a.jar","queue":"default","sc_type":"a"}`, 400, CodeParameter, "sc_type"},
		{"memory without unit", `{"file":"a.jar","queue":"default","driverMemory":"2"}`, 400, CodeParameter, "driverMemory"},
		{"memory bad unit", `{"file":"a.jar","queue":"default","executorMemory":"2GB"}`, 400, CodeParameter, "executorMemory"},
		{"snake memory without unit", `{"file":"a.jar","queue":"default","executor_memory":"512"}`, 400, CodeParameter, "executorMemory"},
		{"camelCase wins (invalid)", `{"file":"a.jar","queue":"default","driverMemory":"2","driver_memory":"2G"}`, 400, CodeParameter, "driverMemory"},
		{"negative cores", `{"file":"a.jar","queue":"default","driverCores":-1}`, 400, CodeParameter, "driverCores"},
		{"negative executors", `{"file":"a.jar","queue":"default","num_executors":-2}`, 400, CodeParameter, "numExecutors"},
		{"fractional cores", `{"file":"a.jar","queue":"default","executorCores":1.5}`, 400, CodeParameter, "executorCores"},
		{"cores as string", `{"file":"a.jar","queue":"default","executorCores":"2"}`, 400, CodeParameter, "executorCores"},
		{"max_retry_times 101", `{"file":"a.jar","queue":"default","max_retry_times":101}`, 400, CodeParameter, "max_retry_times"},
		{"max_retry_times negative", `{"file":"a.jar","queue":"default","max_retry_times":-1}`, 400, CodeParameter, "max_retry_times"},
		{"name too long", `{"file":"a.jar","queue":"default","name":"` + long + `"}`, 400, CodeParameter, "name"},
		{"bad feature", `{"file":"a.jar","queue":"default","feature":"gpu"}`, 400, CodeParameter, "feature"},
		{"custom without image", `{"file":"a.jar","queue":"default","feature":"custom"}`, 400, CodeParameter, "image"},
		{"image without custom", `{"file":"a.jar","queue":"default","image":"org/img:1"}`, 400, CodeParameter, "image"},
		{"image with basic", `{"file":"a.jar","queue":"default","feature":"basic","image":"org/img:1"}`, 400, CodeParameter, "image"},
		{"auto_recovery not bool", `{"file":"a.jar","queue":"default","auto_recovery":"yes"}`, 400, CodeParameter, "auto_recovery"},
		{"args not strings", `{"file":"a.jar","queue":"default","args":[1]}`, 400, CodeParameter, "args"},
		{"jars not array", `{"file":"a.jar","queue":"default","jars":"x.jar"}`, 400, CodeParameter, "jars"},
		{"conf not object", `{"file":"a.jar","queue":"default","conf":[]}`, 400, CodeParameter, "conf"},
		{"resources bad", `{"file":"a.jar","queue":"default","resources":[{"name":1}]}`, 400, CodeParameter, "resources"},
		{"groups bad", `{"file":"a.jar","queue":"default","groups":{}}`, 400, CodeParameter, "groups"},
		{"bad outcome", `{"file":"a.jar","queue":"default","conf":{"emulator.outcome":"maybe"}}`, 400, CodeParameter, ConfOutcome},
		{"bad run_duration", `{"file":"a.jar","queue":"default","conf":{"emulator.run_duration":"soon"}}`, 400, CodeParameter, ConfRunDuration},
		{"negative run_duration", `{"file":"a.jar","queue":"default","conf":{"emulator.run_duration":"-1s"}}`, 400, CodeParameter, ConfRunDuration},
		{"numeric run_duration", `{"file":"a.jar","queue":"default","conf":{"emulator.run_duration":5}}`, 400, CodeParameter, ConfRunDuration},
	}
	h := newHarness(t, Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := h.do("POST", pp(""), c.body)
			body := expectError(t, rec, c.status, c.code)
			if msg := str(body["error_msg"]); !strings.Contains(msg, c.msg) {
				t.Fatalf("error_msg %q does not mention %q", msg, c.msg)
			}
			if _, ok := body["request_id"]; ok {
				t.Fatalf("DLI error body has request_id: %s", rec.Body.String())
			}
		})
	}
	if n := len(h.s.Jobs()); n != 0 {
		t.Fatalf("%d jobs created by invalid requests", n)
	}
}

func TestCreateAccepted(t *testing.T) {
	name128 := strings.Repeat("é", 128)
	cases := []struct {
		name, body string
		check      func(t *testing.T, j JobSnapshot)
	}{
		{"full camelCase body", `{"file":"obs://b/app.jar","className":"a.B","queue":"q2","args":["x"],"sc_type":"B",
			"jars":["j.jar"],"pyFiles":["p.py"],"files":["f.txt"],"modules":["sys.datasource.rds"],
			"resources":[{"name":"g/r.jar","type":"jar"}],"groups":[{"name":"g","resources":[{"name":"r.jar","type":"jar"}]}],
			"conf":{"spark.dli.metaAccess.enable":"true"},"name":"full","driverMemory":"7G","driverCores":2,
			"executorMemory":"4g","executorCores":1,"numExecutors":6,"obs_bucket":"b","auto_recovery":true,
			"max_retry_times":100,"feature":"ai","spark_version":"3.3.1","catalog_name":"dli","execution_agency_urn":"agency",
			"unknownKey":{"ignored":true}}`,
			func(t *testing.T, j JobSnapshot) {
				if j.Queue != "q2" || j.ClassName != "a.B" || j.ScType != "CUSTOMIZED" || j.Feature != "ai" ||
					j.SparkVersion != "3.3.1" || !j.AutoRecovery || j.MaxRetryTimes != 100 || j.Conf["spark.dli.metaAccess.enable"] != "true" {
					t.Fatalf("snapshot %+v", j)
				}
			}},
		{"legacy snake_case keys", `{"file":"a.jar","class_name":"legacy.Main","cluster_name":"q2","driver_memory":"2G",
			"driver_cores":1,"executor_memory":"2G","executor_cores":1,"num_executors":1,"python_files":["a.py"]}`,
			func(t *testing.T, j JobSnapshot) {
				if j.ClassName != "legacy.Main" || j.Queue != "q2" || j.ScType != "CUSTOMIZED" {
					t.Fatalf("snapshot %+v", j)
				}
			}},
		{"camelCase wins over snake_case", `{"file":"a.jar","className":"camel.Main","class_name":"snake.Main","queue":"default",
			"driverMemory":"2G","driver_memory":"2"}`,
			func(t *testing.T, j JobSnapshot) {
				if j.ClassName != "camel.Main" {
					t.Fatalf("className %q", j.ClassName)
				}
			}},
		{"queue wins over cluster_name", `{"file":"a.jar","queue":"q2","cluster_name":"default"}`,
			func(t *testing.T, j JobSnapshot) {
				if j.Queue != "q2" {
					t.Fatalf("queue %q", j.Queue)
				}
			}},
		{"nulls are absent", `{"file":"a.jar","queue":"default","className":null,"sc_type":null,"conf":null,"image":null}`,
			func(t *testing.T, j JobSnapshot) {
				if j.ScType != "A" || j.Feature != "basic" || j.SparkVersion != "2.3.2" {
					t.Fatalf("snapshot %+v", j)
				}
			}},
		{"custom image", `{"file":"a.jar","queue":"default","feature":"custom","image":"org/img:1"}`,
			func(t *testing.T, j JobSnapshot) {
				if j.Image != "org/img:1" || j.Feature != "custom" {
					t.Fatalf("snapshot %+v", j)
				}
			}},
		{"name of 128 characters", `{"file":"a.jar","queue":"default","name":"` + name128 + `"}`,
			func(t *testing.T, j JobSnapshot) {
				if j.Name != name128 {
					t.Fatalf("name %q", j.Name)
				}
			}},
		{"empty class name (python)", `{"file":"a.py","className":"","queue":"default","max_retry_times":0}`,
			func(t *testing.T, j JobSnapshot) {
				if j.ClassName != "" || j.MaxRetryTimes != 0 {
					t.Fatalf("snapshot %+v", j)
				}
			}},
	}
	h := newHarness(t, Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := h.create(c.body)
			j, ok := h.s.Job(resp.ID)
			if !ok {
				t.Fatalf("job %s not stored", resp.ID)
			}
			c.check(t, j)
		})
	}
}
