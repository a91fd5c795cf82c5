package emulator

import (
	"net/http"
	"slices"
)

// handleTagChange answers POST /v3/{project_id}/dli_flink_job/{job_id}/tags/create
// and …/tags/delete (§9) with the rules of the queue and pool tags
// (tags_service.go): the body is checked in full before anything changes, a
// key created again takes the new value, a delete goes by key and ignores an
// absent one; 204 with no body. The job's tags are those its create set,
// which GET …/tags and the list's tag filter read.
func (f *flinkService) handleTagChange(c *call, creating bool) response {
	id, e := pathJobID(c)
	if e != nil {
		return *e
	}
	changes, e := parseTagBody(c.body, creating)
	if e != nil {
		return *e
	}
	if e := f.lockJobs([]int64{id}); e != nil {
		return *e
	}
	j := f.jobs[id]
	have := make([]tag, len(j.Config.Tags))
	for i, t := range j.Config.Tags {
		have[i] = tag(t)
	}
	next := mergeTags(have, changes, creating)
	// A new slice: copies of the job handed out earlier may still read the old one.
	j.Config.Tags = make([]flinkTag, len(next))
	for i, t := range next {
		j.Config.Tags[i] = flinkTag(t)
	}
	f.mu.Unlock()
	f.changed()
	return response{status: http.StatusNoContent}
}

// mergeTags is have after a tags/create (creating) or tags/delete of
// changes, as a new slice.
func mergeTags(have, changes []tag, creating bool) []tag {
	next := slices.Clone(have)
	for _, t := range changes {
		i := slices.IndexFunc(next, func(h tag) bool { return h.Key == t.Key })
		switch {
		case !creating && i >= 0:
			next = slices.Delete(next, i, i+1)
		case creating && i >= 0:
			next[i].Value = t.Value
		case creating:
			next = append(next, t)
		}
	}
	return next
}
