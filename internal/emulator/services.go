package emulator

import "encoding/json"

// service is one API collection: it registers its routes on the gateway
// and owns its objects. The gateway, the admin routes and the state file
// reach it only through this interface.
type service interface {
	// kind names the collection's jobs on the admin routes
	// (GET /_emulator/jobs/{kind}).
	kind() string
	// register adds the collection's routes.
	register(rt *routes)
	// adminJobs is the JSON value that lists its jobs, oldest first.
	adminJobs() any
	// reset forgets every object.
	reset()
	// stateKey is its section of the state file; save returns the section
	// (nil: nothing to keep) and load restores it.
	stateKey() string
	save() (json.RawMessage, error)
	load(raw json.RawMessage) error
}

// env is what the server lends to every service.
type env struct {
	opts    *Options // effective options, read only
	clock   Clock
	changed func() // after every change: schedules a state file write
}

// collections holds one service per API collection. Adding a collection is
// a field here and a line in newServices; the first service answers the
// historical GET /_emulator/jobs.
type collections struct {
	batch  *batchService
	sql    *sqlService
	queues *queueService
	pools  *poolService
	iam    *iamService
}

func (s *Server) newServices(e env) []service {
	s.batch = newBatchService(e)
	s.sql = newSQLService(e)
	flink := newFlinkService(e)
	s.queues = newQueueService(e, s.batch, s.sql, flink)
	// Jobs are accepted only on queues that exist and are ready (queues_jobs.go).
	s.batch.queues, s.sql.queues, flink.queues = s.queues, s.queues, s.queues
	s.pools = newPoolService(e, s.queues)
	s.iam = newIAMService(e, s.identify)
	return []service{s.batch, s.sql, flink, s.queues, s.pools, newTagService(e, s.queues, s.pools), s.iam}
}
