package main

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// procStats is what the monitor saw of the provider's processes during one phase.
type procStats struct {
	PeakHWMKiB uint64        // largest VmHWM (the kernel's own peak resident set) seen, in KiB
	PeakRSSKiB uint64        // largest VmRSS sampled, in KiB
	Launches   int           // distinct provider processes seen (a lower bound: a process living < one tick can be missed)
	CPU        time.Duration // user+system CPU of those processes, as last sampled
}

// procKey tells processes apart across PID reuse.
type procKey struct {
	pid   int
	start uint64 // start time in clock ticks since boot (/proc/PID/stat field 22)
}

// procMonitor polls /proc for processes running the provider binary and records their peak
// memory. Terraform starts the provider several times per command (validation, plan, apply),
// each a short-lived child, so nothing short of polling sees them all.
type procMonitor struct {
	exe       string // absolute path of the provider binary
	terraform string // absolute path of terraform: a child between fork and exec still shows it
	interval  time.Duration

	mu      sync.Mutex
	stats   procStats
	procs   map[procKey]time.Duration // CPU last seen per process
	notOurs map[int]bool              // PIDs running something else (never the provider)
	stop    chan struct{}
	done    chan struct{}
}

func newProcMonitor(exe, terraform string, interval time.Duration) *procMonitor {
	return &procMonitor{exe: exe, terraform: terraform, interval: interval}
}

// Begin starts a fresh measurement.
func (m *procMonitor) Begin() {
	m.mu.Lock()
	m.stats = procStats{}
	m.procs = map[procKey]time.Duration{}
	m.notOurs = map[int]bool{}
	m.mu.Unlock()
	m.stop, m.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(m.done)
		t := time.NewTicker(m.interval)
		defer t.Stop()
		for {
			m.scan()
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
}

// End stops the measurement and returns what it saw.
func (m *procMonitor) End() procStats {
	close(m.stop)
	<-m.done
	m.scan()
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.stats
	s.Launches = len(m.procs)
	for _, cpu := range m.procs {
		s.CPU += cpu
	}
	return s
}

func (m *procMonitor) scan() {
	d, err := os.Open("/proc")
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	_ = d.Close()
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil || m.notOurs[pid] {
			continue
		}
		exe, err := os.Readlink("/proc/" + name + "/exe")
		if err != nil {
			continue // gone, or a kernel thread
		}
		exe = strings.TrimSuffix(exe, " (deleted)")
		if exe != m.exe {
			if exe != m.terraform {
				m.notOurs[pid] = true
			}
			continue
		}
		start, cpu, ok := readStat(pid)
		if !ok {
			continue
		}
		hwm, rss, ok := readStatus(pid)
		if !ok {
			continue
		}
		m.procs[procKey{pid, start}] = cpu
		m.stats.PeakHWMKiB = max(m.stats.PeakHWMKiB, hwm)
		m.stats.PeakRSSKiB = max(m.stats.PeakRSSKiB, rss)
	}
}

// clockTick is USER_HZ, 100 on every Linux ABI in use.
const clockTick = 10 * time.Millisecond

// readStat returns a process's start time (ticks since boot) and its user+system CPU time.
func readStat(pid int) (start uint64, cpu time.Duration, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	return parseStat(b)
}

// parseStat parses /proc/PID/stat. The command name (field 2) may hold spaces and parentheses,
// so fields are counted after its last ')'.
func parseStat(b []byte) (start uint64, cpu time.Duration, ok bool) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state): field k is f[k-3]. utime 14, stime 15, starttime 22.
	if len(f) < 20 {
		return 0, 0, false
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64)
	stime, err2 := strconv.ParseUint(f[12], 10, 64)
	start, err3 := strconv.ParseUint(f[19], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, false
	}
	return start, time.Duration(utime+stime) * clockTick, true
}

// readStatus returns VmHWM and VmRSS of a process, in KiB.
func readStatus(pid int) (hwm, rss uint64, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, false
	}
	return parseStatus(b)
}

func parseStatus(b []byte) (hwm, rss uint64, ok bool) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	var seen int
	for sc.Scan() {
		line := sc.Text()
		var dst *uint64
		switch {
		case strings.HasPrefix(line, "VmHWM:"):
			dst = &hwm
		case strings.HasPrefix(line, "VmRSS:"):
			dst = &rss
		default:
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, err := strconv.ParseUint(f[1], 10, 64)
		if err != nil {
			continue
		}
		*dst = v
		seen++
	}
	return hwm, rss, seen == 2
}
