package emulator

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// jobSubmission is one way to put a job on a queue: a path and a body naming the queue.
type jobSubmission struct {
	kind  string
	path  string
	body  func(queue string) string
	needs string // the queue type it needs ("" = any)
}

func jobSubmissions() []jobSubmission {
	return []jobSubmission{
		{"batch", pp(""), func(q string) string {
			return fmt.Sprintf(`{"file":"obs://b/app.jar","className":"Main","queue":%q}`, q)
		}, "general"},
		{"sql", sp("/submit-job"), func(q string) string {
			return fmt.Sprintf(`{"sql":"SELECT 1","queue_name":%q}`, q)
		}, ""},
		{"flink sql", fp("/sql-jobs"), func(q string) string {
			return strings.Replace(flinkSQL("fs", ""), `"queue_name":"default"`, fmt.Sprintf(`"queue_name":%q`, q), 1)
		}, ""},
		{"flink jar", fp("/flink-jobs"), func(q string) string {
			return strings.Replace(flinkJar("fj", ""), `"queue_name":"default"`, fmt.Sprintf(`"queue_name":%q`, q), 1)
		}, "general"},
	}
}

// Every job service refuses a job on a queue that is still assigning (DLI.0007 naming the
// queue), accepts it once the queue is ready, and refuses a queue of the wrong type.
func TestQueueJobs_acceptedOnlyOnReadyQueuesOfTheirType(t *testing.T) {
	const assigning = 10 * time.Second
	for _, js := range jobSubmissions() {
		t.Run(js.kind, func(t *testing.T) {
			h := newHarness(t, Options{JobStart: assigning})
			h.ok("POST", qp(""), `{"queue_name":"Fresh_Gen","queue_type":"general","cu_count":16}`)
			h.ok("POST", qp(""), `{"queue_name":"fresh_sql","queue_type":"sql","cu_count":16}`)

			body := expectError(t, h.do("POST", js.path, js.body("fresh_gen")), 400, CodeNotSupported)
			if msg := str(body["error_msg"]); !strings.Contains(msg, "fresh_gen") || !strings.Contains(msg, "assigning") {
				t.Errorf("refusal on an assigning queue = %q, want the queue named and 'assigning'", msg)
			}
			h.clock.Advance(assigning - time.Millisecond)
			expectError(t, h.do("POST", js.path, js.body("fresh_gen")), 400, CodeNotSupported)
			h.clock.Advance(time.Millisecond)

			for _, q := range []string{"fresh_gen", "FRESH_GEN", "default"} {
				if rec := h.do("POST", js.path, js.body(q)); rec.Code != 200 {
					t.Errorf("on ready queue %s: %d %s", q, rec.Code, rec.Body.String())
				}
			}
			rec := h.do("POST", js.path, js.body("fresh_sql"))
			switch {
			case js.needs == "general":
				body := expectError(t, rec, 400, CodeNotSupported)
				if msg := str(body["error_msg"]); !strings.Contains(msg, "fresh_sql") || !strings.Contains(msg, "general") {
					t.Errorf("refusal on a sql queue = %q, want the queue and the type it needs", msg)
				}
			case rec.Code != 200:
				t.Errorf("on a ready sql queue: %d %s", rec.Code, rec.Body.String())
			}
			body = expectError(t, h.do("POST", js.path, js.body("nowhere")), 400, CodeNotExist)
			if msg := str(body["error_msg"]); msg != "There is no queue named nowhere" {
				t.Errorf("unknown queue message = %q", msg)
			}
		})
	}
}

// A queue with a SQL job or a running Flink job on it is not deleted; once they end, it is.
func TestQueueJobs_deleteWaitsForEveryKindOfJob(t *testing.T) {
	h := newHarness(t, Options{JobStart: time.Second, SQLRun: 5 * time.Second, CancelDelay: time.Second})
	for _, name := range []string{"for_sql", "for_flink"} {
		h.ok("POST", qp(""), fmt.Sprintf(`{"queue_name":%q,"queue_type":"general","cu_count":16}`, name))
	}
	h.clock.Advance(time.Second)
	h.ok("POST", sp("/submit-job"), `{"sql":"SELECT 1","queue_name":"for_sql"}`)
	id := h.flinkCreate("sql-jobs", jobSubmissions()[2].body("for_flink"))
	h.ok("DELETE", qp("/for_flink"), "") // a created Flink job does not run yet: no obstacle
	h.ok("POST", qp(""), `{"queue_name":"for_flink","queue_type":"general","cu_count":16}`)
	h.clock.Advance(time.Second)
	h.flinkRun(id, false)

	for _, q := range []string{"for_sql", "for_flink"} {
		body := expectError(t, h.do("DELETE", qp("/"+q), ""), 400, CodeNotSupported)
		if msg := str(body["error_msg"]); !strings.Contains(msg, "1 running jobs") {
			t.Errorf("delete of %s with a job on it = %q", q, msg)
		}
	}
	h.flinkStop(id, false)
	h.clock.Advance(6 * time.Second) // the SQL job ends, the Flink stop completes
	for _, q := range []string{"for_sql", "for_flink"} {
		h.ok("DELETE", qp("/"+q), "")
	}
}
