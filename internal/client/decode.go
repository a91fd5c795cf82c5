package client

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Tolerant JSON helpers: the DLI API and its documentation disagree on several
// types (appId string vs array vs null, "from" string vs number, ...). These
// decode whatever arrives into the type the client exposes, never failing on
// a type mismatch.

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// flexString accepts a string, number, bool, null, or an array (joined with
// ","); objects are kept as compact JSON text.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	*f = flexString(jsonToString(b))
	return nil
}

func jsonToString(raw json.RawMessage) string {
	if isNull(raw) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var arr []json.RawMessage
	if json.Unmarshal(raw, &arr) == nil {
		parts := make([]string, 0, len(arr))
		for _, e := range arr {
			if v := jsonToString(e); v != "" {
				parts = append(parts, v)
			}
		}
		return strings.Join(parts, ",")
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		return buf.String()
	}
	return strings.TrimSpace(string(raw))
}

// flexInt64 accepts a number (integer or float), a numeric string, or null.
type flexInt64 int64

func (f *flexInt64) UnmarshalJSON(b []byte) error {
	v, _ := jsonToInt64(b)
	*f = flexInt64(v)
	return nil
}

func jsonToInt64(raw json.RawMessage) (int64, bool) {
	if isNull(raw) {
		return 0, false
	}
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, false
		}
		n = json.Number(strings.TrimSpace(s))
	}
	if i, err := n.Int64(); err == nil {
		return i, true
	}
	if f, err := n.Float64(); err == nil {
		return int64(f), true
	}
	return 0, false
}

func jsonToBool(raw json.RawMessage) (bool, bool) {
	if isNull(raw) {
		return false, false
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if v, err := strconv.ParseBool(strings.TrimSpace(s)); err == nil {
			return v, true
		}
	}
	return false, false
}

// jsonToStrings accepts an array (elements stringified) or a single string;
// null, missing and empty give nil.
func jsonToStrings(raw json.RawMessage) []string {
	if isNull(raw) {
		return nil
	}
	var arr []json.RawMessage
	if json.Unmarshal(raw, &arr) == nil {
		if len(arr) == 0 {
			return nil
		}
		out := make([]string, len(arr))
		for i, e := range arr {
			out[i] = jsonToString(e)
		}
		return out
	}
	if s := jsonToString(raw); s != "" {
		return []string{s}
	}
	return nil
}

// appIDFromJSON: a string as is; an array: its only element, or the non-empty
// elements joined with ","; null or missing: "".
func appIDFromJSON(raw json.RawMessage) string {
	return jsonToString(raw)
}

// msToTime converts epoch milliseconds to UTC time; 0 gives the zero time.
func msToTime(ms int64) time.Time {
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// rawObject is a JSON object read key by key, for answers that spell a field more than one
// way (camelCase and snake_case): the first of the keys present and not null wins.
type rawObject map[string]json.RawMessage

func (m rawObject) pick(keys ...string) json.RawMessage {
	for _, k := range keys {
		if v, ok := m[k]; ok && !isNull(v) {
			return v
		}
	}
	return nil
}

func (m rawObject) str(keys ...string) string { return jsonToString(m.pick(keys...)) }

func (m rawObject) strs(keys ...string) []string { return jsonToStrings(m.pick(keys...)) }
