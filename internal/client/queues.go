package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// The queue collection: /v1.0/{project_id}/queues... (dli_02_0194 create,
// dli_02_0016 detail, dli_02_0196 list, dli_02_0195 delete, dli_02_0249
// scale) and the v3 queue properties, /v3/{project_id}/queues/{name}/properties.

// ErrInvalidQueueName is returned (wrapped) for a queue name that cannot be
// one; no request is sent. It matches ErrInvalidID.
var ErrInvalidQueueName = newIDKind("queue name")

// queueNamePattern is what may name an existing queue in a path: DLI's
// letters, digits and '_', plus '-' for queues made before the rule.
var queueNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// ValidQueueName reports whether name can name an existing queue.
func ValidQueueName(name string) bool { return queueNamePattern.MatchString(name) }

func checkQueueName(op, name string) error {
	return checkID(op, ErrInvalidQueueName, name, ValidQueueName, "1 to 128 letters, digits, '_' or '-'")
}

// queueMissing is how DLI words an unknown queue besides DLI.0002/DLI.0008:
// "There is no queue named q1", "Queue q1 does not exist".
var queueMissing = regexp.MustCompile(`(?i)\bthere is no queue named\b|\bqueue\s+\S+\s+(?:does not|doesn't) exist\b`)

// classifyQueue marks "not found": 400/404 with DLI.0002 or DLI.0008, or
// DLI.0001 phrased as queueMissing.
func classifyQueue(e *APIError) {
	if !statusIn(e, []int{http.StatusBadRequest, http.StatusNotFound}) {
		return
	}
	if codeIn(e, []string{"DLI.0002", "DLI.0008"}) || (codeIn(e, []string{"DLI.0001"}) && queueMissing.MatchString(e.Message)) {
		e.mark(ErrNotFound)
	}
}

// queueNotReady is how DLI may word its refusal of a job on a queue it is
// still preparing. The wording is UNCONFIRMED (dli-more-api.md §4.1 knows
// only "the queue is assigning, which is not available"); the emulator
// answers "The queue q is assigning resources and is not available yet".
var queueNotReady = regexp.MustCompile(`(?i)\bqueue\b.*\b(?:assigning|provisioning|initiali[sz]ing|being (?:created|prepared|started)|not (?:yet )?ready|not yet available|not available yet)\b`)

// IsQueueNotReady reports DLI's refusal of a job on a queue that exists
// but cannot run jobs yet (a new queue still assigning its resources): any
// answer below 500 whose message says so, whatever its code, other than
// "no such queue". Such a job was not created, so submitting it again is
// safe.
func IsQueueNotReady(err error) bool {
	e, ok := asAPIError(err)
	if !ok || e.StatusCode >= http.StatusInternalServerError || IsNotFound(err) || IsThrottled(err) ||
		codeIn(e, []string{"DLI.0002", "DLI.0008"}) || queueMissing.MatchString(e.Message) {
		return false
	}
	return queueNotReady.MatchString(e.Message)
}

func queueCall(op, subject, method, version string, segments ...string) apiCall {
	return apiCall{
		op: op, subject: subject, method: method, version: version,
		segments: append([]string{"queues"}, segments...), redact: queueRedaction, classify: classifyQueue,
		idempotent: method == http.MethodGet || method == http.MethodDelete || method == http.MethodPut,
	}
}

// CreateQueue sends POST /v1.0/{project_id}/queues and returns the name
// DLI gave the queue (lower case).
func (c *Client) CreateQueue(ctx context.Context, req CreateQueueRequest) (string, error) {
	const op = "create queue"
	body, err := req.wireBody()
	if err != nil {
		return "", fmt.Errorf("dli: %s: %w", op, err)
	}
	call := queueCall(op, req.Name, http.MethodPost, "v1.0")
	call.body = body
	var out struct {
		QueueName flexString `json:"queue_name"`
	}
	if _, err := c.do(ctx, call, &out); err != nil {
		return "", err
	}
	if out.QueueName != "" {
		return string(out.QueueName), nil
	}
	return strings.ToLower(req.Name), nil
}

// GetQueue reads GET /v1.0/{project_id}/queues/{name}. An answer about
// another queue is an error.
func (c *Client) GetQueue(ctx context.Context, name string) (*Queue, error) {
	const op = "get queue"
	if err := checkQueueName(op, name); err != nil {
		return nil, err
	}
	var q Queue
	if _, err := c.do(ctx, queueCall(op, name, http.MethodGet, "v1.0", name), &q); err != nil {
		return nil, err
	}
	if q.Name == "" {
		q.Name = name
	}
	if !strings.EqualFold(q.Name, name) {
		return nil, fmt.Errorf("dli: %s: the answer is about queue %q", describe(op, name), truncate(q.Name, 80))
	}
	return &q, nil
}

// QueueListOptions filter GET /v1.0/{project_id}/queues.
type QueueListOptions struct {
	// Type is sql, general or all; DLI lists only SQL queues when it is empty.
	Type string
	// Tags keeps queues that have every one of these tags.
	Tags map[string]string
}

// queueListPage is the page size the client asks for.
const queueListPage = 100

// ListQueues lists queues, page after page (current-page from 1) until a
// page has fewer than asked for. Each is marked Listed.
func (c *Client) ListQueues(ctx context.Context, opts QueueListOptions) ([]Queue, error) {
	const op = "list queues"
	base := newListQuery()
	base.set("queue_type", opts.Type)
	base.tags(opts.Tags)
	return collect(0, pageWalk[Queue]{
		op: op, size: queueListPage, shortEnds: true,
		key: func(q Queue) string { return "name " + q.Name }, // a nameless queue is one too
		fetch: func(ctx context.Context, page, _ int) ([]Queue, int, error) {
			var out struct {
				Queues []Queue `json:"queues"`
			}
			err := c.getPage(ctx, queueCall(op, "", http.MethodGet, "v1.0"), base.Values,
				pageAt("current-page", page+1, "page-size", queueListPage), &out)
			for i := range out.Queues {
				out.Queues[i].Listed = true
			}
			return out.Queues, 0, err
		},
	}.walk(ctx))
}

// tagFilter renders tags as k1=v1,k2=v2, sorted by key.
func tagFilter(tags map[string]string) string {
	parts := make([]string, 0, len(tags))
	for _, t := range tagList(tags) {
		parts = append(parts, t.Key+"="+t.Value)
	}
	return strings.Join(parts, ",")
}

// FindQueue looks a queue up in the list of every type (for what only the
// list reports: platform, feature, engine, labels).
func (c *Client) FindQueue(ctx context.Context, name string) (*Queue, error) {
	qs, err := c.ListQueues(ctx, QueueListOptions{Type: "all"})
	if err != nil {
		return nil, err
	}
	for i := range qs {
		if strings.EqualFold(qs[i].Name, name) {
			return &qs[i], nil
		}
	}
	return nil, fmt.Errorf("dli: find queue %s: %w", name, ErrNotFound)
}

// DeleteQueue sends DELETE /v1.0/{project_id}/queues/{name}. A queue that
// is gone answers an error matching ErrNotFound.
func (c *Client) DeleteQueue(ctx context.Context, name string) error {
	const op = "delete queue"
	if err := checkQueueName(op, name); err != nil {
		return err
	}
	_, err := c.do(ctx, queueCall(op, name, http.MethodDelete, "v1.0", name), nil)
	return err
}

// ScaleQueue sends PUT /v1.0/{project_id}/queues/{name}/action with
// scale_out or scale_in of |delta| CUs. The scaling answer has no
// is_success: {"queue_name", "result"}; result false is an error.
func (c *Client) ScaleQueue(ctx context.Context, name string, delta int64) error {
	const op = "scale queue"
	if err := checkQueueName(op, name); err != nil {
		return err
	}
	action := "scale_out"
	if delta < 0 {
		action, delta = "scale_in", -delta
	}
	if delta == 0 {
		return nil
	}
	body, _ := json.Marshal(map[string]any{"action": action, "cu_count": delta})
	// Not retried on an unclear outcome: a second scale_out would add twice.
	call := queueCall(op, name, http.MethodPut, "v1.0", name, "action")
	call.idempotent, call.body = false, body
	var out struct {
		Result json.RawMessage `json:"result"`
	}
	if _, err := c.do(ctx, call, &out); err != nil {
		return err
	}
	if ok, known := jsonToBool(out.Result); known && !ok {
		return fmt.Errorf("dli: %s: DLI answered result false to %s of %d CUs", describe(op, name), action, delta)
	}
	return nil
}

// WaitForQueueCU polls the detail until the queue reports want CUs.
func (c *Client) WaitForQueueCU(ctx context.Context, name string, want int64) (*Queue, error) {
	target := pollTarget{what: "queue " + name, goal: fmt.Sprintf("%d CUs", want)}
	var last *Queue
	_, err := c.poll(ctx, target, "", func(ctx context.Context) (string, bool, error) {
		q, err := c.GetQueue(ctx, name)
		if err != nil {
			return "", IsNotFound(err), err
		}
		last = q
		return fmt.Sprintf("%d CUs", q.CUCount), q.CUCount == want, nil
	})
	return last, err
}

// WaitForQueueGone polls the detail until DLI no longer knows the queue.
func (c *Client) WaitForQueueGone(ctx context.Context, name string) error {
	target := pollTarget{what: "queue " + name, goal: "deleted"}
	_, err := c.poll(ctx, target, "deleting", func(ctx context.Context) (string, bool, error) {
		_, err := c.GetQueue(ctx, name)
		if IsNotFound(err) {
			return "deleted", true, nil
		}
		return "present", false, err
	})
	return err
}

// GetQueueProperties reads the v3 properties of a queue, every page.
func (c *Client) GetQueueProperties(ctx context.Context, name string) (map[string]string, error) {
	const op = "get queue properties"
	if err := checkQueueName(op, name); err != nil {
		return nil, err
	}
	props := map[string]string{}
	for offset := 0; ; {
		call := queueCall(op, name, http.MethodGet, "v3", name, "properties")
		call.query = url.Values{"offset": {strconv.Itoa(offset)}, "limit": {"100"}}
		var out struct {
			Properties []struct {
				Key   flexString `json:"key"`
				Value flexString `json:"value"`
			} `json:"properties"`
		}
		if _, err := c.do(ctx, call, &out); err != nil {
			return nil, err
		}
		for _, p := range out.Properties {
			props[string(p.Key)] = string(p.Value)
		}
		offset += len(out.Properties)
		if len(out.Properties) < 100 || offset/100 > maxListPages {
			return props, nil
		}
	}
}

// SetQueueProperties sends PUT …/queues/{name}/properties.
func (c *Client) SetQueueProperties(ctx context.Context, name string, props map[string]string) error {
	const op = "set queue properties"
	if err := checkQueueName(op, name); err != nil || len(props) == 0 {
		return err
	}
	body, err := json.Marshal(map[string]any{"properties": propertyValues(props)})
	if err != nil {
		return fmt.Errorf("dli: %s: %w", op, err)
	}
	call := queueCall(op, name, http.MethodPut, "v3", name, "properties")
	call.body = body
	_, err = c.do(ctx, call, nil)
	return err
}

// DeleteQueueProperties sends DELETE …/queues/{name}/properties with the
// keys in a JSON body (the queue then uses DLI's defaults).
func (c *Client) DeleteQueueProperties(ctx context.Context, name string, keys []string) error {
	const op = "delete queue properties"
	if err := checkQueueName(op, name); err != nil || len(keys) == 0 {
		return err
	}
	body, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		return fmt.Errorf("dli: %s: %w", op, err)
	}
	call := queueCall(op, name, http.MethodDelete, "v3", name, "properties")
	call.body = body
	_, err = c.do(ctx, call, nil)
	return err
}
