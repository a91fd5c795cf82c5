package main

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Formatting of the report's cells.

func mark(ok bool) string {
	if ok {
		return " ✓"
	}
	return " ✗"
}

func perJob(count, n int) float64 {
	if n <= 0 {
		return math.NaN()
	}
	return float64(count) / float64(n)
}

func mib(kib uint64) float64 { return float64(kib) / 1024 }

func fmtSec(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func fmtMs(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

func fmtCost(c float64) string {
	if math.IsNaN(c) || math.IsInf(c, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", c)
}

// fmtPerJob prints a per-job count: "1" for whole numbers, else two decimals.
func fmtPerJob(x float64) string {
	if math.IsNaN(x) {
		return "n/a"
	}
	if x == math.Trunc(x) {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

// reqCell prints the requests per job of both latencies, once when they agree.
func reqCell(a, b, n int) string {
	if a == b {
		return fmtPerJob(perJob(a, n))
	}
	return fmtPerJob(perJob(a, n)) + " / " + fmtPerJob(perJob(b, n))
}

func startsCell(a, b int) string {
	if a == b {
		return fmt.Sprint(a)
	}
	return fmt.Sprintf("%d / %d", a, b)
}

// fmtDur prints a duration compactly: 50ms, 1s, 1.5s.
func fmtDur(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	return s
}
