package zkp

import (
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
)

// Sentinel errors for the statement failing natively, returned (wrapped) by
// Witness.PublicInputs before any proving work.
var (
	// ErrExpired: the credential is expired or not yet valid at Request.Now.
	ErrExpired = errors.New("credential not valid at the requested time")
	// ErrRevoked: the credential's status bit is set under Request.StatusRoot.
	ErrRevoked = errors.New("credential status bit is set")
	// ErrStatusPath: the path does not lead to Request.StatusRoot.
	ErrStatusPath = errors.New("status path does not match the status root")
	// ErrPredicate: a requested predicate does not hold.
	ErrPredicate = errors.New("predicate does not hold")
	// ErrMismatch: the credential does not match the request (issuer,
	// schema).
	ErrMismatch = errors.New("credential does not match the request")
)

// Predicate is one predicate of a request: the attribute at index Attr
// compared by Op to the operands.
type Predicate struct {
	// Attr is the attribute index in schema order, in [0, MaxAttributes).
	Attr int
	// Op is the operator; OpNone marks an unused slot.
	Op Op
	// Operands: exactly 1 for OpEq … OpGe, 2 (low, high) for OpBetween,
	// 1 to MaxSetSize for OpInSet and OpNotInSet. Ordered operators need
	// operands below 2^64 (every encoding except TypeString).
	Operands []fr.Element
}

// validate checks the predicate's shape.
func (p Predicate) validate() error {
	if p.Op == OpNone {
		if p.Attr != 0 || len(p.Operands) != 0 {
			return errors.New("unused predicate slot with attribute or operands")
		}
		return nil
	}
	if p.Op >= nbOps {
		return fmt.Errorf("unknown predicate operator %d", p.Op)
	}
	if p.Attr < 0 || p.Attr >= MaxAttributes {
		return fmt.Errorf("predicate attribute %d: %w", p.Attr, ErrOutOfRange)
	}
	want := 1
	switch {
	case p.Op == OpBetween:
		want = 2
	case p.Op.set():
		if len(p.Operands) < 1 || len(p.Operands) > MaxSetSize {
			return fmt.Errorf("predicate %s: %d operands, want 1 to %d", p.Op, len(p.Operands), MaxSetSize)
		}
		want = len(p.Operands)
	}
	if len(p.Operands) != want {
		return fmt.Errorf("predicate %s: %d operands, want %d", p.Op, len(p.Operands), want)
	}
	if p.Op.comparison() {
		for i := range p.Operands {
			if !p.Operands[i].IsUint64() {
				return fmt.Errorf("predicate %s: operand %d: %w: ordered operands must be below 2^%d", p.Op, i, ErrOutOfRange, ComparableBits)
			}
		}
	}
	return nil
}

// Holds evaluates the predicate natively on an encoded attribute value, with
// the circuit's semantics (ordered operators are false for values ≥ 2^64).
func (p Predicate) Holds(v fr.Element) bool {
	if p.validate() != nil || p.Op == OpNone {
		return false
	}
	if p.Op.comparison() && !v.IsUint64() {
		return false
	}
	x := v.Uint64()
	o0 := p.Operands[0]
	switch p.Op {
	case OpEq:
		return v.Equal(&o0)
	case OpNe:
		return !v.Equal(&o0)
	case OpLt:
		return x < o0.Uint64()
	case OpLe:
		return x <= o0.Uint64()
	case OpGt:
		return x > o0.Uint64()
	case OpGe:
		return x >= o0.Uint64()
	case OpBetween:
		return o0.Uint64() <= x && x <= p.Operands[1].Uint64()
	}
	in := false
	for i := range p.Operands {
		in = in || v.Equal(&p.Operands[i])
	}
	return in == (p.Op == OpInSet)
}

// slot returns the predicate's public inputs: active flag, attribute, op and
// MaxSetSize operands (sets padded by repeating the first member, other
// operators padded with 0).
func (p Predicate) slot() (active, attr, op fr.Element, operands [MaxSetSize]fr.Element) {
	if p.Op == OpNone {
		return
	}
	active.SetOne()
	attr.SetUint64(uint64(p.Attr))
	op.SetUint64(uint64(p.Op))
	copy(operands[:], p.Operands)
	if p.Op.set() {
		for i := len(p.Operands); i < MaxSetSize; i++ {
			operands[i] = p.Operands[0]
		}
	}
	return
}

// Request is what a verifier asks the holder to prove: which issuer and
// schema, which attributes to reveal, which predicates must hold, at which
// time and under which status root, bound to its scope, nonce and audience.
// A verifier must take IssuerKey and StatusRoot from the chain, never from
// the holder.
type Request struct {
	// IssuerKey is the issuer's ZK public key (from the chain).
	IssuerKey IssuerPublicKey
	// SchemaID is the credential schema's id (SchemaElement).
	SchemaID fr.Element
	// Disclose marks the attributes whose values are revealed.
	Disclose [MaxAttributes]bool
	// Predicates are the predicate slots; unused slots are zero.
	Predicates [MaxPredicates]Predicate
	// Now is the time at which the credential must be valid (second
	// precision).
	Now time.Time
	// StatusRoot is the issuer's status-tree root (from the chain).
	StatusRoot fr.Element
	// Scope selects the nullifier domain (ScopeElement), for example
	// the verifier's site.
	Scope fr.Element
	// Nonce is the verifier's single-use nonce (NonceElement).
	Nonce fr.Element
	// Audience identifies the verifier the proof is for
	// (AudienceElement).
	Audience fr.Element
}

// Validate checks the request's shape: a valid issuer key, well-formed
// predicates (see Predicate) and a set time.
func (r *Request) Validate() error {
	if err := r.IssuerKey.check(); err != nil {
		return err
	}
	for i, p := range r.Predicates {
		if err := p.validate(); err != nil {
			return fmt.Errorf("predicate %d: %w", i, err)
		}
	}
	if r.Now.IsZero() {
		return errors.New("request time not set")
	}
	return nil
}

// PublicInputs completes a request with the holder's claimed revealed values
// and nullifier, giving all public inputs of a proof. Revealed values of
// attributes not disclosed must be 0.
func (r *Request) PublicInputs(revealed [MaxAttributes]fr.Element, nullifier fr.Element) (*PublicInputs, error) {
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	p := &PublicInputs{Request: *r, Revealed: revealed, Nullifier: nullifier}
	if err := p.checkRevealed(); err != nil {
		return nil, err
	}
	return p, nil
}

// checkRevealed refuses revealed values for attributes not disclosed.
func (p *PublicInputs) checkRevealed() error {
	for i := range p.Revealed {
		if !p.Disclose[i] && !p.Revealed[i].IsZero() {
			return fmt.Errorf("attribute %d is revealed but not requested", i)
		}
	}
	return nil
}

// Validate checks the public inputs are canonical: a valid request and no
// revealed value outside the disclosure mask.
func (p *PublicInputs) Validate() error {
	if err := p.Request.Validate(); err != nil {
		return err
	}
	return p.checkRevealed()
}

// PublicInputs are all public inputs of a proof: the request plus the
// revealed attribute values and the nullifier. Values returns them in
// circuit order.
type PublicInputs struct {
	Request
	// Revealed holds the disclosed attribute values (0 elsewhere).
	Revealed [MaxAttributes]fr.Element
	// Nullifier is H(tag, holder secret, Scope).
	Nullifier fr.Element
}

// Values returns the NbPublicInputs public inputs in circuit order (the
// uint256 array a Solidity verifier takes): issuer key x, y; schema id;
// disclosure mask; revealed[0..15]; per predicate slot: active, attribute,
// op, operands[0..7]; now; status root; nullifier; scope; nonce; audience.
func (p *PublicInputs) Values() []*big.Int {
	e := p.elements()
	out := make([]*big.Int, len(e))
	for i := range e {
		out[i] = e[i].BigInt(new(big.Int))
	}
	return out
}

// elements returns Values as field elements.
func (p *PublicInputs) elements() []fr.Element {
	out := make([]fr.Element, 0, NbPublicInputs)
	x, y := p.IssuerKey.XY()
	var mask fr.Element
	mask.SetUint64(p.mask())
	out = append(out, x, y, p.SchemaID, mask)
	out = append(out, p.Revealed[:]...)
	for _, pr := range p.Predicates {
		active, attr, op, operands := pr.slot()
		out = append(out, active, attr, op)
		out = append(out, operands[:]...)
	}
	return append(out, EncodeTime(p.Now), p.StatusRoot, p.Nullifier, p.Scope, p.Nonce, p.Audience)
}

func (r *Request) mask() uint64 {
	var m uint64
	for i, d := range r.Disclose {
		if d {
			m |= 1 << i
		}
	}
	return m
}

// ParsePublicInputs parses public inputs in circuit order (see Values). It
// refuses a wrong count, values outside [0, r) (r the BN254 scalar-field
// modulus: a verifier that reduced them would accept aliases) and
// non-canonical values: an invalid issuer key, a mask ≥ 2^MaxAttributes,
// revealed values outside the mask, malformed predicate slots and times
// ≥ 2^64.
func ParsePublicInputs(values []*big.Int) (*PublicInputs, error) {
	if len(values) != NbPublicInputs {
		return nil, fmt.Errorf("public inputs: got %d values, want %d", len(values), NbPublicInputs)
	}
	v := make([]fr.Element, len(values))
	for i, x := range values {
		if x == nil || x.Sign() < 0 || x.Cmp(fr.Modulus()) >= 0 {
			return nil, fmt.Errorf("public input %d: %w: not in [0, r)", i, ErrOutOfRange)
		}
		v[i].SetBigInt(x)
	}
	return publicInputsFromElements(v)
}

func publicInputsFromElements(v []fr.Element) (*PublicInputs, error) {
	if len(v) != NbPublicInputs {
		return nil, fmt.Errorf("public inputs: got %d values, want %d", len(v), NbPublicInputs)
	}
	var p PublicInputs
	var err error
	if p.IssuerKey, err = IssuerPublicKeyFromXY(v[0], v[1]); err != nil {
		return nil, fmt.Errorf("public inputs: %w", err)
	}
	p.SchemaID = v[2]
	if !v[3].IsUint64() || v[3].Uint64() >= 1<<MaxAttributes {
		return nil, fmt.Errorf("public inputs: disclosure mask: %w", ErrOutOfRange)
	}
	mask := v[3].Uint64()
	v = v[4:]
	for i := range MaxAttributes {
		p.Disclose[i] = mask>>i&1 == 1
		p.Revealed[i] = v[i]
		if !p.Disclose[i] && !v[i].IsZero() {
			return nil, fmt.Errorf("public inputs: attribute %d revealed outside the mask", i)
		}
	}
	v = v[MaxAttributes:]
	for i := range MaxPredicates {
		pr, err := parseSlot(v[:3+MaxSetSize])
		if err != nil {
			return nil, fmt.Errorf("public inputs: predicate %d: %w", i, err)
		}
		p.Predicates[i] = pr
		v = v[3+MaxSetSize:]
	}
	now, err := DecodeInteger(v[0])
	if err != nil {
		return nil, fmt.Errorf("public inputs: time: %w", err)
	}
	p.Now = time.Unix(now, 0).UTC()
	p.StatusRoot, p.Nullifier, p.Scope, p.Nonce, p.Audience = v[1], v[2], v[3], v[4], v[5]
	return &p, nil
}

// parseSlot parses one predicate slot and checks it is canonical (Values of
// the result reproduces it).
func parseSlot(v []fr.Element) (Predicate, error) {
	active, attr, op := v[0], v[1], v[2]
	if !attr.IsUint64() || attr.Uint64() >= MaxAttributes || !op.IsUint64() || op.Uint64() >= nbOps {
		return Predicate{}, ErrOutOfRange
	}
	p := Predicate{Attr: int(attr.Uint64()), Op: Op(op.Uint64())}
	switch {
	case p.Op == OpBetween:
		p.Operands = append(p.Operands, v[3], v[4])
	case p.Op.set():
		n := MaxSetSize
		for n > 1 && v[3+n-1].Equal(&v[3]) {
			n--
		}
		p.Operands = append(p.Operands, v[3:3+n]...)
	case p.Op != OpNone:
		p.Operands = append(p.Operands, v[3])
	}
	if err := p.validate(); err != nil {
		return Predicate{}, err
	}
	a, at, o, ops := p.slot()
	if !a.Equal(&active) || !at.Equal(&attr) || !o.Equal(&op) || ops != [MaxSetSize]fr.Element(v[3:]) {
		return Predicate{}, errors.New("non-canonical predicate slot")
	}
	return p, nil
}

// Witness is everything the holder needs to prove a request: the
// credential, its signature, the holder secret and the status path.
type Witness struct {
	// Request is the verifier's request.
	Request Request
	// Credential is the signed credential content.
	Credential Credential
	// Signature is the issuer's signature on Credential.
	Signature Signature
	// HolderSecret is the secret committed in Credential.HolderCommitment.
	HolderSecret fr.Element
	// StatusPath is the membership path of Credential.StatusIndex in the
	// status tree under Request.StatusRoot.
	StatusPath StatusPath
}

// PublicInputs checks natively that the witness satisfies the request (so
// errors are clear and no proving time is spent on a false statement) and
// returns the public inputs the proof will have.
func (w *Witness) PublicInputs() (*PublicInputs, error) {
	r := &w.Request
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	c := &w.Credential
	if !c.SchemaID.Equal(&r.SchemaID) {
		return nil, fmt.Errorf("schema: %w", ErrMismatch)
	}
	commitment := HolderCommitment(w.HolderSecret)
	if !commitment.Equal(&c.HolderCommitment) {
		return nil, fmt.Errorf("holder secret: %w", ErrMismatch)
	}
	if err := r.IssuerKey.Verify(c, w.Signature); err != nil {
		return nil, err
	}
	now := r.Now.Unix()
	if now < c.IssuedAt.Unix() || (!c.ExpiresAt.IsZero() && now >= c.ExpiresAt.Unix()) {
		return nil, ErrExpired
	}
	for i, p := range r.Predicates {
		if p.Op != OpNone && !p.Holds(c.Attributes[p.Attr]) {
			return nil, fmt.Errorf("predicate %d (%s on attribute %d): %w", i, p.Op, p.Attr, ErrPredicate)
		}
	}
	root, err := StatusRoot(c.StatusIndex, false, w.StatusPath)
	if err != nil {
		return nil, err
	}
	if !root.Equal(&r.StatusRoot) {
		if revoked, _ := StatusRoot(c.StatusIndex, true, w.StatusPath); revoked.Equal(&r.StatusRoot) {
			return nil, ErrRevoked
		}
		return nil, ErrStatusPath
	}
	var revealed [MaxAttributes]fr.Element
	for i, d := range r.Disclose {
		if d {
			revealed[i] = c.Attributes[i]
		}
	}
	return r.PublicInputs(revealed, Nullifier(w.HolderSecret, r.Scope))
}

// assignment returns the full circuit assignment, without any check.
func (w *Witness) assignment(pub *PublicInputs) *Circuit {
	var a Circuit
	a.setPublic(pub)
	c := &w.Credential
	for i := range c.Attributes {
		a.Attributes[i] = c.Attributes[i]
	}
	a.HolderSecret = w.HolderSecret
	a.StatusIndex = c.StatusIndex
	for i := range w.StatusPath {
		a.StatusPath[i] = w.StatusPath[i]
	}
	a.IssuedAt = c.issuedAt()
	a.ExpiresAt = c.expiresAt()
	a.SignatureRX = w.Signature.r.X
	a.SignatureRY = w.Signature.r.Y
	a.SignatureS = new(big.Int).Set(&w.Signature.s)
	return &a
}

// setPublic assigns the public fields from the circuit-order values.
func (a *Circuit) setPublic(pub *PublicInputs) {
	v := pub.elements()
	take := func() frontend.Variable { x := v[0]; v = v[1:]; return x }
	a.IssuerKeyX, a.IssuerKeyY, a.SchemaID, a.DisclosureMask = take(), take(), take(), take()
	for i := range a.Revealed {
		a.Revealed[i] = take()
	}
	for i := range a.Predicates {
		s := &a.Predicates[i]
		s.Active, s.Attr, s.Op = take(), take(), take()
		for j := range s.Operands {
			s.Operands[j] = take()
		}
	}
	a.Now, a.StatusRoot, a.Nullifier, a.Scope, a.Nonce, a.Audience = take(), take(), take(), take(), take(), take()
}
