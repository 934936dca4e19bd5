package credentials

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/chainid/chainid/internal/strictjson"
)

// Limits applied by ParseCredential and ParsePresentation before any
// decoding, so hostile input costs bounded time and memory.
const (
	// MaxSize bounds the encoded size of one credential or presentation.
	MaxSize = 4 << 20
	// MaxDepth bounds the nesting of JSON objects and arrays.
	MaxDepth = 64
)

// Member is one member of a JSON object whose order is kept: Value is the
// member's compact JSON.
type Member struct {
	Name  string
	Value json.RawMessage
}

// objectWriter writes a JSON object: modelled members in a fixed order, then
// extra members in sorted order, so output is deterministic.
type objectWriter struct {
	buf   bytes.Buffer
	names []string
	err   error
}

func (w *objectWriter) field(name string, v any) {
	if w.err != nil {
		return
	}
	raw, err := marshalNoEscape(v)
	if err != nil {
		w.err = fmt.Errorf("marshal %s: %w", name, err)
		return
	}
	w.raw(name, raw)
}

func (w *objectWriter) str(name, v string) { w.field(name, v) }

func (w *objectWriter) raw(name string, raw []byte) {
	if w.err != nil {
		return
	}
	if slices.Contains(w.names, name) {
		w.err = fmt.Errorf("member %q written twice", name)
		return
	}
	if len(w.names) == 0 {
		w.buf.WriteByte('{')
	} else {
		w.buf.WriteByte(',')
	}
	w.names = append(w.names, name)
	k, _ := marshalNoEscape(name)
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
		if !json.Valid(extra[k]) {
			w.err = fmt.Errorf("extra member %q is not valid JSON", k)
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

// marshalNoEscape is json.Marshal without HTML escaping, so "<" and "&"
// come back out as they went in.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), nil
}

// checkJSON enforces the size, depth and duplicate-member rules on a whole
// document before it is decoded. Duplicate names are compared as decoded
// strings ("\u0061" and "a" collide), at any depth.
func checkJSON(data []byte) error {
	if len(data) > MaxSize {
		return fmt.Errorf("document is %d bytes, limit %d", len(data), MaxSize)
	}
	return strictjson.Check(data, MaxDepth)
}

// splitObject decodes a JSON object into its members, compacted. The
// document was already checked by checkJSON.
func splitObject(data []byte) (map[string]json.RawMessage, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil, fmt.Errorf("expected a JSON object")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	for k, v := range m {
		m[k] = compact(v)
	}
	return m, nil
}

// orderedMembers decodes a JSON object into its members in document order.
func orderedMembers(data []byte) ([]Member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("expected a JSON object")
	}
	var out []Member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		for _, m := range out {
			if m.Name == name {
				return nil, fmt.Errorf("duplicate member %q", name)
			}
		}
		out = append(out, Member{Name: name, Value: compact(v)})
	}
	return out, nil
}

func compact(raw []byte) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}

func isNull(raw []byte) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// take removes name from m and decodes it into v when present; null is
// refused for every modelled member.
func take(m map[string]json.RawMessage, name string, v any) error {
	raw, ok := m[name]
	if !ok {
		return nil
	}
	delete(m, name)
	if isNull(raw) {
		return fmt.Errorf("%s: must not be null", name)
	}
	if p, ok := v.(*string); ok {
		s, err := decodeString(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		*p = s
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// takeRaw removes name from m and returns its compact value, refusing null.
func takeRaw(m map[string]json.RawMessage, name string) (json.RawMessage, error) {
	raw, ok := m[name]
	if !ok {
		return nil, nil
	}
	delete(m, name)
	if isNull(raw) {
		return nil, fmt.Errorf("%s: must not be null", name)
	}
	return raw, nil
}

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

func extraOrNil(m map[string]json.RawMessage) map[string]json.RawMessage {
	if len(m) == 0 {
		return nil
	}
	return m
}

// OneOrMany is a JSON value that is either one item or an array of items.
// It remembers which form it was parsed from; a value built in code with one
// item marshals as that item unless Array is set.
type OneOrMany[T any] struct {
	Items []T
	Array bool
}

// One returns a OneOrMany holding items; one item marshals bare.
func One[T any](items ...T) OneOrMany[T] { return OneOrMany[T]{Items: items} }

// IsZero reports whether o holds nothing.
func (o OneOrMany[T]) IsZero() bool { return len(o.Items) == 0 && !o.Array }

// MarshalJSON implements json.Marshaler.
func (o OneOrMany[T]) MarshalJSON() ([]byte, error) {
	if len(o.Items) == 1 && !o.Array {
		return marshalNoEscape(o.Items[0])
	}
	if o.Items == nil {
		return []byte("[]"), nil
	}
	return marshalNoEscape(o.Items)
}

// UnmarshalJSON implements json.Unmarshaler. Null items are refused.
func (o *OneOrMany[T]) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var raws []json.RawMessage
		if err := json.Unmarshal(data, &raws); err != nil {
			return err
		}
		items := make([]T, len(raws))
		for i, r := range raws {
			if isNull(r) {
				return fmt.Errorf("element %d: must not be null", i)
			}
			if err := json.Unmarshal(compact(r), &items[i]); err != nil {
				return fmt.Errorf("element %d: %w", i, err)
			}
		}
		*o = OneOrMany[T]{Items: items, Array: true}
		return nil
	}
	var item T
	if err := json.Unmarshal(compact(data), &item); err != nil {
		return err
	}
	*o = OneOrMany[T]{Items: []T{item}}
	return nil
}
