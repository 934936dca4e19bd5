package oid4vci

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/key"
)

// BenchmarkVerifyProof measures parsing and verifying one Ed25519 key
// proof without the store, to compare with the bare signature check
// (BenchmarkRawSignatureVerify).
func BenchmarkVerifyProof(b *testing.B) {
	now := time.Unix(1701960444, 0)
	s := specService(b, now)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	pub := priv.Public().(ed25519.PublicKey)
	d, _ := key.New(pub)
	jk, _ := did.JWKFromPublicKey(pub)
	for _, tc := range []struct {
		name   string
		header map[string]any
	}{
		{"jwk", map[string]any{"typ": ProofJWTType, "alg": AlgEdDSA, "jwk": jk}},
		{"did:key", map[string]any{"typ": ProofJWTType, "alg": AlgEdDSA, "kid": d.String() + "#" + d.ID}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			hb, _ := json.Marshal(tc.header)
			pb, _ := json.Marshal(map[string]any{"aud": "https://credential-issuer.example.com", "iat": now.Unix(), "nonce": "n"})
			enc := base64.RawURLEncoding.EncodeToString
			input := enc(hb) + "." + enc(pb)
			proof := input + "." + enc(ed25519.Sign(priv, []byte(input)))
			b.ReportAllocs()
			for b.Loop() {
				p, err := parseProof(proof)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.verifyProof(b.Context(), p, "c"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
