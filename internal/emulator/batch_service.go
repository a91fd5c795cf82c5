package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// batchService is the Spark batch collection, /v2.0/{project_id}/batches
// (dli-batch-api.md): six routes over an in-memory job store.
type batchService struct {
	env
	queues queueGate // set by newServices

	mu   sync.RWMutex
	jobs map[string]*job // by lower-case ID
	seq  int64
}

func newBatchService(e env) *batchService {
	return &batchService{env: e, jobs: map[string]*job{}}
}

func (b *batchService) register(rt *routes) {
	const base = "/v2.0/{project_id}/batches"
	rt.write("POST "+base, b.handleCreate)
	rt.read("GET "+base, b.handleList)
	rt.read("GET "+base+"/{batch_id}", b.handleGet)
	rt.write("DELETE "+base+"/{batch_id}", b.handleCancel)
	rt.read("GET "+base+"/{batch_id}/state", b.handleState)
	rt.read("GET "+base+"/{batch_id}/log", b.handleLog)
}

var batchIDRE = jobUUIDRE

// lookup validates a batch ID and returns a copy of the job.
func (b *batchService) lookup(batchID string) (job, *response) {
	if !batchIDRE.MatchString(batchID) {
		r := badRequest("The batch_id %s is invalid: it must be a UUID", batchID)
		return job{}, &r
	}
	b.mu.RLock()
	j, ok := b.jobs[strings.ToLower(batchID)]
	var cp job
	if ok {
		cp = *j
	}
	b.mu.RUnlock()
	if !ok {
		r := dliError(http.StatusBadRequest, CodeNotExist, "The batch job %s does not exist", batchID)
		return job{}, &r
	}
	return cp, nil
}

// sorted returns copies of every job, oldest first.
func (b *batchService) sorted() []*job {
	b.mu.RLock()
	js := make([]*job, 0, len(b.jobs))
	for _, j := range b.jobs {
		cp := *j
		js = append(js, &cp)
	}
	b.mu.RUnlock()
	sort.Slice(js, func(x, y int) bool { return js[x].Seq < js[y].Seq })
	return js
}

func (b *batchService) kind() string { return "batch" }

func (b *batchService) reset() {
	b.mu.Lock()
	b.jobs = map[string]*job{}
	b.mu.Unlock()
}

// The batch section keeps the key of the first state files: "jobs".
func (b *batchService) stateKey() string { return "jobs" }

func (b *batchService) save() (json.RawMessage, error) {
	return json.Marshal(b.sorted())
}

func (b *batchService) load(raw json.RawMessage) error {
	var jobs []*job
	if err := json.Unmarshal(raw, &jobs); err != nil {
		return err
	}
	loaded := map[string]*job{}
	var seq int64
	for _, j := range jobs {
		if j == nil || !batchIDRE.MatchString(j.ID) || j.Retries < 0 || j.Retries > 1 ||
			(j.Outcome != StateSuccess && j.Outcome != StateDead) {
			return errors.New("invalid batch job (id, outcome or retries)")
		}
		// IDs are served in lower case (lookups lower-case the path's); a
		// hand-edited file may have them in upper case.
		j.ID = strings.ToLower(j.ID)
		if loaded[j.ID] != nil {
			return fmt.Errorf("holds the batch job %s twice", j.ID)
		}
		j.render()
		loaded[j.ID] = j
		seq = max(seq, j.Seq)
	}
	b.mu.Lock()
	b.jobs, b.seq = loaded, seq
	b.mu.Unlock()
	return nil
}
