package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The machine may be shared (other builds and tests on the same cores). The bench cannot stop
// them, but it can see them: /proc/stat says how busy every CPU was, and the bench knows its
// own CPU time and that of the terraform and provider processes it waited for. The rest is
// somebody else's, and a measurement that shared the cores is repeated.

// cpuSnapshot is the machine's busy time and the bench process's own CPU time at one instant.
type cpuSnapshot struct {
	busy time.Duration // all CPUs: user, nice, system, irq, softirq, steal
	self time.Duration // this process (emulator, monitor) and nothing else
}

func takeCPUSnapshot() cpuSnapshot {
	var s cpuSnapshot
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		s.busy = parseProcStatBusy(b)
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		s.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return s
}

// parseProcStatBusy sums the busy fields of the aggregate "cpu" line of /proc/stat: user, nice,
// system, irq, softirq and steal (guest time is already inside user and nice).
func parseProcStatBusy(b []byte) time.Duration {
	for line := range strings.SplitSeq(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 9 || f[0] != "cpu" {
			continue
		}
		var busy uint64
		for _, i := range []int{1, 2, 3, 6, 7, 8} { // user nice system [idle iowait] irq softirq steal
			v, err := strconv.ParseUint(f[i], 10, 64)
			if err == nil {
				busy += v
			}
		}
		return time.Duration(busy) * clockTick
	}
	return 0
}

// othersCPU is the CPU time that neither the bench nor the children it accounts for (ours)
// used between two snapshots.
func othersCPU(before, after cpuSnapshot, ours time.Duration) time.Duration {
	return max(0, (after.busy-before.busy)-(after.self-before.self)-ours)
}

// interference is the share of the machine (all cores over the wall time) that others used.
func interference(others, wall time.Duration, cores int) float64 {
	if wall <= 0 || cores <= 0 {
		return 0
	}
	return float64(others) / (float64(wall) * float64(cores))
}

// Thresholds: a scenario is repeated when others took more than maxInterference of the machine
// in one of its phases; before each scenario the bench waits (up to quietMaxWait) until others
// use less than quietThreshold.
const (
	maxInterference = 0.10
	quietThreshold  = 0.05
	quietMaxWait    = 3 * time.Minute
	maxAttempts     = 4
)

// waitQuiet waits until the rest of the machine is nearly idle, sampling half a second at a
// time. It gives up after quietMaxWait, or at once when the run's patience is spent, and says so.
func (b *bench) waitQuiet() {
	start := time.Now()
	deadline := start.Add(quietMaxWait)
	defer func() { b.waited += time.Since(start) }()
	announced := false
	for {
		before := takeCPUSnapshot()
		t0 := time.Now()
		time.Sleep(500 * time.Millisecond)
		share := interference(othersCPU(before, takeCPUSnapshot(), 0), time.Since(t0), runtime.NumCPU())
		if share < quietThreshold {
			return
		}
		if time.Now().After(deadline) || !b.patient() {
			fmt.Fprintf(os.Stderr, "   the machine is still busy (others use %.0f%%); measuring anyway\n", 100*share)
			return
		}
		if !announced {
			fmt.Fprintf(os.Stderr, "   others use %.0f%% of the machine; waiting for quiet\n", 100*share)
			announced = true
		}
	}
}

// patient tells whether the run may still spend time on waiting for quiet and on repeating
// disturbed scenarios (-patience), so that a busy machine cannot stretch a run without bound.
func (b *bench) patient() bool { return b.waited < b.patience }
