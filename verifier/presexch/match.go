package presexch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ErrNoMatch is wrapped by Match when the wallet's credentials cannot
// satisfy the definition.
var ErrNoMatch = errors.New("no credentials satisfy the presentation definition")

// Candidate is a wallet credential offered to Match.
type Candidate struct {
	// ID is the wallet's handle of the credential.
	ID string
	// Format is its claim format designation (jwt_vc_json, ldp_vc,
	// dc+sd-jwt, …).
	Format string
	// Claims is the credential JSON fields select from (see the package
	// documentation).
	Claims json.RawMessage
}

// Selected is a candidate that satisfies an input descriptor.
type Selected struct {
	Candidate string
	Format    string
	// Disclose are the paths of the fields that matched (required and
	// optional ones): with limit_disclosure, the claims to disclose.
	Disclose []Path
	// LimitDisclosure is the descriptor's limit_disclosure.
	LimitDisclosure string
}

// Selection is the outcome of Match.
type Selection struct {
	// Candidates maps every input descriptor id to the candidates that
	// satisfy it, in the order given.
	Candidates map[string][]Selected
	// Submit are the input descriptor ids to submit, in definition order:
	// every descriptor, or, with submission requirements, the fewest the
	// requirements need.
	Submit []string
}

// Match is the wallet side: it finds which candidates satisfy each input
// descriptor and which descriptors to submit. It returns an error wrapping
// ErrNoMatch when the requirements cannot be met.
func Match(def *Definition, cands []Candidate) (*Selection, error) {
	if err := def.ready(); err != nil {
		return nil, err
	}
	sel := &Selection{Candidates: map[string][]Selected{}}
	for _, c := range cands {
		claims, err := jsonschema.UnmarshalJSON(bytes.NewReader(c.Claims))
		if err != nil {
			return nil, fmt.Errorf("candidate %s: %w", c.ID, err)
		}
		for _, in := range def.InputDescriptors {
			if f := def.formats(in); f != nil {
				if _, ok := f[c.Format]; !ok {
					continue
				}
			}
			if in.Constraints.LimitDisclosure == LimitRequired && !selective(c.Format) {
				continue
			}
			paths, err := matchFields(in, claims)
			if err != nil {
				continue
			}
			s := Selected{Candidate: c.ID, Format: c.Format, LimitDisclosure: in.Constraints.LimitDisclosure}
			for _, p := range paths {
				if p != nil {
					s.Disclose = append(s.Disclose, p)
				}
			}
			sel.Candidates[in.ID] = append(sel.Candidates[in.ID], s)
		}
	}
	have := func(id string) bool { return len(sel.Candidates[id]) > 0 }
	chosen := map[string]bool{}
	if len(def.SubmissionRequirements) == 0 {
		for _, in := range def.InputDescriptors {
			if !have(in.ID) {
				return nil, fmt.Errorf("%w: input descriptor %s", ErrNoMatch, in.ID)
			}
			chosen[in.ID] = true
		}
	}
	for i, sr := range def.SubmissionRequirements {
		ids, ok := choose(def, sr, have)
		if !ok {
			return nil, fmt.Errorf("%w: submission requirement %d (%s)", ErrNoMatch, i, sr.Name)
		}
		for _, id := range ids {
			chosen[id] = true
		}
	}
	for _, in := range def.InputDescriptors {
		if chosen[in.ID] {
			sel.Submit = append(sel.Submit, in.ID)
		}
	}
	return sel, nil
}

// choose returns the fewest descriptors that satisfy a requirement.
func choose(def *Definition, sr *SubmissionRequirement, have func(string) bool) ([]string, bool) {
	var options [][]string
	total := 0
	if sr.From != "" {
		for _, in := range def.InputDescriptors {
			if slices.Contains(in.Group, sr.From) {
				total++
				if have(in.ID) {
					options = append(options, []string{in.ID})
				}
			}
		}
	} else {
		total = len(sr.FromNested)
		for _, c := range sr.FromNested {
			if ids, ok := choose(def, c, have); ok {
				options = append(options, ids)
			}
		}
	}
	need := total
	if sr.Rule == RulePick {
		switch {
		case sr.Count != nil:
			need = *sr.Count
		case sr.Min != nil:
			need = max(*sr.Min, 1)
		default:
			need = 1
		}
		if sr.Max != nil && need > *sr.Max {
			need = *sr.Max
		}
	}
	if len(options) < need {
		return nil, false
	}
	var out []string
	for _, o := range options[:need] {
		out = append(out, o...)
	}
	return out, true
}
