package jwk_test

import (
	"context"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/jwk"
)

func benchKeys(b *testing.B) map[string]crypto.PublicKey {
	b.Helper()
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	k1, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		b.Fatal(err)
	}
	x, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	return map[string]crypto.PublicKey{"Ed25519": edPub, "P-256": &p256.PublicKey, "secp256k1": k1.PubKey(), "X25519": x.PublicKey()}
}

var benchNames = []string{"Ed25519", "P-256", "secp256k1", "X25519"}

// BenchmarkResolve measures parsing and resolving a did:jwk string.
func BenchmarkResolve(b *testing.B) {
	lists := make(map[string][]string)
	for range 256 {
		for name, pub := range benchKeys(b) {
			id, err := jwk.New(pub)
			if err != nil {
				b.Fatal(err)
			}
			lists[name] = append(lists[name], id.String())
		}
	}
	r := jwk.NewResolver(jwk.Config{})
	ctx := context.Background()
	for _, name := range benchNames {
		list := lists[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				id, err := did.Parse(list[i%len(list)])
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := r.Resolve(ctx, id, did.ResolveOptions{}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

func BenchmarkNew(b *testing.B) {
	keys := benchKeys(b)
	for _, name := range benchNames {
		pub := keys[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := jwk.New(pub); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
