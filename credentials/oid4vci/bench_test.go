package oid4vci_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/chainid/chainid/credentials/oid4vci"
)

// BenchmarkCredential measures a credential request end to end: token
// lookup, proof parsing and signature verification, nonce check and
// consumption (a bbolt write), and the (trivial) Issuer call. Proofs are
// made before the timer starts, one per nonce.
func BenchmarkCredential(b *testing.B) {
	for _, k := range newHolderKeys(b)[:2] {
		for _, form := range []keyForm{formJWK, formDIDKey} {
			b.Run(k.name+"/"+string(form), func(b *testing.B) {
				e := newEnv(b, func(c *oid4vci.Config) { c.TokenTTL = oid4vci.MaxOfferTTL })
				tok := e.offerAndToken(b)
				ctx := context.Background()
				reqs := make([]oid4vci.CredentialRequest, b.N)
				for i := range reqs {
					p := jwxProof(b, k, form, claims(testIssuer, e.clock.Now(), e.nonce(b)))
					reqs[i] = oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: jwtProofs(p)}
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					if _, err := e.svc.Credential(ctx, tok, reqs[i]); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRawSignatureVerify is the floor for the proof check: the bare
// signature verification of a proof-sized input.
func BenchmarkRawSignatureVerify(b *testing.B) {
	keys := newHolderKeys(b)
	e := newEnv(b, nil)
	for _, k := range keys[:2] {
		b.Run(k.name, func(b *testing.B) {
			p := jwxProof(b, k, formJWK, claims(testIssuer, e.clock.Now(), e.nonce(b)))
			i := strings.LastIndexByte(p, '.')
			input := []byte(p[:i])
			sig, _ := b64.DecodeString(p[i+1:])
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				switch pub := k.pub.(type) {
				case ed25519.PublicKey:
					if !ed25519.Verify(pub, input, sig) {
						b.Fatal("bad")
					}
				case *ecdsa.PublicKey:
					d := sha256.Sum256(input)
					if !ecdsa.VerifyASN1(pub, d[:], toASN1(sig)) {
						b.Fatal("bad")
					}
				}
			}
		})
	}
}

func BenchmarkToken(b *testing.B) {
	e := newEnv(b, nil)
	ctx := context.Background()
	codes := make([]string, b.N)
	for i := range codes {
		o, err := e.svc.CreateOffer(ctx, oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: "r"})
		if err != nil {
			b.Fatal(err)
		}
		codes[i] = o.Offer.Grants.PreAuthorizedCode.PreAuthorizedCode
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := e.svc.Token(ctx, oid4vci.TokenRequest{GrantType: oid4vci.GrantTypePreAuthorizedCode, PreAuthorizedCode: codes[i]}); err != nil {
			b.Fatal(err)
		}
	}
}

// toASN1 converts r ‖ s to an ASN.1 DER ECDSA signature.
func toASN1(sig []byte) []byte {
	integer := func(x []byte) []byte {
		for len(x) > 1 && x[0] == 0 {
			x = x[1:]
		}
		if x[0]&0x80 != 0 {
			x = append([]byte{0}, x...)
		}
		return append([]byte{0x02, byte(len(x))}, x...)
	}
	body := append(integer(sig[:32]), integer(sig[32:])...)
	return append([]byte{0x30, byte(len(body))}, body...)
}
