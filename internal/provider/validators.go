package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

// Validators shared by every resource and data source. Each one reports on the attribute it
// guards, at plan time, with a message that names the rule and the offending value (never a
// value that may be secret: conf values and arguments are not quoted anywhere here).

var (
	memoryPattern = regexp.MustCompile(`^[1-9][0-9]*[MmGg]$`)
	// DLI documents queue names as letters, digits and underscores (SDK pattern of cluster_name);
	// the docs are not consistent, so '-' is tolerated too. Spaces, dots and slashes never are.
	queuePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
)

// stringCheck is a string validator built from a predicate.
type stringCheck struct {
	summary string
	rule    string // completes "<attribute> ..."
	ok      func(string) bool
	quote   bool // whether the message may quote the value
}

func (c stringCheck) Description(context.Context) string             { return c.rule }
func (c stringCheck) MarkdownDescription(ctx context.Context) string { return c.Description(ctx) }

func (c stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || c.ok(req.ConfigValue.ValueString()) {
		return
	}
	msg := fmt.Sprintf("Attribute %s %s", req.Path, c.rule)
	if c.quote {
		msg += fmt.Sprintf(", got %q", req.ConfigValue.ValueString())
	}
	resp.Diagnostics.AddAttributeError(req.Path, c.summary, msg+".")
}

// batchJobIDValidator accepts what the client accepts as a batch job ID.
func batchJobIDValidator() validator.String {
	return stringCheck{summary: "Invalid batch job ID", quote: true, ok: client.ValidBatchID,
		rule: "must be a DLI batch job ID, a UUID such as 0a324461-d9d9-45da-a52a-3b3c7a3d809e"}
}

func memoryValidator() validator.String {
	return stringvalidator.RegexMatches(memoryPattern, "must be a whole amount with a unit M or G, such as 2G or 2048M")
}

// notBlankValidator refuses values that are empty or only white space.
func notBlankValidator() validator.String {
	return stringCheck{summary: "Blank value", rule: "must not be empty or only white space", quote: true,
		ok: func(s string) bool { return strings.TrimSpace(s) != "" }}
}

// printableValidator refuses control characters (NUL, new lines, escapes), which DLI either
// rejects after the submission or stores mangled.
func printableValidator() validator.String {
	return stringCheck{summary: "Invalid character", rule: "must not contain control characters (such as NUL or a new line)", quote: true,
		ok: func(s string) bool { return strings.IndexFunc(s, unicode.IsControl) < 0 }}
}

func queueNameValidator() validator.String {
	return stringCheck{summary: "Invalid queue name", quote: true, ok: queuePattern.MatchString,
		rule: "must be a DLI queue name: letters, digits, '_' and '-', starting with a letter or digit"}
}

// positiveDurationValidator refuses zero and negative timeouts; the timeouts package already
// refuses what is not a duration at all, so those are left to it.
func positiveDurationValidator() validator.String {
	return stringCheck{summary: "Invalid timeout", rule: "must be a positive duration such as 30m or 2h", quote: true,
		ok: func(s string) bool {
			d, err := time.ParseDuration(s)
			return err != nil || d > 0
		}}
}

// reservedConfKeyValidator explains why the submission marker may not be set by hand.
func reservedConfKeyValidator() validator.String {
	return stringCheck{summary: "Reserved conf key", quote: false,
		ok: func(s string) bool { return s != client.SubmissionMarkerConfKey },
		rule: fmt.Sprintf("sets the key %q, which is reserved: the provider puts a unique marker there on every "+
			"submission, to find the job again when the answer to a submission is lost. Remove it from conf",
			client.SubmissionMarkerConfKey)}
}

// regexValidator refuses patterns that do not compile (Go RE2 syntax).
func regexValidator() validator.String {
	return stringCheck{summary: "Invalid regular expression", rule: "must be a valid regular expression (RE2 syntax)", quote: true,
		ok: func(s string) bool { _, err := regexp.Compile(s); return err == nil }}
}

// rfc3339Validator checks timestamps with a message that shows the expected form.
func rfc3339Validator() validator.String {
	return stringCheck{summary: "Invalid timestamp", rule: "must be an RFC 3339 timestamp such as 2026-11-01T00:00:00Z", quote: true,
		ok: func(s string) bool { _, err := time.Parse(time.RFC3339, s); return err == nil }}
}

// stringListValidators: no null element, no empty string.
func stringListValidators() []validator.List {
	return []validator.List{listvalidator.NoNullValues(), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))}
}
