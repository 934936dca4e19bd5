package es256k

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// JWS is ES256K as a jws.Signer and jws.Verifier. The zero value is ready
// to use and has no state.
type JWS struct{}

var (
	_ jws.Signer   = JWS{}
	_ jws.Verifier = JWS{}
)

// Algorithm returns jwa.ES256K.
func (JWS) Algorithm() jwa.SignatureAlgorithm { return jwa.ES256K }

// Sign signs payload with a *secp256k1.PrivateKey or with a crypto.Signer
// whose public key is a *secp256k1.PublicKey (the signer gets the SHA-256
// digest and may answer r||s or ASN.1 DER). The result is 64-byte r||s with
// low S.
func (JWS) Sign(payload []byte, key any) ([]byte, error) {
	digest := sha256.Sum256(payload)
	var sig *secpecdsa.Signature
	switch k := key.(type) {
	case *secp256k1.PrivateKey:
		if k == nil {
			return nil, errors.New("ES256K needs a secp256k1 signer, got a nil key")
		}
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

// Verify checks a 64-byte r||s signature over payload under a
// *secp256k1.PublicKey.
func (JWS) Verify(payload, signature []byte, key any) error {
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
		return errors.New("ES256K signature does not match")
	}
	return nil
}

// parseRS parses 64-byte r||s, refusing zero and out-of-range scalars.
func parseRS(b []byte) (*secpecdsa.Signature, error) {
	var r, s secp256k1.ModNScalar
	if r.SetByteSlice(b[:32]) || r.IsZero() {
		return nil, errors.New("ES256K signature r is out of range")
	}
	if s.SetByteSlice(b[32:]) || s.IsZero() {
		return nil, errors.New("ES256K signature s is out of range")
	}
	return secpecdsa.NewSignature(&r, &s), nil
}
