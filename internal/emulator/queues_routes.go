package emulator

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// queueDetail is GET /v1.0/{project_id}/queues/{name} (dli_02_0016): its
// own keys are camelCase, the rest snake_case, as the API spells them.
type queueDetail struct {
	IsSuccess           bool     `json:"is_success"`
	Message             string   `json:"message"`
	QueueID             int64    `json:"queue_id"`
	QueueName           string   `json:"queueName"`
	Description         string   `json:"description"`
	Owner               string   `json:"owner"`
	CreateTime          int64    `json:"create_time"`
	QueueType           string   `json:"queueType"`
	CUCount             int      `json:"cuCount"`
	ChargingMode        int      `json:"chargingMode"`
	ResourceID          string   `json:"resource_id"`
	ResourceMode        int      `json:"resource_mode"`
	EnterpriseProjectID string   `json:"enterprise_project_id"`
	ResourceType        string   `json:"resource_type"`
	CUSpec              int      `json:"cu_spec"`
	CUScaleOutLimit     int      `json:"cu_scale_out_limit"`
	CUScaleInLimit      int      `json:"cu_scale_in_limit"`
	Pool                string   `json:"elastic_resource_pool_name"`
	SparkVersions       []string `json:"support_spark_versions"`
	DefaultSparkVersion string   `json:"default_spark_version"`
}

// queueListItem is one element of GET /v1.0/{project_id}/queues
// (dli_02_0196), in snake_case.
type queueListItem struct {
	QueueID             int64   `json:"queue_id"`
	QueueName           string  `json:"queue_name"`
	Description         string  `json:"description"`
	Owner               string  `json:"owner"`
	CreateTime          int64   `json:"create_time"`
	QueueType           string  `json:"queue_type"`
	Engine              string  `json:"engine"`
	UsedCU              float64 `json:"used_cu"`
	CUCount             int     `json:"cu_count"`
	ChargingMode        int     `json:"charging_mode"`
	ResourceID          string  `json:"resource_id"`
	EnterpriseProjectID string  `json:"enterprise_project_id"`
	CIDRInVPC           string  `json:"cidr_in_vpc"`
	ResourceMode        int     `json:"resource_mode"`
	Platform            string  `json:"platform"`
	IsRestarting        bool    `json:"is_restarting"`
	Labels              string  `json:"labels"`
	Feature             string  `json:"feature"`
	ResourceType        string  `json:"queue_resource_type"`
	CUSpec              int     `json:"cu_spec"`
	CUScaleOutLimit     int     `json:"cu_scale_out_limit"`
	CUScaleInLimit      int     `json:"cu_scale_in_limit"`
	Pool                string  `json:"elastic_resource_pool_name"`
}

type queueListResponse struct {
	IsSuccess bool            `json:"is_success"`
	Message   string          `json:"message"`
	Queues    []queueListItem `json:"queues"`
}

type successResponse struct {
	IsSuccess bool   `json:"is_success"`
	Message   string `json:"message"`
}

type queueCreateResponse struct {
	IsSuccess bool   `json:"is_success"`
	Message   string `json:"message"`
	QueueName string `json:"queue_name"`
}

type scaleResponse struct {
	QueueName string `json:"queue_name"`
	Result    bool   `json:"result"`
}

// maxQueueCU bounds a queue's size after scaling out.
const maxQueueCU = 32000

func (q *queue) detail(now time.Time) queueDetail {
	cu := q.cu(now)
	return queueDetail{
		IsSuccess: true, QueueID: q.ID, QueueName: q.Name, Description: q.Description, Owner: q.Owner,
		CreateTime: q.CreatedAt.UnixMilli(), QueueType: q.Type, CUCount: cu, ChargingMode: q.ChargingMode,
		ResourceID: q.ResourceID, ResourceMode: q.ResourceMode, EnterpriseProjectID: q.Project,
		ResourceType: "vm", CUSpec: cu, CUScaleOutLimit: maxQueueCU, CUScaleInLimit: 16, Pool: q.Pool,
		SparkVersions: []string{"2.4.5", "3.1.1", "3.3.1"}, DefaultSparkVersion: "3.3.1",
	}
}

func (q *queue) listItem(now time.Time) queueListItem {
	cu := q.cu(now)
	return queueListItem{
		QueueID: q.ID, QueueName: q.Name, Description: q.Description, Owner: q.Owner,
		CreateTime: q.CreatedAt.UnixMilli(), QueueType: q.Type, Engine: q.Engine, CUCount: cu,
		ChargingMode: q.ChargingMode, ResourceID: q.ResourceID, EnterpriseProjectID: q.Project,
		CIDRInVPC: q.Properties["network.cidrInVpc"], ResourceMode: q.ResourceMode, Platform: q.Platform,
		Labels: strings.Join(q.Labels, ","), Feature: q.Feature, ResourceType: "vm", CUSpec: cu,
		CUScaleOutLimit: maxQueueCU, CUScaleInLimit: 16, Pool: q.Pool,
	}
}

// parseQueueCreate validates a create body (dli_02_0194).
func (s *queueService) parseQueueCreate(body []byte) (*queue, *response) {
	f, e := readFields(body)
	if e != nil {
		return nil, e
	}
	q := &queue{}
	name, _ := f.str("queue_name")
	q.Type, _ = f.str("queue_type")
	q.Description, _ = f.str("description")
	cu, hasCU := f.integer("cu_count")
	charging, hasCharging := f.integer("charging_mode")
	q.Project, _ = f.str("enterprise_project_id")
	q.Platform, _ = f.str("platform")
	q.ResourceMode, _ = f.integer("resource_mode")
	q.Feature, _ = f.str("feature")
	q.Engine, _ = f.str("engine")
	q.Pool, _ = f.str("elastic_resource_pool_name")
	if _, v, ok := f.pick("labels"); ok && json.Unmarshal(v, &q.Labels) != nil {
		f.fail("the parameter labels must be an array of strings")
	}
	q.Tags = readTags(f)
	props := readProperties(f, "properties")
	if e := f.done(); e != nil {
		return nil, e
	}
	fail := func(format string, args ...any) (*queue, *response) {
		r := badRequest(format, args...)
		return nil, &r
	}
	if name == "" {
		return fail("The parameter queue_name is mandatory")
	}
	if e := checkName("queue_name", name); e != nil {
		return nil, e
	}
	q.Name = strings.ToLower(name)
	switch {
	case !hasCU:
		return fail("The parameter cu_count is mandatory")
	case cu != 16 && cu != 64 && cu != 256:
		return fail("The parameter cu_count is invalid: %d, it must be 16, 64 or 256", cu)
	}
	q.CUCount = cu
	if q.Type == "" {
		q.Type = "sql"
	}
	if q.Type != "sql" && q.Type != "general" {
		return fail("The parameter queue_type is invalid: %q, it must be sql or general", q.Type)
	}
	q.ChargingMode = 1
	if hasCharging && charging != 1 {
		return fail("The parameter charging_mode is invalid: %d, only 1 (pay per use) is allowed on create", charging)
	}
	if q.Platform == "" {
		q.Platform = "x86_64"
	}
	if q.Platform != "x86_64" && q.Platform != "aarch64" {
		return fail("The parameter platform is invalid: %q, it must be x86_64 or aarch64", q.Platform)
	}
	if q.ResourceMode != 0 && q.ResourceMode != 1 {
		return fail("The parameter resource_mode is invalid: %d, it must be 0 (shared) or 1 (dedicated)", q.ResourceMode)
	}
	if q.Feature == "" {
		q.Feature = "basic"
	}
	switch {
	case q.Feature != "basic" && q.Feature != "ai":
		return fail("The parameter feature is invalid: %q, it must be basic or ai", q.Feature)
	case q.Feature == "ai" && (q.Type != "sql" || q.Platform != "x86_64" || q.ResourceMode != 1):
		return fail("The parameter feature ai is only allowed on dedicated x86_64 SQL queues")
	}
	for _, l := range q.Labels {
		if l != "multi_az=2" {
			return fail("The parameter labels is invalid: %q, the only label is multi_az=2", l)
		}
	}
	switch {
	case q.Engine != "" && q.Type != "sql":
		return fail("The parameter engine is only allowed with queue_type sql")
	case q.Engine == "" && q.Type == "sql":
		q.Engine = "spark"
	case q.Engine != "" && q.Engine != "spark" && q.Engine != "hetuEngine":
		return fail("The parameter engine is invalid: %q, it must be spark or hetuEngine", q.Engine)
	}
	if q.Project == "" {
		q.Project = "0"
	}
	if len(props) > 0 {
		if e := checkProperties(props); e != nil {
			return nil, e
		}
		q.Properties = props
	}
	return q, nil
}

func (s *queueService) handleCreate(c *call) response {
	q, errResp := s.parseQueueCreate(c.body)
	if errResp != nil {
		return *errResp
	}
	now := s.clock.Now()
	if q.Pool != "" {
		q.Pool = strings.ToLower(q.Pool)
		if e := s.pools.acceptsQueue(q.Pool); e != nil {
			return *e
		}
		q.Policies = []scalingPolicy{defaultPolicy(q.CUCount)}
	}
	q.Owner, q.CreatedAt, q.ReadyAt = c.who.owner, now, now.Add(s.provisionDelay())
	q.ResourceID = uuid.NewString()
	if !s.insertNew(q.Name, q, func(q *queue, seq int64) { q.ID = seq }) {
		return dliError(http.StatusBadRequest, CodeParameter, "The queue %s already exists", q.Name)
	}
	s.changed()
	return okJSON(queueCreateResponse{IsSuccess: true, QueueName: q.Name})
}

func (s *queueService) handleGet(c *call) response {
	q, errResp := s.lookup(c.r.PathValue("queue_name"))
	if errResp != nil {
		return *errResp
	}
	return okJSON(q.detail(s.clock.Now()))
}

// queuePaging pages the queue list: current-page from 1, page-size without
// a maximum, all queues on one page by default.
var queuePaging = pageStyle{offsetKey: "current-page", sizeKey: "page-size", pageNumbers: true, defaultSize: math.MaxInt32}

var queueOrders = map[string]func(a, b queueListItem) bool{
	"queue_name_asc":  func(a, b queueListItem) bool { return a.QueueName < b.QueueName },
	"queue_name_desc": func(a, b queueListItem) bool { return a.QueueName > b.QueueName },
	"cu_asc":          func(a, b queueListItem) bool { return a.CUCount < b.CUCount },
	"cu_desc":         func(a, b queueListItem) bool { return a.CUCount > b.CUCount },
}

func (s *queueService) handleList(c *call) response {
	q, pg, e := listQuery(c, queuePaging)
	if e != nil {
		return *e
	}
	typ := q.Get("queue_type")
	if typ == "" {
		typ = "sql" // the API's default: general queues are listed only when asked for
	}
	if !slices.Contains([]string{"sql", "general", "all"}, typ) {
		return badRequest("The parameter queue_type is invalid: %q, it must be sql, general or all", typ)
	}
	order := q.Get("order")
	if order == "" {
		order = "queue_name_asc"
	}
	less, ok := queueOrders[order]
	if !ok {
		return badRequest("The parameter order is invalid: %q", order)
	}
	queues, e := tagged(q.Get("tags"), s.sorted(), func(q *queue) []tag { return q.Tags })
	if e != nil {
		return *e
	}
	now := s.clock.Now()
	items := []queueListItem{}
	for _, qu := range queues {
		if typ == "all" || qu.Type == typ {
			items = append(items, qu.listItem(now))
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return less(items[i], items[j]) })
	return okJSON(queueListResponse{IsSuccess: true, Queues: pageOf(items, pg)})
}

func (s *queueService) handleDelete(c *call) response {
	q, errResp := s.lookup(c.r.PathValue("queue_name"))
	if errResp != nil {
		return *errResp
	}
	var active []string
	for _, j := range s.jobs {
		active = append(active, j.activeJobsOn(q.Name)...)
	}
	if len(active) > 0 {
		return dliError(http.StatusBadRequest, CodeNotSupported,
			"The queue %s has %d running jobs and cannot be deleted", q.Name, len(active))
	}
	if q.Seeded {
		return dliError(http.StatusBadRequest, CodeNotSupported,
			"The queue %s is provided by the emulator's queues option and cannot be deleted", q.Name)
	}
	s.remove(q.Name)
	s.changed()
	return okJSON(successResponse{IsSuccess: true})
}

// handleAction restarts or scales a queue (dli_02_0249): cu_count is the
// CUs to add or remove, a multiple of 16.
func (s *queueService) handleAction(c *call) response {
	f, e := readFields(c.body)
	if e != nil {
		return *e
	}
	action, _ := f.str("action")
	f.boolean("force")
	delta, hasDelta := f.integer("cu_count")
	if e := f.done(); e != nil {
		return *e
	}
	name := strings.ToLower(c.r.PathValue("queue_name"))
	now := s.clock.Now()
	var answer response
	if !s.update(name, func(q *queue) { answer = s.act(q, now, action, delta, hasDelta) }) {
		return queueMissing(name)
	}
	return answer
}

// act is handleAction on the stored queue, under the lock.
func (s *queueService) act(q *queue, now time.Time, action string, delta int, hasDelta bool) response {
	q.settle(now)
	switch action {
	case "restart":
		if q.Type != "sql" || !q.ready(now) {
			return dliError(http.StatusBadRequest, CodeNotSupported, "Only available SQL queues can be restarted")
		}
		return okJSON(successResponse{IsSuccess: true, Message: "Restart success"})
	case "scale_out", "scale_in":
	case "":
		return badRequest("The parameter action is mandatory")
	default:
		return badRequest("The parameter action is invalid: %q, it must be restart, scale_out or scale_in", action)
	}
	switch {
	case !hasDelta || delta <= 0 || delta%16 != 0:
		return badRequest("The parameter cu_count is invalid: %d, it must be a positive multiple of 16", delta)
	case q.Pool != "":
		return dliError(http.StatusBadRequest, CodeNotSupported,
			"The queue %s belongs to the elastic resource pool %s: change its scaling policy instead", q.Name, q.Pool)
	case q.TargetCU != 0:
		return dliError(http.StatusBadRequest, CodeNotSupported, "The queue %s is being scaled", q.Name)
	}
	target := q.CUCount + delta
	if action == "scale_in" {
		target = q.CUCount - delta
	}
	if target < 16 || target > maxQueueCU {
		return badRequest("The parameter cu_count is invalid: the queue would have %d CUs, it must keep 16 to %d", target, maxQueueCU)
	}
	q.TargetCU, q.ScaledAt = target, now.Add(s.provisionDelay())
	s.changed()
	return okJSON(scaleResponse{QueueName: q.Name, Result: true})
}
