package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The queues of a pool and their scaling policies (dli-more-api.md §5.5):
// POST …/{pool}/queues associates a queue, GET lists them with their
// policies, PUT …/{pool}/queues/{queue} replaces a queue's policies.

// scalingPolicy is one policy of a queue in a pool: between two times of
// day, the queue has min_cu to max_cu CUs.
type scalingPolicy struct {
	Priority int    `json:"priority"`
	Start    string `json:"impact_start_time"`
	Stop     string `json:"impact_stop_time"`
	MinCU    int    `json:"min_cu"`
	MaxCU    int    `json:"max_cu"`
	Inherit  bool   `json:"inherit_elastic_resource_pool_max_cu"`
}

// defaultPolicy is the policy a queue gets when it joins a pool.
func defaultPolicy(cu int) scalingPolicy {
	return scalingPolicy{Priority: 1, Start: "00:00", Stop: "24:00", MinCU: cu, MaxCU: cu}
}

type poolQueueItem struct {
	QueueName           string          `json:"queue_name"`
	EnterpriseProjectID string          `json:"enterprise_project_id"`
	QueueType           string          `json:"queue_type"`
	Policies            []scalingPolicy `json:"queue_scaling_policies"`
	Owner               string          `json:"owner"`
	CreateTime          int64           `json:"create_time"`
	Engine              string          `json:"engine"`
}

type poolQueuesResponse struct {
	IsSuccess bool            `json:"is_success"`
	Message   string          `json:"message"`
	Count     int             `json:"count"`
	Queues    []poolQueueItem `json:"queues"`
}

// inPool returns copies of the queues of pool, in creation order.
func (s *queueService) inPool(poolName string) []*queue {
	var out []*queue
	for _, q := range s.sorted() {
		if q.Pool == poolName {
			out = append(out, q)
		}
	}
	return out
}

// poolNeeds is what the queues of a pool need of it: the sum of their
// smallest minimums and the largest maximum.
func (s *queueService) poolNeeds(poolName string) (minCU, maxCU int) {
	for _, q := range s.inPool(poolName) {
		least := -1
		for _, p := range q.Policies {
			if least < 0 || p.MinCU < least {
				least = p.MinCU
			}
			maxCU = max(maxCU, p.MaxCU)
		}
		minCU += max(least, 0)
	}
	return minCU, maxCU
}

func (s *poolService) handleAssociate(c *call) response {
	poolName := strings.ToLower(c.r.PathValue("pool_name"))
	f, e := readFields(c.body)
	if e != nil {
		return *e
	}
	name, _ := f.str("queue_name")
	if f.err != nil || name == "" {
		return badRequest("The parameter queue_name is mandatory")
	}
	if e := s.acceptsQueue(poolName); e != nil {
		return *e
	}
	name = strings.ToLower(name)
	return s.queues.change(name, func(q *queue) *response {
		if q.Pool != "" {
			r := dliError(http.StatusBadRequest, CodeNotSupported, "The queue %s already belongs to the elastic resource pool %s", name, q.Pool)
			return &r
		}
		q.settle(s.clock.Now())
		q.Pool, q.Policies = poolName, []scalingPolicy{defaultPolicy(q.CUCount)}
		return nil
	})
}

func (s *poolService) handleListQueues(c *call) response {
	p, errResp := s.lookup(c.r.PathValue("pool_name"))
	if errResp != nil {
		return *errResp
	}
	q, pg, e := listQuery(c, poolPaging)
	if e != nil {
		return *e
	}
	match := strings.ToLower(q.Get("queue_name")) // fuzzy
	items := []poolQueueItem{}
	for _, qu := range s.queues.inPool(p.Name) {
		if strings.Contains(qu.Name, match) {
			items = append(items, poolQueueItem{
				QueueName: qu.Name, EnterpriseProjectID: qu.Project, QueueType: qu.Type, Policies: qu.Policies,
				Owner: qu.Owner, CreateTime: qu.CreatedAt.UnixMilli(), Engine: qu.Engine,
			})
		}
	}
	return okJSON(poolQueuesResponse{IsSuccess: true, Count: len(items), Queues: pageOf(items, pg)})
}

func (s *poolService) handleSetPolicies(c *call) response {
	p, errResp := s.lookup(c.r.PathValue("pool_name"))
	if errResp != nil {
		return *errResp
	}
	policies, errResp := parsePolicies(c.body, p.MaxCU)
	if errResp != nil {
		return *errResp
	}
	name := strings.ToLower(c.r.PathValue("queue_name"))
	set := false
	s.queues.update(name, func(q *queue) {
		if q.Pool == p.Name {
			q.Policies, set = policies, true
		}
	})
	if !set {
		return dliError(http.StatusBadRequest, CodeNotExist, "There is no queue named %s in the elastic resource pool %s", name, p.Name)
	}
	s.changed()
	return okJSON(successResponse{IsSuccess: true})
}

var timeOfDayRE = regexp.MustCompile(`^([01][0-9]|2[0-4]):([0-5][0-9])$`)

// minutes parses "HH:MM" (00:00 to 24:00).
func minutes(s string) (int, bool) {
	m := timeOfDayRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	h, _ := strconv.Atoi(m[1])
	mm, _ := strconv.Atoi(m[2])
	if h == 24 && mm != 0 {
		return 0, false
	}
	return h*60 + mm, true
}

// flexInt reads a whole number sent as a JSON number or a string (the API
// page's example sends CUs as strings, SDKs send numbers).
func flexInt(raw json.RawMessage) (int, bool) {
	t := bytes.Trim(bytes.TrimSpace(raw), `"`)
	n, err := strconv.Atoi(string(t))
	return n, err == nil
}

// parsePolicies validates queue_scaling_policies: priorities 1..100, one
// default policy covering 00:00-24:00, other windows not overlapping each
// other, 0 <= min_cu <= max_cu <= the pool's max_cu.
func parsePolicies(body []byte, poolMax int) ([]scalingPolicy, *response) {
	fail := func(format string, args ...any) ([]scalingPolicy, *response) {
		r := badRequest(format, args...)
		return nil, &r
	}
	obj, err := decodeObject(body)
	if err != nil {
		return nil, malformed(err)
	}
	var raws []map[string]json.RawMessage
	if v, ok := obj["queue_scaling_policies"]; !ok || json.Unmarshal(v, &raws) != nil || len(raws) == 0 {
		return fail("The parameter queue_scaling_policies is mandatory: a non-empty array of policies")
	}
	var out []scalingPolicy
	hasDefault := false
	for i, r := range raws {
		var p scalingPolicy
		var ok1, ok2, ok3 bool
		p.Priority, ok1 = flexInt(r["priority"])
		p.MinCU, ok2 = flexInt(r["min_cu"])
		p.MaxCU, ok3 = flexInt(r["max_cu"])
		_ = json.Unmarshal(r["impact_start_time"], &p.Start)
		_ = json.Unmarshal(r["impact_stop_time"], &p.Stop)
		_ = json.Unmarshal(r["inherit_elastic_resource_pool_max_cu"], &p.Inherit)
		start, okS := minutes(p.Start)
		stop, okE := minutes(p.Stop)
		switch {
		case !ok1 || p.Priority < 1 || p.Priority > 100:
			return fail("Policy %d: priority must be 1 to 100", i+1)
		case !okS || !okE || start >= stop:
			return fail("Policy %d: impact_start_time and impact_stop_time must be HH:MM with start before stop", i+1)
		case !ok2 || !ok3 || p.MinCU < 0 || p.MinCU > p.MaxCU:
			return fail("Policy %d: min_cu and max_cu must be whole numbers with 0 <= min_cu <= max_cu", i+1)
		case p.MaxCU > poolMax:
			return fail("Policy %d: max_cu %d is more than the pool's max_cu %d", i+1, p.MaxCU, poolMax)
		}
		if start == 0 && stop == 24*60 && !hasDefault {
			hasDefault = true
		}
		out = append(out, p)
	}
	if !hasDefault {
		return fail("The queue needs a default policy from 00:00 to 24:00")
	}
	if e := overlap(out); e != "" {
		return fail("%s", e)
	}
	return out, nil
}

// overlap describes two windows (the default policy aside) that overlap.
func overlap(ps []scalingPolicy) string {
	type win struct{ from, to, n int }
	var ws []win
	skipped := false
	for i, p := range ps {
		a, _ := minutes(p.Start)
		b, _ := minutes(p.Stop)
		if a == 0 && b == 24*60 && !skipped {
			skipped = true
			continue
		}
		ws = append(ws, win{a, b, i + 1})
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].from < ws[j].from })
	for i := 1; i < len(ws); i++ {
		if ws[i].from < ws[i-1].to {
			return fmt.Sprintf("Policies %d and %d have overlapping time windows", ws[i-1].n, ws[i].n)
		}
	}
	return ""
}
