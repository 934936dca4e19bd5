package jwtvc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// supportedAlgs are the only algorithms ever accepted, whatever the caller's
// allow-list says.
var supportedAlgs = [...]string{AlgEdDSA, AlgES256, AlgES256K}

// algOf returns the JWS algorithm of a public key: EdDSA for Ed25519, ES256
// for P-256, ES256K for secp256k1.
func algOf(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) == ed25519.PublicKeySize {
			return AlgEdDSA, nil
		}
		return "", fmt.Errorf("Ed25519 key of %d bytes", len(k))
	case *ecdsa.PublicKey:
		if k != nil && k.Curve == elliptic.P256() {
			return AlgES256, nil
		}
		if k != nil && k.Curve != nil {
			return "", fmt.Errorf("ECDSA key on %s: only P-256 is supported", k.Curve.Params().Name)
		}
		return "", fmt.Errorf("nil ECDSA key")
	case *secp256k1.PublicKey:
		if k != nil {
			return AlgES256K, nil
		}
		return "", fmt.Errorf("nil secp256k1 key")
	}
	return "", fmt.Errorf("unsupported key type %T", pub)
}

// signerFor returns the jws.Signer of a supported algorithm: jwx's own for
// EdDSA and ES256, this package's for ES256K.
func signerFor(alg string) (jws.Signer, error) {
	if alg == AlgES256K {
		return es256k{}, nil
	}
	s, err := jws.NewSigner(jwa.SignatureAlgorithm(alg))
	if err != nil {
		return nil, fmt.Errorf("signer for %s: %w", alg, err)
	}
	return s, nil
}

// verifierFor returns the jws.Verifier of a supported algorithm.
func verifierFor(alg string) (jws.Verifier, error) {
	if alg == AlgES256K {
		return es256k{}, nil
	}
	v, err := jws.NewVerifier(jwa.SignatureAlgorithm(alg))
	if err != nil {
		return nil, fmt.Errorf("verifier for %s: %w", alg, err)
	}
	return v, nil
}

// allowedAlgs returns the effective allow-list: the caller's list
// intersected with the supported algorithms.
func allowedAlgs(list []string) []string {
	if list == nil {
		return supportedAlgs[:]
	}
	var out []string
	for _, a := range list {
		if slices.Contains(supportedAlgs[:], a) {
			out = append(out, a)
		}
	}
	return out
}

// es256k is ES256K (RFC 8812: ECDSA over secp256k1 with SHA-256, 64-byte
// r||s signatures) as a jws.Signer and jws.Verifier, on decred's secp256k1.
// It is passed to jwx's message API directly and never registered.
type es256k struct{}

func (es256k) Algorithm() jwa.SignatureAlgorithm { return jwa.ES256K }

// Sign signs with a crypto.Signer whose public key is a
// *secp256k1.PublicKey (the signer gets the SHA-256 digest and may answer
// r||s or ASN.1 DER) or with a *secp256k1.PrivateKey. The result has low S.
func (es256k) Sign(payload []byte, key any) ([]byte, error) {
	digest := sha256.Sum256(payload)
	var sig *secpecdsa.Signature
	switch k := key.(type) {
	case *secp256k1.PrivateKey:
		sig = secpecdsa.Sign(k, digest[:])
	case crypto.Signer:
		if _, ok := k.Public().(*secp256k1.PublicKey); !ok {
			return nil, fmt.Errorf("ES256K needs a secp256k1 key, signer has %T", k.Public())
		}
		raw, err := k.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			return nil, fmt.Errorf("ES256K sign: %w", err)
		}
		if len(raw) == 64 {
			sig, err = parseRS(raw)
		} else {
			sig, err = secpecdsa.ParseDERSignature(raw)
		}
		if err != nil {
			return nil, fmt.Errorf("ES256K sign: signer answered neither r||s nor DER: %w", err)
		}
	default:
		return nil, fmt.Errorf("ES256K needs a secp256k1 signer, got %T", key)
	}
	r, s := sig.R(), sig.S()
	if s.IsOverHalfOrder() {
		s.Negate()
	}
	out := make([]byte, 64)
	r.PutBytesUnchecked(out[:32])
	s.PutBytesUnchecked(out[32:])
	return out, nil
}

// Verify checks a 64-byte r||s signature under a *secp256k1.PublicKey.
func (es256k) Verify(payload, signature []byte, key any) error {
	pub, ok := key.(*secp256k1.PublicKey)
	if !ok || pub == nil {
		return fmt.Errorf("ES256K needs a *secp256k1.PublicKey, got %T", key)
	}
	if len(signature) != 64 {
		return fmt.Errorf("ES256K signature of %d bytes, want 64", len(signature))
	}
	sig, err := parseRS(signature)
	if err != nil {
		return err
	}
	digest := sha256.Sum256(payload)
	if !sig.Verify(digest[:], pub) {
		return fmt.Errorf("ES256K signature does not match")
	}
	return nil
}

// parseRS parses r||s, refusing zero and out-of-range scalars.
func parseRS(b []byte) (*secpecdsa.Signature, error) {
	var r, s secp256k1.ModNScalar
	if r.SetByteSlice(b[:32]) || r.IsZero() {
		return nil, fmt.Errorf("ES256K signature r is out of range")
	}
	if s.SetByteSlice(b[32:]) || s.IsZero() {
		return nil, fmt.Errorf("ES256K signature s is out of range")
	}
	return secpecdsa.NewSignature(&r, &s), nil
}
