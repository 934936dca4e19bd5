package zkp

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
)

// ErrBadSignature is returned (wrapped) when an issuer signature does not
// verify or is malformed.
var ErrBadSignature = errors.New("invalid issuer signature")

// ErrBadKey is returned (wrapped) when an issuer public key is malformed, not
// on the curve, of small order or outside the prime-order subgroup.
var ErrBadKey = errors.New("invalid issuer public key")

// Credential is the content an issuer signs for zero-knowledge presentation.
// Its message is
//
//	M = H(tag "chainid/zkp/v1/credential", SchemaID, Attributes[0..15],
//	      HolderCommitment, StatusIndex, IssuedAt, ExpiresAt)
//
// with times encoded by EncodeTime. Attribute slots follow the schema's
// order; unused slots are 0.
type Credential struct {
	// SchemaID identifies the schema (see SchemaElement).
	SchemaID fr.Element
	// Attributes holds the encoded attribute values (see AttributeType).
	Attributes [MaxAttributes]fr.Element
	// HolderCommitment binds the credential to the holder's secret (see
	// HolderCommitment).
	HolderCommitment fr.Element
	// StatusIndex is the credential's index in the issuer's status list;
	// it must be below MaxStatusBits.
	StatusIndex uint64
	// IssuedAt is the issuance time (second precision).
	IssuedAt time.Time
	// ExpiresAt is the expiry time; the zero time means the credential does
	// not expire (encoded as NeverExpires).
	ExpiresAt time.Time
}

// issuedAt and expiresAt return the encoded times.
func (c *Credential) issuedAt() fr.Element { return EncodeTime(c.IssuedAt) }

func (c *Credential) expiresAt() fr.Element {
	if c.ExpiresAt.IsZero() {
		return NeverExpires()
	}
	return EncodeTime(c.ExpiresAt)
}

// Message returns the field element the issuer signs.
func (c *Credential) Message() (fr.Element, error) {
	if c.StatusIndex >= MaxStatusBits {
		return fr.Element{}, fmt.Errorf("status index %d: %w: at most %d", c.StatusIndex, ErrOutOfRange, MaxStatusBits-1)
	}
	if !c.ExpiresAt.IsZero() && !c.ExpiresAt.After(c.IssuedAt) {
		return fr.Element{}, errors.New("credential expires before it is issued")
	}
	h := NewHasher()
	var idx fr.Element
	idx.SetUint64(c.StatusIndex)
	h.Write(tagElement(tagCredential), c.SchemaID)
	h.Write(c.Attributes[:]...)
	h.Write(c.HolderCommitment, idx, c.issuedAt(), c.expiresAt())
	return h.Sum(), nil
}

// NewHolderSecret draws a uniformly random non-zero holder secret from r
// (crypto/rand.Reader when r is nil). The holder keeps it private; it never
// leaves the wallet, only HolderCommitment and nullifiers do.
func NewHolderSecret(r io.Reader) (fr.Element, error) {
	if r == nil {
		r = rand.Reader
	}
	for {
		var b [fr.Bytes]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return fr.Element{}, fmt.Errorf("read holder secret: %w", err)
		}
		b[0] &= 0x3f // < 2^254, rejection-sample below the modulus
		var e fr.Element
		if err := e.SetBytesCanonical(b[:]); err != nil || e.IsZero() {
			continue
		}
		return e, nil
	}
}

// HolderCommitment returns H(tag "chainid/zkp/v1/holder", secret), the value
// an issuer puts in a credential.
func HolderCommitment(secret fr.Element) fr.Element {
	return Hash(tagElement(tagHolder), secret)
}

// Nullifier returns H(tag "chainid/zkp/v1/nullifier", secret, scope): the
// same holder always gets the same nullifier for a scope, and unlinkable
// nullifiers across scopes.
func Nullifier(secret, scope fr.Element) fr.Element {
	return Hash(tagElement(tagNullifier), secret, scope)
}

// IssuerKey is an issuer's EdDSA private key on BN254's twisted Edwards
// curve (the "baby Jubjub"-style curve whose base field is BN254's scalar
// field), with Poseidon2 as the challenge hash.
type IssuerKey struct {
	priv *eddsa.PrivateKey
}

// GenerateIssuerKey draws a new key from r (crypto/rand.Reader when nil).
func GenerateIssuerKey(r io.Reader) (*IssuerKey, error) {
	if r == nil {
		r = rand.Reader
	}
	priv, err := eddsa.GenerateKey(fullReader{r})
	if err != nil {
		return nil, fmt.Errorf("generate issuer key: %w", err)
	}
	return &IssuerKey{priv: priv}, nil
}

// fullReader makes every Read fill its buffer (eddsa.GenerateKey calls Read once).
type fullReader struct{ r io.Reader }

func (f fullReader) Read(b []byte) (int, error) { return io.ReadFull(f.r, b) }

// ParseIssuerKey parses the 96-byte form returned by Bytes.
func ParseIssuerKey(b []byte) (*IssuerKey, error) {
	if len(b) != 96 {
		return nil, fmt.Errorf("issuer private key: want 96 bytes, got %d", len(b))
	}
	var priv eddsa.PrivateKey
	if _, err := priv.SetBytes(b); err != nil {
		return nil, fmt.Errorf("issuer private key: %w", err)
	}
	if err := checkPoint(&priv.PublicKey.A); err != nil {
		return nil, err
	}
	return &IssuerKey{priv: &priv}, nil
}

// Bytes returns the private key's 96-byte encoding (public key, scalar,
// nonce seed). Keep it secret.
func (k *IssuerKey) Bytes() []byte { return k.priv.Bytes() }

// Public returns the public key.
func (k *IssuerKey) Public() IssuerPublicKey {
	return IssuerPublicKey{a: k.priv.PublicKey.A, valid: true} // checked when k was made
}

// Sign signs the credential's message.
func (k *IssuerKey) Sign(c *Credential) (Signature, error) {
	m, err := c.Message()
	if err != nil {
		return Signature{}, fmt.Errorf("sign credential: %w", err)
	}
	mb := m.Bytes()
	raw, err := k.priv.Sign(mb[:], poseidon2.NewMerkleDamgardHasher())
	if err != nil {
		return Signature{}, fmt.Errorf("sign credential: %w", err)
	}
	return ParseSignature(raw)
}

// IssuerPublicKey is an issuer's public key: a point of the prime-order
// subgroup of BN254's twisted Edwards curve, never the identity.
type IssuerPublicKey struct {
	a     twistededwards.PointAffine
	valid bool // set by the constructors after checkPoint
}

// check validates keys that did not come from a checking constructor (the
// zero value).
func (pk IssuerPublicKey) check() error {
	if pk.valid {
		return nil
	}
	return checkPoint(&pk.a)
}

// ParseIssuerPublicKey parses the 32-byte compressed form returned by Bytes
// and refuses points off the curve, of small order, or outside the
// prime-order subgroup.
func ParseIssuerPublicKey(b []byte) (IssuerPublicKey, error) {
	if len(b) != fr.Bytes {
		return IssuerPublicKey{}, fmt.Errorf("%w: want %d bytes, got %d", ErrBadKey, fr.Bytes, len(b))
	}
	var p twistededwards.PointAffine
	if _, err := p.SetBytes(b); err != nil {
		return IssuerPublicKey{}, fmt.Errorf("%w: %w", ErrBadKey, err)
	}
	if err := checkPoint(&p); err != nil {
		return IssuerPublicKey{}, err
	}
	return IssuerPublicKey{a: p, valid: true}, nil
}

// IssuerPublicKeyFromXY builds a key from its affine coordinates (the form
// of the public inputs), with the same checks as ParseIssuerPublicKey.
func IssuerPublicKeyFromXY(x, y fr.Element) (IssuerPublicKey, error) {
	p := twistededwards.NewPointAffine(x, y)
	if err := checkPoint(&p); err != nil {
		return IssuerPublicKey{}, err
	}
	return IssuerPublicKey{a: p, valid: true}, nil
}

// checkPoint refuses points off the curve, of small order and outside the
// prime-order subgroup.
func checkPoint(p *twistededwards.PointAffine) error {
	if !p.IsOnCurve() {
		return fmt.Errorf("%w: not on the curve", ErrBadKey)
	}
	params := twistededwards.GetEdwardsCurve()
	var q twistededwards.PointAffine
	q.ScalarMultiplication(p, params.Cofactor.BigInt(new(big.Int)))
	if q.IsZero() {
		return fmt.Errorf("%w: small-order point", ErrBadKey)
	}
	q.ScalarMultiplication(p, &params.Order)
	if !q.IsZero() {
		return fmt.Errorf("%w: not in the prime-order subgroup", ErrBadKey)
	}
	return nil
}

// Bytes returns the 32-byte compressed encoding.
func (pk IssuerPublicKey) Bytes() []byte {
	b := pk.a.Bytes()
	return b[:]
}

// XY returns the affine coordinates, the form used as public inputs.
func (pk IssuerPublicKey) XY() (x, y fr.Element) { return pk.a.X, pk.a.Y }

// Equal reports whether two keys are the same point.
func (pk IssuerPublicKey) Equal(o IssuerPublicKey) bool { return pk.a.Equal(&o.a) }

// Verify checks the issuer's signature on a credential natively (the circuit
// checks the same relation).
func (pk IssuerPublicKey) Verify(c *Credential, sig Signature) error {
	m, err := c.Message()
	if err != nil {
		return fmt.Errorf("verify credential signature: %w", err)
	}
	if err := pk.check(); err != nil {
		return err
	}
	mb := m.Bytes()
	epk := eddsa.PublicKey{A: pk.a}
	ok, err := epk.Verify(sig.Bytes(), mb[:], poseidon2.NewMerkleDamgardHasher())
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	if !ok {
		return ErrBadSignature
	}
	return nil
}

// Signature is an issuer's EdDSA signature (R, S) with S < ℓ, the order of
// the prime subgroup.
type Signature struct {
	r twistededwards.PointAffine
	s big.Int
}

// ParseSignature parses the 64-byte form returned by Bytes: compressed R,
// then S big-endian. It refuses R off the curve and S = 0 or S ≥ ℓ (so a
// signature has a single encoding).
func ParseSignature(b []byte) (Signature, error) {
	var sig eddsa.Signature
	if _, err := sig.SetBytes(b); err != nil {
		return Signature{}, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	var out Signature
	out.r = sig.R
	out.s.SetBytes(sig.S[:])
	return out, nil
}

// Bytes returns the 64-byte encoding.
func (s Signature) Bytes() []byte {
	var sig eddsa.Signature
	sig.R = s.r
	s.s.FillBytes(sig.S[:])
	return sig.Bytes()
}
