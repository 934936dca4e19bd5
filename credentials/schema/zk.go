package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// zkExtension is the wire form of x-chainid-zk.
type zkExtension struct {
	Attributes []zkAttribute `json:"attributes"`
}

type zkAttribute struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Values []string `json:"values,omitempty"`
}

// propertySchema is the part of a property's schema the ZK checks read.
type propertySchema struct {
	Type   json.RawMessage   `json:"type"`
	Format string            `json:"format"`
	Enum   []json.RawMessage `json:"enum"`
}

func parseZK(raw json.RawMessage, top map[string]json.RawMessage) ([]Attribute, error) {
	var ext zkExtension
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ext); err != nil {
		return nil, fmt.Errorf("must be {\"attributes\": [{\"name\", \"type\", \"values\"?}, …]}: %w", err)
	}
	if len(ext.Attributes) == 0 {
		return nil, errors.New("attributes must list at least one attribute")
	}
	if len(ext.Attributes) > MaxZKAttributes {
		return nil, fmt.Errorf("%d attributes, at most %d", len(ext.Attributes), MaxZKAttributes)
	}
	var props map[string]json.RawMessage
	if p, ok := top["properties"]; ok {
		if err := json.Unmarshal(p, &props); err != nil {
			return nil, fmt.Errorf("properties: %w", err)
		}
	}
	var required []string
	if r, ok := top["required"]; ok {
		if err := json.Unmarshal(r, &required); err != nil {
			return nil, fmt.Errorf("required: %w", err)
		}
	}
	out := make([]Attribute, 0, len(ext.Attributes))
	seen := make(map[string]bool)
	for i, a := range ext.Attributes {
		if a.Name == "" {
			return nil, fmt.Errorf("attribute %d has no name", i)
		}
		if a.Name == "id" {
			return nil, fmt.Errorf("attribute %d: the subject id is not an attribute", i)
		}
		if seen[a.Name] {
			return nil, fmt.Errorf("attribute %q is listed twice", a.Name)
		}
		seen[a.Name] = true
		attr := Attribute{Name: a.Name, Type: AttributeType(a.Type), Values: a.Values}
		if err := checkAttribute(attr, props[a.Name], slices.Contains(required, a.Name)); err != nil {
			return nil, fmt.Errorf("attribute %q: %w", a.Name, err)
		}
		out = append(out, attr)
	}
	return out, nil
}

func checkAttribute(a Attribute, prop json.RawMessage, required bool) error {
	switch a.Type {
	case Integer, Date, Boolean, String, Enum:
	default:
		return fmt.Errorf("type %q is not one of integer, date, boolean, enum, string", a.Type)
	}
	if a.Type == Enum {
		if len(a.Values) == 0 || len(a.Values) > MaxEnumValues {
			return fmt.Errorf("an enum needs 1 to %d values", MaxEnumValues)
		}
		for i, v := range a.Values {
			if slices.Contains(a.Values[:i], v) {
				return fmt.Errorf("enum value %q is listed twice", v)
			}
		}
	} else if a.Values != nil {
		return fmt.Errorf("values are allowed only for enum attributes")
	}
	if prop == nil {
		return errors.New("not declared in the schema's top-level properties")
	}
	if !required {
		return errors.New("not listed in the schema's required properties")
	}
	var p propertySchema
	if err := json.Unmarshal(prop, &p); err != nil {
		return fmt.Errorf("property schema: %w", err)
	}
	var typ string
	if p.Type != nil {
		if err := json.Unmarshal(p.Type, &typ); err != nil {
			return errors.New(`the property must have a single "type"`)
		}
	}
	want := map[AttributeType]string{Integer: "integer", Date: "string", Boolean: "boolean", String: "string"}[a.Type]
	switch a.Type {
	case Enum:
		if len(p.Enum) != len(a.Values) {
			return errors.New(`the property's "enum" must list exactly the attribute's values`)
		}
		for i, raw := range p.Enum {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil || s != a.Values[i] {
				return errors.New(`the property's "enum" must list exactly the attribute's values, in the same order`)
			}
		}
		if typ != "" && typ != "string" {
			return errors.New(`an enum property must be of type "string"`)
		}
		return nil
	case Date:
		if typ != want || p.Format != "date" {
			return errors.New(`a date property must be {"type": "string", "format": "date"}`)
		}
	default:
		if typ != want {
			return fmt.Errorf(`the property must have "type": %q`, want)
		}
	}
	return nil
}
