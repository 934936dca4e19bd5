// Package key implements the did:key method: it turns a public key into a
// did:key identifier and expands a did:key identifier into its DID document
// (W3C CCG "The did:key Method" v0.7, document creation algorithm).
//
// Supported keys are Ed25519 (multicodec 0xed, "z6Mk…"), X25519 (0xec,
// "z6LS…"), P-256 (0x1200, "zDn…", compressed point) and secp256k1 (0xe7,
// "zQ3s…", compressed point). For an Ed25519 key the document also carries an
// X25519 key-agreement key derived from it (the birational map from the
// Edwards to the Montgomery form of Curve25519), as the specification's
// encryption key derivation option describes.
//
// # Security considerations
//
// A did:key has no registry: whoever holds the private key controls the DID,
// the document can never change, and nothing can revoke it. Any party can mint
// one, so a did:key is only as trusted as the channel that vouched for it.
//
// Resolution is strict so that one key has exactly one DID: the identifier
// must be base58btc multibase ('z'), the multicodec varint minimal, EC points
// compressed, Ed25519 and X25519 keys canonically encoded, and re-encoding
// the decoded key must give back the identifier.
// Points are checked to be on their curve; Ed25519 keys of small order (for
// which signatures can be forged without a private key) are refused. Errors
// for malformed identifiers wrap [did.ErrInvalidDID].
package key

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdh"
	"crypto/ed25519"
	"fmt"
	"strings"

	"filippo.io/edwards25519"

	"github.com/chainid/chainid/did"
)

// Method is the DID method name this package resolves.
const Method = "key"

// New returns the did:key DID of an Ed25519, X25519, P-256 or secp256k1
// public key (ed25519.PublicKey, *ecdh.PublicKey on X25519,
// *ecdsa.PublicKey on P-256, *secp256k1.PublicKey).
func New(pub crypto.PublicKey) (did.DID, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) == ed25519.PublicKeySize {
			if _, err := montgomery(k); err != nil {
				return did.DID{}, fmt.Errorf("new did:key: %w", err)
			}
		}
	case *ecdh.PublicKey:
		if k.Curve() == ecdh.X25519() && !canonicalX25519(k.Bytes()) {
			return did.DID{}, fmt.Errorf("new did:key: %w: X25519 key is not a canonical u-coordinate", did.ErrInvalidKey)
		}
	}
	mb, err := did.EncodeMultikey(pub)
	if err != nil {
		return did.DID{}, fmt.Errorf("new did:key: %w", err)
	}
	return did.DID{Method: Method, ID: mb}, nil
}

// Config selects how resolved documents express their keys. The zero Config
// follows the did:key specification's defaults: Multikey verification
// methods and, for Ed25519, a derived X25519 key-agreement key.
type Config struct {
	// VerificationMethodType is the type of every verification method in a
	// resolved document:
	//   - "" or did.TypeMultikey: Multikey with publicKeyMultibase and the
	//     https://w3id.org/security/multikey/v1 context (the default);
	//   - did.TypeJSONWebKey2020: JsonWebKey2020 with publicKeyJwk and the
	//     https://w3id.org/security/suites/jws-2020/v1 context;
	//   - did.TypeEd25519VK2020: Ed25519VerificationKey2020 for Ed25519 keys
	//     and X25519KeyAgreementKey2020 for X25519 keys (with their 2020
	//     suite contexts); P-256 and secp256k1 keys, which these suites
	//     cannot hold, stay Multikey.
	// Any other value makes Resolve fail with an error wrapping
	// did.ErrUnsupportedKey.
	VerificationMethodType string

	// SkipKeyAgreementDerivation leaves out the X25519 key-agreement key
	// derived from an Ed25519 key; the document then has no keyAgreement.
	SkipKeyAgreementDerivation bool
}

// Resolver resolves did:key DIDs. It does no I/O and is safe for
// concurrent use.
type Resolver struct {
	cfg Config
}

// NewResolver returns a did:key resolver with the given configuration.
func NewResolver(cfg Config) *Resolver {
	return &Resolver{cfg: cfg}
}

// Resolve expands id into its DID document. The document metadata is always
// empty: a did:key has no versions, and resolution options are ignored.
// Malformed or unsupported identifiers give an error wrapping
// did.ErrInvalidDID.
func (r *Resolver) Resolve(ctx context.Context, id did.DID, _ did.ResolveOptions) (*did.Document, did.DocumentMetadata, error) {
	if err := ctx.Err(); err != nil {
		return nil, did.DocumentMetadata{}, fmt.Errorf("resolve %s: %w", id, err)
	}
	doc, err := r.document(id)
	if err != nil {
		return nil, did.DocumentMetadata{}, fmt.Errorf("resolve %s: %w", id, err)
	}
	return doc, did.DocumentMetadata{}, nil
}

// vmType returns the verification-method type for a key of type kt
// and the context URI that type needs.
func (r *Resolver) vmType(kt did.KeyType) (typ, ctxURI string, err error) {
	switch r.cfg.VerificationMethodType {
	case "", did.TypeMultikey:
		return did.TypeMultikey, did.ContextMultikeyV1, nil
	case did.TypeJSONWebKey2020:
		return did.TypeJSONWebKey2020, did.ContextJWS2020, nil
	case did.TypeEd25519VK2020:
		switch kt {
		case did.Ed25519:
			return did.TypeEd25519VK2020, did.ContextEd25519, nil
		case did.X25519:
			return did.TypeX25519KA2020, did.ContextX25519, nil
		}
		return did.TypeMultikey, did.ContextMultikeyV1, nil
	}
	return "", "", fmt.Errorf("%w: verification method type %q is not one did:key documents use", did.ErrUnsupportedKey, r.cfg.VerificationMethodType)
}

// Decode parses the method-specific identifier of a did:key and returns
// its public key, applying every check Resolve applies.
func Decode(id did.DID) (crypto.PublicKey, error) {
	k, err := decode(id)
	if err != nil {
		return nil, err
	}
	return k.pub, nil
}

// decoded is a checked did:key public key.
type decoded struct {
	pub crypto.PublicKey
	kt  did.KeyType
	// u is the Montgomery u-coordinate of an Ed25519 key, the X25519
	// public key derived from it.
	u []byte
}

func decode(id did.DID) (decoded, error) {
	if id.Method != Method {
		return decoded{}, fmt.Errorf("%w: method %q is not %q", did.ErrMethodNotSupported, id.Method, Method)
	}
	msid := id.ID
	if strings.IndexByte(msid, ':') >= 0 {
		return decoded{}, fmt.Errorf("%w: did:key with a version or other ':'-separated prefix is not supported", did.ErrInvalidDID)
	}
	if msid == "" || msid[0] != 'z' {
		return decoded{}, fmt.Errorf("%w: did:key identifier must be a base58btc multibase value starting with 'z'", did.ErrInvalidDID)
	}
	pub, err := did.DecodeMultikey(msid)
	if err != nil {
		// Unknown multicodecs (P-384, BLS, RSA, …) also wrap
		// did.ErrUnsupportedKey so callers can tell them apart.
		return decoded{}, fmt.Errorf("%w: %w", did.ErrInvalidDID, err)
	}
	kt, err := did.KeyTypeOf(pub)
	if err != nil {
		return decoded{}, fmt.Errorf("%w: %w", did.ErrInvalidDID, err)
	}
	k := decoded{pub: pub, kt: kt}
	switch kt {
	case did.Ed25519:
		if k.u, err = montgomery(pub.(ed25519.PublicKey)); err != nil {
			return decoded{}, fmt.Errorf("%w: %w", did.ErrInvalidDID, err)
		}
	case did.X25519:
		if !canonicalX25519(pub.(*ecdh.PublicKey).Bytes()) {
			return decoded{}, fmt.Errorf("%w: X25519 key is not a canonical u-coordinate (RFC 7748 §5)", did.ErrInvalidDID)
		}
	}
	// One key, one DID: refuse any encoding that is not the canonical one
	// (leading zero digits, non-minimal varints and the like).
	if canon, err := did.EncodeMultikey(pub); err != nil || canon != msid {
		return decoded{}, fmt.Errorf("%w: did:key identifier is not the canonical encoding of its key", did.ErrInvalidDID)
	}
	return k, nil
}

// method builds one verification method. Multibase types reuse the
// already encoded value mb instead of encoding the key again.
func method(id, controller, typ string, pub crypto.PublicKey, mb string) (did.VerificationMethod, error) {
	switch typ {
	case did.TypeMultikey, did.TypeEd25519VK2020, did.TypeX25519KA2020:
		return did.VerificationMethod{ID: id, Type: typ, Controller: controller, PublicKeyMultibase: mb}, nil
	}
	vm, err := did.NewVerificationMethod(id, controller, typ, pub)
	if err != nil {
		return vm, fmt.Errorf("build verification method: %w", err)
	}
	return vm, nil
}

func (r *Resolver) document(id did.DID) (*did.Document, error) {
	k, err := decode(id)
	if err != nil {
		return nil, err
	}
	typ, ctxURI, err := r.vmType(k.kt)
	if err != nil {
		return nil, err
	}
	self := id.String()
	contexts := []string{did.ContextDIDv1, ctxURI}

	vmID := self + "#" + id.ID
	vm, err := method(vmID, self, typ, k.pub, id.ID)
	if err != nil {
		return nil, err
	}
	doc := &did.Document{
		ID:                 self,
		VerificationMethod: []did.VerificationMethod{vm},
	}
	ref := []did.VerificationRef{did.Ref(vmID)}

	if k.kt == did.X25519 {
		// A key-agreement key cannot sign: it is listed for keyAgreement
		// only.
		doc.KeyAgreement = ref
		doc.Context = did.Contexts(contexts...)
		return doc, nil
	}
	doc.Authentication = ref
	doc.AssertionMethod = ref
	doc.CapabilityInvocation = ref
	doc.CapabilityDelegation = ref

	switch k.kt {
	case did.Ed25519:
		if !r.cfg.SkipKeyAgreementDerivation {
			x, err := ecdh.X25519().NewPublicKey(k.u)
			if err != nil {
				return nil, fmt.Errorf("%w: derived X25519 key: %w", did.ErrInvalidDID, err)
			}
			xmb, err := did.EncodeMultikey(x)
			if err != nil {
				return nil, fmt.Errorf("encode derived key: %w", err)
			}
			xtyp, xctx, err := r.vmType(did.X25519)
			if err != nil {
				return nil, err
			}
			xvm, err := method(self+"#"+xmb, self, xtyp, x, xmb)
			if err != nil {
				return nil, err
			}
			doc.VerificationMethod = append(doc.VerificationMethod, xvm)
			doc.KeyAgreement = []did.VerificationRef{did.Ref(xvm.ID)}
			if xctx != ctxURI {
				contexts = append(contexts, xctx)
			}
		}
	default:
		// P-256 and secp256k1 keys do ECDH themselves; the specification's
		// test vectors list the one key under keyAgreement as well.
		doc.KeyAgreement = ref
	}
	doc.Context = did.Contexts(contexts...)
	return doc, nil
}

// montgomery decodes an Ed25519 public key, refuses points that are not on
// the curve or have small order, and returns the Montgomery u-coordinate of
// the point: the X25519 public key of the same secret scalar (RFC 7748
// §4.1 birational map, u = (1+y)/(1-y)).
func montgomery(pub ed25519.PublicKey) ([]byte, error) {
	p, err := new(edwards25519.Point).SetBytes(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: Ed25519 key is not a point on the curve", did.ErrInvalidKey)
	}
	if !bytes.Equal(p.Bytes(), pub) {
		// y ≥ p, or a negative zero x: another DID for the same point.
		return nil, fmt.Errorf("%w: Ed25519 key is not canonically encoded", did.ErrInvalidKey)
	}
	if new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1 {
		return nil, fmt.Errorf("%w: Ed25519 key has small order", did.ErrInvalidKey)
	}
	return p.BytesMontgomery(), nil
}

// canonicalX25519 reports whether u, little-endian, is below 2^255-19 with
// the unused top bit clear: the form every X25519 implementation outputs.
func canonicalX25519(u []byte) bool {
	if len(u) != 32 || u[31]&0x80 != 0 {
		return false
	}
	if u[31] != 0x7f || u[0] < 0xed {
		return true
	}
	for _, b := range u[1:31] {
		if b != 0xff {
			return true
		}
	}
	return false
}
