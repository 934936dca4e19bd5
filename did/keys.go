package did

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"filippo.io/edwards25519"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// KeyType names a public-key algorithm supported for verification methods.
type KeyType string

// Supported key types.
const (
	Ed25519   KeyType = "Ed25519"
	X25519    KeyType = "X25519"
	P256      KeyType = "P-256"
	Secp256k1 KeyType = "secp256k1"
)

// Verification-method types (DID Specification Registries).
const (
	TypeJSONWebKey          = "JsonWebKey"
	TypeJSONWebKey2020      = "JsonWebKey2020"
	TypeMultikey            = "Multikey"
	TypeEd25519VK2018       = "Ed25519VerificationKey2018"
	TypeEd25519VK2020       = "Ed25519VerificationKey2020"
	TypeX25519KA2019        = "X25519KeyAgreementKey2019"
	TypeX25519KA2020        = "X25519KeyAgreementKey2020"
	TypeSecp256k1VK2019     = "EcdsaSecp256k1VerificationKey2019"
	TypeSecp256k1Recovery20 = "EcdsaSecp256k1RecoveryMethod2020"
)

// Multicodec codes for public keys (multiformats table).
const (
	CodecEd25519Pub   uint64 = 0xed
	CodecX25519Pub    uint64 = 0xec
	CodecSecp256k1Pub uint64 = 0xe7
	CodecP256Pub      uint64 = 0x1200
)

// KeyTypeOf reports the key type of a Go public key: ed25519.PublicKey,
// *ecdh.PublicKey on X25519, *ecdsa.PublicKey on P-256, or
// *secp256k1.PublicKey. Nil keys and P-256 points off the curve are
// refused with ErrInvalidKey.
func KeyTypeOf(pub crypto.PublicKey) (KeyType, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return "", fmt.Errorf("%w: Ed25519 key of %d bytes", ErrInvalidKey, len(k))
		}
		return Ed25519, nil
	case *ecdh.PublicKey:
		if k == nil {
			return "", fmt.Errorf("%w: nil X25519 key", ErrInvalidKey)
		}
		if k.Curve() == ecdh.X25519() {
			return X25519, nil
		}
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return "", fmt.Errorf("%w: nil ECDSA key", ErrInvalidKey)
		}
		if k.Curve == elliptic.P256() {
			//lint:ignore SA1019 Bytes panics on a key without coordinates
			if k.X == nil || k.Y == nil {
				return "", fmt.Errorf("%w: P-256 key without a point", ErrInvalidKey)
			}
			if _, err := k.Bytes(); err != nil { // checks the point is on the curve
				return "", fmt.Errorf("%w: P-256: %w", ErrInvalidKey, err)
			}
			return P256, nil
		}
	case *secp256k1.PublicKey:
		if k == nil {
			return "", fmt.Errorf("%w: nil secp256k1 key", ErrInvalidKey)
		}
		return Secp256k1, nil
	}
	return "", fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
}

// codecOf returns the multicodec code and raw (compressed for EC) bytes.
func codecOf(pub crypto.PublicKey) (uint64, []byte, error) {
	kt, err := KeyTypeOf(pub)
	if err != nil {
		return 0, nil, err
	}
	switch kt {
	case Ed25519:
		return CodecEd25519Pub, []byte(pub.(ed25519.PublicKey)), nil
	case X25519:
		return CodecX25519Pub, pub.(*ecdh.PublicKey).Bytes(), nil
	case P256:
		return CodecP256Pub, CompressP256(pub.(*ecdsa.PublicKey)), nil
	default:
		return CodecSecp256k1Pub, pub.(*secp256k1.PublicKey).SerializeCompressed(), nil
	}
}

// PublicKeyFromBytes decodes raw public-key bytes of a key type: 32 bytes for
// Ed25519 and X25519, SEC1 compressed (33 bytes) or uncompressed (65 bytes)
// points for P-256 and secp256k1. Ed25519, P-256 and secp256k1 points are
// checked to be on the curve.
func PublicKeyFromBytes(kt KeyType, b []byte) (crypto.PublicKey, error) {
	switch kt {
	case Ed25519:
		if len(b) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: Ed25519 key of %d bytes", ErrInvalidKey, len(b))
		}
		// Decoding the point refuses the encodings crypto/ed25519 would
		// only reject later, at verification time.
		if _, err := new(edwards25519.Point).SetBytes(b); err != nil {
			return nil, fmt.Errorf("%w: Ed25519: %w", ErrInvalidKey, err)
		}
		return ed25519.PublicKey(append([]byte(nil), b...)), nil
	case X25519:
		k, err := ecdh.X25519().NewPublicKey(b)
		if err != nil {
			return nil, fmt.Errorf("%w: X25519: %w", ErrInvalidKey, err)
		}
		return k, nil
	case P256:
		var raw []byte
		switch {
		case len(b) == 33 && (b[0] == 2 || b[0] == 3):
			x, y := elliptic.UnmarshalCompressed(elliptic.P256(), b)
			if x == nil {
				return nil, fmt.Errorf("%w: P-256: compressed point is not on the curve", ErrInvalidKey)
			}
			raw = make([]byte, 65)
			raw[0] = 4
			x.FillBytes(raw[1:33])
			y.FillBytes(raw[33:])
		case len(b) == 65 && b[0] == 4:
			raw = b
		default:
			return nil, fmt.Errorf("%w: P-256 point of %d bytes", ErrInvalidKey, len(b))
		}
		k, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw) // validates the point
		if err != nil {
			return nil, fmt.Errorf("%w: P-256: %w", ErrInvalidKey, err)
		}
		return k, nil
	case Secp256k1:
		// ParsePubKey also takes the hybrid 0x06/0x07 form, which no DID
		// encoding uses; keep to SEC1 compressed and uncompressed.
		if !(len(b) == 33 && (b[0] == 2 || b[0] == 3)) && !(len(b) == 65 && b[0] == 4) {
			return nil, fmt.Errorf("%w: secp256k1 point of %d bytes", ErrInvalidKey, len(b))
		}
		k, err := secp256k1.ParsePubKey(b)
		if err != nil {
			return nil, fmt.Errorf("%w: secp256k1: %w", ErrInvalidKey, err)
		}
		return k, nil
	}
	return nil, fmt.Errorf("%w: key type %q", ErrUnsupportedKey, kt)
}

// EncodeMultikey encodes a public key as a multibase base58btc string of its
// multicodec-prefixed bytes ("z6Mk…" for Ed25519), the Multikey
// publicKeyMultibase form and the did:key method-specific identifier.
func EncodeMultikey(pub crypto.PublicKey) (string, error) {
	code, raw, err := codecOf(pub)
	if err != nil {
		return "", err
	}
	b := appendUvarint(nil, code)
	b = append(b, raw...)
	return "z" + EncodeBase58(b), nil
}

// DecodeMultikey decodes a base58btc ("z") multibase multicodec public key,
// the Multikey publicKeyMultibase form. EC keys must be 33-byte compressed
// points; non-minimal varint prefixes are refused, so a successful decode
// re-encodes with EncodeMultikey to the same string.
func DecodeMultikey(s string) (crypto.PublicKey, error) {
	if s == "" || s[0] != 'z' {
		return nil, fmt.Errorf("%w: multikey must be base58btc multibase (\"z…\")", ErrInvalidKey)
	}
	b, err := DecodeMultibase(s)
	if err != nil {
		return nil, err
	}
	code, n := uvarint(b)
	if n <= 0 {
		return nil, fmt.Errorf("%w: bad multicodec prefix", ErrInvalidKey)
	}
	var kt KeyType
	switch code {
	case CodecEd25519Pub:
		kt = Ed25519
	case CodecX25519Pub:
		kt = X25519
	case CodecSecp256k1Pub:
		kt = Secp256k1
	case CodecP256Pub:
		kt = P256
	default:
		return nil, fmt.Errorf("%w: multicodec 0x%x", ErrUnsupportedKey, code)
	}
	raw := b[n:]
	if (kt == P256 || kt == Secp256k1) && len(raw) != 33 {
		return nil, fmt.Errorf("%w: %s multikey must be a 33-byte compressed point, got %d bytes", ErrInvalidKey, kt, len(raw))
	}
	return PublicKeyFromBytes(kt, raw)
}

// DecodeMultibase decodes a multibase string. Only base58btc ("z") is
// accepted, the encoding DID methods and Multikey use; base64url ("u") is
// accepted as well for JSON-friendly values.
func DecodeMultibase(s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: empty multibase value", ErrInvalidKey)
	}
	switch s[0] {
	case 'z':
		b, err := DecodeBase58(s[1:])
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
		return b, nil
	case 'u':
		b, err := base64.RawURLEncoding.DecodeString(s[1:])
		if err != nil {
			return nil, fmt.Errorf("%w: multibase base64url: %w", ErrInvalidKey, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("%w: multibase prefix %q not supported", ErrUnsupportedKey, s[0])
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// uvarint decodes an unsigned varint of at most 9 bytes (multiformats
// unsigned-varint), rejecting non-minimal encodings.
func uvarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 9; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			if b[i] == 0 && i > 0 {
				return 0, -1
			}
			return v, i + 1
		}
	}
	return 0, -1
}

// JWK is a public JSON Web Key as it appears in publicKeyJwk (RFC 7517,
// RFC 8037). Private members are refused by ParseJWK, by PublicKey and by
// Document.Validate.
type JWK struct {
	Kty   string                     `json:"kty"`
	Crv   string                     `json:"crv,omitempty"`
	X     string                     `json:"x,omitempty"`
	Y     string                     `json:"y,omitempty"`
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (k JWK) MarshalJSON() ([]byte, error) {
	var w objectWriter
	if k.Crv != "" {
		w.field("crv", k.Crv)
	}
	w.field("kty", k.Kty)
	if k.X != "" {
		w.field("x", k.X)
	}
	if k.Y != "" {
		w.field("y", k.Y)
	}
	w.extras(k.Extra)
	return w.bytes()
}

// UnmarshalJSON implements json.Unmarshaler. kty is required (RFC 7517
// §4.1); crv, x and y must be strings when present.
func (k *JWK) UnmarshalJSON(data []byte) error {
	m, err := splitObject(data)
	if err != nil {
		return err
	}
	var out JWK
	for _, f := range []struct {
		name string
		v    *string
	}{{"kty", &out.Kty}, {"crv", &out.Crv}, {"x", &out.X}, {"y", &out.Y}} {
		if err := takeOptional(m, f.name, f.v); err != nil {
			return err
		}
	}
	if out.Kty == "" {
		return fmt.Errorf("JWK has no kty")
	}
	if len(m) > 0 {
		out.Extra = m
	}
	*k = out
	return nil
}

// ParseJWK decodes a public JWK. Duplicate member names and private key
// members ("d" and the other RFC 7518 private parameters) are refused.
func ParseJWK(data []byte) (*JWK, error) {
	var k JWK
	if err := json.Unmarshal(data, &k); err != nil {
		return nil, fmt.Errorf("%w: JWK: %w", ErrInvalidKey, err)
	}
	if k.HasPrivate() {
		return nil, fmt.Errorf("%w: JWK contains private key material", ErrInvalidKey)
	}
	return &k, nil
}

// HasPrivate reports whether the JWK carries private key members.
func (k *JWK) HasPrivate() bool {
	for _, p := range []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"} {
		if _, ok := k.Extra[p]; ok {
			return true
		}
	}
	return false
}

// JWKFromPublicKey returns the public JWK of a supported key (OKP for
// Ed25519/X25519, EC for P-256 and secp256k1).
func JWKFromPublicKey(pub crypto.PublicKey) (*JWK, error) {
	kt, err := KeyTypeOf(pub)
	if err != nil {
		return nil, err
	}
	b64 := base64.RawURLEncoding.EncodeToString
	switch kt {
	case Ed25519:
		return &JWK{Kty: "OKP", Crv: "Ed25519", X: b64(pub.(ed25519.PublicKey))}, nil
	case X25519:
		return &JWK{Kty: "OKP", Crv: "X25519", X: b64(pub.(*ecdh.PublicKey).Bytes())}, nil
	case P256:
		raw, _ := pub.(*ecdsa.PublicKey).Bytes() // checked by KeyTypeOf
		return &JWK{Kty: "EC", Crv: "P-256", X: b64(raw[1:33]), Y: b64(raw[33:])}, nil
	default:
		raw := pub.(*secp256k1.PublicKey).SerializeUncompressed()
		return &JWK{Kty: "EC", Crv: "secp256k1", X: b64(raw[1:33]), Y: b64(raw[33:])}, nil
	}
}

// PublicKey decodes the JWK into a Go public key. Private JWKs are refused so
// a secret never ends up in a published document.
func (k *JWK) PublicKey() (crypto.PublicKey, error) {
	if k.HasPrivate() {
		return nil, fmt.Errorf("%w: JWK contains private key material", ErrInvalidKey)
	}
	dec := func(s string, n int, name string) ([]byte, error) {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("%w: JWK %s: %w", ErrInvalidKey, name, err)
		}
		if len(b) != n {
			return nil, fmt.Errorf("%w: JWK %s is %d bytes, want %d", ErrInvalidKey, name, len(b), n)
		}
		return b, nil
	}
	switch {
	case k.Kty == "OKP" && (k.Crv == "Ed25519" || k.Crv == "X25519"):
		if k.Y != "" {
			return nil, fmt.Errorf("%w: OKP JWK with a y member", ErrInvalidKey)
		}
		x, err := dec(k.X, 32, "x")
		if err != nil {
			return nil, err
		}
		return PublicKeyFromBytes(KeyType(k.Crv), x)
	case k.Kty == "EC" && (k.Crv == "P-256" || k.Crv == "secp256k1"):
		x, err := dec(k.X, 32, "x")
		if err != nil {
			return nil, err
		}
		y, err := dec(k.Y, 32, "y")
		if err != nil {
			return nil, err
		}
		return PublicKeyFromBytes(KeyType(k.Crv), append(append([]byte{4}, x...), y...))
	}
	return nil, fmt.Errorf("%w: JWK kty %q crv %q", ErrUnsupportedKey, k.Kty, k.Crv)
}

// NewVerificationMethod builds a verification method for pub in the given
// type, filling the key member that type uses: publicKeyJwk for JsonWebKey,
// JsonWebKey2020 and EcdsaSecp256k1VerificationKey2019, publicKeyMultibase
// (multicodec-prefixed) for Multikey and the 2020 suites, publicKeyBase58
// (raw key bytes) for the 2018/2019 suites. A key of the wrong type for typ,
// or a typ it does not build, is an error wrapping ErrUnsupportedKey.
func NewVerificationMethod(id, controller, typ string, pub crypto.PublicKey) (VerificationMethod, error) {
	vm := VerificationMethod{ID: id, Type: typ, Controller: controller}
	kt, err := KeyTypeOf(pub)
	if err != nil {
		return vm, err
	}
	switch typ {
	case TypeJSONWebKey, TypeJSONWebKey2020:
		vm.PublicKeyJwk, err = JWKFromPublicKey(pub)
	case TypeMultikey, TypeEd25519VK2020, TypeX25519KA2020:
		if (typ == TypeEd25519VK2020 && kt != Ed25519) || (typ == TypeX25519KA2020 && kt != X25519) {
			return vm, fmt.Errorf("%w: %s cannot hold a %s key", ErrUnsupportedKey, typ, kt)
		}
		vm.PublicKeyMultibase, err = EncodeMultikey(pub)
	case TypeEd25519VK2018, TypeX25519KA2019:
		if (typ == TypeEd25519VK2018 && kt != Ed25519) || (typ == TypeX25519KA2019 && kt != X25519) {
			return vm, fmt.Errorf("%w: %s cannot hold a %s key", ErrUnsupportedKey, typ, kt)
		}
		_, raw, _ := codecOf(pub)
		vm.PublicKeyBase58 = EncodeBase58(raw)
	case TypeSecp256k1VK2019:
		if kt != Secp256k1 {
			return vm, fmt.Errorf("%w: %s cannot hold a %s key", ErrUnsupportedKey, typ, kt)
		}
		vm.PublicKeyJwk, err = JWKFromPublicKey(pub)
	default:
		return vm, fmt.Errorf("%w: verification method type %q", ErrUnsupportedKey, typ)
	}
	return vm, err
}

// keyTypesFor lists the key types a verification-method type may carry; nil
// means any (JsonWebKey, Multikey and types this package does not know).
func keyTypesFor(typ string) []KeyType {
	switch typ {
	case TypeEd25519VK2018, TypeEd25519VK2020:
		return []KeyType{Ed25519}
	case TypeX25519KA2019, TypeX25519KA2020:
		return []KeyType{X25519}
	case TypeSecp256k1VK2019, TypeSecp256k1Recovery20:
		return []KeyType{Secp256k1}
	}
	return nil
}

// PublicKey decodes the verification method's key material, whichever
// member holds it (publicKeyJwk, publicKeyMultibase, publicKeyBase58 or
// publicKeyHex). The key must suit the method type: an Ed25519 suite holding
// a P-256 key is an error wrapping ErrInvalidKey. Methods without a public
// key (for example EcdsaSecp256k1RecoveryMethod2020 with only
// blockchainAccountId) return an error wrapping ErrUnsupportedKey; callers
// compare addresses instead.
func (vm *VerificationMethod) PublicKey() (crypto.PublicKey, error) {
	if n := vm.keyMembers(); n > 1 {
		return nil, fmt.Errorf("%w: verification method %q has %d public-key members", ErrInvalidKey, vm.ID, n)
	}
	pub, err := vm.publicKey()
	if err != nil {
		return nil, err
	}
	if allowed := keyTypesFor(vm.Type); allowed != nil {
		kt, err := KeyTypeOf(pub)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(allowed, kt) {
			return nil, fmt.Errorf("%w: %s verification method %q holds a %s key", ErrInvalidKey, vm.Type, vm.ID, kt)
		}
	}
	return pub, nil
}

func (vm *VerificationMethod) publicKey() (crypto.PublicKey, error) {
	switch {
	case vm.PublicKeyJwk != nil:
		return vm.PublicKeyJwk.PublicKey()
	case vm.PublicKeyMultibase != "":
		switch vm.Type {
		case TypeEd25519VK2020, TypeX25519KA2020:
			// These suites predate Multikey; values with and without the
			// multicodec header are seen in the wild.
			if b, err := DecodeMultibase(vm.PublicKeyMultibase); err == nil && len(b) == 32 {
				return PublicKeyFromBytes(keyTypesFor(vm.Type)[0], b)
			}
		}
		return DecodeMultikey(vm.PublicKeyMultibase)
	case vm.PublicKeyBase58 != "":
		b, err := DecodeBase58(vm.PublicKeyBase58)
		if err != nil {
			return nil, fmt.Errorf("%w: publicKeyBase58: %w", ErrInvalidKey, err)
		}
		if kt, ok := legacyKeyType(vm.Type); ok {
			return PublicKeyFromBytes(kt, b)
		}
	case vm.PublicKeyHex != "":
		b, err := hex.DecodeString(strings.TrimPrefix(vm.PublicKeyHex, "0x"))
		if err != nil {
			return nil, fmt.Errorf("%w: publicKeyHex: %w", ErrInvalidKey, err)
		}
		if kt, ok := legacyKeyType(vm.Type); ok {
			return PublicKeyFromBytes(kt, b)
		}
	}
	return nil, fmt.Errorf("%w: verification method %q (%s) carries no public key this package decodes", ErrUnsupportedKey, vm.ID, vm.Type)
}

// legacyKeyType picks the key type of raw base58/hex key bytes from the
// suite name, the only place those encodings record it.
func legacyKeyType(typ string) (KeyType, bool) {
	switch {
	case strings.HasPrefix(typ, "Ed25519"):
		return Ed25519, true
	case strings.HasPrefix(typ, "X25519"):
		return X25519, true
	case strings.HasPrefix(typ, "EcdsaSecp256k1"):
		return Secp256k1, true
	}
	return "", false
}

// CompressP256 returns the 33-byte SEC1 compressed encoding of a valid
// P-256 public key (nil for an invalid one).
func CompressP256(k *ecdsa.PublicKey) []byte {
	raw, err := k.Bytes()
	if err != nil || len(raw) != 65 {
		return nil
	}
	out := make([]byte, 33)
	out[0] = 2 | raw[64]&1
	copy(out[1:], raw[1:33])
	return out
}
