package did

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// objectWriter writes a JSON object whose known members come first in a
// fixed order and whose extra (unknown) members follow in sorted order, so
// marshalling is deterministic and loses nothing that was parsed.
type objectWriter struct {
	buf   bytes.Buffer
	names []string // member names written so far
	err   error
}

func (w *objectWriter) field(name string, v any) {
	if w.err != nil {
		return
	}
	raw, err := json.Marshal(v)
	if err != nil {
		w.err = fmt.Errorf("marshal %s: %w", name, err)
		return
	}
	w.raw(name, raw)
}

func (w *objectWriter) raw(name string, raw []byte) {
	if w.err != nil {
		return
	}
	if len(w.names) == 0 {
		w.buf.WriteByte('{')
	} else {
		w.buf.WriteByte(',')
	}
	w.names = append(w.names, name)
	k, _ := json.Marshal(name)
	w.buf.Write(k)
	w.buf.WriteByte(':')
	w.buf.Write(raw)
}

func (w *objectWriter) extras(extra map[string]json.RawMessage) {
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if slices.Contains(w.names, k) {
			// A modelled member set again through Extra would write the
			// name twice; refuse rather than emit ambiguous JSON.
			w.err = fmt.Errorf("extra member %q duplicates a modelled member", k)
			return
		}
		w.raw(k, extra[k])
	}
}

func (w *objectWriter) bytes() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	if len(w.names) == 0 {
		return []byte("{}"), nil
	}
	w.buf.WriteByte('}')
	return w.buf.Bytes(), nil
}

// splitObject decodes a JSON object into its members, rejecting duplicate
// member names at any depth (an ambiguity attackers use to make two parsers
// disagree). Member values are compacted.
func splitObject(data []byte) (map[string]json.RawMessage, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil, fmt.Errorf("expected a JSON object")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if err := checkNoDuplicateKeys(data); err != nil {
		return nil, err
	}
	for k, v := range m {
		if bytes.ContainsAny(v, " \t\r\n") {
			m[k] = compact(v)
		}
	}
	return m, nil
}

// take removes name from m and decodes it into v when present. A null value
// is refused: no modelled member admits it, and accepting it would silently
// turn "member": null into an absent member on the way back out.
func take(m map[string]json.RawMessage, name string, v any) error {
	raw, ok := m[name]
	if !ok {
		return nil
	}
	delete(m, name)
	if isNull(raw) {
		return fmt.Errorf("%s: must not be null", name)
	}
	switch p := v.(type) {
	case *string:
		str, err := decodeString(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		*p = str
		return nil
	case *[]string:
		strs, err := decodeStrings(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		*p = strs
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// compact returns raw without insignificant white space, so values kept as
// raw JSON (unknown members, service endpoints, embedded contexts) compare
// and marshal the same however the input was laid out.
func compact(raw []byte) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw // not reached: raw came from a decoder
	}
	return b.Bytes()
}

// takeOptional is take for an optional string member that marshals only when
// non-empty: an empty value would not survive a round trip, and no such
// member (a key encoding, an account id) means anything when empty.
func takeOptional(m map[string]json.RawMessage, name string, v *string) error {
	_, present := m[name]
	if err := take(m, name, v); err != nil {
		return err
	}
	if present && *v == "" {
		return fmt.Errorf("%s: must not be empty", name)
	}
	return nil
}

func isNull(raw []byte) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// decodeString decodes a JSON string, refusing every other type (including
// null, which encoding/json would silently leave as "").
func decodeString(raw []byte) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' {
		return "", fmt.Errorf("expected a string")
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", err
	}
	return s, nil
}

// decodeStrings decodes a JSON array of strings, refusing null and
// non-string elements.
func decodeStrings(raw []byte) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '[' {
		return nil, fmt.Errorf("expected an array of strings")
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	out := make([]string, len(items))
	for i, it := range items {
		s, err := decodeString(it)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		out[i] = s
	}
	return out, nil
}

// checkNoDuplicateKeys scans a whole JSON value and fails on the first
// object, at any depth, that names a member twice. encoding/json keeps the
// last duplicate silently; other parsers keep the first, which lets one
// document mean two things. The scan tracks only structure and member names;
// it is exact for valid JSON and callers decode the data with encoding/json
// as well, which reports any syntax error.
func checkNoDuplicateKeys(data []byte) error {
	type object struct {
		names [][]byte            // first few names, compared linearly
		set   map[string]struct{} // all names, once there are many
	}
	const linear = 16
	var stack []*object // nil entries are arrays
	expectName := false
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{':
			stack = append(stack, &object{})
			expectName = true
		case '[':
			stack = append(stack, nil)
			expectName = false
		case '}', ']':
			if len(stack) == 0 {
				return fmt.Errorf("unbalanced JSON")
			}
			stack = stack[:len(stack)-1]
			expectName = false
		case ',':
			expectName = len(stack) > 0 && stack[len(stack)-1] != nil
		case '"':
			j, plain := i+1, true
			for ; j < len(data) && data[j] != '"'; j++ {
				if data[j] == '\\' {
					j++
					plain = false
				} else if data[j] >= 0x80 {
					plain = false
				}
			}
			if j >= len(data) {
				return fmt.Errorf("unterminated JSON string")
			}
			if expectName && len(stack) > 0 && stack[len(stack)-1] != nil {
				name := data[i+1 : j]
				if !plain {
					// Compare names as decoded: "\u0061" and "a" collide.
					var s string
					if err := json.Unmarshal(data[i:j+1], &s); err != nil {
						return err
					}
					name = []byte(s)
				}
				o := stack[len(stack)-1]
				if o.set != nil {
					if _, dup := o.set[string(name)]; dup {
						return fmt.Errorf("duplicate member %q", name)
					}
					o.set[string(name)] = struct{}{}
				} else {
					for _, n := range o.names {
						if bytes.Equal(n, name) {
							return fmt.Errorf("duplicate member %q", name)
						}
					}
					o.names = append(o.names, name)
					if len(o.names) > linear {
						o.set = make(map[string]struct{}, 2*linear)
						for _, n := range o.names {
							o.set[string(n)] = struct{}{}
						}
						o.names = nil
					}
				}
			}
			expectName = false
			i = j
		}
	}
	return nil
}

// StringOrSet is a JSON value that is either one string or an array of
// strings (DID Core uses it for controller and service type). It remembers
// which form it was parsed from so documents round-trip exactly; a value built
// in code with one element marshals as a plain string unless Array is set.
type StringOrSet struct {
	Values []string
	Array  bool
}

// Strings returns s as a StringOrSet; one value marshals as a plain string.
func Strings(values ...string) StringOrSet { return StringOrSet{Values: values} }

// IsZero reports whether s holds no value.
func (s StringOrSet) IsZero() bool { return len(s.Values) == 0 && !s.Array }

// Contains reports whether v is one of the values.
func (s StringOrSet) Contains(v string) bool { return slices.Contains(s.Values, v) }

// MarshalJSON implements json.Marshaler.
func (s StringOrSet) MarshalJSON() ([]byte, error) {
	if len(s.Values) == 1 && !s.Array {
		return json.Marshal(s.Values[0])
	}
	if s.Values == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(s.Values)
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *StringOrSet) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		vs, err := decodeStrings(data)
		if err != nil {
			return err
		}
		*s = StringOrSet{Values: vs, Array: true}
		return nil
	}
	v, err := decodeString(data)
	if err != nil {
		return fmt.Errorf("expected a string or an array of strings")
	}
	*s = StringOrSet{Values: []string{v}}
	return nil
}

// Context is the JSON-LD @context of a document: one or more context URIs or
// embedded context objects, in order.
type Context struct {
	Entries []ContextEntry
	Array   bool
}

// ContextEntry is one @context member: a URI or an embedded context object.
type ContextEntry struct {
	URI    string
	Object json.RawMessage
}

// Contexts builds a Context from URIs; it marshals as an array.
func Contexts(uris ...string) Context {
	c := Context{Array: true}
	for _, u := range uris {
		c.Entries = append(c.Entries, ContextEntry{URI: u})
	}
	return c
}

// IsZero reports whether c holds no entry.
func (c Context) IsZero() bool { return len(c.Entries) == 0 && !c.Array }

// URIs returns the URI entries in order.
func (c Context) URIs() []string {
	var out []string
	for _, e := range c.Entries {
		if e.URI != "" {
			out = append(out, e.URI)
		}
	}
	return out
}

// MarshalJSON implements json.Marshaler.
func (e ContextEntry) MarshalJSON() ([]byte, error) {
	if e.Object != nil {
		return e.Object, nil
	}
	return json.Marshal(e.URI)
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *ContextEntry) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		if _, err := splitObject(data); err != nil {
			return err
		}
		*e = ContextEntry{Object: compact(data)}
		return nil
	}
	uri, err := decodeString(data)
	if err != nil {
		return fmt.Errorf("@context entry must be a string or an object")
	}
	if uri == "" {
		return fmt.Errorf("@context entry must not be an empty string")
	}
	*e = ContextEntry{URI: uri}
	return nil
}

// MarshalJSON implements json.Marshaler.
func (c Context) MarshalJSON() ([]byte, error) {
	if len(c.Entries) == 1 && !c.Array {
		return json.Marshal(c.Entries[0])
	}
	if c.Entries == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(c.Entries)
}

// UnmarshalJSON implements json.Unmarshaler.
func (c *Context) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var es []ContextEntry
		if err := json.Unmarshal(data, &es); err != nil {
			return err
		}
		*c = Context{Entries: es, Array: true}
		return nil
	}
	var e ContextEntry
	if err := json.Unmarshal(data, &e); err != nil {
		return err
	}
	*c = Context{Entries: []ContextEntry{e}}
	return nil
}
