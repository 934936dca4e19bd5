package jwtvc_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"math/big"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/chainid/chainid/credentials/jwtvc"
)

// The benchmarks use the VC 2.0 example credential (vc+jwt) and, under
// jwt_vc_json/, the VC 1.1 example. BenchmarkVerify gets its key from a
// resolver that answers a fixed key, so it measures the format's cost
// (parse, checks, signature); BenchmarkVerifyDIDKey resolves the did:key
// document on every call as well, as did-jwt-vc does in bench/jwtvc.mjs.
// BenchmarkRawVerify is the bare signature check over the same signing
// input, the floor BenchmarkVerify is compared with (target: at most 1.3×).

func BenchmarkSign(b *testing.B) {
	for _, alg := range algs {
		k := newKey(b, alg, "issuer")
		cred := credential2(k.did)
		b.Run(alg, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				if _, err := jwtvc.Sign(ctx, cred, k.signer, k.kid, jwtvc.SignOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	for _, f := range formats {
		for _, alg := range algs {
			k := newKey(b, alg, "issuer")
			tok := mustSign(b, credentialFor(f, k.did), k, jwtvc.SignOptions{Format: f})
			keys := staticKey{k.signer.Public()}
			name := alg
			if f != jwtvc.FormatVCJWT {
				name = string(f) + "/" + alg
			}
			b.Run(name, func(b *testing.B) {
				ctx := context.Background()
				opts := verifyOpts()
				b.SetBytes(int64(len(tok)))
				for b.Loop() {
					if _, err := jwtvc.Verify(ctx, tok, keys, opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkVerifyDIDKey(b *testing.B) {
	keys := newDIDKeys()
	for _, f := range formats {
		for _, alg := range algs {
			k := newKey(b, alg, "issuer")
			tok := mustSign(b, credentialFor(f, k.did), k, jwtvc.SignOptions{Format: f})
			name := alg
			if f != jwtvc.FormatVCJWT {
				name = string(f) + "/" + alg
			}
			b.Run(name, func(b *testing.B) {
				ctx := context.Background()
				opts := verifyOpts()
				for b.Loop() {
					if _, err := jwtvc.Verify(ctx, tok, keys, opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRawVerify checks the same token's signature with the primitive
// alone: hash (ES256, ES256K) and verify over the signing input, with the
// signature already decoded.
func BenchmarkRawVerify(b *testing.B) {
	for _, alg := range algs {
		k := newKey(b, alg, "issuer")
		tok := mustSign(b, credential2(k.did), k, jwtvc.SignOptions{})
		dot := strings.LastIndexByte(tok, '.')
		input, sig := []byte(tok[:dot]), mustB64(b, tok[dot+1:])
		b.Run(alg, func(b *testing.B) {
			switch pub := k.signer.Public().(type) {
			case ed25519.PublicKey:
				for b.Loop() {
					if !ed25519.Verify(pub, input, sig) {
						b.Fatal("bad signature")
					}
				}
			case *ecdsa.PublicKey:
				r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
				for b.Loop() {
					h := sha256.Sum256(input)
					if !ecdsa.Verify(pub, h[:], r, s) {
						b.Fatal("bad signature")
					}
				}
			case *secp256k1.PublicKey:
				var r, s secp256k1.ModNScalar
				r.SetByteSlice(sig[:32])
				s.SetByteSlice(sig[32:])
				parsed := secpecdsa.NewSignature(&r, &s)
				for b.Loop() {
					h := sha256.Sum256(input)
					if !parsed.Verify(h[:], pub) {
						b.Fatal("bad signature")
					}
				}
			}
		})
	}
}
