package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// stateDebounce is how long after a mutation the state file is rewritten
// (mutations in between are coalesced).
const stateDebounce = 100 * time.Millisecond

const stateVersion = 1

// loadState reads a state file into the services; a missing file is an
// empty state. The file is one JSON object: "version", then one section
// per service (its stateKey).
func (s *Server) loadState(path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("emulator: read state file: %w", err)
	}
	var sections map[string]json.RawMessage
	if err := json.Unmarshal(b, &sections); err != nil {
		return fmt.Errorf("emulator: parse state file %s: %w", path, err)
	}
	var version int
	if v, ok := sections["version"]; ok {
		if err := json.Unmarshal(v, &version); err != nil {
			return fmt.Errorf("emulator: parse state file %s: %w", path, err)
		}
	}
	if version != stateVersion {
		return fmt.Errorf("emulator: state file %s has version %d, want %d", path, version, stateVersion)
	}
	for _, svc := range s.services {
		raw, ok := sections[svc.stateKey()]
		if !ok || string(raw) == "null" {
			continue
		}
		if err := svc.load(raw); err != nil {
			return fmt.Errorf("emulator: state file %s: %w", path, err)
		}
	}
	return nil
}

// stateSnapshot serialises every service's section, in registration order
// after the version (indented by one space).
func (s *Server) stateSnapshot() ([]byte, error) {
	var compact bytes.Buffer
	fmt.Fprintf(&compact, `{"version":%d`, stateVersion)
	for _, svc := range s.services {
		raw, err := svc.save()
		if err != nil {
			return nil, err
		}
		if raw == nil {
			continue
		}
		key, _ := json.Marshal(svc.stateKey())
		compact.WriteByte(',')
		compact.Write(key)
		compact.WriteByte(':')
		compact.Write(raw)
	}
	compact.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", " "); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
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
