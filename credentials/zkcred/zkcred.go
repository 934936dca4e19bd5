package zkcred

import (
	"errors"
	"slices"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/zkp"
)

// Format constants.
const (
	// Type is the value of the document's "type" member.
	Type = "ChainIDZKCredential"
	// Version is the format version this package writes and reads.
	Version = 1
	// MediaType is the media type of a ZK credential document.
	MediaType = "application/vnd.chainid.zkcred+json"
	// Format is the issuance format name ("zk" in issuer requests).
	Format = "zk"
	// MaxSize bounds a ZK credential document given to Parse.
	MaxSize = 128 << 10
)

// Errors callers branch on.
var (
	// ErrMalformed: a document, value or commitment that breaks the format.
	ErrMalformed = errors.New("malformed ZK credential")
	// ErrEncoding: a subject value that does not fit its attribute's
	// encoding, or a subject missing an attribute.
	ErrEncoding = errors.New("value does not fit the ZK encoding")
	// ErrNoAnchor: the DID document lacks a required ZK anchor.
	ErrNoAnchor = errors.New("ZK anchor not published")
	// ErrInvalidAnchor: a ZK anchor in the DID document is malformed.
	ErrInvalidAnchor = errors.New("invalid ZK anchor")
	// ErrAmbiguousAnchor: two anchors of one kind share the highest
	// sequence number with different values.
	ErrAmbiguousAnchor = errors.New("ambiguous ZK anchor")
)

// Attribute is one signed attribute: its name and spec from the schema's
// x-chainid-zk list, the JSON value and its encoding.
type Attribute struct {
	// Spec is the attribute's name, type and (enum) values.
	Spec zkp.AttributeSpec
	// Value is the attribute's value in its JSON form: int64 for integers,
	// bool for booleans, string otherwise.
	Value any
	// Encoded is Spec.Encode(Value).
	Encoded fr.Element
}

// Credential is a parsed (or freshly issued) ZK credential. It is
// immutable once built; accessors return copies.
type Credential struct {
	id               string
	issuer           string
	schema           string
	attrs            []Attribute
	holderCommitment fr.Element
	statusList       string
	statusIndex      uint64
	issuedAt         time.Time
	expiresAt        time.Time // zero: never expires
	sig              zkp.Signature
	zk               zkp.Credential
}

// ID returns the credential id (the id of the standard formats issued with
// it).
func (c *Credential) ID() string { return c.id }

// Issuer returns the issuer DID.
func (c *Credential) Issuer() string { return c.issuer }

// SchemaID returns the schema's $id.
func (c *Credential) SchemaID() string { return c.schema }

// Attributes returns the attributes in schema order.
func (c *Credential) Attributes() []Attribute {
	out := make([]Attribute, len(c.attrs))
	for i, a := range c.attrs {
		out[i] = a
		out[i].Spec.Enum = slices.Clone(a.Spec.Enum)
	}
	return out
}

// AttributeNames returns the attribute names in schema order (index i is
// the circuit's attribute slot i).
func (c *Credential) AttributeNames() []string {
	out := make([]string, len(c.attrs))
	for i, a := range c.attrs {
		out[i] = a.Spec.Name
	}
	return out
}

// Specs returns the attribute specs in schema order.
func (c *Credential) Specs() []zkp.AttributeSpec {
	out := make([]zkp.AttributeSpec, len(c.attrs))
	for i, a := range c.attrs {
		out[i] = a.Spec
		out[i].Enum = slices.Clone(a.Spec.Enum)
	}
	return out
}

// AttributeIndex returns the slot of the named attribute, or -1.
func (c *Credential) AttributeIndex(name string) int {
	for i, a := range c.attrs {
		if a.Spec.Name == name {
			return i
		}
	}
	return -1
}

// HolderCommitment returns the holder-secret commitment.
func (c *Credential) HolderCommitment() fr.Element { return c.holderCommitment }

// StatusListURL returns the status list credential URL of the issuer's
// revocation list the credential's status bit is in.
func (c *Credential) StatusListURL() string { return c.statusList }

// StatusIndex returns the credential's index in that list (< zkp.MaxStatusBits).
func (c *Credential) StatusIndex() uint64 { return c.statusIndex }

// IssuedAt returns the issuance time.
func (c *Credential) IssuedAt() time.Time { return c.issuedAt }

// ExpiresAt returns the expiry time; the zero time means never.
func (c *Credential) ExpiresAt() time.Time { return c.expiresAt }

// ZK returns the signed zkp.Credential (a copy).
func (c *Credential) ZK() zkp.Credential { return c.zk }

// Signature returns the issuer's signature on ZK().
func (c *Credential) Signature() zkp.Signature { return c.sig }

// Anchors are the ZK values an issuer publishes in its did:ethr document.
type Anchors struct {
	// IssuerKey is the issuer's ZK public key.
	IssuerKey zkp.IssuerPublicKey
	// HasVerifyingKeyDigest reports whether VerifyingKeyDigest was
	// published.
	HasVerifyingKeyDigest bool
	// VerifyingKeyDigest is the SHA-256 digest of the verifying key
	// (zkp.VerifyingKey.Digest, zkp.LoadOptions.VerifyingKeyDigest).
	VerifyingKeyDigest [32]byte
	// StatusRoot is the status-tree root of the issuer's ZK revocation
	// list (the proof's public StatusRoot).
	StatusRoot fr.Element
	// Sequence numbers of the three values read (for diagnostics).
	IssuerKeySeq, VerifyingKeySeq, StatusRootSeq uint64
}
