package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Reserved SQL conf entries ("key=value") that steer a SQL job.
const (
	SQLConfOutcome     = "emulator.outcome"      // "finished" (default) | "failed"
	SQLConfRunDuration = "emulator.run_duration" // Go duration, overrides Options.SQLRun
)

// sqlService is the SQL job collection, /v1.0/{project_id}/jobs
// (dli-more-api.md §2).
type sqlService struct {
	env
	queues queueGate // set by newServices

	store[string, sqlJob] // by lower-case ID
}

func newSQLService(e env) *sqlService {
	return &sqlService{env: e, store: newStore[string](func(a, b *sqlJob) bool { return a.Seq < b.Seq }, nil)}
}

func (q *sqlService) register(rt *routes) {
	const base = "/v1.0/{project_id}/jobs"
	rt.write("POST "+base+"/submit-job", q.handleSubmit)
	rt.read("POST "+base+"/check-sql", q.handleCheck)
	rt.read("GET "+base, q.handleList)
	rt.read("GET "+base+"/{job_id}/status", q.handleStatus)
	rt.read("GET "+base+"/{job_id}/detail", q.handleDetail)
	rt.read("GET "+base+"/{job_id}/preview", q.handlePreview)
	rt.write("DELETE "+base+"/{job_id}", q.handleCancel)
}

// envelope is the success envelope of the SQL job APIs: is_success is a
// JSON boolean here (§1.2).
type envelope struct {
	IsSuccess bool   `json:"is_success"`
	Message   string `json:"message"`
}

var okEnvelope = envelope{IsSuccess: true, Message: ""}

type submitResponse struct {
	envelope
	JobID   string              `json:"job_id"`
	JobType string              `json:"job_type"`
	Schema  []map[string]string `json:"schema"`
	Rows    [][]any             `json:"rows"`
	JobMode string              `json:"job_mode"`
}

// sqlSubmit is a validated submit body.
type sqlSubmit struct {
	sql, db, queue, catalog, engine string
	conf                            []string
	tags                            []sqlTag
	outcome                         string
	run                             time.Duration
	jobType                         string
	sync                            bool
}

// validDLIName is DLI's ^(?!_)(?![0-9]+$)[A-Za-z0-9_]*$ (Go's regexp has no
// look-ahead).
func validDLIName(s string) bool {
	digits := true
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			return false
		}
		digits = digits && unicode.IsDigit(r)
	}
	return s == "" || s[0] != '_' && !digits
}

func validTagKey(k string) bool {
	if k == "" || utf8.RuneCountInString(k) > 128 || strings.TrimSpace(k) != k || strings.HasPrefix(k, "_sys_") {
		return false
	}
	for _, r := range k {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" _.:+-@", r) {
			return false
		}
	}
	return true
}

// parseSQL validates a submit (or check-sql) body.
func (q *sqlService) parseSQL(body []byte, submit bool) (sqlSubmit, *response) {
	var p sqlSubmit
	fail := func(format string, args ...any) (sqlSubmit, *response) {
		r := badRequest(format, args...)
		return p, &r
	}
	f, e := readFields(body)
	if e != nil {
		return p, e
	}
	p.sql, _ = f.str("sql")
	p.db, _ = f.str("currentdb")
	p.queue, _ = f.str("queue_name")
	p.catalog, _ = f.str("current_catalog")
	p.engine, _ = f.str("engine_type")
	p.conf = f.strings("conf")
	if _, v, ok := f.pick("tags"); ok && json.Unmarshal(v, &p.tags) != nil {
		f.fail("the parameter tags must be an array of {key, value} objects")
	}
	if e := f.done(); e != nil {
		return p, e
	}
	if strings.TrimSpace(stripSQLComments(p.sql)) == "" {
		return fail("The parameter sql is mandatory and must not be empty")
	}
	if statementCount(p.sql) > 1 {
		return fail("The parameter sql must hold one statement")
	}
	if p.jobType = sqlJobType(p.sql); p.jobType == "" {
		r := dliError(http.StatusBadRequest, "DLI.0004", "SQL syntax error: the statement does not start with a known keyword")
		return p, &r
	}
	for _, n := range []struct{ key, v string }{{"currentdb", p.db}, {"current_catalog", p.catalog}, {"queue_name", p.queue}} {
		if len(n.v) > 128 || !validDLIName(n.v) {
			return fail("The parameter %s is invalid: %q", n.key, n.v)
		}
	}
	if !submit {
		return p, nil
	}
	switch p.engine {
	case "":
		p.engine = "spark"
	case "spark", "hetuEngine":
	default:
		return fail("The parameter engine_type is invalid: %q, it must be spark or hetuEngine", p.engine)
	}
	seen := map[string]bool{}
	for _, t := range p.tags {
		if !validTagKey(t.Key) || utf8.RuneCountInString(t.Value) > 255 || seen[t.Key] {
			return fail("The parameter tags is invalid: tag key %q", t.Key)
		}
		seen[t.Key] = true
	}
	p.outcome, p.run = SQLFinished, q.opts.SQLRun
	async := true
	for _, c := range p.conf {
		k, v, ok := strings.Cut(c, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return fail(`The parameter conf is invalid: each entry must be "key=value"`)
		}
		switch k {
		case SQLConfOutcome:
			if v != "finished" && v != "failed" {
				return fail("The conf %s is invalid: %q, it must be finished or failed", k, v)
			}
			p.outcome = strings.ToUpper(v)
		case SQLConfRunDuration:
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return fail("The conf %s is invalid: %q, it must be a Go duration such as \"30s\"", k, v)
			}
			p.run = d
		case "dli.sql.sqlasync.enabled":
			async = !strings.EqualFold(v, "false")
		}
	}
	// DCL is always synchronous, DDL when asked (§2.1).
	p.sync = p.jobType == "DCL" || p.jobType == "DDL" && !async
	if p.queue == "" {
		p.queue = q.opts.Queues[0]
	}
	return p, q.queues.acceptsJobs(p.queue, queueForAny)
}

func (q *sqlService) handleSubmit(c *call) response {
	p, errResp := q.parseSQL(c.body, true)
	if errResp != nil {
		return *errResp
	}
	j := &sqlJob{
		ID: uuid.NewString(), Statement: p.sql, JobType: p.jobType, Sync: p.sync, Queue: p.queue,
		Database: p.db, Catalog: p.catalog, Engine: p.engine, Conf: append([]string{}, p.conf...),
		Tags: append([]sqlTag{}, p.tags...), Owner: c.who.owner, Outcome: p.outcome,
		CreatedAt: q.clock.Now(), StartDelay: q.opts.JobStart, RunDuration: p.run,
	}
	q.insert(j, func(j *sqlJob, seq int64) string { j.Seq = seq; return j.ID })
	q.changed()
	resp := submitResponse{envelope: okEnvelope, JobID: j.ID, JobType: j.JobType, Schema: []map[string]string{},
		Rows: [][]any{}, JobMode: j.mode()}
	if j.Sync && j.Outcome == SQLFailed {
		// A failed synchronous statement: 200 with is_success false (§1.2).
		resp.IsSuccess, resp.Message = false, j.failure()
	}
	return okJSON(resp)
}

func (j *sqlJob) mode() string {
	if j.Sync {
		return "sync"
	}
	return "async"
}

func (j *sqlJob) failure() string {
	return fmt.Sprintf("DLI.0005: emulated failure of job %s (%s=failed)", j.ID, SQLConfOutcome)
}

// handleCheck answers check-sql (§2.7): the statement's type, no job.
func (q *sqlService) handleCheck(c *call) response {
	p, errResp := q.parseSQL(c.body, false)
	if errResp != nil {
		return *errResp
	}
	return okJSON(struct {
		envelope
		JobType string `json:"job_type"`
	}{envelope{IsSuccess: true, Message: "the sql is ok"}, p.jobType})
}

// lookup validates a job ID and returns a copy of the job.
func (q *sqlService) lookup(c *call) (sqlJob, *response) {
	return lookupUUID(&q.store, c.r.PathValue("job_id"), "job_id", "job")
}

func (q *sqlService) handleCancel(c *call) response {
	cp, errResp := q.lookup(c)
	if errResp != nil {
		return *errResp
	}
	now := q.clock.Now()
	q.mu.Lock()
	j := q.jobs[cp.ID]
	if j == nil { // forgotten since the lookup
		q.mu.Unlock()
		return dliError(http.StatusBadRequest, CodeNotExist, "The job %s does not exist", cp.ID)
	}
	v := j.at(now)
	if sqlTerminal(v.status) {
		q.mu.Unlock()
		return dliError(http.StatusBadRequest, CodeNotSupported,
			"The job %s has already finished (status: %s) and cannot be cancelled", j.ID, v.status)
	}
	changed := !j.cancelled()
	if changed {
		j.CancelAt, j.CancelledAt = now, now.Add(q.opts.CancelDelay)
	}
	q.mu.Unlock()
	if changed {
		q.changed()
	}
	return okJSON(okEnvelope)
}

func (q *sqlService) kind() string { return "sql" }

func (q *sqlService) stateKey() string { return "sql_jobs" }

func (q *sqlService) save() (json.RawMessage, error) { return q.saveSorted() }

func (q *sqlService) load(raw json.RawMessage) error {
	return loadKeyed(&q.store, raw, "SQL job", nil, func(j *sqlJob) error {
		if j == nil || !jobUUIDRE.MatchString(j.ID) || j.Outcome != SQLFinished && j.Outcome != SQLFailed {
			return errors.New("invalid SQL job (job_id or outcome)")
		}
		return nil
	})
}

func (j *sqlJob) key() *string { return &j.ID }
func (j *sqlJob) order() int64 { return j.Seq }
