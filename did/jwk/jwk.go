// Package jwk implements the did:jwk method: it turns a public key into a
// did:jwk identifier (the base64url encoding of its JSON Web Key) and expands
// a did:jwk identifier into its DID document.
//
// Supported keys are OKP Ed25519 and X25519 and EC P-256 and secp256k1
// (RFC 7517, RFC 8037). The document has one verification method,
// "did:jwk:…#0", of type JsonWebKey2020 whose publicKeyJwk is the decoded
// JWK, members other than kty/crv/x/y included.
//
// Verification relationships follow the did:jwk specification's "use" rule
// (use "sig": no keyAgreement; use "enc": keyAgreement only; absent: all
// five) narrowed by what the curve can do: an X25519 key is listed for
// keyAgreement only and an Ed25519 key never for keyAgreement (RFC 8037
// defines X25519 for key agreement and Ed25519 for signatures only). A "use"
// that contradicts the curve, or any other "use" value, is refused.
//
// # Security considerations
//
// Any party can mint a did:jwk; it is only as trusted as the channel that
// vouched for it. Identifiers are decoded strictly: base64url without padding
// and with zero trailing bits, valid UTF-8, one JSON object with no duplicate
// members and nothing after it, no private-key members, known kty/crv only,
// and points on their curves (Ed25519 keys of small order are refused too).
// Errors for malformed identifiers wrap
// [did.ErrInvalidDID].
package jwk

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"filippo.io/edwards25519"

	"github.com/chainid/chainid/did"
)

// Method is the DID method name this package resolves.
const Method = "jwk"

// Fragment is the fragment of the one verification method of a did:jwk
// document.
const Fragment = "0"

// New returns the did:jwk DID of an Ed25519, X25519, P-256 or secp256k1
// public key. The JWK holds the required members only, plus "use":"enc" for
// X25519 keys as the specification's X25519 example does, serialized
// compactly with members in lexicographic order (the JCS form, RFC 8785), so
// the same key always gives the same DID.
func New(pub crypto.PublicKey) (did.DID, error) {
	k, err := did.JWKFromPublicKey(pub)
	if err != nil {
		return did.DID{}, fmt.Errorf("new did:jwk: %w", err)
	}
	m := map[string]string{"kty": k.Kty, "crv": k.Crv, "x": k.X}
	if k.Y != "" {
		m["y"] = k.Y
	}
	if k.Crv == "X25519" {
		m["use"] = "enc"
	}
	// encoding/json writes map keys sorted and no whitespace; the values
	// are base64url and curve names, which need no escaping.
	raw, err := json.Marshal(m)
	if err != nil {
		return did.DID{}, fmt.Errorf("new did:jwk: %w", err)
	}
	return did.DID{Method: Method, ID: base64.RawURLEncoding.EncodeToString(raw)}, nil
}

// Config configures a Resolver. The zero Config is the only configuration
// today; it exists so options can be added without breaking callers.
type Config struct{}

// Resolver resolves did:jwk DIDs. It does no I/O and is safe for
// concurrent use.
type Resolver struct{}

// NewResolver returns a did:jwk resolver.
func NewResolver(Config) *Resolver { return &Resolver{} }

// Resolve expands id into its DID document. The document metadata is always
// empty: a did:jwk has no versions, and resolution options are ignored.
// Malformed or unsupported identifiers give an error wrapping
// did.ErrInvalidDID.
func (r *Resolver) Resolve(ctx context.Context, id did.DID, _ did.ResolveOptions) (*did.Document, did.DocumentMetadata, error) {
	if err := ctx.Err(); err != nil {
		return nil, did.DocumentMetadata{}, fmt.Errorf("resolve %s: %w", id, err)
	}
	doc, err := document(id)
	if err != nil {
		return nil, did.DocumentMetadata{}, fmt.Errorf("resolve %s: %w", id, err)
	}
	return doc, did.DocumentMetadata{}, nil
}

// Decode parses the method-specific identifier of a did:jwk and returns its
// JWK and public key, applying every check Resolve applies.
func Decode(id did.DID) (*did.JWK, crypto.PublicKey, error) {
	if id.Method != Method {
		return nil, nil, fmt.Errorf("%w: method %q is not %q", did.ErrMethodNotSupported, id.Method, Method)
	}
	for i := 0; i < len(id.ID); i++ {
		c := id.ID[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return nil, nil, fmt.Errorf("%w: did:jwk identifier has %q at %d, outside the base64url alphabet", did.ErrInvalidDID, c, i)
		}
	}
	// Strict: trailing bits must be zero, so one JWK serialization has
	// exactly one identifier.
	raw, err := base64.RawURLEncoding.Strict().DecodeString(id.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: did:jwk identifier is not base64url: %w", did.ErrInvalidDID, err)
	}
	if !utf8.Valid(raw) {
		return nil, nil, fmt.Errorf("%w: did:jwk JWK is not UTF-8", did.ErrInvalidDID)
	}
	var k did.JWK
	if err := json.Unmarshal(raw, &k); err != nil {
		return nil, nil, fmt.Errorf("%w: did:jwk JWK: %w", did.ErrInvalidDID, err)
	}
	if k.HasPrivate() {
		return nil, nil, fmt.Errorf("%w: did:jwk JWK contains private key material", did.ErrInvalidDID)
	}
	if k.Kty == "OKP" && k.Y != "" {
		return nil, nil, fmt.Errorf("%w: did:jwk OKP key has a \"y\" member", did.ErrInvalidDID)
	}
	pub, err := k.PublicKey()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: did:jwk JWK: %w", did.ErrInvalidDID, err)
	}
	if ed, ok := pub.(ed25519.PublicKey); ok {
		if err := checkEd25519(ed); err != nil {
			return nil, nil, fmt.Errorf("%w: did:jwk JWK: %w", did.ErrInvalidDID, err)
		}
	}
	return &k, pub, nil
}

// relationships decides which relationships list the key.
func relationships(k *did.JWK) (sig, enc bool, err error) {
	use := ""
	if raw, ok := k.Extra["use"]; ok {
		if err := json.Unmarshal(raw, &use); err != nil || (use != "sig" && use != "enc") {
			return false, false, fmt.Errorf("JWK \"use\" %s is neither \"sig\" nor \"enc\"", raw)
		}
	}
	sig, enc = use != "enc", use != "sig"
	switch k.Crv {
	case "X25519":
		if use == "sig" {
			return false, false, errors.New(`JWK "use" is "sig" but an X25519 key cannot sign`)
		}
		sig = false
	case "Ed25519":
		if use == "enc" {
			return false, false, errors.New(`JWK "use" is "enc" but an Ed25519 key cannot do key agreement`)
		}
		enc = false
	}
	return sig, enc, nil
}

func document(id did.DID) (*did.Document, error) {
	k, _, err := Decode(id)
	if err != nil {
		return nil, err
	}
	sig, enc, err := relationships(k)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", did.ErrInvalidDID, err)
	}
	self := id.String()
	vmID := self + "#" + Fragment
	doc := &did.Document{
		Context: did.Contexts(did.ContextDIDv1, did.ContextJWS2020),
		ID:      self,
		VerificationMethod: []did.VerificationMethod{{
			ID: vmID, Type: did.TypeJSONWebKey2020, Controller: self, PublicKeyJwk: k,
		}},
	}
	ref := []did.VerificationRef{did.Ref(vmID)}
	if sig {
		doc.AssertionMethod = ref
		doc.Authentication = ref
		doc.CapabilityInvocation = ref
		doc.CapabilityDelegation = ref
	}
	if enc {
		doc.KeyAgreement = ref
	}
	return doc, nil
}

// checkEd25519 refuses Ed25519 keys that are not points on the curve or
// have small order (signatures under such keys can be forged).
func checkEd25519(pub ed25519.PublicKey) error {
	p, err := new(edwards25519.Point).SetBytes(pub)
	if err != nil {
		return fmt.Errorf("%w: Ed25519 key is not a point on the curve", did.ErrInvalidKey)
	}
	if new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1 {
		return fmt.Errorf("%w: Ed25519 key has small order", did.ErrInvalidKey)
	}
	return nil
}
