package acctest

import (
	"sync"
	"time"
)

// PausableClock is an emulator clock that follows real time until paused. A paused clock
// holds job life cycles still (a job neither starts nor ends), which lets a test observe a
// state that would otherwise last only milliseconds, without sleeping.
type PausableClock struct {
	mu     sync.Mutex
	paused bool
	at     time.Time
}

// Now is the paused instant, or the real time.
func (c *PausableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused {
		return c.at
	}
	return time.Now()
}

// Pause stops the clock at the current instant.
func (c *PausableClock) Pause() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.paused {
		c.paused, c.at = true, time.Now()
	}
}

// Resume makes the clock follow real time again (jobs catch up at once).
func (c *PausableClock) Resume() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.paused = false
}
