package zkcred

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"unicode/utf8"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/credentials/schema"
	"github.com/chainid/chainid/internal/strictjson"
	"github.com/chainid/chainid/zkp"
)

// maxDepth bounds the nesting of documents and subjects given to this
// package.
const maxDepth = 32

var canonicalDec = regexp.MustCompile(`^[1-9][0-9]{0,77}$`)

// Layout returns the attribute specs of a schema's x-chainid-zk list, in
// encoding order. A schema without the extension fails with ErrEncoding.
func Layout(s *schema.Schema) ([]zkp.AttributeSpec, error) {
	attrs := s.ZKAttributes()
	if len(attrs) == 0 {
		return nil, fmt.Errorf("%w: schema %s has no %s attribute list", ErrEncoding, s.ID(), schema.ExtensionZK)
	}
	if len(attrs) > zkp.MaxAttributes {
		return nil, fmt.Errorf("%w: schema %s lists %d attributes, at most %d", ErrEncoding, s.ID(), len(attrs), zkp.MaxAttributes)
	}
	out := make([]zkp.AttributeSpec, len(attrs))
	for i, a := range attrs {
		t, err := zkp.ParseAttributeType(string(a.Type))
		if err != nil {
			return nil, fmt.Errorf("%w: schema %s attribute %q: %w", ErrEncoding, s.ID(), a.Name, err)
		}
		out[i] = zkp.AttributeSpec{Name: a.Name, Type: t, Enum: slices.Clone(a.Values)}
	}
	return out, nil
}

// EncodeSubject encodes a credential subject (one JSON object) under specs
// (Layout): for each spec, in order, the subject's top-level member of that
// name, decoded and encoded by the rules in the package documentation.
// Members not listed are ignored; a missing member or a value that does not
// fit fails with ErrEncoding.
func EncodeSubject(specs []zkp.AttributeSpec, subject json.RawMessage) ([]Attribute, error) {
	if len(specs) == 0 || len(specs) > zkp.MaxAttributes {
		return nil, fmt.Errorf("%w: %d attributes, want 1 to %d", ErrEncoding, len(specs), zkp.MaxAttributes)
	}
	if len(subject) > schema.MaxSubjectSize || !utf8.Valid(subject) {
		return nil, fmt.Errorf("%w: subject is too large or not UTF-8", ErrEncoding)
	}
	if err := strictjson.Check(subject, maxDepth); err != nil {
		return nil, fmt.Errorf("%w: subject: %w", ErrEncoding, err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(subject, &members); err != nil || members == nil {
		return nil, fmt.Errorf("%w: subject is not a JSON object", ErrEncoding)
	}
	out := make([]Attribute, len(specs))
	for i, spec := range specs {
		raw, ok := members[spec.Name]
		if !ok {
			return nil, fmt.Errorf("%w: subject has no %q", ErrEncoding, spec.Name)
		}
		a, err := decodeAttribute(spec, raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrEncoding, err)
		}
		out[i] = a
	}
	return out, nil
}

// EncodeValue encodes one JSON value under spec (see EncodeSubject).
func EncodeValue(spec zkp.AttributeSpec, value json.RawMessage) (Attribute, error) {
	a, err := decodeAttribute(spec, value)
	if err != nil {
		return Attribute{}, fmt.Errorf("%w: %w", ErrEncoding, err)
	}
	return a, nil
}

// decodeAttribute decodes a JSON value strictly by type and encodes it
// (zkp.AttributeSpec.EncodeJSON).
func decodeAttribute(spec zkp.AttributeSpec, raw json.RawMessage) (Attribute, error) {
	v, e, err := spec.EncodeJSON(raw)
	if err != nil {
		return Attribute{}, err
	}
	return Attribute{Spec: zkp.AttributeSpec{Name: spec.Name, Type: spec.Type, Enum: slices.Clone(spec.Enum)}, Value: v, Encoded: e}, nil
}

// ParseHolderCommitment parses a holder commitment: canonical decimal
// (no sign, no leading zero), 0 < c < r. Anything else fails with
// ErrMalformed.
func ParseHolderCommitment(s string) (fr.Element, error) {
	if !canonicalDec.MatchString(s) {
		return fr.Element{}, fmt.Errorf("%w: holder commitment must be a canonical non-zero decimal field element", ErrMalformed)
	}
	e, err := zkp.ParseElement(s)
	if err != nil {
		return fr.Element{}, fmt.Errorf("%w: holder commitment: %w", ErrMalformed, err)
	}
	return e, nil
}
