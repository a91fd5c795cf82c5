package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// stateDebounce is how long after a mutation the state file is rewritten
// (mutations in between are coalesced).
const stateDebounce = 100 * time.Millisecond

const stateVersion = 1

type stateFile struct {
	Version int    `json:"version"`
	Jobs    []*job `json:"jobs"`
}

// loadState reads a state file; a missing file is an empty state.
func loadState(path string) ([]*job, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("emulator: read state file: %w", err)
	}
	var sf stateFile
	if err := json.Unmarshal(b, &sf); err != nil {
		return nil, fmt.Errorf("emulator: parse state file %s: %w", path, err)
	}
	if sf.Version != stateVersion {
		return nil, fmt.Errorf("emulator: state file %s has version %d, want %d", path, sf.Version, stateVersion)
	}
	for _, j := range sf.Jobs {
		if j == nil || !batchIDRE.MatchString(j.ID) || j.Retries < 0 || j.Retries > 1 ||
			(j.Outcome != StateSuccess && j.Outcome != StateDead) {
			return nil, fmt.Errorf("emulator: state file %s holds an invalid job", path)
		}
		j.render()
	}
	return sf.Jobs, nil
}

// stateSnapshot serialises every job (under the read lock).
func (s *Server) stateSnapshot() ([]byte, error) {
	s.mu.RLock()
	sf := stateFile{Version: stateVersion, Jobs: make([]*job, 0, len(s.jobs))}
	for _, j := range s.jobs {
		cp := *j
		sf.Jobs = append(sf.Jobs, &cp)
	}
	s.mu.RUnlock()
	sort.Slice(sf.Jobs, func(a, b int) bool { return sf.Jobs[a].Seq < sf.Jobs[b].Seq })
	return json.MarshalIndent(sf, "", " ")
}

// changed is called after every mutation.
func (s *Server) changed() {
	if s.persist != nil {
		s.persist.schedule()
	}
}

// persister writes the state file atomically, debounced.
type persister struct {
	path     string
	snapshot func() ([]byte, error)

	mu      sync.Mutex // guards timer, closed
	timer   *time.Timer
	closed  bool
	writeMu sync.Mutex // serialises writes
	lastErr error
	// notify, when set (tests), is called after each write attempt.
	notify func(error)
}

func (p *persister) schedule() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.timer != nil {
		return
	}
	p.timer = time.AfterFunc(stateDebounce, func() {
		p.mu.Lock()
		p.timer = nil
		p.mu.Unlock()
		_ = p.flush()
	})
}

// flush writes the current state now.
func (p *persister) flush() error {
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	b, err := p.snapshot()
	if err == nil {
		err = writeAtomic(p.path, b)
	}
	p.lastErr = err
	if p.notify != nil {
		p.notify(err)
	}
	return err
}

// close cancels a pending write and flushes synchronously. Later mutations
// are written by later close calls only.
func (p *persister) close() error {
	p.mu.Lock()
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.closed = true
	p.mu.Unlock()
	return p.flush()
}

// writeAtomic writes b to path through a temporary file in the same
// directory and a rename.
func writeAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("emulator: write state file: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("emulator: write state file: %w", err)
	}
	return nil
}
