package credentials

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/chainid/chainid/did"
)

// Presentation is a verifiable presentation (VC Data Model 2.0 §4.13, or
// 1.1). Each VerifiableCredential entry is kept as raw JSON: a credential
// object (possibly an EnvelopedVerifiableCredential) or a string such as a
// JWT, as the securing format left it.
type Presentation struct {
	Context              did.Context
	ID                   string
	Type                 did.StringOrSet
	Holder               Entity
	VerifiableCredential OneOrMany[json.RawMessage]
	Proof                OneOrMany[json.RawMessage]
	Extra                map[string]json.RawMessage
}

// ParsePresentation decodes and validates a presentation with the same
// limits as ParseCredential; errors wrap ErrInvalid.
func ParsePresentation(data []byte) (*Presentation, error) {
	if err := checkJSON(data); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	var p Presentation
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Version tells the data model version from the first @context entry, or 0.
func (p *Presentation) Version() Version { return version(p.Context) }

// HolderID returns the holder's URI, empty when there is none.
func (p *Presentation) HolderID() string { return p.Holder.ID }

// Validate checks the presentation rules: the base @context first, type
// includes VerifiablePresentation, id and holder are URIs when present,
// every verifiableCredential entry is an object or a non-empty string, and
// proofs are objects. Errors wrap ErrInvalid.
func (p *Presentation) Validate() error {
	if err := p.validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}

func (p *Presentation) validate() error {
	if _, err := checkContext(p.Context); err != nil {
		return err
	}
	if err := checkTypes(p.Type, TypePresentation); err != nil {
		return err
	}
	if p.ID != "" && !isURI(p.ID) {
		return fmt.Errorf("id %q is not a URI", p.ID)
	}
	if !p.Holder.isZero() {
		if err := p.Holder.validate("holder"); err != nil {
			return err
		}
	}
	if p.VerifiableCredential.Array && len(p.VerifiableCredential.Items) == 0 {
		return errors.New("verifiableCredential is an empty array")
	}
	for i, raw := range p.VerifiableCredential.Items {
		r := bytes.TrimSpace(raw)
		switch {
		case len(r) > 0 && r[0] == '{':
		case len(r) > 2 && r[0] == '"':
		default:
			return fmt.Errorf("verifiableCredential %d must be an object or a non-empty string", i)
		}
	}
	return checkProofs(p.Proof)
}

// MarshalJSON implements json.Marshaler with a stable member order.
func (p Presentation) MarshalJSON() ([]byte, error) {
	var w objectWriter
	if !p.Context.IsZero() {
		w.field("@context", p.Context)
	}
	if p.ID != "" {
		w.str("id", p.ID)
	}
	if !p.Type.IsZero() {
		w.field("type", p.Type)
	}
	if !p.Holder.isZero() {
		w.field("holder", p.Holder)
	}
	if !p.VerifiableCredential.IsZero() {
		w.field("verifiableCredential", p.VerifiableCredential)
	}
	if !p.Proof.IsZero() {
		w.field("proof", p.Proof)
	}
	w.extras(p.Extra)
	return w.bytes()
}

// UnmarshalJSON implements json.Unmarshaler; it decodes only.
func (p *Presentation) UnmarshalJSON(data []byte) error {
	m, err := splitObject(data)
	if err != nil {
		return err
	}
	var out Presentation
	if err := takeNonEmpty(m, "id", &out.ID); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    any
	}{
		{"@context", &out.Context}, {"type", &out.Type}, {"holder", &out.Holder},
		{"verifiableCredential", &out.VerifiableCredential}, {"proof", &out.Proof},
	} {
		if err := take(m, f.name, f.v); err != nil {
			return err
		}
	}
	out.Extra = extraOrNil(m)
	*p = out
	return nil
}
