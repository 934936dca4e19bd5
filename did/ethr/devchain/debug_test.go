package devchain

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

func TestDebugGetLogs(t *testing.T) {
	ctx := testCtx(t)
	c := startChain(t, testConfig(t.TempDir()))
	client := c.Client()
	nonce, _ := client.PendingNonceAt(ctx, c.DevAddress())
	var last *types.Transaction
	for i := range 500 {
		tx := signedTransfer(t, c, nonce+uint64(i), answerAddr)
		tx, _ = types.SignNewTx(c.DevKey(), types.LatestSignerForChainID(c.ChainID()), &types.DynamicFeeTx{
			ChainID: c.ChainID(), Nonce: nonce + uint64(i), Gas: 50000, To: &answerAddr, Value: big.NewInt(0),
			GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(1e11),
		})
		if err := client.SendTransaction(ctx, tx); err != nil {
			t.Fatal(err)
		}
		if _, err := WaitReceipt(ctx, client, tx.Hash()); err != nil {
			t.Fatal(err)
		}
		last = tx
	}
	_ = last
	n := head(t, ctx, c)
	t0 := time.Now()
	logs, err := client.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: big.NewInt(0), ToBlock: new(big.Int).SetUint64(n), Addresses: []common.Address{answerAddr}})
	t.Logf("getLogs over %d blocks: %d logs in %v (%v)", n, len(logs), time.Since(t0), err)
	other := common.HexToAddress("0x1234")
	t0 = time.Now()
	logs, err = client.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: big.NewInt(0), ToBlock: new(big.Int).SetUint64(n), Addresses: []common.Address{other}})
	t.Logf("getLogs (no match) over %d blocks: %d logs in %v (%v)", n, len(logs), time.Since(t0), err)
	t0 = time.Now()
	logs, err = client.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: big.NewInt(250), ToBlock: big.NewInt(250), Addresses: []common.Address{answerAddr}})
	t.Logf("getLogs one block: %d logs in %v (%v)", len(logs), time.Since(t0), err)
	a, d := dirSize(t, c.stack.InstanceDir())
	t.Logf("disk %d %d", a, d)
}
