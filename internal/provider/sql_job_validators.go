package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Plan-time checks of dli_sql_job arguments, from the rules of the submit API (dli_02_0102).

var (
	// sqlNamePattern is the documented rule for queue_name, currentdb and current_catalog:
	// letters, digits and '_', not starting with '_' and not only digits (checked apart).
	sqlNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]*$`)
	allDigits      = regexp.MustCompile(`^[0-9]+$`)
	// confKeyPattern: a Spark SQL property name such as spark.sql.shuffle.partitions. DLI
	// receives "key=value" strings, so a key may not hold '=' or spaces.
	confKeyPattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.\-]*$`)
	// tagKeyPattern: letters, digits, spaces and _ . : + - @ (CreateSqlJob's tag rules).
	tagKeyPattern = regexp.MustCompile(`^[\p{L}\p{N} _.:+\-@]+$`)
)

const (
	maxSQLNameLength  = 128
	maxTagKeyLength   = 128
	maxTagValueLength = 255
)

// sqlNameValidator checks a queue, database or catalog name against DLI's rule.
func sqlNameValidator(what string) validator.String {
	return stringCheck{summary: "Invalid " + what + " name", quote: true,
		ok: func(s string) bool {
			return len(s) <= maxSQLNameLength && sqlNamePattern.MatchString(s) && !allDigits.MatchString(s)
		},
		rule: fmt.Sprintf("must be a DLI %s name: 1 to %d letters, digits and '_', not starting with '_' and not only digits",
			what, maxSQLNameLength)}
}

// sqlStatementValidator refuses an empty statement and, where it can tell, more than one
// statement: DLI runs exactly one per job.
func sqlStatementValidator() validator.String {
	return stringCheck{summary: "Invalid SQL statement", quote: false,
		ok: func(s string) bool { return countStatements(s) == 1 },
		rule: "must hold exactly one SQL statement (DLI runs one statement per job; use one dli_sql_job per " +
			"statement, ordered with depends_on); a ';' only ends the statement"}
}

// countStatements counts the non-empty statements of s separated by ';' outside quotes and
// comments. An unterminated quote or comment makes the split unknowable: it counts as one
// statement (DLI will say what is wrong). Only white space and comments: zero.
func countStatements(s string) int {
	count, content := 0, false
	var quote rune // ', " or `
	lineComment, blockComment := false, false
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case lineComment:
			lineComment = r != '\n'
		case blockComment:
			if r == '*' && next == '/' {
				blockComment = false
				i++
			}
		case quote != 0:
			if r == '\\' && quote != '`' {
				i++ // an escaped character
			} else if r == quote {
				quote = 0
			}
		case r == '-' && next == '-':
			lineComment = true
			i++
		case r == '/' && next == '*':
			blockComment = true
			i++
		case r == '\'' || r == '"' || r == '`':
			quote, content = r, true
		case r == ';':
			if content {
				count++
			}
			content = false
		case !unicode.IsSpace(r):
			content = true
		}
	}
	if quote != 0 || blockComment {
		return 1
	}
	if content {
		count++
	}
	return count
}

// confKeyValidator checks conf keys; the message may quote a key, never a value.
func confKeyValidator() validator.String {
	return stringCheck{summary: "Invalid conf key", quote: true, ok: confKeyPattern.MatchString,
		rule: "must be a Spark SQL property name such as spark.sql.shuffle.partitions: letters, digits, '.', '_' " +
			"and '-' (DLI receives \"key=value\" strings, so no '=' or spaces)"}
}

// confValueValidator refuses control characters in conf values without quoting the value,
// which may be secret.
func confValueValidator() validator.String {
	return stringCheck{summary: "Invalid conf value", quote: false,
		ok:   func(s string) bool { return strings.IndexFunc(s, unicode.IsControl) < 0 },
		rule: "must not contain control characters such as a new line (the value itself is not shown)"}
}

// tagKeyValidator applies DLI's tag key rules and keeps the submission marker's key reserved.
func tagKeyValidator() validator.String {
	return tagKeyCheck{}
}

type tagKeyCheck struct{}

func (tagKeyCheck) Description(context.Context) string {
	return "a DLI tag key: 1 to 128 letters, digits, spaces and _ . : + - @, not starting or ending with a space, not starting with _sys_"
}
func (c tagKeyCheck) MarkdownDescription(ctx context.Context) string { return c.Description(ctx) }

func (tagKeyCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	k := req.ConfigValue.ValueString()
	var why string
	switch {
	case k == client.SQLSubmissionMarkerTagKey:
		resp.Diagnostics.AddAttributeError(req.Path, "Reserved tag key", fmt.Sprintf("Attribute %s sets the tag %q, which is "+
			"reserved: the provider tags every submission with a unique marker there, to find the job again when the "+
			"answer to a submission is lost. Remove it from tags.", req.Path, k))
		return
	case len([]rune(k)) == 0 || len([]rune(k)) > maxTagKeyLength:
		why = fmt.Sprintf("must be 1 to %d characters long", maxTagKeyLength)
	case strings.TrimSpace(k) != k:
		why = "must not start or end with a space"
	case strings.HasPrefix(strings.ToLower(k), "_sys_"):
		why = "must not start with _sys_ (reserved by the system)"
	case !tagKeyPattern.MatchString(k):
		why = "may only hold letters, digits, spaces and _ . : + - @"
	default:
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid tag key", fmt.Sprintf("Attribute %s %s, got %q.", req.Path, why, k))
}

// tagValueValidator applies DLI's tag value length and refuses control characters.
func tagValueValidator() validator.String {
	return stringCheck{summary: "Invalid tag value", quote: true,
		ok: func(s string) bool {
			return len([]rune(s)) <= maxTagValueLength && strings.IndexFunc(s, unicode.IsControl) < 0
		},
		rule: fmt.Sprintf("must be a DLI tag value: at most %d characters, no control characters", maxTagValueLength)}
}

// sqlJobIDValidator accepts what the client accepts as a SQL job ID.
func sqlJobIDValidator() validator.String {
	return stringCheck{summary: "Invalid SQL job ID", quote: true, ok: client.ValidSQLJobID,
		rule: "must be a DLI SQL job ID, a UUID such as 8ecb0777-9c70-4529-9935-29ea0946039c"}
}
