package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The elastic resource pool collection: /v3/{project_id}/elastic-resource-pools
// (dli_02_0326 create, dli_02_0327 list, dli_02_0329 update, dli_02_0328
// delete) and the queues of a pool with their scaling policies. There is no
// GET of one pool: GetPool lists by name and picks the exact match.

// Pool statuses (dli_02_0327).
const (
	PoolCreating  = "CREATING"
	PoolAvailable = "AVAILABLE"
	PoolScaling   = "SCALING"
	PoolFailed    = "FAILED"
)

var poolStatuses = []string{PoolCreating, PoolAvailable, PoolScaling, PoolFailed}

// ErrInvalidPoolName is returned (wrapped) for a pool name that cannot be
// one; no request is sent. It matches ErrInvalidID.
var ErrInvalidPoolName = newIDKind("elastic resource pool name")

// ValidPoolName reports whether name can name a pool.
func ValidPoolName(name string) bool { return queueNamePattern.MatchString(name) }

func checkPoolName(op, name string) error {
	return checkID(op, ErrInvalidPoolName, name, ValidPoolName, "1 to 128 letters, digits or '_'")
}

// ElasticResourcePool is one element of the pool list.
type ElasticResourcePool struct {
	ID                  int64             `json:"id"`
	Name                string            `json:"elastic_resource_pool_name"`
	Description         string            `json:"description"`
	Owner               string            `json:"owner"`
	MinCU               int64             `json:"min_cu"`
	MaxCU               int64             `json:"max_cu"`
	ActualCU            int64             `json:"actual_cu"`
	CurrentCU           int64             `json:"current_cu"`
	CIDRInVPC           string            `json:"cidr_in_vpc"`
	Status              string            `json:"status"`
	ResourceID          string            `json:"resource_id"`
	FailReason          string            `json:"fail_reason"`
	EnterpriseProjectID string            `json:"enterprise_project_id"`
	ChargingMode        int64             `json:"charging_mode"`
	Queues              []string          `json:"queues"`
	Label               map[string]string `json:"label"`
	CreatedAt           time.Time         `json:"-"`
	UpdatedAt           time.Time         `json:"-"`
}

func (p *ElasticResourcePool) UnmarshalJSON(b []byte) error {
	var w struct {
		ID, MinCU, MaxCU, ActualCU, CurrentCU, ChargingMode, Created, Updated   flexInt64
		Name, Description, Owner, CIDR, Status, ResourceID, FailReason, Project flexString
		Queues                                                                  json.RawMessage
		Label                                                                   map[string]flexString
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for key, dst := range map[string]any{
		"id": &w.ID, "min_cu": &w.MinCU, "max_cu": &w.MaxCU, "actual_cu": &w.ActualCU, "current_cu": &w.CurrentCU,
		"charging_mode": &w.ChargingMode, "create_time": &w.Created, "update_time": &w.Updated,
		"elastic_resource_pool_name": &w.Name, "description": &w.Description, "owner": &w.Owner,
		"cidr_in_vpc": &w.CIDR, "status": &w.Status, "resource_id": &w.ResourceID, "fail_reason": &w.FailReason,
		"enterprise_project_id": &w.Project, "queues": &w.Queues, "label": &w.Label,
	} {
		if v, ok := m[key]; ok && !isNull(v) {
			_ = json.Unmarshal(v, dst) // tolerant: a value of another type stays zero
		}
	}
	*p = ElasticResourcePool{
		ID: int64(w.ID), Name: string(w.Name), Description: string(w.Description), Owner: string(w.Owner),
		MinCU: int64(w.MinCU), MaxCU: int64(w.MaxCU), ActualCU: int64(w.ActualCU), CurrentCU: int64(w.CurrentCU),
		CIDRInVPC: string(w.CIDR), Status: strings.ToUpper(string(w.Status)), ResourceID: string(w.ResourceID),
		FailReason: string(w.FailReason), EnterpriseProjectID: string(w.Project), ChargingMode: int64(w.ChargingMode),
		Queues: jsonToStrings(w.Queues), CreatedAt: msToTime(int64(w.Created)), UpdatedAt: msToTime(int64(w.Updated)),
	}
	if len(w.Label) > 0 {
		p.Label = map[string]string{}
		for k, v := range w.Label {
			p.Label[k] = string(v)
		}
	}
	return nil
}

// CreatePoolRequest is the body of POST …/elastic-resource-pools.
type CreatePoolRequest struct {
	Name                string
	Description         string
	CIDRInVPC           string
	MinCU, MaxCU        int64
	Tags                map[string]string
	Label               map[string]string
	EnterpriseProjectID string
}

// UpdatePoolRequest is the body of PUT …/elastic-resource-pools/{name}; nil
// fields are not sent.
type UpdatePoolRequest struct {
	Description  *string
	MinCU, MaxCU *int64
}

// classifyPool marks "not found": 400/404 with DLI.0002.
func classifyPool(e *APIError) {
	if codeIn(e, []string{"DLI.0002"}) && statusIn(e, []int{http.StatusBadRequest, http.StatusNotFound}) {
		e.mark(ErrNotFound)
	}
}

func poolCall(op, subject, method string, segments ...string) apiCall {
	return apiCall{
		op: op, subject: subject, method: method, version: "v3",
		segments: append([]string{"elastic-resource-pools"}, segments...), redact: queueRedaction, classify: classifyPool,
		idempotent: method != http.MethodPost,
	}
}

// CreatePool sends POST …/elastic-resource-pools and returns the pool's
// name as DLI spells it (lower case).
func (c *Client) CreatePool(ctx context.Context, req CreatePoolRequest) (string, error) {
	const op = "create elastic resource pool"
	body, err := json.Marshal(struct {
		Name        string            `json:"elastic_resource_pool_name"`
		Description string            `json:"description,omitempty"`
		CIDR        string            `json:"cidr_in_vpc,omitempty"`
		MinCU       int64             `json:"min_cu"`
		MaxCU       int64             `json:"max_cu"`
		Tags        []wireTag         `json:"tags,omitempty"`
		Label       map[string]string `json:"label,omitempty"`
		Project     string            `json:"enterprise_project_id,omitempty"`
	}{req.Name, req.Description, req.CIDRInVPC, req.MinCU, req.MaxCU, tagList(req.Tags), req.Label, req.EnterpriseProjectID})
	if err != nil {
		return "", fmt.Errorf("dli: %s: %w", op, err)
	}
	call := poolCall(op, req.Name, http.MethodPost)
	call.body = body
	var out struct {
		Name flexString `json:"elastic_resource_pool_name"`
	}
	if _, err := c.do(ctx, call, &out); err != nil {
		return "", err
	}
	if out.Name != "" {
		return string(out.Name), nil
	}
	return strings.ToLower(req.Name), nil
}

// PoolListOptions filter the pool list. Name matches part of a name.
type PoolListOptions struct {
	Name   string
	Status string
	Tags   map[string]string
}

const poolListPage = 100

// ListPools lists pools, offset += page length until an empty or short page.
func (c *Client) ListPools(ctx context.Context, opts PoolListOptions) ([]ElasticResourcePool, error) {
	const op = "list elastic resource pools"
	base := newListQuery()
	base.set("name", opts.Name)
	base.set("status", opts.Status)
	base.tags(opts.Tags)
	return collect(0, pageWalk[ElasticResourcePool]{
		op: op, size: poolListPage, shortEnds: true,
		key: func(p ElasticResourcePool) string { return "name " + p.Name }, // a nameless pool is one too
		fetch: func(ctx context.Context, _, offset int) ([]ElasticResourcePool, int, error) {
			var out struct {
				Pools []ElasticResourcePool `json:"elastic_resource_pools"`
			}
			err := c.getPage(ctx, poolCall(op, "", http.MethodGet), base.Values, pageAt("offset", offset, "limit", poolListPage), &out)
			return out.Pools, 0, err
		},
	}.walk(ctx))
}

// GetPool finds one pool by its exact name (case-insensitive) in the list;
// a pool not listed is an error matching ErrNotFound.
func (c *Client) GetPool(ctx context.Context, name string) (*ElasticResourcePool, error) {
	const op = "get elastic resource pool"
	if err := checkPoolName(op, name); err != nil {
		return nil, err
	}
	ps, err := c.ListPools(ctx, PoolListOptions{Name: strings.ToLower(name)})
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if strings.EqualFold(ps[i].Name, name) {
			return &ps[i], nil
		}
	}
	return nil, fmt.Errorf("dli: %s: %w", describe(op, name), ErrNotFound)
}

// UpdatePool sends PUT …/elastic-resource-pools/{name}.
func (c *Client) UpdatePool(ctx context.Context, name string, req UpdatePoolRequest) error {
	const op = "update elastic resource pool"
	if err := checkPoolName(op, name); err != nil {
		return err
	}
	body, _ := json.Marshal(struct {
		Description *string `json:"description,omitempty"`
		MinCU       *int64  `json:"min_cu,omitempty"`
		MaxCU       *int64  `json:"max_cu,omitempty"`
	}{req.Description, req.MinCU, req.MaxCU})
	call := poolCall(op, name, http.MethodPut, name)
	call.body = body
	_, err := c.do(ctx, call, nil)
	return err
}

// DeletePool sends DELETE …/elastic-resource-pools/{name}; a pool DLI no
// longer knows answers an error matching ErrNotFound.
func (c *Client) DeletePool(ctx context.Context, name string) error {
	const op = "delete elastic resource pool"
	if err := checkPoolName(op, name); err != nil {
		return err
	}
	_, err := c.do(ctx, poolCall(op, name, http.MethodDelete, name), nil)
	return err
}

// PoolFailedError reports a pool that DLI could not create.
type PoolFailedError struct {
	Name, Reason string
}

func (e *PoolFailedError) Error() string {
	reason := e.Reason
	if reason == "" {
		reason = "DLI gave no fail_reason"
	}
	return fmt.Sprintf("dli: elastic resource pool %s is FAILED: %s", e.Name, truncate(reason, maxErrorMessageLen))
}

// WaitForPool polls the list until the pool is AVAILABLE and done(pool)
// holds (nil: any AVAILABLE pool). FAILED is a *PoolFailedError, a status
// DLI never documented an *UnexpectedStateError, a pool no longer listed an
// error matching ErrNotFound.
func (c *Client) WaitForPool(ctx context.Context, name string, done func(*ElasticResourcePool) bool) (*ElasticResourcePool, error) {
	target := pollTarget{what: "elastic resource pool " + name, goal: PoolAvailable}
	var last *ElasticResourcePool
	_, err := c.poll(ctx, target, "", func(ctx context.Context) (string, bool, error) {
		p, err := c.GetPool(ctx, name)
		if err != nil {
			return "", IsNotFound(err), err
		}
		last = p
		switch {
		case p.Status == PoolFailed:
			return p.Status, true, &PoolFailedError{Name: name, Reason: p.FailReason}
		case !slices.Contains(poolStatuses, p.Status):
			return p.Status, true, &UnexpectedStateError{Subject: target.what, State: p.Status, Known: poolStatuses}
		}
		return p.Status, p.Status == PoolAvailable && (done == nil || done(p)), nil
	})
	return last, err
}

// WaitForPoolGone polls the list until the pool is no longer listed.
func (c *Client) WaitForPoolGone(ctx context.Context, name string) error {
	target := pollTarget{what: "elastic resource pool " + name, goal: "deleted"}
	_, err := c.poll(ctx, target, "deleting", func(ctx context.Context) (string, bool, error) {
		p, err := c.GetPool(ctx, name)
		if IsNotFound(err) {
			return "deleted", true, nil
		}
		if err != nil {
			return "", false, err
		}
		return p.Status, false, nil
	})
	return err
}
