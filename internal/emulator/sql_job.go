package emulator

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// SQL job statuses (dli-more-api.md §2.8).
const (
	SQLLaunching = "LAUNCHING"
	SQLRunning   = "RUNNING"
	SQLFinished  = "FINISHED"
	SQLFailed    = "FAILED"
	SQLCancelled = "CANCELLED"
)

// sqlJob is the stored form of a SQL job. As for batch jobs, its timeline is
// fixed at submission (or cancel), so its status at any instant is a pure
// function of the clock. It is also the state-file format.
type sqlJob struct {
	ID          string        `json:"job_id"`
	Seq         int64         `json:"seq"`
	Statement   string        `json:"statement"`
	JobType     string        `json:"job_type"`
	Sync        bool          `json:"sync"`
	Queue       string        `json:"queue_name"`
	Database    string        `json:"currentdb"`
	Catalog     string        `json:"current_catalog"`
	Engine      string        `json:"engine_type"`
	Conf        []string      `json:"conf"`
	Tags        []sqlTag      `json:"tags"`
	Owner       string        `json:"owner"`
	Outcome     string        `json:"outcome"` // FINISHED or FAILED
	CreatedAt   time.Time     `json:"created_at"`
	StartDelay  time.Duration `json:"start_delay"`
	RunDuration time.Duration `json:"run_duration"`
	CancelAt    time.Time     `json:"cancel_at"`
	CancelledAt time.Time     `json:"cancelled_at"`
}

type sqlTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func sqlTerminal(status string) bool {
	return status == SQLFinished || status == SQLFailed || status == SQLCancelled
}

func (j *sqlJob) cancelled() bool { return !j.CancelAt.IsZero() }

// sqlView is a SQL job as seen at one instant.
type sqlView struct {
	status   string
	duration time.Duration
	end      time.Time // zero until the job ends
}

// at computes the job's view at now: LAUNCHING for StartDelay, RUNNING for
// RunDuration, then the outcome (a sync job is final at once). After a
// cancel at T the job keeps its status until CancelledAt, then CANCELLED.
func (j *sqlJob) at(now time.Time) sqlView {
	running := j.CreatedAt.Add(j.StartDelay)
	done := running.Add(j.RunDuration)
	if j.Sync {
		running, done = j.CreatedAt, j.CreatedAt
	}
	t := now
	if j.cancelled() && now.After(j.CancelAt) {
		t = j.CancelAt
	}
	v := sqlView{status: SQLLaunching}
	switch {
	case !t.Before(done):
		v.status, v.end = j.Outcome, done
	case !t.Before(running):
		v.status = SQLRunning
	}
	if j.cancelled() && !now.Before(j.CancelledAt) {
		v.status, v.end = SQLCancelled, j.CancelledAt
	}
	end := now
	if !v.end.IsZero() {
		end = v.end
	}
	if d := end.Sub(j.CreatedAt); d > 0 {
		v.duration = d
	}
	return v
}

// Statement rules.

// sqlKeywordTypes maps a statement's first keyword to its job type (§2.1).
var sqlKeywordTypes = map[string]string{
	"SELECT": "QUERY", "WITH": "QUERY", "VALUES": "QUERY",
	"INSERT": "INSERT",
	"UPDATE": "UPDATE", "DELETE": "DELETE",
	"LOAD":  "IMPORT",
	"GRANT": "DCL", "REVOKE": "DCL",
	"CREATE": "DDL", "DROP": "DDL", "ALTER": "DDL", "TRUNCATE": "DDL", "SHOW": "DDL", "DESCRIBE": "DDL",
	"DESC": "DDL", "EXPLAIN": "DDL", "USE": "DDL", "MSCK": "DDL", "REFRESH": "DDL", "ANALYZE": "DDL",
	"CACHE": "DDL", "UNCACHE": "DDL", "SET": "DDL", "RESET": "DDL", "COMMENT": "DDL",
}

// stripSQLComments drops leading blanks, "--" line comments and "/* */"
// block comments.
func stripSQLComments(s string) string {
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		switch {
		case strings.HasPrefix(s, "--"):
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return ""
			}
			s = s[i+1:]
		case strings.HasPrefix(s, "/*"):
			i := strings.Index(s[2:], "*/")
			if i < 0 {
				return ""
			}
			s = s[i+4:]
		default:
			return s
		}
	}
}

// sqlJobType is the job type of a statement, "" when its first keyword is
// not one DLI runs.
func sqlJobType(stmt string) string {
	s := strings.TrimLeft(stripSQLComments(stmt), "( \t\r\n")
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if i < 0 {
		i = len(s)
	}
	return sqlKeywordTypes[strings.ToUpper(s[:i])]
}

// splitTopLevel splits s at sep outside single/double quotes and
// parentheses.
func splitTopLevel(s string, sep rune) []string {
	var parts []string
	depth, quote, start := 0, rune(0), 0
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"' || r == '`':
			quote = r
		case r == '(':
			depth++
		case r == ')':
			depth--
		case r == sep && depth == 0:
			parts = append(parts, s[start:i])
			start = i + len(string(r))
		}
	}
	return append(parts, s[start:])
}

// statementCount is the number of non-blank statements separated by ";".
func statementCount(sql string) int {
	n := 0
	for _, p := range splitTopLevel(sql, ';') {
		if strings.TrimSpace(stripSQLComments(p)) != "" {
			n++
		}
	}
	return n
}

var aliasRE = regexp.MustCompile(`(?is)^(.*?)\s+AS\s+(\S+)$`)

// sqlColumn is one column of a result schema.
type sqlColumn struct {
	name, typ, sparkType string
}

// constantSelect computes the preview of a SELECT whose select list holds
// only constants (integers, decimals, 'strings', TRUE/FALSE, NULL), each
// with an optional AS alias, and no FROM or other clause: one row. ok is
// false for any other statement (its preview is empty).
func constantSelect(stmt string) (cols []sqlColumn, row []any, ok bool) {
	s := strings.TrimSpace(stripSQLComments(stmt))
	s = strings.TrimSpace(strings.TrimSuffix(s, ";"))
	if len(s) < 7 || !strings.EqualFold(s[:7], "SELECT ") {
		return nil, nil, false
	}
	for i, item := range splitTopLevel(s[7:], ',') {
		expr, alias := strings.TrimSpace(item), ""
		if m := aliasRE.FindStringSubmatch(expr); m != nil {
			expr, alias = m[1], strings.Trim(m[2], "`\"")
		}
		v, typ, spark, isConst := sqlConstant(expr)
		if !isConst {
			return nil, nil, false
		}
		if alias == "" {
			alias = expr
			if sv, isString := v.(string); isString {
				alias = sv // Spark names an unaliased 'x' column x
			}
		}
		if alias == "" {
			alias = "_c" + strconv.Itoa(i)
		}
		cols = append(cols, sqlColumn{name: alias, typ: typ, sparkType: spark})
		row = append(row, v)
	}
	return cols, row, true
}

// sqlConstant parses one constant: its value, DLI type and Spark type.
func sqlConstant(expr string) (any, string, string, bool) {
	up := strings.ToUpper(expr)
	switch {
	case up == "TRUE" || up == "FALSE":
		return up == "TRUE", "boolean", "boolean", true
	case up == "NULL":
		return nil, "void", "void", true
	case len(expr) >= 2 && expr[0] == '\'' && expr[len(expr)-1] == '\'' && !strings.Contains(expr[1:len(expr)-1], "'"):
		return expr[1 : len(expr)-1], "string", "string", true
	}
	if n, err := strconv.ParseInt(expr, 10, 32); err == nil {
		return n, "int", "integer", true
	}
	if n, err := strconv.ParseInt(expr, 10, 64); err == nil {
		return n, "bigint", "long", true
	}
	if f, err := strconv.ParseFloat(expr, 64); err == nil && strings.ContainsAny(expr, ".eE") {
		return f, "double", "double", true
	}
	return nil, "", "", false
}
