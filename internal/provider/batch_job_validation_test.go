package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Every validator rejects bad input at plan time with a message naming the rule, before any
// request is sent.
func TestAccBatchJob_validation(t *testing.T) {
	tg := acctest.NewEmulator(t, acctest.FastJobs())
	tests := []struct {
		extra string
		want  string
	}{
		{`  driver_memory = "2048"`, `driver_memory.*must be a whole amount with a unit M or G`},
		{`  executor_memory = "2T"`, `executor_memory.*must be a whole amount with a unit M or G`},
		{`  driver_cores = 0`, `driver_cores.*between 1 and 256`},
		{`  executor_cores = 1000`, `executor_cores.*between 1 and 256`},
		{`  num_executors = 0`, `num_executors.*between 1 and 10000`},
		{`  max_retry_times = 101`, `max_retry_times.*between 0 and 100`},
		{`  specification = "D"`, `specification.*value must be one of`},
		{`  feature = "gpu"`, `feature.*value must be one of`},
		{`  feature = "custom"`, `feature = "custom" runs your own image`},
		{`  image = "org/spark:3"`, `image is only used with feature = "custom"`},
		{`  resources = [{ name = "a.jar", type = "zip" }]`, `resources\[0\].type.*value must be one of`},
		{`  jars = ["obs://b/a.jar", ""]`, `jars\[1\].*string length must be at least 1`},
		{`  conf = { "" = "x" }`, `conf.*string length must be at least 1`},
		{`  conf = { "` + client.SubmissionMarkerConfKey + `" = "x" }`, `conf.*sets the key "` + regexp.QuoteMeta(client.SubmissionMarkerConfKey) + `", which is reserved: the provider puts a unique marker there`},
		{`  wait_for = "forever"`, `wait_for.*value must be one of`},
		// Null elements are refused on the attribute, not by a conversion error at apply.
		{`  args = ["a", null]`, `Null List Value.*args`},
		{`  jars = [null]`, `Null List Value.*jars`},
		{`  files = [null]`, `Null List Value.*files`},
		{`  resources = [null]`, `Null List Value.*resources`},
		{`  conf = { a = null }`, `Null Map Value.*conf`},
		{`  triggers = { a = null }`, `Null Map Value.*triggers`},
		// Timeouts that cannot be met, blank or malformed names.
		{`  timeouts = { create = "-5m" }`, `timeouts.create must be a positive duration such as 30m or 2h, got "-5m"`},
		{`  timeouts = { delete = "0s" }`, `timeouts.delete must be a positive duration`},
		{`  class_name = " "`, `class_name must not be empty or only white space`},
		{`  resources = [{ name = "  ", type = "jar" }]`, `resources\[0\].name must not be empty or only white space`},
		{`  timeouts = { create = "soon" }`, `"soon" must be a string containing a sequence of decimal numbers`},
	}
	steps := []resource.TestStep{}
	for _, tc := range tests {
		steps = append(steps, resource.TestStep{
			Config:      jobConfig(tg, "validation", tc.extra),
			PlanOnly:    true,
			ExpectError: wrapped("(?s)" + tc.want),
		})
	}
	// Arguments that jobConfig fixes: queue, file and name.
	for _, tc := range []struct{ queue, file, name, want string }{
		{`"a b"`, `"obs://b/a.jar"`, `"n"`, `queue must be a DLI queue name: letters, digits, '_' and '-'`},
		{`"default"`, `"  "`, `"n"`, `file must not be empty or only white space`},
		{`"default"`, `"obs://b/a.jar"`, `"a\u0000b"`, `name must not contain control characters`},
	} {
		steps = append(steps, resource.TestStep{
			Config: tg.ProviderConfig() + fmt.Sprintf("resource \"dli_batch_job\" \"test\" {\n  queue = %s\n  file = %s\n  name = %s\n}\n",
				tc.queue, tc.file, tc.name),
			PlanOnly:    true,
			ExpectError: wrapped("(?s)" + tc.want),
		})
	}
	steps = append(steps, resource.TestStep{
		Config:      jobConfig(tg, strings.Repeat("n", 129), ""),
		PlanOnly:    true,
		ExpectError: wrapped(`(?s)name.*string length must be between 1 and 128`),
	})
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
	if n := len(tg.Requests("")); n != 0 {
		t.Errorf("invalid configurations sent %d requests", n)
	}
}
