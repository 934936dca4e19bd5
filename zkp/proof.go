package zkp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/chainid/chainid/internal/strictjson"
)

// Proof is a Groth16 proof (A, B, C). Groth16 proofs can be re-randomized
// by anyone: never use proof bytes to detect replays, use the nonce and the
// nullifier.
type Proof struct {
	p groth16bn254.Proof
}

// MarshalBinary returns gnark's compressed encoding (164 bytes).
func (p *Proof) MarshalBinary() ([]byte, error) {
	var buf bytes.Buffer
	if _, err := p.p.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("encode proof: %w", err)
	}
	return buf.Bytes(), nil
}

// ParseProof parses MarshalBinary's encoding; it refuses trailing bytes,
// points off the curve or outside their subgroup, and commitments (the
// circuit has none).
func ParseProof(b []byte) (*Proof, error) {
	var p Proof
	n, err := p.p.ReadFrom(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("parse proof: %w", err)
	}
	if int(n) != len(b) {
		return nil, fmt.Errorf("parse proof: %d trailing bytes", len(b)-int(n))
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return &p, nil
}

func (p *Proof) check() error {
	if len(p.p.Commitments) != 0 {
		return errors.New("parse proof: unexpected commitments")
	}
	if !p.p.Ar.IsInSubGroup() || !p.p.Krs.IsInSubGroup() || !p.p.Bs.IsInSubGroup() {
		return errors.New("parse proof: point not in the prime-order subgroup")
	}
	return nil
}

// MarshalSolidity returns the 256-byte form (A, B, C uncompressed) that
// the exported Solidity verifier's verifyProof takes as uint256[8].
func (p *Proof) MarshalSolidity() []byte { return p.p.MarshalSolidity() }

// proofJSON is the JSON form: base-field coordinates in decimal, B's
// coordinates as [real, imaginary] pairs.
// (Slices, not arrays: encoding/json silently drops extra array elements.)
type proofJSON struct {
	A []string   `json:"a"`
	B [][]string `json:"b"`
	C []string   `json:"c"`
}

// MarshalJSON encodes the proof as {"a":[x,y],"b":[[x0,x1],[y0,y1]],"c":[x,y]}
// with decimal coordinates.
func (p *Proof) MarshalJSON() ([]byte, error) {
	s := func(e fp.Element) string { // canonical decimal (fp's String prints r-k as -k)
		var n big.Int
		e.BigInt(&n)
		return n.String()
	}
	return json.Marshal(proofJSON{
		A: []string{s(p.p.Ar.X), s(p.p.Ar.Y)},
		B: [][]string{{s(p.p.Bs.X.A0), s(p.p.Bs.X.A1)}, {s(p.p.Bs.Y.A0), s(p.p.Bs.Y.A1)}},
		C: []string{s(p.p.Krs.X), s(p.p.Krs.Y)},
	})
}

// UnmarshalJSON decodes MarshalJSON's form strictly: unknown fields,
// coordinates ≥ the base-field modulus and points outside their subgroup
// are refused.
func (p *Proof) UnmarshalJSON(b []byte) error {
	var j proofJSON
	if err := strictJSON(b, &j); err != nil {
		return fmt.Errorf("parse proof: %w", err)
	}
	if len(j.A) != 2 || len(j.C) != 2 || len(j.B) != 2 || len(j.B[0]) != 2 || len(j.B[1]) != 2 {
		return errors.New("parse proof: want a and c as [x, y], b as [[x0, x1], [y0, y1]]")
	}
	var q groth16bn254.Proof
	coords := []struct {
		s string
		e *fp.Element
	}{
		{j.A[0], &q.Ar.X}, {j.A[1], &q.Ar.Y},
		{j.B[0][0], &q.Bs.X.A0}, {j.B[0][1], &q.Bs.X.A1}, {j.B[1][0], &q.Bs.Y.A0}, {j.B[1][1], &q.Bs.Y.A1},
		{j.C[0], &q.Krs.X}, {j.C[1], &q.Krs.Y},
	}
	for _, c := range coords {
		n, ok := new(big.Int).SetString(c.s, 10)
		if !ok || n.Sign() < 0 || n.Cmp(fp.Modulus()) >= 0 || len(c.s) > 80 {
			return fmt.Errorf("parse proof: coordinate %.20q is not a base-field element", c.s)
		}
		c.e.SetBigInt(n)
	}
	if !q.Ar.IsOnCurve() || !q.Krs.IsOnCurve() || !q.Bs.IsOnCurve() {
		return errors.New("parse proof: point not on the curve")
	}
	np := Proof{p: q}
	if err := np.check(); err != nil {
		return err
	}
	*p = np
	return nil
}

// strictJSON decodes exactly one JSON value into v (a plain wire struct),
// refusing invalid JSON, nesting deeper than 8, duplicate members, unknown
// fields and member names that differ from the canonical ones only in case
// (which encoding/json would otherwise accept).
func strictJSON(b []byte, v any) error {
	if err := strictjson.Check(b, 8); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after JSON value")
	}
	canonical, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var in, want any
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	if err := json.Unmarshal(canonical, &want); err != nil {
		return err
	}
	return exactNames(in, want)
}

// exactNames checks that every member name in the decoded input appears
// with exactly that spelling in the canonical re-encoding.
func exactNames(in, want any) error {
	switch x := in.(type) {
	case map[string]any:
		w, _ := want.(map[string]any)
		for k, v := range x {
			wv, ok := w[k]
			if !ok {
				return fmt.Errorf("unexpected member name %q", k)
			}
			if err := exactNames(v, wv); err != nil {
				return err
			}
		}
	case []any:
		w, _ := want.([]any)
		for i := range x {
			if i >= len(w) {
				return nil // lengths are checked by the callers
			}
			if err := exactNames(x[i], w[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// publicJSON is the JSON form of PublicInputs.
// Slices, not arrays: encoding/json silently drops extra array elements,
// so lengths are checked explicitly.
type publicJSON struct {
	IssuerKey      []string        `json:"issuerKey"`
	SchemaID       string          `json:"schemaId"`
	DisclosureMask uint64          `json:"disclosureMask"`
	Revealed       []string        `json:"revealed"`
	Predicates     []predicateJSON `json:"predicates"`
	Now            int64           `json:"now"`
	StatusRoot     string          `json:"statusRoot"`
	Nullifier      string          `json:"nullifier"`
	Scope          string          `json:"scope"`
	Nonce          string          `json:"nonce"`
	Audience       string          `json:"audience"`
}

type predicateJSON struct {
	Attr     int      `json:"attr"`
	Op       string   `json:"op"`
	Operands []string `json:"operands"`
}

// MarshalJSON encodes the public inputs as an object: field elements as
// decimal strings, the issuer key as [x, y], now as Unix seconds, each
// predicate as {"attr", "op" (Op.String), "operands"}.
func (p *PublicInputs) MarshalJSON() ([]byte, error) {
	x, y := p.IssuerKey.XY()
	j := publicJSON{
		IssuerKey:      []string{FormatElement(x), FormatElement(y)},
		Revealed:       make([]string, MaxAttributes),
		Predicates:     make([]predicateJSON, MaxPredicates),
		SchemaID:       FormatElement(p.SchemaID),
		DisclosureMask: p.mask(),
		Now:            p.Now.Unix(),
		StatusRoot:     FormatElement(p.StatusRoot),
		Nullifier:      FormatElement(p.Nullifier),
		Scope:          FormatElement(p.Scope),
		Nonce:          FormatElement(p.Nonce),
		Audience:       FormatElement(p.Audience),
	}
	for i := range p.Revealed {
		j.Revealed[i] = FormatElement(p.Revealed[i])
	}
	for i, pr := range p.Predicates {
		j.Predicates[i] = predicateJSON{Attr: pr.Attr, Op: pr.Op.String(), Operands: []string{}}
		for _, o := range pr.Operands {
			j.Predicates[i].Operands = append(j.Predicates[i].Operands, FormatElement(o))
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes MarshalJSON's form strictly: unknown fields, wrong
// array lengths, field elements ≥ the modulus and anything
// ParsePublicInputs refuses are refused.
func (p *PublicInputs) UnmarshalJSON(b []byte) error {
	var j publicJSON
	if err := strictJSON(b, &j); err != nil {
		return fmt.Errorf("parse public inputs: %w", err)
	}
	if len(j.IssuerKey) != 2 || len(j.Revealed) != MaxAttributes || len(j.Predicates) != MaxPredicates {
		return fmt.Errorf("parse public inputs: want issuerKey [x, y], %d revealed values and %d predicate slots",
			MaxAttributes, MaxPredicates)
	}
	var errs []error
	el := func(s string) fr.Element {
		e, err := ParseElement(s)
		if err != nil {
			errs = append(errs, err)
		}
		return e
	}
	var q PublicInputs
	kx, ky := el(j.IssuerKey[0]), el(j.IssuerKey[1])
	q.SchemaID = el(j.SchemaID)
	if j.DisclosureMask >= 1<<MaxAttributes {
		errs = append(errs, fmt.Errorf("disclosure mask: %w", ErrOutOfRange))
	}
	for i := range j.Revealed {
		q.Disclose[i] = j.DisclosureMask>>i&1 == 1
		q.Revealed[i] = el(j.Revealed[i])
	}
	for i, pj := range j.Predicates {
		op := OpNone
		if pj.Op != "none" {
			var err error
			if op, err = ParseOp(pj.Op); err != nil {
				errs = append(errs, err)
			}
		}
		q.Predicates[i] = Predicate{Attr: pj.Attr, Op: op}
		for _, o := range pj.Operands {
			q.Predicates[i].Operands = append(q.Predicates[i].Operands, el(o))
		}
	}
	q.Now = time.Unix(j.Now, 0).UTC()
	q.StatusRoot, q.Nullifier, q.Scope, q.Nonce, q.Audience = el(j.StatusRoot), el(j.Nullifier), el(j.Scope), el(j.Nonce), el(j.Audience)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("parse public inputs: %w", err)
	}
	key, err := IssuerPublicKeyFromXY(kx, ky)
	if err != nil {
		return fmt.Errorf("parse public inputs: %w", err)
	}
	q.IssuerKey = key
	if err := q.Validate(); err != nil {
		return fmt.Errorf("parse public inputs: %w", err)
	}
	// Round-trip through the circuit-order form to refuse anything
	// non-canonical (revealed values outside the mask, …).
	if _, err := publicInputsFromElements(q.elements()); err != nil {
		return fmt.Errorf("parse public inputs: %w", err)
	}
	*p = q
	return nil
}
