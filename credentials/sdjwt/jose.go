package sdjwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/chainid/chainid/internal/es256k"
)

// JWS algorithms this package signs and accepts. Everything else — none,
// HS*, RS*, PS* — is refused before any key is looked up.
const (
	AlgEdDSA  = "EdDSA"
	AlgES256  = "ES256"
	AlgES256K = "ES256K"
)

// algFor returns the JWS algorithm for a public key.
func algFor(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) == ed25519.PublicKeySize {
			return AlgEdDSA, nil
		}
	case *ecdsa.PublicKey:
		if k != nil && k.Curve == elliptic.P256() {
			return AlgES256, nil
		}
	case *secp256k1.PublicKey:
		if k != nil {
			return AlgES256K, nil
		}
	}
	return "", fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
}

// jwsSigner returns the jwx signer for alg.
func jwsSigner(alg string) (jws.Signer, error) {
	if alg == AlgES256K {
		return es256k.JWS{}, nil
	}
	s, err := jws.NewSigner(jwa.SignatureAlgorithm(alg))
	if err != nil {
		return nil, fmt.Errorf("jws signer %s: %w", alg, err)
	}
	return s, nil
}

// jwsVerifier returns the jwx verifier for an allowed alg.
func jwsVerifier(alg string) (jws.Verifier, error) {
	switch alg {
	case AlgES256K:
		return es256k.JWS{}, nil
	case AlgEdDSA, AlgES256:
		v, err := jws.NewVerifier(jwa.SignatureAlgorithm(alg))
		if err != nil {
			return nil, fmt.Errorf("jws verifier %s: %w", alg, err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrAlgorithm, alg)
}

// signJWT signs payload as a compact JWS with the given protected header
// members (alg is added) using jwx.
func signJWT(signer crypto.Signer, alg string, header map[string]string, payload []byte) (string, error) {
	s, err := jwsSigner(alg)
	if err != nil {
		return "", err
	}
	h := jws.NewHeaders()
	for k, v := range header {
		if err := h.Set(k, v); err != nil {
			return "", fmt.Errorf("set header %s: %w", k, err)
		}
	}
	_, compact, err := jws.NewSignature().SetProtectedHeaders(h).Sign(payload, s, signer)
	if err != nil {
		return "", fmt.Errorf("sign JWT: %w", err)
	}
	return string(compact), nil
}

// jwt is a parsed compact JWS; nothing in it is verified yet.
type jwt struct {
	signingInput string // header.payload
	header       value
	payload      []byte
	payloadJSON  value
	signature    []byte
	alg, typ     string
}

var b64 = base64.RawURLEncoding.Strict()

// decodeB64 decodes strict unpadded base64url (no padding, no stray bits,
// no line breaks).
func decodeB64(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n=") {
		return nil, errors.New("invalid base64url")
	}
	return b64.DecodeString(s)
}

// parseJWT splits and decodes a compact JWS, parsing header and payload as
// strict JSON objects and checking alg is one we accept and crit is absent.
func parseJWT(s string) (*jwt, error) {
	dot1 := strings.IndexByte(s, '.')
	if dot1 < 0 {
		return nil, fmt.Errorf("%w: JWT is not three dot-separated parts", ErrMalformed)
	}
	dot2 := strings.IndexByte(s[dot1+1:], '.')
	if dot2 < 0 {
		return nil, fmt.Errorf("%w: JWT is not three dot-separated parts", ErrMalformed)
	}
	dot2 += dot1 + 1
	if strings.IndexByte(s[dot2+1:], '.') >= 0 {
		return nil, fmt.Errorf("%w: JWT has more than three parts", ErrMalformed)
	}
	hb, err := decodeB64(s[:dot1])
	if err != nil {
		return nil, fmt.Errorf("%w: JWT header: %w", ErrMalformed, err)
	}
	header, err := parseObject(hb)
	if err != nil {
		return nil, fmt.Errorf("%w: JWT header: %w", ErrMalformed, err)
	}
	alg, ok, err := header.stringMember("alg")
	if err != nil || !ok {
		return nil, fmt.Errorf("%w: JWT header has no alg string", ErrMalformed)
	}
	switch alg {
	case AlgEdDSA, AlgES256, AlgES256K:
	default:
		return nil, fmt.Errorf("%w: %q", ErrAlgorithm, alg)
	}
	if _, ok := header.member("crit"); ok {
		return nil, fmt.Errorf("%w: JWT header has crit", ErrMalformed)
	}
	typ, _, err := header.stringMember("typ")
	if err != nil {
		return nil, fmt.Errorf("%w: JWT header: %w", ErrMalformed, err)
	}
	payload, err := decodeB64(s[dot1+1 : dot2])
	if err != nil {
		return nil, fmt.Errorf("%w: JWT payload: %w", ErrMalformed, err)
	}
	pj, err := parseObject(payload)
	if err != nil {
		return nil, fmt.Errorf("%w: JWT payload: %w", ErrMalformed, err)
	}
	sig, err := decodeB64(s[dot2+1:])
	if err != nil {
		return nil, fmt.Errorf("%w: JWT signature: %w", ErrMalformed, err)
	}
	return &jwt{signingInput: s[:dot2], header: header, payload: payload, payloadJSON: pj, signature: sig, alg: alg, typ: typ}, nil
}

// verifySignature checks the JWS signature with pub, which must be of the
// type alg names (no algorithm confusion).
func (t *jwt) verifySignature(pub crypto.PublicKey) error {
	want, err := algFor(pub)
	if err != nil {
		return err
	}
	if want != t.alg {
		return fmt.Errorf("%w: header alg %s but key needs %s", ErrAlgorithm, t.alg, want)
	}
	v, err := jwsVerifier(t.alg)
	if err != nil {
		return err
	}
	if err := v.Verify([]byte(t.signingInput), t.signature, pub); err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	return nil
}
