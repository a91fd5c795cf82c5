package main

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"sync"
	"time"
)

// apiRoute names a request by its API operation: the method and the path without the version
// and project segments, with job IDs (integers, UUIDs) as {id}. "GET /v1.0/p/jobs/<uuid>/status"
// is "GET jobs/{id}/status".
func apiRoute(method, path string) string {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	if len(seg) >= 2 && strings.HasPrefix(seg[0], "v") {
		seg = seg[2:]
	}
	for i, s := range seg {
		if isJobID(s) {
			seg[i] = "{id}"
		}
	}
	return method + " " + strings.Join(seg, "/")
}

// isJobID tells DLI's job IDs apart from route words: Flink IDs are integers, SQL and batch
// IDs UUIDs.
func isJobID(s string) bool {
	if s == "" {
		return false
	}
	if _, err := strconv.ParseUint(s, 10, 64); err == nil {
		return true
	}
	return len(s) == 36 && strings.Count(s, "-") == 4 && strings.Trim(s, "0123456789abcdefABCDEF-") == ""
}

// jobOfPath is the job ID a path names ("" if none).
func jobOfPath(path string) string {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	if len(seg) < 3 {
		return ""
	}
	for _, s := range seg[2:] {
		if isJobID(s) {
			return s
		}
	}
	return ""
}

// timedLine is one answered API request as the emulator's access log reported it, with the
// time the line was written (right after the answer).
type timedLine struct {
	At           time.Time
	Method, Path string
	Status       int
}

// timedLog is an emulator access log (Options.AccessLog) that keeps each line's time, so that
// the bench can tell when a job's waiter saw its job finish.
type timedLog struct {
	mu    sync.Mutex
	lines []timedLine
	now   func() time.Time
}

func newTimedLog() *timedLog { return &timedLog{now: time.Now} }

// Write takes one or more lines "METHOD PATH STATUS [body]".
func (l *timedLog) Write(p []byte) (int, error) {
	at := l.now()
	sc := bufio.NewScanner(bytes.NewReader(p))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	l.mu.Lock()
	defer l.mu.Unlock()
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 {
			continue
		}
		st, _ := strconv.Atoi(f[2])
		l.lines = append(l.lines, timedLine{At: at, Method: f[0], Path: f[1], Status: st})
	}
	return len(p), nil
}

// Len is the number of lines so far, a mark for Since.
func (l *timedLog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

// Since returns the lines from mark on.
func (l *timedLog) Since(mark int) []timedLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]timedLine(nil), l.lines[min(mark, len(l.lines)):]...)
}
