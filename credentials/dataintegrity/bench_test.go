package dataintegrity_test

import (
	"context"
	"os"
	"testing"

	"github.com/chainid/chainid/credentials/dataintegrity"
)

func BenchmarkAddProof(b *testing.B) {
	p := newProcessor(b, dataintegrity.Config{})
	for _, s := range suites {
		b.Run(string(s), func(b *testing.B) {
			k := keyFor(b, s)
			doc := credential(k.DID)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.AddProof(context.Background(), doc, k.Signer, k.VM, s, dataintegrity.ProofOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	p := newProcessor(b, dataintegrity.Config{})
	keys := newDIDKeys()
	for _, s := range suites {
		b.Run(string(s), func(b *testing.B) {
			k := keyFor(b, s)
			signed, err := p.AddProof(context.Background(), credential(k.DID), k.Signer, k.VM, s, dataintegrity.ProofOptions{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Verify(context.Background(), signed, keys, dataintegrity.VerifyOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyFixture verifies testdata/bench-credential.json, the
// credential bench/di.mjs verifies with @digitalbazaar/vc.
func BenchmarkVerifyFixture(b *testing.B) {
	p := newProcessor(b, dataintegrity.Config{})
	keys := newDIDKeys()
	signed, err := os.ReadFile(benchFixture)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Verify(context.Background(), signed, keys, dataintegrity.VerifyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
