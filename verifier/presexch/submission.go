package presexch

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/chainid/chainid/internal/strictjson"
)

// Submission is a presentation_submission.
type Submission struct {
	ID            string        `json:"id"`
	DefinitionID  string        `json:"definition_id"`
	DescriptorMap []*Descriptor `json:"descriptor_map"`
}

// Descriptor is one descriptor_map entry: where in the presentation the
// credential for input descriptor ID is, and in which format.
type Descriptor struct {
	ID         string      `json:"id"`
	Format     string      `json:"format"`
	Path       string      `json:"path"`
	PathNested *Descriptor `json:"path_nested,omitempty"`
}

// UnmarshalJSON decodes strictly.
func (s *Submission) UnmarshalJSON(b []byte) error {
	type plain Submission
	return strictDecode(b, (*plain)(s), "presentation submission")
}

// UnmarshalJSON decodes strictly.
func (d *Descriptor) UnmarshalJSON(b []byte) error {
	type plain Descriptor
	return strictDecode(b, (*plain)(d), "descriptor map entry")
}

// ParseSubmission parses and validates a presentation_submission (or an
// envelope with a "presentation_submission" member).
func ParseSubmission(raw []byte) (*Submission, error) {
	if len(raw) > MaxDefinitionBytes {
		return nil, fmt.Errorf("%w: submission exceeds %d bytes", ErrInvalid, MaxDefinitionBytes)
	}
	if err := strictjson.Check(raw, maxJSONDepth); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	var wrapper map[string]json.RawMessage
	if err := json.Unmarshal(raw, &wrapper); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if inner, ok := wrapper["presentation_submission"]; ok {
		raw = inner
	}
	// The submission itself has no free-form objects: its names are also
	// compared as encoding/json matches them ("id" and "ID" are one).
	if err := strictjson.CheckFold(raw, maxJSONDepth); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	s := new(Submission)
	if err := strictDecode(raw, s, "presentation submission"); err != nil {
		return nil, err
	}
	if s.ID == "" || s.DefinitionID == "" {
		return nil, fmt.Errorf("%w: submission id and definition_id are required", ErrInvalid)
	}
	if len(s.DescriptorMap) == 0 || len(s.DescriptorMap) > MaxDescriptors {
		return nil, fmt.Errorf("%w: descriptor_map must hold 1 to %d entries", ErrInvalid, MaxDescriptors)
	}
	for i, d := range s.DescriptorMap {
		for depth, n := 0, d; n != nil; depth, n = depth+1, n.PathNested {
			if depth >= MaxNesting {
				return nil, fmt.Errorf("%w: descriptor_map[%d]: path_nested deeper than %d", ErrInvalid, i, MaxNesting)
			}
			if n.ID == "" || n.Format == "" || n.Path == "" {
				return nil, fmt.Errorf("%w: descriptor_map[%d]: id, format and path are required", ErrInvalid, i)
			}
			if n.ID != d.ID {
				return nil, fmt.Errorf("%w: descriptor_map[%d]: path_nested id %q differs from %q", ErrInvalid, i, n.ID, d.ID)
			}
			if _, err := ParsePath(n.Path); err != nil {
				return nil, fmt.Errorf("descriptor_map[%d]: %w", i, err)
			}
		}
	}
	return s, nil
}

// Resolver turns the JSON value a descriptor path selected (decoded with
// UseNumber semantics: map[string]any, []any, string, json.Number, ...) into
// the JSON to go on with. For a path_nested step (final false) that is the
// presentation the nested path selects from (a VP-JWT's payload); for the
// last step (final true) the credential's claims that fields select from.
// An error rejects the descriptor entry.
type Resolver func(format string, v any, final bool) (any, error)

// Accepted is an input descriptor satisfied by a submission.
type Accepted struct {
	// Format is the innermost descriptor_map format.
	Format string
	// Credential is the credential JSON the Resolver returned.
	Credential any
	// Entry is the index in descriptor_map.
	Entry int
}

// Evaluation is the outcome of Evaluate.
type Evaluation struct {
	// Accepted are the satisfied input descriptors by id.
	Accepted map[string]Accepted
	// Problems say why the submission does not satisfy the definition;
	// empty when it does.
	Problems []string
}

// OK reports whether the submission satisfies the definition.
func (e *Evaluation) OK() bool { return len(e.Problems) == 0 }

// Evaluate checks a submission against a definition over root, the
// presentation as decoded JSON (an object, or a token string that the
// Resolver decodes). Every descriptor_map entry must name an input
// descriptor, resolve to a credential in an accepted format whose required
// fields match, respect limit_disclosure, and the submission requirements
// (or, without them, every input descriptor) must be satisfied. It returns
// an error only for a definition that did not come from Parse.
func Evaluate(def *Definition, sub *Submission, root any, resolve Resolver) (*Evaluation, error) {
	if err := def.ready(); err != nil {
		return nil, err
	}
	ev := &Evaluation{Accepted: map[string]Accepted{}}
	if sub.DefinitionID != def.ID {
		ev.Problems = append(ev.Problems, fmt.Sprintf("the submission is for definition %q, not %q", sub.DefinitionID, def.ID))
	}
	for i, d := range sub.DescriptorMap {
		if err := evalEntry(def, d, root, resolve, i, ev); err != nil {
			ev.Problems = append(ev.Problems, fmt.Sprintf("descriptor_map[%d] (%s): %s", i, d.ID, err))
		}
	}
	ok := func(id string) bool { _, ok := ev.Accepted[id]; return ok }
	if len(def.SubmissionRequirements) == 0 {
		for _, in := range def.InputDescriptors {
			if !ok(in.ID) {
				ev.Problems = append(ev.Problems, fmt.Sprintf("input descriptor %s is not satisfied", in.ID))
			}
		}
	}
	for i, sr := range def.SubmissionRequirements {
		if !satisfied(def, sr, ok) {
			ev.Problems = append(ev.Problems, fmt.Sprintf("submission requirement %d (%s) is not satisfied", i, sr.Name))
		}
	}
	return ev, nil
}

func evalEntry(def *Definition, d *Descriptor, root any, resolve Resolver, i int, ev *Evaluation) error {
	in := def.Descriptor(d.ID)
	if in == nil {
		return fmt.Errorf("no input descriptor has this id")
	}
	if _, dup := ev.Accepted[d.ID]; dup {
		return fmt.Errorf("the input descriptor is submitted twice")
	}
	v := root
	for n := d; n != nil; n = n.PathNested {
		if n.ID != d.ID {
			return fmt.Errorf("path_nested id %q differs", n.ID)
		}
		p, err := ParsePath(n.Path)
		if err != nil {
			return err
		}
		got, found := p.Select(v)
		if !found {
			return fmt.Errorf("path %s selects nothing", n.Path)
		}
		final := n.PathNested == nil
		if v, err = resolve(n.Format, got, final); err != nil {
			return fmt.Errorf("path %s: %w", n.Path, err)
		}
		if final {
			if err := accepts(def, in, n.Format, v); err != nil {
				return err
			}
			ev.Accepted[d.ID] = Accepted{Format: n.Format, Credential: v, Entry: i}
		}
	}
	return nil
}

// accepts checks format, limit_disclosure and fields of one credential.
func accepts(def *Definition, in *InputDescriptor, format string, cred any) error {
	if f := def.formats(in); f != nil {
		if _, ok := f[format]; !ok {
			return fmt.Errorf("format %s is not one of %v", format, f.names())
		}
	}
	if in.Constraints.LimitDisclosure == LimitRequired && !selective(format) {
		return fmt.Errorf("limit_disclosure is required but format %s cannot limit disclosure", format)
	}
	if _, err := matchFields(in, cred); err != nil {
		return err
	}
	return nil
}

// selective reports whether a format discloses selectively.
func selective(format string) bool {
	return slices.Contains([]string{"dc+sd-jwt", "vc+sd-jwt", "zk"}, format)
}

// matchFields checks every field of a descriptor against a credential and
// returns, per field, the path that matched (nil for an optional field that
// did not).
func matchFields(in *InputDescriptor, cred any) ([]Path, error) {
	out := make([]Path, len(in.Constraints.Fields))
	for i, f := range in.Constraints.Fields {
		for _, p := range f.paths {
			if v, ok := p.Select(cred); ok && f.filter.accepts(v) {
				out[i] = p
				break
			}
		}
		if out[i] == nil && !f.Optional {
			name := f.ID
			if name == "" {
				name = f.Path[0]
			}
			return nil, fmt.Errorf("field %s is not satisfied", name)
		}
	}
	return out, nil
}

// satisfied evaluates a submission requirement over the accepted
// descriptors.
func satisfied(def *Definition, sr *SubmissionRequirement, ok func(string) bool) bool {
	var n, total int
	if sr.From != "" {
		for _, in := range def.InputDescriptors {
			if slices.Contains(in.Group, sr.From) {
				total++
				if ok(in.ID) {
					n++
				}
			}
		}
	} else {
		total = len(sr.FromNested)
		for _, c := range sr.FromNested {
			if satisfied(def, c, ok) {
				n++
			}
		}
	}
	if sr.Rule == RuleAll {
		return n == total
	}
	return pickOK(sr, n)
}

func pickOK(sr *SubmissionRequirement, n int) bool {
	if sr.Count != nil {
		return n == *sr.Count
	}
	if sr.Min != nil && n < *sr.Min {
		return false
	}
	return sr.Max == nil || n <= *sr.Max
}
