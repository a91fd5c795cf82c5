package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
)

// The v3 tag collection (dli-more-api.md §9): the tags of one DLI object,
// GET /v3/{project_id}/{resource_type}/{resource_id}/tags (200 or 202,
// {"tags":[{key,value}],"count":n}) and POST …/tags/create, …/tags/delete
// with {"tags":[{key,value}]} (204; any 2xx is taken).

// TagResourceType names a kind of object in the tag API's path (the SDK's
// enum).
type TagResourceType string

// The tag API's resource types.
const (
	TagQueue               TagResourceType = "dli_queue"
	TagElasticResourcePool TagResourceType = "dli_elastic_resource_pool"
	TagFlinkJob            TagResourceType = "dli_flink_job"
	TagDatabase            TagResourceType = "dli_database"
	TagPackage             TagResourceType = "dli_package_resource"
	TagEnhancedDatasource  TagResourceType = "dli_enhanced_datasource"
)

var tagResourceTypes = []TagResourceType{
	TagQueue, TagElasticResourcePool, TagFlinkJob, TagDatabase, TagPackage, TagEnhancedDatasource,
}

// TagTarget is the object whose tags a call reads or changes.
//
// UNCONFIRMED: which ID the tag API keys a queue or a pool by. The path
// parameter is called resource_id and both the queue detail and the pool
// list report a field of that name (a UUID), while every other queue and
// pool path takes the name: the provider sends the resource_id, which it
// has from the read that precedes every tag call, and falls back to the
// name only when DLI reported no resource_id (see TagTargetOf).
type TagTarget struct {
	Type TagResourceType
	ID   string
}

// TagTargetOf is the target of a queue or pool: its resource_id, or its
// name when DLI reported none.
func TagTargetOf(typ TagResourceType, resourceID, name string) TagTarget {
	if resourceID == "" {
		resourceID = name
	}
	return TagTarget{Type: typ, ID: resourceID}
}

func (t TagTarget) String() string { return string(t.Type) + " " + t.ID }

// ErrInvalidTagTarget is returned (wrapped) for a resource type the tag API
// does not know or an ID that cannot name an object; no request is sent. It
// matches ErrInvalidID.
var ErrInvalidTagTarget = newIDKind("tag resource")

// tagResourceIDPattern is what may stand for an object in the path: UUIDs,
// names, numeric Flink job IDs, and packages' "group#name"; with a letter
// or a digit, so that "." and ".." are not IDs.
var (
	tagResourceIDPattern = regexp.MustCompile(`^[A-Za-z0-9_.#:@-]{1,256}$`)
	letterOrDigit        = regexp.MustCompile(`[A-Za-z0-9]`)
)

func validTagResourceID(id string) bool {
	return tagResourceIDPattern.MatchString(id) && letterOrDigit.MatchString(id)
}

func (t TagTarget) check(op string) error {
	if !slices.Contains(tagResourceTypes, t.Type) {
		return fmt.Errorf("dli: %s: %q is not a resource type of the tag API (%w)", op, truncate(string(t.Type), 40), ErrInvalidTagTarget)
	}
	return checkID(op, ErrInvalidTagTarget, t.ID, validTagResourceID,
		"1 to 256 letters, digits or _ . # : @ -, with a letter or digit")
}

// classifyTags marks "not found": DLI's missing-object codes (DLI.0002 for
// queues and pools, DLI.0008 for queues, DLI.16001 for Flink jobs) with 400
// or 404.
func classifyTags(e *APIError) {
	if statusIn(e, []int{http.StatusBadRequest, http.StatusNotFound}) && codeIn(e, []string{"DLI.0002", "DLI.0008", "DLI.16001"}) {
		e.mark(ErrNotFound)
	}
}

// tagRedaction shows tag keys and values: they label objects and are not
// secrets (DLI lists and filters by them in the clear).
var tagRedaction = newRedaction([]string{"key", "value"}, nil, nil)

func tagCall(op string, t TagTarget, method string, segments ...string) apiCall {
	return apiCall{
		op: op, subject: t.String(), method: method, version: "v3",
		segments: append([]string{string(t.Type), t.ID, "tags"}, segments...),
		redact:   tagRedaction, classify: classifyTags,
		// Each body states the end result for its keys (create sets them,
		// delete removes them), so a repeat changes nothing more.
		idempotent: true,
	}
}

// GetTags reads the tags of an object; an object DLI does not know is an
// error matching ErrNotFound.
func (c *Client) GetTags(ctx context.Context, t TagTarget) (map[string]string, error) {
	const op = "get tags"
	if err := t.check(op); err != nil {
		return nil, err
	}
	var out struct {
		Tags json.RawMessage `json:"tags"`
	}
	if _, err := c.do(ctx, tagCall(op, t, http.MethodGet), &out); err != nil {
		return nil, err
	}
	tags := decodeKeyValues(out.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	return tags, nil
}

// CreateTags adds tags to an object (a key it already has takes the new
// value). No tags: nothing is sent.
func (c *Client) CreateTags(ctx context.Context, t TagTarget, tags map[string]string) error {
	return c.changeTags(ctx, "create tags", "create", t, tags)
}

// DeleteTags removes tags from an object. The values are sent as DLI's
// body has them; which keys go is what counts. No tags: nothing is sent.
func (c *Client) DeleteTags(ctx context.Context, t TagTarget, tags map[string]string) error {
	return c.changeTags(ctx, "delete tags", "delete", t, tags)
}

func (c *Client) changeTags(ctx context.Context, op, action string, t TagTarget, tags map[string]string) error {
	if err := t.check(op); err != nil || len(tags) == 0 {
		return err
	}
	body, err := json.Marshal(map[string]any{"tags": tagList(tags)})
	if err != nil {
		return fmt.Errorf("dli: %s: %w", op, err)
	}
	call := tagCall(op, t, http.MethodPost, action)
	call.body = body
	_, err = c.do(ctx, call, nil)
	return err
}
