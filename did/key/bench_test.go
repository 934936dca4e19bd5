package key_test

import (
	"context"
	"testing"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/key"
)

// benchDIDs returns n distinct did:key strings per key type.
func benchDIDs(b *testing.B, n int) map[string][]string {
	b.Helper()
	out := make(map[string][]string)
	for range n {
		for name, pub := range randomKeys(b) {
			id, err := key.New(pub)
			if err != nil {
				b.Fatal(err)
			}
			out[name] = append(out[name], id.String())
		}
	}
	return out
}

// BenchmarkResolve measures parsing and resolving a did:key string, the
// same work bench/run-didkey.sh asks of key-did-resolver.
func BenchmarkResolve(b *testing.B) {
	dids := benchDIDs(b, 256)
	r := key.NewResolver(key.Config{})
	ctx := context.Background()
	for _, name := range []string{"Ed25519", "P-256", "secp256k1", "X25519"} {
		list := dids[name]
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
	keys := randomKeys(b)
	for _, name := range []string{"Ed25519", "P-256", "secp256k1", "X25519"} {
		pub := keys[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := key.New(pub); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
