package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// poolItem is one element of the pool list (dli_02_0327).
type poolItem struct {
	ID                  int64             `json:"id"`
	Owner               string            `json:"owner"`
	Name                string            `json:"elastic_resource_pool_name"`
	Description         string            `json:"description"`
	MaxCU               int               `json:"max_cu"`
	MinCU               int               `json:"min_cu"`
	ActualCU            int               `json:"actual_cu"`
	CurrentCU           int               `json:"current_cu"`
	CIDRInVPC           string            `json:"cidr_in_vpc"`
	CreateTime          int64             `json:"create_time"`
	UpdateTime          int64             `json:"update_time"`
	Status              string            `json:"status"`
	ResourceID          string            `json:"resource_id"`
	FailReason          string            `json:"fail_reason"`
	EnterpriseProjectID string            `json:"enterprise_project_id"`
	PrepayCU            int               `json:"prepay_cu"`
	ChargingMode        int               `json:"charging_mode"`
	Queues              []string          `json:"queues"`
	Label               map[string]string `json:"label"`
	IPv6Enable          bool              `json:"ipv6_enable"`
}

type poolListResponse struct {
	IsSuccess bool       `json:"is_success"`
	Message   string     `json:"message"`
	Count     int        `json:"count"`
	Pools     []poolItem `json:"elastic_resource_pools"`
}

type poolCreateResponse struct {
	IsSuccess bool   `json:"is_success"`
	Message   string `json:"message"`
	Name      string `json:"elastic_resource_pool_name"`
}

const defaultPoolCIDR = "172.16.0.0/12"

func (s *poolService) item(p *pool, now time.Time) poolItem {
	it := poolItem{
		ID: p.ID, Owner: p.Owner, Name: p.Name, Description: p.Description, MaxCU: p.MaxCU, MinCU: p.MinCU,
		ActualCU: p.actualCU(now), CIDRInVPC: p.CIDR, CreateTime: p.CreatedAt.UnixMilli(),
		UpdateTime: p.UpdatedAt.UnixMilli(), Status: p.status(now), ResourceID: p.ResourceID,
		EnterpriseProjectID: p.Project, ChargingMode: p.Charging, Queues: []string{}, Label: p.Label,
	}
	it.CurrentCU = it.ActualCU
	if it.Status == PoolFailed {
		it.FailReason = "The elastic resource pool could not be created: not enough resources in the region (emulator.outcome)"
	}
	if it.Label == nil {
		it.Label = map[string]string{}
	}
	for _, q := range s.queues.inPool(p.Name) {
		it.Queues = append(it.Queues, q.Name)
	}
	return it
}

// checkPoolCUs applies the edition limits and min_cu <= max_cu.
func checkPoolCUs(p *pool) *response {
	lo, hi := editionLimits(p.edition())
	var r response
	switch {
	case p.MinCU < lo || p.MinCU > hi:
		r = badRequest("The parameter min_cu is invalid: %d, the %s edition allows %d to %d CUs", p.MinCU, p.edition(), lo, hi)
	case p.MaxCU < lo || p.MaxCU > hi:
		r = badRequest("The parameter max_cu is invalid: %d, the %s edition allows %d to %d CUs", p.MaxCU, p.edition(), lo, hi)
	case p.MinCU > p.MaxCU:
		r = badRequest("The parameter min_cu is invalid: %d is more than max_cu %d", p.MinCU, p.MaxCU)
	default:
		return nil
	}
	return &r
}

func (s *poolService) handleCreate(c *call) response {
	f, e := readFields(c.body)
	if e != nil {
		return *e
	}
	p := &pool{}
	name, _ := f.str("elastic_resource_pool_name")
	p.Description, _ = f.str("description")
	p.CIDR, _ = f.str("cidr_in_vpc")
	maxCU, hasMax := f.integer("max_cu")
	minCU, hasMin := f.integer("min_cu")
	p.Charging, _ = f.integer("charging_mode")
	p.Project, _ = f.str("enterprise_project_id")
	f.boolean("ipv6_enable")
	p.Tags = readTags(f)
	if _, v, ok := f.pick("label"); ok && json.Unmarshal(v, &p.Label) != nil {
		f.fail("the parameter label must be an object of strings")
	}
	if e := f.done(); e != nil {
		return *e
	}
	switch {
	case name == "":
		return badRequest("The parameter elastic_resource_pool_name is mandatory")
	case !hasMax || !hasMin:
		return badRequest("The parameters max_cu and min_cu are mandatory")
	case len([]rune(p.Description)) > 256:
		return badRequest("The parameter description is too long: at most 256 characters")
	case p.Charging != 0 && p.Charging != 1:
		return badRequest("The parameter charging_mode is invalid: %d, only 1 (pay per use) is served here", p.Charging)
	}
	if e := checkName("elastic_resource_pool_name", name); e != nil {
		return *e
	}
	p.Name, p.MinCU, p.MaxCU = strings.ToLower(name), minCU, maxCU
	if e := checkPoolCUs(p); e != nil {
		return *e
	}
	if p.CIDR == "" {
		p.CIDR = defaultPoolCIDR
	}
	if p.Project == "" {
		p.Project = "0"
	}
	p.Charging = 1
	p.Fails = slices.Contains(p.Tags, tag{Key: PoolOutcomeTag, Value: "failed"})
	now := s.clock.Now()
	p.Owner, p.ResourceID, p.CreatedAt, p.UpdatedAt = c.who.owner, uuid.NewString(), now, now
	p.ReadyAt = now.Add(s.provisionDelay())
	if !s.insertNew(p.Name, p, func(p *pool, seq int64) { p.ID = seq }) {
		return badRequest("The elastic resource pool %s already exists", p.Name)
	}
	s.changed()
	return okJSON(poolCreateResponse{IsSuccess: true, Message: "", Name: p.Name})
}

// poolPaging pages the pool list and a pool's queues: offset from 0, limit
// 1..100 (default 100).
var poolPaging = pageStyle{offsetKey: "offset", sizeKey: "limit", defaultSize: 100, maxSize: 100}

func (s *poolService) handleList(c *call) response {
	q, pg, e := listQuery(c, poolPaging)
	if e != nil {
		return *e
	}
	name, status := strings.ToLower(q.Get("name")), q.Get("status")
	if status != "" && !slices.Contains([]string{PoolAvailable, PoolScaling, PoolCreating, PoolFailed}, status) {
		return badRequest("The parameter status is invalid: %q", status)
	}
	pools, e := tagged(q.Get("tags"), s.sorted(), func(p *pool) []tag { return p.Tags })
	if e != nil {
		return *e
	}
	now := s.clock.Now()
	items := []poolItem{}
	for _, p := range pools {
		it := s.item(p, now)
		if strings.Contains(p.Name, name) && (status == "" || it.Status == status) {
			items = append(items, it)
		}
	}
	return okJSON(poolListResponse{IsSuccess: true, Count: len(items), Pools: pageOf(items, pg)})
}

func (s *poolService) handleUpdate(c *call) response {
	f, e := readFields(c.body)
	if e != nil {
		return *e
	}
	desc, hasDesc := f.str("description")
	maxCU, hasMax := f.integer("max_cu")
	minCU, hasMin := f.integer("min_cu")
	if e := f.done(); e != nil {
		return *e
	}
	name := strings.ToLower(c.r.PathValue("pool_name"))
	minNeeded, maxNeeded := s.queues.poolNeeds(name)
	return s.change(name, func(p *pool, now time.Time) *response {
		if st := p.status(now); st != PoolAvailable || p.DeleteAsked {
			r := dliError(http.StatusBadRequest, CodeNotSupported, "The elastic resource pool %s is %s and cannot be updated now", p.Name, st)
			return &r
		}
		next := *p
		if hasMin {
			next.MinCU = minCU
		}
		if hasMax {
			next.MaxCU = maxCU
		}
		if e := checkPoolCUs(&next); e != nil {
			return e
		}
		if next.MinCU < minNeeded || next.MaxCU < maxNeeded {
			r := badRequest("The elastic resource pool %s needs min_cu >= %d (the sum of its queues' minimums) and max_cu >= %d "+
				"(the largest maximum of its queues)", p.Name, minNeeded, maxNeeded)
			return &r
		}
		if hasDesc {
			p.Description = desc
		}
		if next.MinCU != p.MinCU || next.MaxCU != p.MaxCU {
			p.PrevMinCU, p.MinCU, p.MaxCU = p.MinCU, next.MinCU, next.MaxCU
			p.ScaledAt = now.Add(s.provisionDelay())
		}
		return nil
	})
}

func (s *poolService) handleDelete(c *call) response {
	name := strings.ToLower(c.r.PathValue("pool_name"))
	if qs := s.queues.inPool(name); len(qs) > 0 {
		return dliError(http.StatusBadRequest, CodeNotSupported,
			"The elastic resource pool %s still has %d queues (%s); delete them first", name, len(qs), qs[0].Name)
	}
	return s.change(name, func(p *pool, now time.Time) *response {
		if st := p.status(now); st == PoolCreating || st == PoolScaling {
			r := dliError(http.StatusBadRequest, CodeNotSupported, "The elastic resource pool %s is %s and cannot be deleted now", p.Name, st)
			return &r
		}
		if !p.DeleteAsked {
			p.DeleteAsked, p.GoneAt = true, now.Add(s.provisionDelay())
		}
		return nil
	})
}
