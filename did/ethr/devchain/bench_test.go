package devchain

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
)

// BenchmarkTransferReceipt measures a value transfer from SendTransaction to
// its receipt (sealing included) through the in-process client.
func BenchmarkTransferReceipt(b *testing.B) {
	c := startChain(b, testConfig(b.TempDir()))
	ctx := context.Background()
	client := c.Client()
	to := randomAddress(b)
	nonce, err := client.PendingNonceAt(ctx, c.DevAddress())
	if err != nil {
		b.Fatal(err)
	}
	signer := types.LatestSignerForChainID(c.ChainID())
	var total time.Duration
	for b.Loop() {
		tx, err := types.SignNewTx(c.devKey, signer, &types.DynamicFeeTx{
			ChainID: c.ChainID(), Nonce: nonce, Gas: 21000, To: &to, Value: big.NewInt(1),
			GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(1e11),
		})
		if err != nil {
			b.Fatal(err)
		}
		nonce++
		start := time.Now()
		if err := client.SendTransaction(ctx, tx); err != nil {
			b.Fatal(err)
		}
		receipt, err := WaitReceipt(ctx, client, tx.Hash())
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		if receipt.Status != types.ReceiptStatusSuccessful {
			b.Fatal("transfer failed")
		}
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/receipt")
}

// BenchmarkStart measures Start on a new data dir and on an existing one,
// each followed by Close (the time to Close is included).
func BenchmarkStart(b *testing.B) {
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			c, err := Start(context.Background(), testConfig(b.TempDir()))
			if err != nil {
				b.Fatal(err)
			}
			if err := c.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("existing", func(b *testing.B) {
		dir := b.TempDir()
		c, err := Start(context.Background(), testConfig(dir))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Fund(context.Background(), randomAddress(b), big.NewInt(1)); err != nil {
			b.Fatal(err)
		}
		if err := c.Close(); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			c, err := Start(context.Background(), testConfig(dir))
			if err != nil {
				b.Fatal(err)
			}
			if err := c.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
