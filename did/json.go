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
	count int
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
	if w.count == 0 {
		w.buf.WriteByte('{')
	} else {
		w.buf.WriteByte(',')
	}
	w.count++
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
		w.raw(k, extra[k])
	}
}

func (w *objectWriter) bytes() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	if w.count == 0 {
		return []byte("{}"), nil
	}
	w.buf.WriteByte('}')
	return w.buf.Bytes(), nil
}

// splitObject decodes a JSON object into its members, rejecting duplicate
// member names (an ambiguity attackers use to make two parsers disagree).
func splitObject(data []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("expected a JSON object")
	}
	out := make(map[string]json.RawMessage)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("expected an object member name")
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("member %q: %w", key, err)
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("duplicate member %q", key)
		}
		out[key] = raw
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after object")
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("trailing data after object")
	}
	return out, nil
}

// take removes name from m and decodes it into v when present.
func take(m map[string]json.RawMessage, name string, v any) error {
	raw, ok := m[name]
	if !ok {
		return nil
	}
	delete(m, name)
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
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
		var vs []string
		if err := json.Unmarshal(data, &vs); err != nil {
			return err
		}
		*s = StringOrSet{Values: vs, Array: true}
		return nil
	}
	var v string
	if err := json.Unmarshal(data, &v); err != nil {
		return err
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
		e.Object = append(json.RawMessage(nil), data...)
		return nil
	}
	return json.Unmarshal(data, &e.URI)
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
