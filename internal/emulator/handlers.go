package emulator

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

var batchIDRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Wire shapes (§2.6, §3.2, §4, §5, §6, §7).

type createResponse struct {
	ID          string   `json:"id"`
	AppID       string   `json:"appId"`
	Name        string   `json:"name"`
	Owner       string   `json:"owner"`
	ProxyUser   string   `json:"proxyUser"`
	State       string   `json:"state"`
	Kind        string   `json:"kind"`
	Log         []string `json:"log"`
	ScType      string   `json:"sc_type"`
	ClusterName string   `json:"cluster_name"`
	Queue       string   `json:"queue"`
	Image       string   `json:"image"`
	CreateTime  int64    `json:"create_time"`
	UpdateTime  int64    `json:"update_time"`
	Duration    int64    `json:"duration"`
}

// jobObject holds the fields the detail (§4) and the list sessions (§3.2) have in common.
type jobObject struct {
	ID          string   `json:"id"`
	State       string   `json:"state"`
	AppID       string   `json:"appId"`
	Log         []string `json:"log"`
	ScType      string   `json:"sc_type"`
	ClusterName string   `json:"cluster_name"`
	CreateTime  int64    `json:"create_time"`
	Name        string   `json:"name"`
	Owner       string   `json:"owner"`
	ProxyUser   string   `json:"proxyUser"`
	Kind        string   `json:"kind"`
	Queue       string   `json:"queue"`
	Image       string   `json:"image"`
	ReqBody     string   `json:"req_body"`
	UpdateTime  int64    `json:"update_time"`
}

// detailResponse adds feature and spark_version; the detail has no duration.
type detailResponse struct {
	jobObject
	Feature      string `json:"feature"`
	SparkVersion string `json:"spark_version"`
}

// sessionJSON adds the running time.
type sessionJSON struct {
	jobObject
	Duration int64 `json:"duration"`
}

func newJobObject(j *job, v view, now time.Time) jobObject {
	return jobObject{
		ID: j.ID, State: v.state, AppID: v.appID, Log: lastN(j.logLines(now, -1), 10),
		ScType: j.ScType, ClusterName: j.Queue, CreateTime: j.CreatedAt.UnixMilli(),
		Name: j.Name, Owner: j.Owner, ProxyUser: "", Kind: jobKind, Queue: j.Queue, Image: j.Image,
		ReqBody: j.ReqBody, UpdateTime: v.updated.UnixMilli(),
	}
}

type listResponse struct {
	From     int           `json:"from"`
	Total    int           `json:"total"`
	Sessions []sessionJSON `json:"sessions"`
}

type stateResponse struct {
	ID    string `json:"id"`
	State string `json:"state"`
}

type logResponse struct {
	ID    string   `json:"id"`
	From  int      `json:"from"`
	Total int      `json:"total"`
	Log   []string `json:"log"`
}

type msgResponse struct {
	Msg string `json:"msg"`
}

// jobKind is the constant `kind` of every job.
const jobKind = "spark"

func (s *Server) queueExists(q string) bool { return slices.Contains(s.opts.Queues, q) }

func (s *Server) handleCreate(body []byte, id identity) response {
	c, errResp := parseCreate(body, s.opts.JobRun)
	if errResp != nil {
		return *errResp
	}
	if !s.queueExists(c.queue) {
		return dliError(http.StatusBadRequest, CodeNotExist, "There is no queue named %s", c.queue)
	}
	now := s.clock.Now()
	j := &job{
		ID:           uuid.NewString(),
		Name:         c.name,
		Queue:        c.queue,
		Owner:        id.owner,
		ScType:       c.scType,
		Feature:      c.feature,
		SparkVersion: c.sparkVersion,
		Image:        c.image,
		File:         c.file,
		ClassName:    c.className,
		ReqBody:      c.reqBody,
		Conf:         c.conf,
		AutoRecovery: c.autoRecovery,
		MaxRetry:     c.maxRetry,
		Outcome:      c.outcome,
		CreatedAt:    now,
		StartDelay:   s.opts.JobStart,
		RunDuration:  c.runDuration,
	}
	if c.customized {
		j.ScType = "CUSTOMIZED"
	}
	if j.AutoRecovery && j.Outcome == StateDead && j.MaxRetry > 0 {
		j.Retries = 1
	}
	s.mu.Lock()
	s.seq++
	j.Seq = s.seq
	j.render() // after Seq: the log names the appId
	s.jobs[j.ID] = j
	s.mu.Unlock()
	s.changed()
	ms := now.UnixMilli()
	return okJSON(createResponse{
		ID: j.ID, AppID: "", Name: j.Name, Owner: j.Owner, ProxyUser: "", State: StateStarting,
		Kind: jobKind, Log: []string{}, ScType: j.ScType, ClusterName: j.Queue, Queue: j.Queue,
		Image: j.Image, CreateTime: ms, UpdateTime: ms, Duration: 0,
	})
}

// lookup validates a batch ID and returns a copy of the job.
func (s *Server) lookup(batchID string) (job, *response) {
	if !batchIDRE.MatchString(batchID) {
		r := badRequest("The batch_id %s is invalid: it must be a UUID", batchID)
		return job{}, &r
	}
	s.mu.RLock()
	j, ok := s.jobs[strings.ToLower(batchID)]
	var cp job
	if ok {
		cp = *j
	}
	s.mu.RUnlock()
	if !ok {
		r := dliError(http.StatusBadRequest, CodeNotExist, "The batch job %s does not exist", batchID)
		return job{}, &r
	}
	return cp, nil
}

func (s *Server) handleGet(batchID string) response {
	j, errResp := s.lookup(batchID)
	if errResp != nil {
		return *errResp
	}
	now := s.clock.Now()
	v := j.at(now)
	return okJSON(detailResponse{jobObject: newJobObject(&j, v, now), Feature: j.Feature, SparkVersion: j.SparkVersion})
}

func (s *Server) handleState(batchID string) response {
	j, errResp := s.lookup(batchID)
	if errResp != nil {
		return *errResp
	}
	return okJSON(stateResponse{ID: j.ID, State: j.at(s.clock.Now()).state})
}

// queryInt parses an optional integer query parameter.
func queryInt(q url.Values, key string, def int64) (int64, *response) {
	v := q.Get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r := badRequest("The parameter %s is invalid: %q is not an integer", key, v)
		return 0, &r
	}
	return n, nil
}

// firstOf returns the first non-empty value among the given query keys.
func firstOf(q url.Values, keys ...string) string {
	for _, k := range keys {
		if v := q.Get(k); v != "" {
			return v
		}
	}
	return ""
}

func (s *Server) handleLog(batchID string, r *http.Request) response {
	j, errResp := s.lookup(batchID)
	if errResp != nil {
		return *errResp
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return badRequest("The query string is invalid: %v", err)
	}
	from, e := queryInt(q, "from", -1)
	if e != nil {
		return *e
	}
	size, e := queryInt(q, "size", 100)
	if e != nil {
		return *e
	}
	attempt := int64(-1)
	typ := q.Get("type")
	if typ != "" && typ != "driver" {
		return badRequest("The parameter type is invalid: %q, only driver is supported", typ)
	}
	if q.Has("index") || typ != "" {
		attempt, e = queryInt(q, "index", 0)
		if e != nil {
			return *e
		}
		if attempt < 0 {
			return badRequest("The parameter index is invalid: %d, it must not be negative", attempt)
		}
	}
	lines := j.logLines(s.clock.Now(), int(min(attempt, 1<<20)))
	total := int64(len(lines))
	switch {
	case from < 0 && size >= 0:
		from = max(0, total-size)
	case from < 0:
		from = 0
	case from > total:
		from = total
	}
	until := total
	if size >= 0 && size < total-from { // not from+size < total: it overflows for a huge size
		until = from + size
	}
	return okJSON(logResponse{ID: j.ID, From: int(from), Total: int(total), Log: append([]string{}, lines[from:until]...)})
}

func (s *Server) handleCancel(batchID string) response {
	if !batchIDRE.MatchString(batchID) {
		return badRequest("The batch_id %s is invalid: it must be a UUID", batchID)
	}
	now := s.clock.Now()
	s.mu.Lock()
	j, ok := s.jobs[strings.ToLower(batchID)]
	if !ok {
		s.mu.Unlock()
		return dliError(http.StatusBadRequest, CodeNotExist, "The batch job %s does not exist", batchID)
	}
	v := j.at(now)
	if terminal(v.state) {
		s.mu.Unlock()
		return dliError(http.StatusBadRequest, CodeNotSupported,
			"The batch job %s is already finished (state: %s) and cannot be cancelled", j.ID, v.state)
	}
	changed := false
	if !j.cancelled() {
		j.CancelAt, j.DeadAt = now, now.Add(s.opts.CancelDelay)
		j.render()
		changed = true
	}
	s.mu.Unlock()
	if changed {
		s.changed()
	}
	return okJSON(msgResponse{Msg: "deleted"})
}

var listOrders = []string{"CREATE_TIME_DESC", "CREATE_TIME_ASC", "DURATION_DESC", "DURATION_ASC"}

var listStates = []string{StateStarting, StateRunning, StateRecovering, StateSuccess, StateDead}

func (s *Server) handleList(r *http.Request) response {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return badRequest("The query string is invalid: %v", err)
	}
	from, e := queryInt(q, "from", 0)
	if e != nil {
		return *e
	}
	if from < 0 {
		return badRequest("The parameter from is invalid: %d, it must not be negative", from)
	}
	size, e := queryInt(q, "size", 100)
	if e != nil {
		return *e
	}
	if size < 1 {
		return badRequest("The parameter size is invalid: %d, it must be at least 1", size)
	}
	start, e := queryInt(q, "start", -1)
	if e != nil {
		return *e
	}
	end, e := queryInt(q, "end", -1)
	if e != nil {
		return *e
	}
	order := q.Get("order")
	if order == "" {
		order = "CREATE_TIME_DESC"
	}
	if !slices.Contains(listOrders, order) {
		return badRequest("The parameter order is invalid: %q, it must be one of %s", order, strings.Join(listOrders, ", "))
	}
	state := q.Get("state")
	if state != "" && !slices.Contains(listStates, state) {
		return badRequest("The parameter state is invalid: %q, it must be one of %s", state, strings.Join(listStates, ", "))
	}
	queue := firstOf(q, "queue_name", "cluster_name")
	name := firstOf(q, "job_name", "job-name")
	jobID := strings.ToLower(firstOf(q, "job-id", "job_id"))
	owner := q.Get("owner")

	now := s.clock.Now()
	type match struct {
		j  *job
		v  view
		ct int64
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ms []match
	for _, j := range s.jobs {
		if queue != "" && j.Queue != queue || name != "" && j.Name != name ||
			jobID != "" && j.ID != jobID || owner != "" && j.Owner != owner {
			continue
		}
		ct := j.CreatedAt.UnixMilli()
		if start >= 0 && ct < start || end >= 0 && ct > end {
			continue
		}
		v := j.at(now)
		if state != "" && v.state != state {
			continue
		}
		ms = append(ms, match{j, v, ct})
	}
	sort.Slice(ms, func(a, b int) bool {
		x, y := ms[a], ms[b]
		xc, yc := x.ct, y.ct
		switch order {
		case "CREATE_TIME_ASC":
			if xc != yc {
				return xc < yc
			}
			return x.j.Seq < y.j.Seq
		case "DURATION_DESC":
			if x.v.duration != y.v.duration {
				return x.v.duration > y.v.duration
			}
		case "DURATION_ASC":
			if x.v.duration != y.v.duration {
				return x.v.duration < y.v.duration
			}
		}
		if xc != yc {
			return xc > yc
		}
		return x.j.Seq > y.j.Seq
	})
	resp := listResponse{From: int(from), Total: len(ms), Sessions: []sessionJSON{}}
	if from < int64(len(ms)) {
		page := ms[from:]
		if int64(len(page)) > size {
			page = page[:size]
		}
		for _, m := range page {
			j := m.j
			resp.Sessions = append(resp.Sessions, sessionJSON{jobObject: newJobObject(j, m.v, now), Duration: durationMS(m.v.duration)})
		}
	}
	return okJSON(resp)
}

func durationMS(d time.Duration) int64 { return d.Milliseconds() }
