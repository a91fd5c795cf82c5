package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
)

// queueService is the queue collection, /v1.0/{project_id}/queues
// (dli_02_0194 create, dli_02_0016 detail, dli_02_0196 list, dli_02_0195
// delete, dli_02_0249 scale) and the v3 queue properties
// (/v3/{project_id}/queues/{name}/properties).
//
// The queues of Options.Queues are seeded as ready general queues of 16
// CUs: they always exist (Reset and a state file bring them back) and
// cannot be deleted, because the batch service accepts jobs on them.
//
// Time on the emulator's clock drives what DLI does in the background: a
// new queue is "assigning" for provisionDelay (jobs are not accepted on it,
// see acceptsJobs), and a scale-out or scale-in shows the new cuCount after
// provisionDelay.
type queueService struct {
	env
	jobs  []activeJobs // who runs jobs on queues (the job services)
	pools *poolService // set by newPoolService

	store[string, queue] // by lower-case name
}

// activeJobs is what the queue service asks the job services before a
// queue is deleted.
type activeJobs interface {
	// activeJobsOn returns the IDs of the jobs not yet finished on queue.
	activeJobsOn(queue string) []string
}

// queue is the stored form of a queue, and its state-file format.
type queue struct {
	ID           int64             `json:"id"`
	Name         string            `json:"name"`
	Type         string            `json:"type"`
	Description  string            `json:"description"`
	CUCount      int               `json:"cu_count"`
	TargetCU     int               `json:"target_cu"` // after a scale request
	ScaledAt     time.Time         `json:"scaled_at"` // TargetCU shows from then on
	Platform     string            `json:"platform"`
	ResourceMode int               `json:"resource_mode"`
	Feature      string            `json:"feature"`
	Labels       []string          `json:"labels,omitempty"`
	Engine       string            `json:"engine,omitempty"`
	Tags         []tag             `json:"tags,omitempty"`
	Pool         string            `json:"pool,omitempty"`
	Policies     []scalingPolicy   `json:"policies,omitempty"`
	Properties   map[string]string `json:"properties,omitempty"`
	ChargingMode int               `json:"charging_mode"`
	Project      string            `json:"enterprise_project_id"`
	Owner        string            `json:"owner"`
	ResourceID   string            `json:"resource_id"`
	CreatedAt    time.Time         `json:"created_at"`
	ReadyAt      time.Time         `json:"ready_at"`
	Seeded       bool              `json:"-"`
}

// provisionDelay is how long DLI works in the background on a queue or a
// pool (assigning a new queue, scaling, creating or resizing a pool). It
// follows Options.JobStart, the emulator's "starting" time, so that fast
// test timings make every background change fast too.
func (e env) provisionDelay() time.Duration { return e.opts.JobStart }

// cu is the queue's size at now.
func (q *queue) cu(now time.Time) int {
	if q.TargetCU != 0 && !now.Before(q.ScaledAt) {
		return q.TargetCU
	}
	return q.CUCount
}

// settle folds a finished scale into CUCount.
func (q *queue) settle(now time.Time) {
	if q.TargetCU != 0 && !now.Before(q.ScaledAt) {
		q.CUCount, q.TargetCU = q.TargetCU, 0
	}
}

func (q *queue) ready(now time.Time) bool { return !now.Before(q.ReadyAt) }

func newQueueService(e env, jobs ...activeJobs) *queueService {
	s := &queueService{env: e, jobs: jobs, store: newStore[string](func(a, b *queue) bool { return a.ID < b.ID }, nil)}
	s.reset()
	return s
}

func (s *queueService) register(rt *routes) {
	const base = "/v1.0/{project_id}/queues"
	rt.write("POST "+base, s.handleCreate)
	rt.read("GET "+base, s.handleList)
	rt.read("GET "+base+"/{queue_name}", s.handleGet)
	rt.write("DELETE "+base+"/{queue_name}", s.handleDelete)
	rt.write("PUT "+base+"/{queue_name}/action", s.handleAction)
	const props = "/v3/{project_id}/queues/{queue_name}/properties"
	rt.read("GET "+props, s.handleGetProperties)
	rt.write("PUT "+props, s.handleSetProperties)
	rt.write("DELETE "+props, s.handleDeleteProperties)
}

func (s *queueService) kind() string { return "queue" }

// seed returns the queues of Options.Queues.
func (s *queueService) seed() map[string]*queue {
	m := map[string]*queue{}
	for i, name := range s.opts.Queues {
		m[strings.ToLower(name)] = &queue{
			ID: int64(i + 1), Name: name, Type: "general", CUCount: 16, Platform: "x86_64", Feature: "basic",
			ChargingMode: 1, Project: "0", Owner: "emulator", ResourceID: uuid.NewSHA1(uuid.NameSpaceOID, []byte("queue/"+name)).String(),
			Seeded: true,
		}
	}
	return m
}

// reset brings back the seeded queues alone.
func (s *queueService) reset() {
	m := s.seed()
	s.replace(m, int64(len(m)))
}

func (s *queueService) stateKey() string { return "queues" }

// save keeps the created queues; the seeded ones come from the options.
func (s *queueService) save() (json.RawMessage, error) {
	var created []*queue
	for _, q := range s.sorted() {
		if !q.Seeded {
			created = append(created, q)
		}
	}
	if len(created) == 0 {
		return nil, nil
	}
	return json.Marshal(created)
}

func (s *queueService) load(raw json.RawMessage) error {
	return loadKeyed(&s.store, raw, "queue", s.seed(), func(q *queue) error {
		if q == nil || !dliNameRE.MatchString(strings.ToLower(q.Name)) || q.CUCount <= 0 {
			return errors.New("invalid queue (name or cu_count)")
		}
		return nil
	})
}

func (q *queue) key() *string { return &q.Name }
func (q *queue) order() int64 { return q.ID }

// adminJobs lists the queues as the detail shows them.
func (s *queueService) adminJobs() any {
	now := s.clock.Now()
	out := []queueDetail{}
	for _, q := range s.sorted() {
		out = append(out, q.detail(now))
	}
	return out
}

// dliNameRE is the rule of queue and pool names (after lower-casing):
// digits, lower-case letters and '_', not all digits, no leading '_', at
// most 128 characters.
var dliNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_]{0,127}$`)

var digitsRE = regexp.MustCompile(`^[0-9]+$`)

// checkName validates a queue or pool name given on create.
func checkName(param, name string) *response {
	lower := strings.ToLower(name)
	if !dliNameRE.MatchString(lower) || digitsRE.MatchString(lower) {
		r := badRequest("The parameter %s is invalid: %q, it must have 1 to 128 digits, letters and '_', "+
			"not only digits and not starting with '_'", param, name)
		return &r
	}
	return nil
}

func queueMissing(name string) response {
	return dliError(http.StatusBadRequest, CodeNotExist, "There is no queue named %s", name)
}

// lookup returns a copy of the queue named (case-insensitively) or 400 DLI.0002.
func (s *queueService) lookup(name string) (queue, *response) {
	q, ok := s.get(strings.ToLower(name))
	if !ok {
		r := queueMissing(name)
		return queue{}, &r
	}
	return q, nil
}

// change runs fn on the stored queue under the lock: 400 DLI.0002 when there is none, else
// fn's answer (nil: success, and the change is kept).
func (s *queueService) change(name string, fn func(q *queue) *response) response {
	var e *response
	if !s.update(strings.ToLower(name), func(q *queue) { e = fn(q) }) {
		return queueMissing(name)
	}
	if e != nil {
		return *e
	}
	s.changed()
	return okJSON(successResponse{IsSuccess: true})
}

// acceptsJobs is the check a job service makes before it accepts a job on
// a queue: the queue exists, is no longer assigning, and is of a type that
// runs the job (wantType: "general" for Spark batch and Flink JAR jobs, ""
// for any type, see queues_jobs.go). It answers nil or the refusal.
func (s *queueService) acceptsJobs(name, wantType string) *response {
	q, errResp := s.lookup(name)
	if errResp != nil {
		return errResp
	}
	if !q.ready(s.clock.Now()) {
		r := dliError(http.StatusBadRequest, CodeNotSupported,
			"The queue %s is assigning resources and is not available yet", q.Name)
		return &r
	}
	if wantType != "" && q.Type != wantType {
		r := dliError(http.StatusBadRequest, CodeNotSupported,
			"The queue %s is a %s queue; this job needs a %s queue", q.Name, q.Type, wantType)
		return &r
	}
	return nil
}
