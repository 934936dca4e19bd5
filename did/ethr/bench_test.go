package ethr

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chainid/chainid/did"
)

// BenchmarkResolveWarm resolves a DID with 0, 5 and 50 historical changes
// from a warm index (each resolution still checks the head: one RPC call to
// the in-process simulated node).
func BenchmarkResolveWarm(b *testing.B) {
	for _, n := range []int{0, 5, 50} {
		b.Run(fmt.Sprintf("changes=%d", n), func(b *testing.B) { benchResolve(b, n, Config{}) })
		// With a head-freshness window the head check is skipped: the
		// index read and document build alone.
		b.Run(fmt.Sprintf("changes=%d/index-only", n), func(b *testing.B) { benchResolve(b, n, Config{HeadFreshness: time.Hour}) })
	}
}

func benchResolve(b *testing.B, n int, cfg Config) {
	owner := testKey(b, "bench")
	c := newTestChain(b, owner)
	id := addr(owner)
	for i := range n {
		c.setAttribute(owner, id, "did/svc/S", []byte{byte('a' + i%26)}, 86400)
		if i%10 == 9 || i == n-1 {
			c.commit()
		}
	}
	r, cc := newTestResolver(b, c, openStore(b), cfg)
	ctx := context.Background()
	d := did.MustParse("did:ethr:dev:" + id.Hex())
	if _, _, err := r.Resolve(ctx, d, did.ResolveOptions{}); err != nil {
		b.Fatal(err)
	}
	start := cc.calls.Load()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := r.Resolve(ctx, d, did.ResolveOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cc.calls.Load()-start)/float64(b.N), "rpc-calls/op")
}
