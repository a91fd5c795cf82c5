package provider_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/dli-tf/terraform-provider-dli/internal/acctest"
	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// readinessGate holds a new queue "assigning" while an apply submits its jobs, so that every
// test sees DLI's refusal whatever the machine's speed. It reads the emulator's access log: when
// the queue's create is answered (before the answer leaves the emulator), it pauses the clock;
// once submissions on `kinds` different job routes were refused, it lets the clock run again,
// and the queue is ready at once. A submission accepted while the clock is paused also lets it
// run (the test then fails on the request order instead of hanging). kinds 0 keeps the clock
// paused.
type readinessGate struct {
	clock *acctest.PausableClock
	kinds int

	mu      sync.Mutex
	pending []byte
	refused map[string]bool // by job route
}

var (
	queueCreateLine = regexp.MustCompile(`^POST /v1\.0/[^/]+/queues 200\b`)
	jobSubmitLine   = regexp.MustCompile(`^POST /v[0-9.]+/[^/]+/(batches|jobs/submit-job|streaming/(?:sql|flink)-jobs) (\d+)`)
)

func (g *readinessGate) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pending = append(g.pending, p...)
	for {
		i := bytes.IndexByte(g.pending, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(g.pending[:i])
		g.pending = g.pending[i+1:]
		if queueCreateLine.MatchString(line) {
			g.clock.Pause()
			continue
		}
		m := jobSubmitLine.FindStringSubmatch(line)
		switch {
		case m == nil:
		case m[2] == "400" && strings.Contains(line, "assigning"):
			if g.refused[m[1]] = true; g.kinds > 0 && len(g.refused) >= g.kinds {
				g.clock.Resume()
			}
		case g.kinds > 0:
			g.clock.Resume()
		}
	}
}

// gatedEmulator is an emulator whose new queues stay assigning until submissions of `kinds`
// kinds of job were refused.
func gatedEmulator(t *testing.T, kinds int) *acctest.Target {
	gate := &readinessGate{clock: &acctest.PausableClock{}, kinds: kinds, refused: map[string]bool{}}
	opts := acctest.FastJobs()
	opts.Clock, opts.AccessLog = gate.clock, gate
	tg := acctest.NewEmulator(t, opts)
	tg.RequireEmulator(t, "holds a new queue assigning on the emulator's clock")
	return tg
}

// requestLog finds requests in the emulator's log, in arrival order.
type requestLog []emulator.RequestRecord

func (l requestLog) matching(method, pathRE string, status int) []int {
	re := regexp.MustCompile(pathRE)
	var at []int
	for i, r := range l {
		if r.Method == method && re.MatchString(r.Path) && (status == 0 || r.Status == status) {
			at = append(at, i)
		}
	}
	return at
}

// once is the position of the single request that matches and was answered 200; the test fails
// unless there is exactly one.
func (l requestLog) once(t *testing.T, what, method, pathRE string) int {
	t.Helper()
	at := l.matching(method, pathRE, 200)
	if len(at) != 1 {
		t.Fatalf("%s: %d requests %s %s answered 200, want 1:\n%s", what, len(at), method, pathRE, l)
	}
	return at[0]
}

// spaced is a pattern for text that Terraform may wrap at any space.
func spaced(text string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`)
}

func (l requestLog) String() string {
	var b strings.Builder
	for i, r := range l {
		fmt.Fprintf(&b, "%3d %s %s %d %s\n", i, r.Method, r.Path, r.Status, r.ErrorCode)
	}
	return b.String()
}

// The module of issue 13 in one apply: a pool, a queue in it, and a Spark batch job and a SQL
// job on that queue. DLI refuses the jobs while the new queue assigns its resources; the job
// resources submit again until it is ready (the queue itself never sleeps). Destroy cancels the
// running jobs before it deletes the queue, and deletes the queue before the pool.
func TestAccModuleOneApply_poolQueueAndJobs(t *testing.T) {
	tg := gatedEmulator(t, 2)
	pool, queue := queueName("tf_acc_mpool"), queueName("tf_acc_mq")
	config := tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_elastic_resource_pool" "compute" {
  name   = %[1]q
  min_cu = 64
  max_cu = 128
}

resource "dli_queue" "jobs" {
  name                  = %[2]q
  type                  = "general"
  cu_count              = 16
  elastic_resource_pool = dli_elastic_resource_pool.compute.name
}

resource "dli_batch_job" "etl" {
  queue             = dli_queue.jobs.name
  name              = %[3]q
  file              = %[4]q
  class_name        = "org.example.Etl"
  conf              = { "emulator.run_duration" = "10m" }
  wait_for          = "running"
  cancel_on_destroy = true
}

resource "dli_sql_job" "report" {
  queue             = dli_queue.jobs.name
  sql               = "SELECT 1 AS n"
  conf              = { "emulator.run_duration" = "10m" }
  wait_for          = "running"
  cancel_on_destroy = true
}
`, pool, queue, acctest.JobName(t), tg.File)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(checkQueuesGone(tg), tg.CheckDestroyCancelled,
			checkSQLDestroy(tg)),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: checks(
				stateIs("dli_queue.jobs", "id", knownvalue.StringExact(queue)),
				stateIs("dli_batch_job.etl", "queue", knownvalue.StringExact(queue)),
				stateIs("dli_batch_job.etl", "state", knownvalue.StringExact("running")),
				stateIs("dli_sql_job.report", "status", knownvalue.StringExact("RUNNING")),
			),
		}},
	})

	log := requestLog(tg.Emulator.Requests())
	poolCreate := log.once(t, "pool create", "POST", `/elastic-resource-pools$`)
	queueCreate := log.once(t, "queue create", "POST", `/v1\.0/[^/]+/queues$`)
	if queueCreate < poolCreate {
		t.Errorf("the queue was created (#%d) before its pool (#%d)", queueCreate, poolCreate)
	}
	for _, job := range []struct{ kind, path, byID string }{
		{"batch job", `/batches$`, `/batches/[0-9a-f-]+$`},
		{"SQL job", `/jobs/submit-job$`, `/v1\.0/[^/]+/jobs/[0-9a-f-]+$`},
	} {
		refused := log.matching("POST", job.path, 400)
		accepted := log.once(t, job.kind+" submission", "POST", job.path)
		if len(refused) == 0 || refused[0] < queueCreate {
			t.Errorf("%s: refusals at %v, want at least one after the queue create (#%d)", job.kind, refused, queueCreate)
		}
		for _, i := range refused {
			if log[i].ErrorCode != emulator.CodeNotSupported || i > accepted {
				t.Errorf("%s: request #%d answered %s, after the accepted submission #%d", job.kind, i, log[i].ErrorCode, accepted)
			}
		}
		if cancels := log.matching("DELETE", job.byID, 200); len(cancels) != 1 {
			t.Errorf("%s: %d cancels on destroy, want 1", job.kind, len(cancels))
		}
	}
	queueDelete := log.once(t, "queue delete", "DELETE", `/queues/`+queue+`$`)
	if refusedDeletes := log.matching("DELETE", `/queues/`, 400); len(refusedDeletes) != 0 {
		t.Errorf("queue deletes refused (jobs still on it) at %v", refusedDeletes)
	}
	poolDelete := log.once(t, "pool delete", "DELETE", `/elastic-resource-pools/`+pool+`$`)
	if poolDelete < queueDelete {
		t.Errorf("the pool was deleted (#%d) before its queue (#%d)", poolDelete, queueDelete)
	}
	// Destroy is done with the jobs (cancelled, then read until they ended) before the queue
	// goes; what follows the pool delete is CheckDestroy's own reads.
	for _, jobPath := range []string{`/batches/`, `/v1\.0/[^/]+/jobs/[0-9a-f-]+`} {
		for _, i := range append(log.matching("GET", jobPath, 0), log.matching("DELETE", jobPath, 0)...) {
			if i > queueDelete && i < poolDelete {
				t.Errorf("request #%d about a job came after the queue delete (#%d)", i, queueDelete)
			}
		}
	}
	if t.Failed() {
		t.Logf("request log:\n%s", log)
	}
}

// A Flink Jar job created with its queue waits the same way; on a SQL queue it fails at once
// (the type does not change with time), naming the queue and the type it needs.
func TestAccModuleOneApply_flinkJarJobOnANewQueue(t *testing.T) {
	tg := gatedEmulator(t, 1)
	queue := queueName("tf_acc_fq")
	config := func(typ string) string {
		return tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_queue" "stream" {
  name     = %q
  type     = %q
  cu_count = 16
}

resource "dli_flink_jar_job" "test" {
  name           = "stream"
  queue          = dli_queue.stream.name
  entrypoint     = "obs://dli-demo/jobs/stream-1.0.jar"
  runtime_config = { "emulator.outcome" = "running" }
}
`, queue, typ)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkQueuesGone(tg), checkFlinkDestroyed(tg)),
		Steps: []resource.TestStep{
			{
				Config: config("general"),
				ConfigStateChecks: checks(
					stateIs(flinkJarAddress, "status", knownvalue.StringExact("job_running")),
				),
			},
			{Config: tg.ProviderConfig()},
			{
				Config: config("sql"),
				ExpectError: regexp.MustCompile(`(?s)` + spaced(`Could not create Flink Jar job "stream"`) + `.*` +
					spaced(`The queue `+queue+` is a sql queue; this job needs a general queue`)),
			},
		},
	})
	log := requestLog(tg.Emulator.Requests())
	creates := log.matching("POST", `/streaming/flink-jobs$`, 0)
	accepted := log.once(t, "Flink Jar job create", "POST", `/streaming/flink-jobs$`)
	// On the SQL queue: perhaps one refusal while it assigns, then the type refusal, not retried.
	if len(creates) < 3 || len(creates) > 4 || log[creates[0]].Status != 400 || creates[1] != accepted {
		t.Errorf("Flink Jar creates at %v, want refused then accepted on the general queue, then at most "+
			"two refusals on the SQL queue:\n%s", creates, log)
	}
}

// A queue that never gets ready within the jobs' timeouts.create: each job resource gives up
// with an error that names the queue and the timeout, and nothing is left in state.
func TestAccModuleOneApply_queueNotReadyInTime(t *testing.T) {
	tg := gatedEmulator(t, 0) // the new queue stays assigning
	queue := queueName("tf_acc_slow")
	config := tg.ProviderConfig() + fmt.Sprintf(`
resource "dli_queue" "slow" {
  name     = %[1]q
  type     = "general"
  cu_count = 16
}

resource "dli_batch_job" "etl" {
  queue      = dli_queue.slow.name
  name       = %[2]q
  file       = %[3]q
  class_name = "org.example.Etl"
  timeouts   = { create = "1s" }
}

resource "dli_sql_job" "report" {
  queue    = dli_queue.slow.name
  sql      = "SELECT 1 AS n"
  timeouts = { create = "1s" }
}
`, queue, acctest.JobName(t), tg.File)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkQueuesGone(tg),
		Steps: []resource.TestStep{{
			Config: config,
			ExpectError: regexp.MustCompile(`(?s)(Could not submit the (job|statement) to queue "` + queue + `".*` +
				spaced(`timed out while waiting for queue `+queue) + `.*` + spaced(`is assigning resources`) + `.*` +
				spaced(`raise timeouts.create`) + `.*){2}`),
		}},
	})
	log := requestLog(tg.Emulator.Requests())
	for _, path := range []string{`/batches$`, `/jobs/submit-job$`} {
		if at := log.matching("POST", path, 0); len(at) < 2 || len(log.matching("POST", path, 200)) != 0 {
			t.Errorf("POST %s at %v: want several submissions, none accepted:\n%s", path, at, log)
		}
	}
}
