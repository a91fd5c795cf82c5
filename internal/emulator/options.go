package emulator

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Demo defaults, used for every zero-valued Options field. They are the
// credentials that `make emulator` and the README show.
const (
	// DefaultProjectID is the project ID the emulator serves by default.
	DefaultProjectID = "0123456789abcdef0123456789abcdef"
	// DefaultAccessKey is the demo access key (AK).
	DefaultAccessKey = "DEMOACCESSKEY"
	// DefaultSecretKey is the demo secret key (SK) paired with DefaultAccessKey.
	DefaultSecretKey = "demo-secret-key"
	// DefaultToken is the demo X-Auth-Token accepted when Options.Tokens is nil.
	DefaultToken = "demo-token"
	// DefaultQueue is the only queue when Options.Queues is empty.
	DefaultQueue = "default"

	// DefaultJobStart is how long a job stays "starting".
	DefaultJobStart = time.Second
	// DefaultJobRun is how long a job stays "running" (per attempt).
	DefaultJobRun = 5 * time.Second
	// DefaultSQLRun is how long a SQL job stays RUNNING.
	DefaultSQLRun = 2 * time.Second
	// DefaultCancelDelay is the time between an accepted DELETE and "dead".
	DefaultCancelDelay = 250 * time.Millisecond
	// DefaultMaxBodyBytes is the request body limit (413 APIGW.0201 above it).
	DefaultMaxBodyBytes int64 = 1 << 20
	// DefaultBodyReadTimeout bounds the reading of a request body.
	DefaultBodyReadTimeout = 10 * time.Second
	// DefaultListen is the command's default listen address.
	DefaultListen = "127.0.0.1:8787"
)

// Options configures a Server. Every zero value means "the documented
// default"; see the field comments.
type Options struct {
	// ProjectID is the only project the credentials own; requests for any
	// other project in the path are refused with 401 APIGW.0301.
	// Default DefaultProjectID.
	ProjectID string

	// AccessKey and SecretKey are the accepted AK/SK pair for SDK-HMAC-SHA256.
	// Defaults DefaultAccessKey / DefaultSecretKey (each defaulted separately).
	AccessKey, SecretKey string

	// SecurityToken, when set, makes the AK/SK pair temporary: every signed
	// request must carry a matching X-Security-Token header.
	SecurityToken string

	// Tokens are the accepted X-Auth-Token values. nil means
	// []string{DefaultToken}; a non-nil empty slice disables token auth.
	Tokens []string

	// Queues are the queues that exist. Default []string{"default"}.
	Queues []string

	// Latency is added (in real time) before every API response. Default 0.
	Latency time.Duration
	// JobStart is the time a job spends "starting" (and each "recovering"
	// phase). JobRun is the time of each "running" attempt, unless the job's
	// conf sets emulator.run_duration. CancelDelay is the time from an
	// accepted cancel to "dead". A zero value means the default (1s, 5s,
	// 250ms); a negative value means zero (immediate).
	JobStart, JobRun, CancelDelay time.Duration

	// SQLRun is the time an asynchronous SQL job stays RUNNING (after
	// JobStart in LAUNCHING), unless its conf sets emulator.run_duration.
	// Zero means DefaultSQLRun (2s); negative means zero.
	SQLRun time.Duration

	// Fault rates, each in [0,1]: Fault5xx answers 500 DLI.0999 without
	// doing anything; Fault429 answers 429 APIG.0308 with Retry-After: 1;
	// FaultAfterCommit (POST and DELETE only) does the work and then answers
	// 502 APIG.0202 or drops the connection.
	Fault5xx, Fault429, FaultAfterCommit float64

	// Seed seeds the fault RNG (math/rand); the same seed and the same
	// sequence of requests give the same faults. Reset re-seeds it.
	Seed int64

	// StateFile, when set, is loaded by New and rewritten atomically
	// (temporary file + rename) shortly after each mutation and on Close.
	StateFile string

	// Clock is the time source for the job life cycle and signature dates;
	// nil means real time.
	Clock Clock

	// MaxBodyBytes is the largest accepted request body. Default 1 MiB.
	MaxBodyBytes int64

	// BodyReadTimeout bounds the reading of a request body from the
	// connection: a body still incomplete then is answered 400 APIGW.0201
	// and its connection closed. Default 10s.
	BodyReadTimeout time.Duration

	// AccessLog, when set, receives one line per answered API request:
	// "METHOD PATH STATUS", plus the body of cancels and errors.
	AccessLog io.Writer

	// The IAM service (iam_*.go, IAM-NOTES.md). ProjectName is ProjectID's
	// name in IAM, by Huawei's convention its region (default
	// DefaultProjectName, "cn-north-4"). DomainName and DomainID name the
	// account that owns the project, the users and the agencies (defaults
	// DefaultDomainName, DefaultDomainID). ExtraProjects are more projects
	// of that account that IAM lists and scopes tokens to (names may
	// repeat, ProjectName's too, so that a lookup by name finds several);
	// DLI serves ProjectID only.
	ProjectName, DomainName, DomainID string
	ExtraProjects                     []Project

	// Users sign in with a password (POST /v3/auth/tokens). nil means one
	// user DefaultUserName / DefaultPassword; a non-nil empty slice
	// disables password sign-in.
	Users []User

	// Agencies may be assumed (POST /v3.0/OS-CREDENTIAL/securitytokens).
	// nil means one DefaultAgency of DomainName; a non-nil empty slice
	// none.
	Agencies []Agency

	// TokenTTL is the lifetime of the tokens IAM issues (by the Clock).
	// Default DefaultTokenTTL (24h).
	TokenTTL time.Duration
}

var queueNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

func durationOrDefault(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	default:
		return d
	}
}

func checkRate(name string, v float64) error {
	if v < 0 || v > 1 || v != v {
		return fmt.Errorf("emulator: %s must be within [0,1], got %v", name, v)
	}
	return nil
}

// normalize fills defaults and validates; it returns a copy.
func (o Options) normalize() (Options, error) {
	if o.ProjectID == "" {
		o.ProjectID = DefaultProjectID
	}
	if o.AccessKey == "" {
		o.AccessKey = DefaultAccessKey
	}
	if o.SecretKey == "" {
		o.SecretKey = DefaultSecretKey
	}
	if o.Tokens == nil {
		o.Tokens = []string{DefaultToken}
	} else {
		var toks []string
		for _, t := range o.Tokens {
			if t = strings.TrimSpace(t); t != "" {
				toks = append(toks, t)
			}
		}
		o.Tokens = append([]string{}, toks...)
	}
	var queues []string
	seen := map[string]bool{}
	for _, q := range o.Queues {
		q = strings.TrimSpace(q)
		if q == "" || seen[q] {
			continue
		}
		if !queueNameRE.MatchString(q) {
			return o, fmt.Errorf("emulator: invalid queue name %q", q)
		}
		seen[q] = true
		queues = append(queues, q)
	}
	if len(queues) == 0 {
		queues = []string{DefaultQueue}
	}
	o.Queues = queues
	if o.Latency < 0 {
		o.Latency = 0
	}
	o.JobStart = durationOrDefault(o.JobStart, DefaultJobStart)
	o.JobRun = durationOrDefault(o.JobRun, DefaultJobRun)
	o.CancelDelay = durationOrDefault(o.CancelDelay, DefaultCancelDelay)
	o.SQLRun = durationOrDefault(o.SQLRun, DefaultSQLRun)
	for _, r := range []struct {
		n string
		v float64
	}{{"Fault5xx", o.Fault5xx}, {"Fault429", o.Fault429}, {"FaultAfterCommit", o.FaultAfterCommit}} {
		if err := checkRate(r.n, r.v); err != nil {
			return o, err
		}
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.BodyReadTimeout <= 0 {
		o.BodyReadTimeout = DefaultBodyReadTimeout
	}
	if err := o.normalizeIAM(); err != nil {
		return o, err
	}
	if o.StateFile != "" {
		// Refused now rather than at the first write, minutes later.
		dir := filepath.Dir(o.StateFile)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return o, fmt.Errorf("emulator: the directory %s of the state file does not exist", dir)
		}
	}
	return o, nil
}
