package presexch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/chainid/chainid/internal/strictjson"
)

// Sentinels wrapped by Parse, ParseSubmission and the evaluators.
var (
	// ErrInvalid: the definition or submission breaks the specification.
	ErrInvalid = errors.New("invalid presentation exchange document")
	// ErrUnsupported: a valid feature this package does not evaluate.
	ErrUnsupported = errors.New("unsupported presentation exchange feature")
)

// Limits of a definition.
const (
	MaxDefinitionBytes = 64 << 10
	MaxDescriptors     = 64
	MaxFields          = 64
	MaxPaths           = 16
	MaxNesting         = 8
	// maxJSONDepth bounds the nesting of a definition or submission.
	maxJSONDepth = 64
)

// Rules of a submission requirement.
const (
	RuleAll  = "all"
	RulePick = "pick"
)

// Values of limit_disclosure.
const (
	LimitRequired  = "required"
	LimitPreferred = "preferred"
)

// Definition is a presentation_definition.
type Definition struct {
	ID                     string                   `json:"id"`
	Name                   string                   `json:"name,omitempty"`
	Purpose                string                   `json:"purpose,omitempty"`
	Format                 Format                   `json:"format,omitempty"`
	SubmissionRequirements []*SubmissionRequirement `json:"submission_requirements,omitempty"`
	InputDescriptors       []*InputDescriptor       `json:"input_descriptors"`

	parsed bool
}

// Format maps claim format designations (jwt_vc_json, ldp_vc, dc+sd-jwt, …)
// to their algorithm or proof type constraints (alg, proof_type,
// sd-jwt_alg_values, kb-jwt_alg_values, …).
type Format map[string]map[string][]string

// InputDescriptor is one input_descriptors entry.
type InputDescriptor struct {
	ID          string      `json:"id"`
	Name        string      `json:"name,omitempty"`
	Purpose     string      `json:"purpose,omitempty"`
	Group       []string    `json:"group,omitempty"`
	Format      Format      `json:"format,omitempty"`
	Constraints Constraints `json:"constraints"`
}

// Constraints are an input descriptor's constraints.
type Constraints struct {
	Fields []*Field `json:"fields,omitempty"`
	// LimitDisclosure is "", LimitRequired or LimitPreferred.
	LimitDisclosure string `json:"limit_disclosure,omitempty"`
}

// Field is one constraints.fields entry.
type Field struct {
	ID             string          `json:"id,omitempty"`
	Name           string          `json:"name,omitempty"`
	Purpose        string          `json:"purpose,omitempty"`
	Path           []string        `json:"path"`
	Filter         json.RawMessage `json:"filter,omitempty"`
	Optional       bool            `json:"optional,omitempty"`
	IntentToRetain bool            `json:"intent_to_retain,omitempty"`

	paths  []Path
	filter *filter
}

// SubmissionRequirement is one submission_requirements entry.
type SubmissionRequirement struct {
	Name       string                   `json:"name,omitempty"`
	Purpose    string                   `json:"purpose,omitempty"`
	Rule       string                   `json:"rule"`
	Count      *int                     `json:"count,omitempty"`
	Min        *int                     `json:"min,omitempty"`
	Max        *int                     `json:"max,omitempty"`
	From       string                   `json:"from,omitempty"`
	FromNested []*SubmissionRequirement `json:"from_nested,omitempty"`
}

// Parse parses and validates a presentation definition. It accepts the
// definition itself or an envelope with a "presentation_definition" member
// (other envelope members are ignored).
func Parse(raw []byte) (*Definition, error) {
	if len(raw) > MaxDefinitionBytes {
		return nil, fmt.Errorf("%w: definition exceeds %d bytes", ErrInvalid, MaxDefinitionBytes)
	}
	// A member named twice would be read as its last value here and as
	// its first by other parsers. Filters hold JSON Schema "properties",
	// case-sensitive names, so names are compared exactly.
	if err := strictjson.Check(raw, maxJSONDepth); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	var wrapper map[string]json.RawMessage
	if err := json.Unmarshal(raw, &wrapper); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if inner, ok := wrapper["presentation_definition"]; ok { // an envelope (spec examples carry "comment")
		raw = inner
	}
	d := new(Definition)
	if err := strictDecode(raw, d, "definition", "frame"); err != nil {
		return nil, err
	}
	if err := d.validate(); err != nil {
		return nil, err
	}
	d.parsed = true
	return d, nil
}

// UnmarshalJSON decodes strictly (no unknown members) without validating;
// use Parse.
func (d *Definition) UnmarshalJSON(b []byte) error {
	type plain Definition
	return strictDecode(b, (*plain)(d), "definition", "frame")
}

// UnmarshalJSON decodes strictly.
func (d *InputDescriptor) UnmarshalJSON(b []byte) error {
	type plain InputDescriptor
	if err := strictDecode(b, (*plain)(d), "input descriptor"); err != nil {
		return err
	}
	var has struct {
		Constraints json.RawMessage `json:"constraints"`
	}
	if json.Unmarshal(b, &has) != nil || len(has.Constraints) == 0 || string(has.Constraints) == "null" {
		return fmt.Errorf("%w: input descriptor %q needs constraints", ErrInvalid, d.ID)
	}
	return nil
}

// UnmarshalJSON decodes strictly.
func (c *Constraints) UnmarshalJSON(b []byte) error {
	type plain Constraints
	return strictDecode(b, (*plain)(c), "constraints", "statuses", "subject_is_issuer", "is_holder", "same_subject")
}

// UnmarshalJSON decodes strictly.
func (f *Field) UnmarshalJSON(b []byte) error {
	type plain Field
	return strictDecode(b, (*plain)(f), "field", "predicate")
}

// UnmarshalJSON decodes strictly.
func (s *SubmissionRequirement) UnmarshalJSON(b []byte) error {
	type plain SubmissionRequirement
	return strictDecode(b, (*plain)(s), "submission requirement")
}

// strictDecode decodes an object refusing unknown members and members named
// in unsupported (with ErrUnsupported).
func strictDecode(b []byte, into any, what string, unsupported ...string) error {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil || keys == nil {
		return fmt.Errorf("%w: %s must be a JSON object", ErrInvalid, what)
	}
	for _, k := range unsupported {
		if _, ok := keys[k]; ok {
			return fmt.Errorf("%w: %s member %q", ErrUnsupported, what, k)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		if errors.Is(err, ErrInvalid) || errors.Is(err, ErrUnsupported) {
			return err
		}
		return fmt.Errorf("%w: %s: %w", ErrInvalid, what, err)
	}
	return nil
}

func (d *Definition) validate() error {
	if d.ID == "" {
		return fmt.Errorf("%w: id is required", ErrInvalid)
	}
	if err := d.Format.validate("format"); err != nil {
		return err
	}
	if len(d.InputDescriptors) == 0 {
		return fmt.Errorf("%w: input_descriptors must not be empty", ErrInvalid)
	}
	if len(d.InputDescriptors) > MaxDescriptors {
		return fmt.Errorf("%w: more than %d input descriptors", ErrInvalid, MaxDescriptors)
	}
	ids := map[string]bool{}
	groups := map[string]int{}
	for i, in := range d.InputDescriptors {
		if in == nil {
			return fmt.Errorf("%w: input_descriptors[%d] is null", ErrInvalid, i)
		}
		if in.ID == "" || ids[in.ID] {
			return fmt.Errorf("%w: input_descriptors[%d]: id %q is empty or not unique", ErrInvalid, i, in.ID)
		}
		ids[in.ID] = true
		if err := in.validate(); err != nil {
			return fmt.Errorf("input descriptor %s: %w", in.ID, err)
		}
		for _, g := range in.Group {
			if g == "" {
				return fmt.Errorf("%w: input descriptor %s: empty group", ErrInvalid, in.ID)
			}
			groups[g]++
		}
		if len(d.SubmissionRequirements) > 0 && len(in.Group) == 0 {
			return fmt.Errorf("%w: input descriptor %s needs a group when submission_requirements are present", ErrInvalid, in.ID)
		}
	}
	for i, sr := range d.SubmissionRequirements {
		if err := sr.validate(groups, 1); err != nil {
			return fmt.Errorf("submission_requirements[%d]: %w", i, err)
		}
	}
	return nil
}

func (f Format) validate(where string) error {
	if f == nil {
		return nil
	}
	if len(f) == 0 {
		return fmt.Errorf("%w: %s must not be empty", ErrInvalid, where)
	}
	for name, c := range f {
		if name == "" || c == nil {
			return fmt.Errorf("%w: %s: format %q needs an object", ErrInvalid, where, name)
		}
		for k, vals := range c {
			if len(vals) == 0 || slices.Contains(vals, "") {
				return fmt.Errorf("%w: %s: %s.%s must be a non-empty array of non-empty strings", ErrInvalid, where, name, k)
			}
		}
	}
	return nil
}

// names returns the format designations, sorted.
func (f Format) names() []string {
	out := make([]string, 0, len(f))
	for k := range f {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (in *InputDescriptor) validate() error {
	if err := in.Format.validate("format"); err != nil {
		return err
	}
	switch in.Constraints.LimitDisclosure {
	case "", LimitRequired, LimitPreferred:
	default:
		return fmt.Errorf("%w: limit_disclosure must be %q or %q", ErrInvalid, LimitRequired, LimitPreferred)
	}
	if len(in.Constraints.Fields) > MaxFields {
		return fmt.Errorf("%w: more than %d fields", ErrInvalid, MaxFields)
	}
	for i, f := range in.Constraints.Fields {
		if f == nil {
			return fmt.Errorf("%w: fields[%d] is null", ErrInvalid, i)
		}
		if len(f.Path) == 0 || len(f.Path) > MaxPaths {
			return fmt.Errorf("%w: fields[%d]: path must hold 1 to %d JSONPath strings", ErrInvalid, i, MaxPaths)
		}
		f.paths = make([]Path, len(f.Path))
		for j, p := range f.Path {
			var err error
			if f.paths[j], err = ParsePath(p); err != nil {
				return fmt.Errorf("fields[%d]: %w", i, err)
			}
		}
		if len(f.Filter) > 0 {
			var err error
			if f.filter, err = compileFilter(f.Filter); err != nil {
				return fmt.Errorf("fields[%d]: %w", i, err)
			}
		}
	}
	return nil
}

func (sr *SubmissionRequirement) validate(groups map[string]int, depth int) error {
	if sr == nil {
		return fmt.Errorf("%w: null requirement", ErrInvalid)
	}
	if depth > MaxNesting {
		return fmt.Errorf("%w: from_nested deeper than %d", ErrInvalid, MaxNesting)
	}
	if (sr.From == "") == (len(sr.FromNested) == 0) {
		return fmt.Errorf("%w: exactly one of from and from_nested is required", ErrInvalid)
	}
	n := len(sr.FromNested)
	if sr.From != "" {
		if n = groups[sr.From]; n == 0 {
			return fmt.Errorf("%w: from names group %q that no input descriptor has", ErrInvalid, sr.From)
		}
	}
	for _, v := range []*int{sr.Count, sr.Min, sr.Max} {
		if v != nil && (*v < 0 || *v > n) {
			return fmt.Errorf("%w: count, min and max must be between 0 and %d", ErrInvalid, n)
		}
	}
	switch sr.Rule {
	case RuleAll:
		if sr.Count != nil || sr.Min != nil || sr.Max != nil {
			return fmt.Errorf("%w: count, min and max belong to rule %q", ErrInvalid, RulePick)
		}
	case RulePick:
		if sr.Count != nil && (sr.Min != nil || sr.Max != nil) {
			return fmt.Errorf("%w: count excludes min and max", ErrInvalid)
		}
		if sr.Count == nil && sr.Min == nil && sr.Max == nil {
			return fmt.Errorf("%w: rule %q needs count, min or max", ErrInvalid, RulePick)
		}
		if sr.Min != nil && sr.Max != nil && *sr.Min > *sr.Max {
			return fmt.Errorf("%w: min exceeds max", ErrInvalid)
		}
	default:
		return fmt.Errorf("%w: rule must be %q or %q", ErrInvalid, RuleAll, RulePick)
	}
	for i, c := range sr.FromNested {
		if err := c.validate(groups, depth+1); err != nil {
			return fmt.Errorf("from_nested[%d]: %w", i, err)
		}
	}
	return nil
}

// Descriptor returns the input descriptor with an id, or nil.
func (d *Definition) Descriptor(id string) *InputDescriptor {
	for _, in := range d.InputDescriptors {
		if in.ID == id {
			return in
		}
	}
	return nil
}

// ready refuses a Definition that did not come from Parse.
func (d *Definition) ready() error {
	if d == nil || !d.parsed {
		return errors.New("presentation definition was not made by Parse")
	}
	return nil
}

// formats returns the formats a descriptor accepts: its own, else the
// definition's; nil means any.
func (d *Definition) formats(in *InputDescriptor) Format {
	if in.Format != nil {
		return in.Format
	}
	return d.Format
}
