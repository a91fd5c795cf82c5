package emulator

import (
	"cmp"
	"net/url"
	"sort"
	"strings"
	"time"
)

func (b *batchService) handleLog(c *call) response {
	batchID, r := c.r.PathValue("batch_id"), c.r
	j, errResp := b.lookup(batchID)
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
	lines := j.logLines(b.clock.Now(), int(min(attempt, 1<<20)))
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

var listOrders = []string{"CREATE_TIME_DESC", "CREATE_TIME_ASC", "DURATION_DESC", "DURATION_ASC"}

var listStates = []string{StateStarting, StateRunning, StateRecovering, StateSuccess, StateDead}

func (b *batchService) handleList(c *call) response {
	q, pg, e := listQuery(c, fromSize)
	if e != nil {
		return *e
	}
	start, end, e := timeRange(q)
	if e != nil {
		return *e
	}
	order := q.Get("order")
	if order == "" {
		order = "CREATE_TIME_DESC"
	}
	state := q.Get("state")
	if e := cmp.Or(oneOf("order", order, listOrders), oneOf("state", state, listStates)); e != nil {
		return *e
	}
	queue := firstOf(q, "queue_name", "cluster_name")
	name := firstOf(q, "job_name", "job-name")
	jobID := strings.ToLower(firstOf(q, "job-id", "job_id"))
	owner := q.Get("owner")

	now := b.clock.Now()
	type match struct {
		j  *job
		v  view
		ct int64
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	var ms []match
	for _, j := range b.jobs {
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
	resp := listResponse{From: int(pg.offset), Total: len(ms), Sessions: []sessionJSON{}}
	for _, m := range pageOf(ms, pg) {
		resp.Sessions = append(resp.Sessions, sessionJSON{jobObject: newJobObject(m.j, m.v, now), Duration: durationMS(m.v.duration)})
	}
	return okJSON(resp)
}

func durationMS(d time.Duration) int64 { return d.Milliseconds() }
