package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"time"
)

// Request bodies: read within a deadline, decoded as one JSON object with
// no key twice in any object.

// withBodyDeadline runs read with a deadline of Options.BodyReadTimeout on
// the connection, so that a half-sent body is dropped after that bound
// instead of holding the connection forever. After a failed read the
// deadline stays: the server then gives up discarding the rest of the body
// and closes the connection once answered. In-process callers (no
// connection to set a deadline on) read unbounded.
func (s *Server) withBodyDeadline(c *call, read func() error) {
	rc := http.NewResponseController(c.w)
	if rc.SetReadDeadline(time.Now().Add(s.opts.BodyReadTimeout)) != nil {
		_ = read()
		return
	}
	if read() == nil {
		_ = rc.SetReadDeadline(time.Time{})
	}
}

// decodeObject decodes exactly one JSON object.
func decodeObject(body []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, errors.New("the request body must be a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON object")
	}
	if err := checkDuplicateKeys(body); err != nil {
		return nil, err
	}
	return obj, nil
}

// malformed is DLI's answer to a body it cannot read: 400 DLI.0001 "The format of message is
// error: …".
func malformed(err error) *response {
	r := badRequest("The format of message is error: %v", err)
	return &r
}

// readFields decodes a request body for a fieldReader, or answers malformed.
func readFields(body []byte) (*fieldReader, *response) {
	obj, err := decodeObject(body)
	if err != nil {
		return nil, malformed(err)
	}
	return &fieldReader{obj: obj}, nil
}

// fieldReader reads typed fields out of a decoded JSON object, collecting
// the first type error. A key whose value is null counts as absent.
type fieldReader struct {
	obj map[string]json.RawMessage
	err error
}

// done answers malformed for the first field of the wrong type, else nil.
func (f *fieldReader) done() *response {
	if f.err == nil {
		return nil
	}
	return malformed(f.err)
}

func (f *fieldReader) fail(format string, args ...any) {
	if f.err == nil {
		f.err = fmt.Errorf(format, args...)
	}
}

// pick returns the first present key among keys (camelCase first, so that
// it wins over the legacy snake_case spelling).
func (f *fieldReader) pick(keys ...string) (string, json.RawMessage, bool) {
	for _, k := range keys {
		if v, ok := f.obj[k]; ok && !bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return k, v, true
		}
	}
	return "", nil, false
}

func (f *fieldReader) str(keys ...string) (string, bool) {
	k, v, ok := f.pick(keys...)
	if !ok {
		return "", false
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		f.fail("the parameter %s must be a string", k)
		return "", false
	}
	return s, true
}

func (f *fieldReader) integer(keys ...string) (int, bool) {
	k, v, ok := f.pick(keys...)
	if !ok {
		return 0, false
	}
	var n json.Number
	if t := bytes.TrimSpace(v); len(t) == 0 || t[0] == '"' || json.Unmarshal(t, &n) != nil {
		f.fail("the parameter %s must be an integer", k)
		return 0, false
	}
	i, err := n.Int64()
	if err != nil || i > 1<<31-1 || i < -1<<31 {
		f.fail("the parameter %s must be an integer", k)
		return 0, false
	}
	return int(i), true
}

// boolean reads a JSON boolean and whether it was present; a value of
// another type fails the body.
func (f *fieldReader) boolean(keys ...string) (bool, bool) {
	k, v, ok := f.pick(keys...)
	if !ok {
		return false, false
	}
	var b bool
	if err := json.Unmarshal(v, &b); err != nil {
		f.fail("the parameter %s must be a boolean", k)
		return false, false
	}
	return b, true
}

func (f *fieldReader) strings(keys ...string) []string {
	k, v, ok := f.pick(keys...)
	if !ok {
		return nil
	}
	var ss []string
	if err := json.Unmarshal(v, &ss); err != nil {
		f.fail("the parameter %s must be an array of strings", k)
	}
	return ss
}

// jobUUIDRE is the form of job IDs (batch and SQL jobs): a UUID, either case.
var jobUUIDRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// checkDuplicateKeys fails when an object of the JSON text b has a key
// twice, at any depth: decoders keep the last one silently, gateways
// refuse the body. b must be valid JSON.
func checkDuplicateKeys(b []byte) error {
	type frame struct {
		object    bool
		expectKey bool
		keys      map[string]bool
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.expectKey {
			if key, ok := tok.(string); ok {
				if top.keys[key] {
					return fmt.Errorf("duplicate key %q", key)
				}
				top.keys[key] = true
				top.expectKey = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, expectKey: true, keys: map[string]bool{}})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				top = stack[len(stack)-1]
			} else {
				top = nil
			}
		}
		// A value ended: the enclosing object expects a key next.
		if top != nil && top.object {
			top.expectKey = true
		}
	}
}
