package registry

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
)

// BenchmarkOperations sends each registry operation on the simulated chain (auto-mining) and
// reports the gas each one used; ns/op is the full estimate-sign-send-mine-receipt round trip.
// Gas follows the simulated chain's rules (go-ethereum 1.17.10 enables every fork it knows,
// including the EIP-8037/8038 repricing), so it is higher than on mainnet today.
func BenchmarkOperations(b *testing.B) {
	owner, relayer := newAccount(b), newAccount(b)
	_, w := deployed(b, owner, relayer)
	ctx := context.Background()
	delegate := newAccount(b).addr
	value := make([]byte, 33) // a compressed secp256k1 key
	tests := []struct {
		name string
		op   func() (*types.Receipt, error)
	}{
		{"AddDelegate", func() (*types.Receipt, error) {
			return w.AddDelegate(ctx, owner.signer, owner.addr, "veriKey", delegate, time.Hour)
		}},
		{"RevokeDelegate", func() (*types.Receipt, error) {
			return w.RevokeDelegate(ctx, owner.signer, owner.addr, "veriKey", delegate)
		}},
		{"SetAttribute33B", func() (*types.Receipt, error) {
			return w.SetAttribute(ctx, owner.signer, owner.addr, "did/pub/Secp256k1/veriKey/hex", value, time.Hour)
		}},
		{"RevokeAttribute33B", func() (*types.Receipt, error) {
			return w.RevokeAttribute(ctx, owner.signer, owner.addr, "did/pub/Secp256k1/veriKey/hex", value)
		}},
		{"ChangeOwnerToSelf", func() (*types.Receipt, error) {
			return w.ChangeOwner(ctx, owner.signer, owner.addr, owner.addr)
		}},
		{"SetAttributeSigned33B", func() (*types.Receipt, error) {
			d, err := w.SetAttributeDigest(ctx, owner.addr, "did/pub/Secp256k1/veriKey/hex", value, time.Hour)
			if err != nil {
				return nil, err
			}
			sig, err := owner.signer.SignDigest(d)
			if err != nil {
				return nil, err
			}
			return w.SetAttributeSigned(ctx, relayer.signer, owner.addr, sig, "did/pub/Secp256k1/veriKey/hex", value, time.Hour)
		}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			// One untimed call first, so gas/op is the steady state of an identity that has
			// changed before (a first write creates storage slots and costs far more).
			first, err := tt.op()
			if err != nil {
				b.Fatal(err)
			}
			var gas uint64
			for b.Loop() {
				r, err := tt.op()
				if err != nil {
					b.Fatal(err)
				}
				gas += r.GasUsed
			}
			b.ReportMetric(float64(gas)/float64(b.N), "gas/op")
			b.ReportMetric(float64(first.GasUsed), "gas-first")
		})
	}
}
