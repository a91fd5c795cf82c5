package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// poolService is the elastic resource pool collection,
// /v3/{project_id}/elastic-resource-pools (dli_02_0326 create, dli_02_0327
// list, dli_02_0329 update, dli_02_0328 delete) and the queues of a pool
// with their scaling policies. There is no GET of one pool: clients list.
//
// A pool is CREATING for provisionDelay, then AVAILABLE (or FAILED when
// its tags hold emulator.outcome = failed); an update makes it SCALING for
// provisionDelay; a delete makes it disappear after provisionDelay.
type poolService struct {
	env
	queues *queueService

	store[string, pool] // by name (lower case); a deleted pool is held until it is gone
}

// PoolOutcomeTag is the reserved pool tag that makes a new pool fail.
const PoolOutcomeTag = "emulator.outcome"

// Pool statuses (dli_02_0327).
const (
	PoolCreating  = "CREATING"
	PoolAvailable = "AVAILABLE"
	PoolScaling   = "SCALING"
	PoolFailed    = "FAILED"
)

// pool is the stored form of a pool, and its state-file format.
type pool struct {
	ID          int64             `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	CIDR        string            `json:"cidr_in_vpc"`
	MinCU       int               `json:"min_cu"`
	MaxCU       int               `json:"max_cu"`
	PrevMinCU   int               `json:"prev_min_cu"` // actual CUs while SCALING
	Charging    int               `json:"charging_mode"`
	Project     string            `json:"enterprise_project_id"`
	Tags        []tag             `json:"tags,omitempty"`
	Label       map[string]string `json:"label,omitempty"`
	Owner       string            `json:"owner"`
	ResourceID  string            `json:"resource_id"`
	Fails       bool              `json:"fails"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	ReadyAt     time.Time         `json:"ready_at"`     // CREATING until then
	ScaledAt    time.Time         `json:"scaled_at"`    // SCALING until then
	GoneAt      time.Time         `json:"gone_at"`      // deleted: listed until then
	DeleteAsked bool              `json:"delete_asked"` // a DELETE was accepted
}

func (p *pool) status(now time.Time) string {
	switch {
	case now.Before(p.ReadyAt):
		return PoolCreating
	case p.Fails:
		return PoolFailed
	case now.Before(p.ScaledAt):
		return PoolScaling
	}
	return PoolAvailable
}

func (p *pool) gone(now time.Time) bool { return p.DeleteAsked && !now.Before(p.GoneAt) }

// actualCU is what the pool has: nothing before it is created, the former
// minimum while it scales.
func (p *pool) actualCU(now time.Time) int {
	switch p.status(now) {
	case PoolCreating, PoolFailed:
		return 0
	case PoolScaling:
		return p.PrevMinCU
	}
	return p.MinCU
}

// edition is the label's edition: basic, developer or standard.
func (p *pool) edition() string {
	switch {
	case p.Label["spec"] == "basic":
		return "basic"
	case p.Label["billing_spec_code"] == "developer":
		return "developer"
	}
	return "standard"
}

// editionLimits are the documented CU ranges (dli_02_0326).
func editionLimits(edition string) (lo, hi int) {
	if edition == "basic" || edition == "developer" {
		return 16, 64
	}
	return 64, 32000
}

func newPoolService(e env, queues *queueService) *poolService {
	p := &poolService{env: e, queues: queues, store: newStore[string](func(a, b *pool) bool { return a.ID < b.ID }, nil)}
	p.expired = func(p *pool) bool { return p.gone(e.clock.Now()) }
	queues.pools = p
	return p
}

func (s *poolService) register(rt *routes) {
	const base = "/v3/{project_id}/elastic-resource-pools"
	rt.write("POST "+base, s.handleCreate)
	rt.read("GET "+base, s.handleList)
	rt.write("PUT "+base+"/{pool_name}", s.handleUpdate)
	rt.write("DELETE "+base+"/{pool_name}", s.handleDelete)
	rt.write("POST "+base+"/{pool_name}/queues", s.handleAssociate)
	rt.read("GET "+base+"/{pool_name}/queues", s.handleListQueues)
	rt.write("PUT "+base+"/{pool_name}/queues/{queue_name}", s.handleSetPolicies)
}

func (s *poolService) kind() string { return "pool" }

// reset also numbers pools from 1 again.
func (s *poolService) reset() { s.replace(map[string]*pool{}, 0) }

func (s *poolService) stateKey() string { return "pools" }

func (s *poolService) save() (json.RawMessage, error) { return s.saveSorted() }

func (s *poolService) load(raw json.RawMessage) error {
	return loadKeyed(&s.store, raw, "elastic resource pool", nil, func(p *pool) error {
		if p == nil || !dliNameRE.MatchString(strings.ToLower(p.Name)) || p.MinCU < 0 || p.MaxCU < p.MinCU {
			return errors.New("invalid elastic resource pool (name or CUs)")
		}
		return nil
	})
}

func (p *pool) key() *string { return &p.Name }
func (p *pool) order() int64 { return p.ID }

func (s *poolService) adminJobs() any {
	now := s.clock.Now()
	out := []poolItem{}
	for _, p := range s.sorted() {
		out = append(out, s.item(p, now))
	}
	return out
}

func poolMissing(name string) response {
	return dliError(http.StatusBadRequest, CodeNotExist, "The elastic resource pool %s does not exist", name)
}

// lookup returns a copy of a pool that is not gone, or 400 DLI.0002.
func (s *poolService) lookup(name string) (pool, *response) {
	name = strings.ToLower(name)
	p, ok := s.get(name)
	if !ok {
		r := poolMissing(name)
		return pool{}, &r
	}
	return p, nil
}

// acceptsQueue checks that a queue may be created in (or added to) pool.
func (s *poolService) acceptsQueue(name string) *response {
	p, errResp := s.lookup(name)
	if errResp != nil {
		return errResp
	}
	if st := p.status(s.clock.Now()); st != PoolAvailable || p.DeleteAsked {
		r := dliError(http.StatusBadRequest, CodeNotSupported,
			"The elastic resource pool %s is %s: queues can be added only when it is AVAILABLE", p.Name, st)
		return &r
	}
	return nil
}

// change runs fn on the stored pool (not gone) under the lock: 400 DLI.0002 when there is
// none, else fn's answer (nil: success, and the change is kept).
func (s *poolService) change(name string, fn func(p *pool, now time.Time) *response) response {
	name = strings.ToLower(name)
	now := s.clock.Now()
	var e *response
	found := s.update(name, func(p *pool) {
		if e = fn(p, now); e == nil {
			p.UpdatedAt = now
		}
	})
	switch {
	case !found:
		return poolMissing(name)
	case e != nil:
		return *e
	}
	s.changed()
	return okJSON(successResponse{IsSuccess: true})
}
