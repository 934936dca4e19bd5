package jwtvc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"fmt"
	"slices"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/chainid/chainid/internal/es256k"
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
// EdDSA and ES256, internal/es256k's for ES256K.
func signerFor(alg string) (jws.Signer, error) {
	if alg == AlgES256K {
		return es256k.JWS{}, nil
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
		return es256k.JWS{}, nil
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
