package emulator

import (
	"sort"
	"strconv"
	"strings"
)

// How the queue service and the job services meet, in both directions:
// a job service asks the queue service (queueGate) before it accepts a
// job, and the queue service asks every job service (activeJobs) before it
// deletes a queue. newServices wires both.

// queueGate is what a job service asks before it accepts a job on a queue
// (queueService.acceptsJobs): nil or the refusal to answer.
type queueGate interface {
	acceptsJobs(name, wantType string) *response
}

// The queue types a job needs (acceptsJobs): Spark batch and Flink JAR jobs
// run on general queues only; SQL and Flink SQL jobs on any type (a general
// queue runs them too, which is what the seeded queues are).
const (
	queueForBatch    = "general"
	queueForFlinkJar = "general"
	queueForAny      = ""
)

// activeJobsOn returns the IDs of the batch jobs on queue that have not
// ended yet, oldest first.
func (b *batchService) activeJobsOn(queue string) []string {
	now := b.clock.Now()
	var ids []string
	for _, j := range b.sorted() {
		if strings.EqualFold(j.Queue, queue) && !terminal(j.at(now).state) {
			ids = append(ids, j.ID)
		}
	}
	return ids
}

// activeJobsOn returns the IDs of the SQL jobs on queue that have not ended
// yet, oldest first.
func (q *sqlService) activeJobsOn(queue string) []string {
	now := q.clock.Now()
	q.mu.RLock()
	var active []*sqlJob
	for _, j := range q.jobs {
		if strings.EqualFold(j.Queue, queue) && !sqlTerminal(j.at(now).status) {
			active = append(active, j)
		}
	}
	q.mu.RUnlock()
	sort.Slice(active, func(a, b int) bool { return active[a].Seq < active[b].Seq })
	ids := make([]string, len(active))
	for i, j := range active {
		ids[i] = j.ID
	}
	return ids
}

// activeJobsOn returns the IDs of the Flink jobs on queue that run or are
// about to (submitting, running, canceling), lowest ID first.
func (f *flinkService) activeJobsOn(queue string) []string {
	now := f.clock.Now()
	var ids []string
	for _, j := range f.sorted() {
		if strings.EqualFold(j.Config.QueueName, queue) && flinkActive(j.at(now).status) {
			ids = append(ids, strconv.FormatInt(j.ID, 10))
		}
	}
	return ids
}
