package emulator

import (
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

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

func (b *batchService) handleCreate(c *call) response {
	req, errResp := parseCreate(c.body, b.opts.JobRun)
	if errResp != nil {
		return *errResp
	}
	if refused := b.queues.acceptsJobs(req.queue, queueForBatch); refused != nil {
		return *refused
	}
	now := b.clock.Now()
	j := &job{
		ID:           uuid.NewString(),
		Name:         req.name,
		Queue:        req.queue,
		Owner:        c.who.owner,
		ScType:       req.scType,
		Feature:      req.feature,
		SparkVersion: req.sparkVersion,
		Image:        req.image,
		File:         req.file,
		ClassName:    req.className,
		ReqBody:      req.reqBody,
		Conf:         req.conf,
		AutoRecovery: req.autoRecovery,
		MaxRetry:     req.maxRetry,
		Outcome:      req.outcome,
		CreatedAt:    now,
		StartDelay:   b.opts.JobStart,
		RunDuration:  req.runDuration,
	}
	if req.customized {
		j.ScType = "CUSTOMIZED"
	}
	if j.AutoRecovery && j.Outcome == StateDead && j.MaxRetry > 0 {
		j.Retries = 1
	}
	b.insert(j, func(j *job, seq int64) string {
		j.Seq = seq
		j.render() // after Seq: the log names the appId
		return j.ID
	})
	b.changed()
	ms := now.UnixMilli()
	return okJSON(createResponse{
		ID: j.ID, AppID: "", Name: j.Name, Owner: j.Owner, ProxyUser: "", State: StateStarting,
		Kind: jobKind, Log: []string{}, ScType: j.ScType, ClusterName: j.Queue, Queue: j.Queue,
		Image: j.Image, CreateTime: ms, UpdateTime: ms, Duration: 0,
	})
}

func (b *batchService) handleGet(c *call) response {
	batchID := c.r.PathValue("batch_id")
	j, errResp := b.lookup(batchID)
	if errResp != nil {
		return *errResp
	}
	now := b.clock.Now()
	v := j.at(now)
	return okJSON(detailResponse{jobObject: newJobObject(&j, v, now), Feature: j.Feature, SparkVersion: j.SparkVersion})
}

func (b *batchService) handleState(c *call) response {
	batchID := c.r.PathValue("batch_id")
	j, errResp := b.lookup(batchID)
	if errResp != nil {
		return *errResp
	}
	return okJSON(stateResponse{ID: j.ID, State: j.at(b.clock.Now()).state})
}

func (b *batchService) handleCancel(c *call) response {
	batchID := c.r.PathValue("batch_id")
	if !batchIDRE.MatchString(batchID) {
		return badRequest("The batch_id %s is invalid: it must be a UUID", batchID)
	}
	now := b.clock.Now()
	b.mu.Lock()
	j, ok := b.jobs[strings.ToLower(batchID)]
	if !ok {
		b.mu.Unlock()
		return dliError(http.StatusBadRequest, CodeNotExist, "The batch job %s does not exist", batchID)
	}
	v := j.at(now)
	if terminal(v.state) {
		b.mu.Unlock()
		return dliError(http.StatusBadRequest, CodeNotSupported,
			"The batch job %s is already finished (state: %s) and cannot be cancelled", j.ID, v.state)
	}
	changed := false
	if !j.cancelled() {
		j.CancelAt, j.DeadAt = now, now.Add(b.opts.CancelDelay)
		j.render()
		changed = true
	}
	b.mu.Unlock()
	if changed {
		b.changed()
	}
	return okJSON(msgResponse{Msg: "deleted"})
}
