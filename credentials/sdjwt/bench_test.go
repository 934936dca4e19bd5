package sdjwt_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"

	"github.com/chainid/chainid/credentials/sdjwt"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// cachedKeys is a KeyResolver with the issuer key already resolved, so the
// benchmarks measure SD-JWT work, not DID resolution.
type cachedKeys map[string]crypto.PublicKey

func (c cachedKeys) VerificationKey(_ context.Context, id, _ string) (crypto.PublicKey, error) {
	return c[id], nil
}

type benchFixture struct {
	iss          issuer
	holder       crypto.Signer
	sd, pres, kb string
	keys         cachedKeys
}

func fixture(b *testing.B, alg string) benchFixture {
	iss := newIssuer(b, alg)
	holder := newKey(b, alg)
	sd, err := sdjwt.Issue([]byte(testClaims), testFrame, iss.signer, issueOpts(iss, holder.Public()))
	if err != nil {
		b.Fatal(err)
	}
	reveal := []string{"/given_name", "/address/locality", "/nationalities/1"}
	pres, err := sdjwt.Present(sd, reveal, nil, sdjwt.PresentOptions{})
	if err != nil {
		b.Fatal(err)
	}
	kb, err := sdjwt.Present(sd, reveal, holder, presentOpts())
	if err != nil {
		b.Fatal(err)
	}
	return benchFixture{iss, holder, sd, pres, kb, cachedKeys{iss.kid: iss.signer.Public()}}
}

func BenchmarkIssue(b *testing.B) {
	for _, alg := range algs {
		b.Run(alg, func(b *testing.B) {
			f := fixture(b, alg)
			opts := issueOpts(f.iss, f.holder.Public())
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sdjwt.Issue([]byte(testClaims), testFrame, f.iss.signer, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPresent(b *testing.B) {
	for _, alg := range algs {
		b.Run(alg, func(b *testing.B) {
			f := fixture(b, alg)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sdjwt.Present(f.sd, []string{"/given_name", "/address/locality"}, f.holder, presentOpts()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerify verifies a presentation with 3 of 11 disclosures, without
// and with key binding.
func BenchmarkVerify(b *testing.B) {
	for _, alg := range algs {
		f := fixture(b, alg)
		b.Run(alg, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sdjwt.Verify(context.Background(), f.pres, f.keys, vopts()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/KB", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sdjwt.Verify(context.Background(), f.kb, f.keys, kbOpts()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRawVerify is the floor: one signature check of the same
// issuer-signed JWT with the bare primitive (SHA-256 included for ECDSA).
func BenchmarkRawVerify(b *testing.B) {
	for _, alg := range algs {
		b.Run(alg, func(b *testing.B) {
			f := fixture(b, alg)
			jwt := f.pres[:strings.IndexByte(f.pres, '~')]
			dot := strings.LastIndexByte(jwt, '.')
			input := []byte(jwt[:dot])
			sig, _ := base64.RawURLEncoding.DecodeString(jwt[dot+1:])
			pub := f.iss.signer.Public()
			var verify func() bool
			switch k := pub.(type) {
			case ed25519.PublicKey:
				verify = func() bool { return ed25519.Verify(k, input, sig) }
			case *ecdsa.PublicKey:
				verify = func() bool {
					h := sha256.Sum256(input)
					return ecdsa.Verify(k, h[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
				}
			case *secp256k1.PublicKey:
				verify = func() bool {
					var r, s secp256k1.ModNScalar
					r.SetByteSlice(sig[:32])
					s.SetByteSlice(sig[32:])
					h := sha256.Sum256(input)
					return secpecdsa.NewSignature(&r, &s).Verify(h[:], k)
				}
			}
			if !verify() {
				b.Fatal("raw verify failed")
			}
			b.ReportAllocs()
			for b.Loop() {
				if !verify() {
					b.Fatal("raw verify failed")
				}
			}
		})
	}
}
