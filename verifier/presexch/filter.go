package presexch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// filterKeywords are the JSON Schema keywords a filter may use: the
// validation keywords of draft 2020-12 plus the annotations. Keywords that
// name or load other schemas ($ref, $id, $defs, ...) are not here.
var filterKeywords = map[string]bool{
	"type": true, "const": true, "enum": true, "pattern": true, "format": true,
	"minLength": true, "maxLength": true, "minimum": true, "maximum": true,
	"exclusiveMinimum": true, "exclusiveMaximum": true, "multipleOf": true,
	"items": true, "prefixItems": true, "contains": true, "minContains": true, "maxContains": true,
	"minItems": true, "maxItems": true, "uniqueItems": true,
	"properties": true, "required": true, "additionalProperties": true,
	"minProperties": true, "maxProperties": true,
	"not": true, "allOf": true, "anyOf": true, "oneOf": true,
	"title": true, "description": true,
}

// dateBounds are the PE examples' date comparisons, allowed only at a
// filter's top level next to format "date" or "date-time".
var dateBounds = []string{"formatMinimum", "formatMaximum", "formatExclusiveMinimum", "formatExclusiveMaximum"}

// filter is a compiled field filter.
type filter struct {
	schema *jsonschema.Schema
	format string
	bounds map[string]time.Time
}

// compileFilter checks the keywords of a filter and compiles it.
func compileFilter(raw json.RawMessage) (*filter, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil || top == nil {
		return nil, fmt.Errorf("%w: filter must be a JSON Schema object", ErrInvalid)
	}
	f := &filter{}
	if b, ok := top["format"]; ok {
		_ = json.Unmarshal(b, &f.format)
	}
	rest := map[string]json.RawMessage{}
	for k, v := range top {
		rest[k] = v
	}
	for _, k := range dateBounds {
		b, ok := top[k]
		if !ok {
			continue
		}
		if f.format != "date" && f.format != "date-time" {
			return nil, fmt.Errorf("%w: filter %s needs format date or date-time", ErrInvalid, k)
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("%w: filter %s must be a string", ErrInvalid, k)
		}
		t, err := parseDate(f.format, s)
		if err != nil {
			return nil, fmt.Errorf("%w: filter %s: %w", ErrInvalid, k, err)
		}
		if f.bounds == nil {
			f.bounds = map[string]time.Time{}
		}
		f.bounds[k] = t
		delete(rest, k)
	}
	for k, v := range rest {
		if err := checkKeywords(k, v, 0); err != nil {
			return nil, err
		}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(mustMarshal(rest)))
	if err != nil {
		return nil, fmt.Errorf("%w: filter: %w", ErrInvalid, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(refuseLoader{})
	c.AssertFormat()
	const id = "urn:chainid:presexch:filter"
	if err := c.AddResource(id, doc); err != nil {
		return nil, fmt.Errorf("%w: filter: %w", ErrInvalid, err)
	}
	if f.schema, err = c.Compile(id); err != nil {
		return nil, fmt.Errorf("%w: filter: %w", ErrInvalid, err)
	}
	return f, nil
}

func mustMarshal(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// checkKeywords refuses keywords outside filterKeywords, recursively in the
// subschemas of the applicator keywords.
func checkKeywords(k string, v json.RawMessage, depth int) error {
	if !filterKeywords[k] {
		if k == "$ref" || k == "$id" || k == "$defs" || k == "$dynamicRef" || k == "$anchor" || k == "$schema" || k == "definitions" {
			return fmt.Errorf("%w: filter keyword %q", ErrUnsupported, k)
		}
		if dateKeyword(k) {
			return fmt.Errorf("%w: filter keyword %q is allowed only at the top level", ErrUnsupported, k)
		}
		return fmt.Errorf("%w: unknown filter keyword %q", ErrInvalid, k)
	}
	if depth > 16 {
		return fmt.Errorf("%w: filter nests deeper than 16", ErrInvalid)
	}
	var sub []json.RawMessage
	switch k {
	case "not", "contains", "additionalProperties", "items":
		sub = []json.RawMessage{v}
	case "allOf", "anyOf", "oneOf", "prefixItems":
		if err := json.Unmarshal(v, &sub); err != nil {
			return fmt.Errorf("%w: filter %s must be an array", ErrInvalid, k)
		}
	case "properties":
		var m map[string]json.RawMessage
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("%w: filter properties must be an object", ErrInvalid)
		}
		for _, s := range m {
			sub = append(sub, s)
		}
	}
	for _, s := range sub {
		var m map[string]json.RawMessage
		if json.Unmarshal(s, &m) != nil || m == nil {
			continue // a boolean schema, or the compiler refuses it
		}
		for kk, vv := range m {
			if err := checkKeywords(kk, vv, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func dateKeyword(k string) bool {
	for _, d := range dateBounds {
		if d == k {
			return true
		}
	}
	return false
}

func parseDate(format, s string) (time.Time, error) {
	if format == "date" {
		return time.Parse(time.DateOnly, s)
	}
	return time.Parse(time.RFC3339, s)
}

// accepts reports whether v passes the filter.
func (f *filter) accepts(v any) bool {
	if f == nil {
		return true
	}
	if f.schema.Validate(v) != nil {
		return false
	}
	if len(f.bounds) == 0 {
		return true
	}
	s, ok := v.(string)
	if !ok {
		return false
	}
	t, err := parseDate(f.format, s)
	if err != nil {
		return false
	}
	for k, b := range f.bounds {
		var ok bool
		switch k {
		case "formatMinimum":
			ok = !t.Before(b)
		case "formatMaximum":
			ok = !t.After(b)
		case "formatExclusiveMinimum":
			ok = t.After(b)
		case "formatExclusiveMaximum":
			ok = t.Before(b)
		}
		if !ok {
			return false
		}
	}
	return true
}

type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, errors.New("filters cannot load " + url)
}
