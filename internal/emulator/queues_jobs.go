package emulator

// What the queue service asks the batch service, read only: the batch
// service itself is unchanged (it still accepts jobs on the seeded queues
// of Options.Queues only).

// activeJobsOn returns the IDs of the batch jobs on queue that have not
// ended yet, oldest first.
func (b *batchService) activeJobsOn(queue string) []string {
	now := b.clock.Now()
	var ids []string
	for _, j := range b.sorted() {
		if j.Queue == queue && !terminal(j.at(now).state) {
			ids = append(ids, j.ID)
		}
	}
	return ids
}
