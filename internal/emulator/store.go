package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// store is the in-memory table one service owns: jobs (or queues, pools) by key under a lock,
// and the last sequence number handed out (it goes on after a reset, so nothing is numbered
// twice). Handlers that change a job hold mu themselves or go through update; the other
// helpers copy jobs out of the lock.
type store[K comparable, T any] struct {
	mu   sync.RWMutex
	jobs map[K]*T
	seq  int64

	less  func(a, b *T) bool // oldest first
	clone func(*T) T         // a copy that shares nothing mutable
	// expired, when set, says an object still held no longer exists (a pool deleted in the
	// background): every helper passes it over, and insertNew may take its key.
	expired func(*T) bool
}

func newStore[K comparable, T any](less func(a, b *T) bool, clone func(*T) T) store[K, T] {
	if clone == nil {
		clone = func(j *T) T { return *j }
	}
	return store[K, T]{jobs: map[K]*T{}, less: less, clone: clone}
}

// held returns the live job under k; the caller holds mu.
func (s *store[K, T]) held(k K) (*T, bool) {
	j, ok := s.jobs[k]
	if !ok || s.expired != nil && s.expired(j) {
		return nil, false
	}
	return j, true
}

// get returns a copy of the job under k.
func (s *store[K, T]) get(k K) (T, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	j, ok := s.held(k)
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
		if s.expired == nil || !s.expired(j) {
			cp := s.clone(j)
			js = append(js, &cp)
		}
	}
	s.mu.RUnlock()
	sort.Slice(js, func(a, b int) bool { return s.less(js[a], js[b]) })
	return js
}

// saveSorted is a state-file section of every job, oldest first; nil (nothing to keep) when
// there is none.
func (s *store[K, T]) saveSorted() (json.RawMessage, error) {
	js := s.sorted()
	if len(js) == 0 {
		return nil, nil
	}
	return json.Marshal(js)
}

// update runs fn on the stored job under k with the lock held; false when there is none.
func (s *store[K, T]) update(k K, fn func(j *T)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.held(k)
	if ok {
		fn(j)
	}
	return ok
}

// updateWhere is update for the job match accepts (at most one should be: the map's order
// decides otherwise).
func (s *store[K, T]) updateWhere(match func(j *T) bool, fn func(j *T)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.jobs {
		if j, ok := s.held(k); ok && match(j) {
			fn(j)
			return true
		}
	}
	return false
}

// insert gives j the next sequence number (through number, with the lock held) and stores it
// under key(j).
func (s *store[K, T]) insert(j *T, number func(j *T, seq int64) K) {
	s.mu.Lock()
	s.seq++
	s.jobs[number(j, s.seq)] = j
	s.mu.Unlock()
}

// insertNew stores j under a key the client chose, unless a job is there already (false),
// and gives it the next sequence number through number.
func (s *store[K, T]) insertNew(k K, j *T, number func(j *T, seq int64)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.held(k); taken {
		return false
	}
	s.seq++
	number(j, s.seq)
	s.jobs[k] = j
	return true
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

// keyedJob is what loadKeyed needs of a job keyed by a case-insensitive string (a UUID, a
// queue or pool name).
type keyedJob interface {
	key() *string // the key, lower-cased in place on load
	order() int64 // the creation sequence number
}

// loadKeyed replaces what s holds with a state-file section of jobs keyed by lower-case
// strings (the path's ID or name is lower-cased on lookup; a hand-edited file may hold upper
// case), added to seed (nil: none; else objects that exist without the file, numbered before
// it). check refuses an invalid job; what names the kind in the error for a job held twice.
func loadKeyed[T any, P interface {
	*T
	keyedJob
}](s *store[string, T], raw json.RawMessage, what string, seed map[string]*T, check func(P) error) error {
	var jobs []P
	if err := json.Unmarshal(raw, &jobs); err != nil {
		return err
	}
	loaded, twice := seed, "twice"
	if seed == nil {
		loaded = map[string]*T{}
	} else {
		twice = "twice (or a seeded one)"
	}
	seq := int64(len(loaded))
	for _, j := range jobs {
		if err := check(j); err != nil {
			return err
		}
		id := j.key()
		*id = strings.ToLower(*id)
		if loaded[*id] != nil {
			return fmt.Errorf("holds the %s %s %s", what, *id, twice)
		}
		loaded[*id] = j
		seq = max(seq, j.order())
	}
	s.replace(loaded, seq)
	return nil
}
