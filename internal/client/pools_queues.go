package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The queues of an elastic resource pool and their scaling policies:
// GET …/elastic-resource-pools/{pool}/queues and
// PUT …/elastic-resource-pools/{pool}/queues/{queue}.

// ScalingPolicy is one scaling policy of a queue in a pool: between two
// times of day ("HH:MM", up to "24:00") the queue has MinCU to MaxCU CUs.
type ScalingPolicy struct {
	Priority  int64  `json:"priority"`
	StartTime string `json:"impact_start_time"`
	StopTime  string `json:"impact_stop_time"`
	MinCU     int64  `json:"min_cu"`
	MaxCU     int64  `json:"max_cu"`
}

func (p *ScalingPolicy) UnmarshalJSON(b []byte) error {
	var w struct {
		Priority, MinCU, MaxCU flexInt64
		Start, Stop            flexString
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for key, dst := range map[string]any{"priority": &w.Priority, "min_cu": &w.MinCU, "max_cu": &w.MaxCU,
		"impact_start_time": &w.Start, "impact_stop_time": &w.Stop} {
		if v, ok := m[key]; ok {
			_ = json.Unmarshal(v, dst)
		}
	}
	*p = ScalingPolicy{Priority: int64(w.Priority), StartTime: string(w.Start), StopTime: string(w.Stop),
		MinCU: int64(w.MinCU), MaxCU: int64(w.MaxCU)}
	return nil
}

// PoolQueue is a queue as the pool's queue list reports it.
type PoolQueue struct {
	Name     string          `json:"queue_name"`
	Type     string          `json:"queue_type"`
	Policies []ScalingPolicy `json:"queue_scaling_policies"`
}

// QueueScalingPolicies returns the scaling policies of queue in pool; a
// queue not in the pool is an error matching ErrNotFound.
func (c *Client) QueueScalingPolicies(ctx context.Context, pool, queue string) ([]ScalingPolicy, error) {
	const op = "get queue scaling policies"
	if err := checkPoolName(op, pool); err != nil {
		return nil, err
	}
	if err := checkQueueName(op, queue); err != nil {
		return nil, err
	}
	// queue_name matches part of a name: the list is searched for the exact one.
	q, ok, err := pageWalk[PoolQueue]{
		op: op, size: poolListPage, shortEnds: true, key: func(q PoolQueue) string { return "name " + q.Name },
		fetch: func(ctx context.Context, _, offset int) ([]PoolQueue, int, error) {
			var out struct {
				Queues []PoolQueue `json:"queues"`
			}
			err := c.getPage(ctx, poolCall(op, queue, http.MethodGet, pool, "queues"), url.Values{"queue_name": {strings.ToLower(queue)}},
				pageAt("offset", offset, "limit", poolListPage), &out)
			return out.Queues, 0, err
		},
	}.walk(ctx).first(func(q PoolQueue) bool { return strings.EqualFold(q.Name, queue) })
	switch {
	case err != nil:
		return nil, err
	case ok:
		return q.Policies, nil
	}
	return nil, fmt.Errorf("dli: %s: queue %s is not in elastic resource pool %s: %w", op, queue, pool, ErrNotFound)
}

// SetQueueScalingPolicies replaces the scaling policies of queue in pool.
func (c *Client) SetQueueScalingPolicies(ctx context.Context, pool, queue string, policies []ScalingPolicy) error {
	const op = "set queue scaling policies"
	if err := checkPoolName(op, pool); err != nil {
		return err
	}
	if err := checkQueueName(op, queue); err != nil {
		return err
	}
	body, err := json.Marshal(map[string]any{"queue_scaling_policies": policies})
	if err != nil {
		return fmt.Errorf("dli: %s: %w", op, err)
	}
	call := poolCall(op, queue, http.MethodPut, pool, "queues", queue)
	call.body = body
	_, err = c.do(ctx, call, nil)
	return err
}

// AddQueueToPool sends POST …/elastic-resource-pools/{pool}/queues
// {"queue_name"}: an existing queue joins the pool (with DLI's default
// scaling policy). Not retried on an unclear outcome: DLI refuses a queue
// that is already in a pool.
func (c *Client) AddQueueToPool(ctx context.Context, pool, queue string) error {
	const op = "add queue to elastic resource pool"
	if err := checkPoolName(op, pool); err != nil {
		return err
	}
	if err := checkQueueName(op, queue); err != nil {
		return err
	}
	body, err := json.Marshal(map[string]string{"queue_name": queue})
	if err != nil {
		return fmt.Errorf("dli: %s: %w", op, err)
	}
	call := poolCall(op, queue, http.MethodPost, pool, "queues")
	call.body = body
	_, err = c.do(ctx, call, nil)
	return err
}
