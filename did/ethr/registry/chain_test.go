package registry

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"
)

// testChain is a real simulated chain (go-ethereum's ethclient/simulated: a full EVM behind an
// in-process RPC client). It mines only on Commit; with auto set it commits after every accepted
// transaction, like a dev node with period 0.
type testChain struct {
	simulated.Client
	sim      *simulated.Backend
	auto     atomic.Bool
	commitMu sync.Mutex
	chainID  *big.Int
}

// SendTransaction forwards to the simulated node and mines a block when auto is set.
func (c *testChain) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if err := c.Client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	if c.auto.Load() {
		c.Commit()
	}
	return nil
}

// EstimateGasAtBlock exposes the simulated node's pending-block estimation (PendingGasEstimator).
func (c *testChain) EstimateGasAtBlock(ctx context.Context, msg ethereum.CallMsg, blockNumber *big.Int) (uint64, error) {
	return c.Client.(PendingGasEstimator).EstimateGasAtBlock(ctx, msg, blockNumber)
}

// latestOnly hides PendingGasEstimator: estimates run against the latest block.
type latestOnly struct{ Backend }

// Commit seals one block with every pending transaction.
func (c *testChain) Commit() common.Hash {
	c.commitMu.Lock()
	defer c.commitMu.Unlock()
	return c.sim.Commit()
}

type testAccount struct {
	key    *ecdsa.PrivateKey
	addr   common.Address
	signer *KeySigner
}

func newAccount(t testing.TB) testAccount {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return testAccount{key: key, addr: crypto.PubkeyToAddress(key.PublicKey), signer: NewKeySigner(key)}
}

// newTestChain starts a simulated chain in which every account in funded holds 100 ether.
func newTestChain(t testing.TB, funded ...testAccount) *testChain {
	t.Helper()
	alloc := types.GenesisAlloc{}
	balance := new(big.Int).Mul(big.NewInt(100), big.NewInt(params.Ether))
	for _, a := range funded {
		alloc[a.addr] = types.Account{Balance: balance}
	}
	sim := simulated.NewBackend(alloc)
	t.Cleanup(func() { _ = sim.Close() })
	c := &testChain{Client: sim.Client(), sim: sim}
	id, err := c.ChainID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c.chainID = id
	c.auto.Store(true)
	return c
}

// deployed returns a chain with a deployed registry and a Writer for it.
func deployed(t testing.TB, funded ...testAccount) (*testChain, *Writer) {
	t.Helper()
	deployer := newAccount(t)
	c := newTestChain(t, append(funded, deployer)...)
	ctx := context.Background()
	addr, _, err := Deploy(ctx, c, deployer.signer, WriterConfig{ChainID: c.chainID})
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	w, err := NewWriter(c, addr, WriterConfig{ChainID: c.chainID})
	if err != nil {
		t.Fatal(err)
	}
	return c, w
}

// waitPending blocks until from has n more pending transactions than base.
func waitPending(t testing.TB, c *testChain, from common.Address, want uint64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := c.PendingNonceAt(context.Background(), from)
		if err != nil {
			t.Fatal(err)
		}
		if n >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pending nonce of %s stayed at %d, want %d", from.Hex(), n, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func blockTime(t testing.TB, c *testChain, number *big.Int) uint64 {
	t.Helper()
	h, err := c.HeaderByNumber(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	return h.Time
}
