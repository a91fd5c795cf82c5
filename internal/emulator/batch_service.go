package emulator

import (
	"encoding/json"
	"errors"
)

// batchService is the Spark batch collection, /v2.0/{project_id}/batches
// (dli-batch-api.md): six routes over an in-memory job store.
type batchService struct {
	env
	queues queueGate // set by newServices

	store[string, job] // by lower-case ID
}

func newBatchService(e env) *batchService {
	return &batchService{env: e, store: newStore[string](func(a, b *job) bool { return a.Seq < b.Seq }, nil)}
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
	return lookupUUID(&b.store, batchID, "batch_id", "batch job")
}

func (b *batchService) kind() string { return "batch" }

// The batch section keeps the key of the first state files: "jobs".
func (b *batchService) stateKey() string { return "jobs" }

func (b *batchService) save() (json.RawMessage, error) {
	return json.Marshal(b.sorted())
}

func (b *batchService) load(raw json.RawMessage) error {
	return loadKeyed(&b.store, raw, "batch job", nil, func(j *job) error {
		if j == nil || !batchIDRE.MatchString(j.ID) || j.Retries < 0 || j.Retries > 1 ||
			(j.Outcome != StateSuccess && j.Outcome != StateDead) {
			return errors.New("invalid batch job (id, outcome or retries)")
		}
		j.render() // the driver log is not kept in the file
		return nil
	})
}

func (j *job) key() *string { return &j.ID }
func (j *job) order() int64 { return j.Seq }
