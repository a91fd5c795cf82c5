package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// store is the in-memory job table one service owns: jobs by key under a lock, and the last
// sequence number handed out (it goes on after a reset, so nothing is numbered twice).
// Handlers that change a job hold mu themselves; the helpers here copy jobs out of the lock.
type store[K comparable, T any] struct {
	mu   sync.RWMutex
	jobs map[K]*T
	seq  int64

	less  func(a, b *T) bool // oldest first
	clone func(*T) T         // a copy that shares nothing mutable
}

func newStore[K comparable, T any](less func(a, b *T) bool, clone func(*T) T) store[K, T] {
	if clone == nil {
		clone = func(j *T) T { return *j }
	}
	return store[K, T]{jobs: map[K]*T{}, less: less, clone: clone}
}

// get returns a copy of the job under k.
func (s *store[K, T]) get(k K) (T, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	j, ok := s.jobs[k]
	if !ok {
		var zero T
		return zero, false
	}
	return s.clone(j), true
}

// sorted returns copies of every job, oldest first.
func (s *store[K, T]) sorted() []*T {
	s.mu.RLock()
	js := make([]*T, 0, len(s.jobs))
	for _, j := range s.jobs {
		cp := s.clone(j)
		js = append(js, &cp)
	}
	s.mu.RUnlock()
	sort.Slice(js, func(a, b int) bool { return s.less(js[a], js[b]) })
	return js
}

// insert gives j the next sequence number (through number, with the lock held) and stores it
// under key(j).
func (s *store[K, T]) insert(j *T, number func(j *T, seq int64) K) {
	s.mu.Lock()
	s.seq++
	s.jobs[number(j, s.seq)] = j
	s.mu.Unlock()
}

// remove forgets the job under k and reports whether there was one.
func (s *store[K, T]) remove(k K) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.jobs[k]
	delete(s.jobs, k)
	return ok
}

func (s *store[K, T]) reset() {
	s.mu.Lock()
	s.jobs = map[K]*T{}
	s.mu.Unlock()
}

// replace installs the jobs of a state file and its sequence.
func (s *store[K, T]) replace(jobs map[K]*T, seq int64) {
	s.mu.Lock()
	s.jobs, s.seq = jobs, seq
	s.mu.Unlock()
}

// lookupUUID validates the path's UUID (named param) and returns a copy of the job: 400
// DLI.0001 for a malformed ID, 400 DLI.0002 "The <what> <id> does not exist" for an unknown one.
func lookupUUID[T any](s *store[string, T], id, param, what string) (T, *response) {
	var zero T
	if !jobUUIDRE.MatchString(id) {
		r := badRequest("The "+param+" %s is invalid: it must be a UUID", id)
		return zero, &r
	}
	cp, ok := s.get(strings.ToLower(id))
	if !ok {
		r := dliError(http.StatusBadRequest, CodeNotExist, "The "+what+" %s does not exist", id)
		return zero, &r
	}
	return cp, nil
}

// uuidJob is what loadUUIDJobs needs of a job keyed by a UUID.
type uuidJob interface {
	key() *string // the ID, lower-cased in place on load
	order() int64 // the creation sequence number
}

// loadUUIDJobs reads a state-file section of jobs keyed by lower-case UUIDs (the path's ID is
// lower-cased on lookup; a hand-edited file may hold upper case). check refuses an invalid
// job; what names the kind in the error for a job held twice.
func loadUUIDJobs[T any, P interface {
	*T
	uuidJob
}](raw json.RawMessage, what string, check func(P) error) (map[string]*T, int64, error) {
	var jobs []P
	if err := json.Unmarshal(raw, &jobs); err != nil {
		return nil, 0, err
	}
	loaded := map[string]*T{}
	var seq int64
	for _, j := range jobs {
		if err := check(j); err != nil {
			return nil, 0, err
		}
		id := j.key()
		*id = strings.ToLower(*id)
		if loaded[*id] != nil {
			return nil, 0, fmt.Errorf("holds the %s %s twice", what, *id)
		}
		loaded[*id] = j
		seq = max(seq, j.order())
	}
	return loaded, seq, nil
}
