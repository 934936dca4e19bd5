package ethr

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"

	"github.com/chainid/chainid/did/ethr/registry"
	"github.com/chainid/chainid/internal/store"
)

// genesisTime puts the simulated chain in the future (2100-01-01) so that
// every Commit stamps parent time + 1 s instead of the wall clock: block
// timestamps, and with them validTo values and metadata, are the same on
// every run.
const genesisTime = 4102444800

var simChainID = big.NewInt(1337)

var _ IndexStore = (*store.Store)(nil)

// testKey derives a fixed secp256k1 key from a name.
func testKey(t testing.TB, name string) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("chainid ethr test " + name)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testChain is a real EVM (go-ethereum's simulated backend) with the
// registry deployed. It mines only on Commit, so several transactions can
// land in one block.
type testChain struct {
	t        testing.TB
	sim      *simulated.Backend
	client   simulated.Client
	registry common.Address
	contract *registry.EthereumDIDRegistry
	nonces   map[common.Address]uint64
	headTime atomic.Uint64
}

func newTestChain(t testing.TB, funded ...*ecdsa.PrivateKey) *testChain {
	t.Helper()
	deployer := testKey(t, "deployer")
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(deployer.PublicKey): {Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(params.Ether))}}
	for _, k := range funded {
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: new(big.Int).Mul(big.NewInt(100), big.NewInt(params.Ether))}
	}
	sim := simulated.NewBackend(alloc, func(_ *node.Config, ec *ethconfig.Config) {
		ec.Genesis.Timestamp = genesisTime
	})
	t.Cleanup(func() { _ = sim.Close() })
	c := &testChain{t: t, sim: sim, client: sim.Client(), contract: registry.NewEthereumDIDRegistry(), nonces: map[common.Address]uint64{}}
	c.headTime.Store(genesisTime)
	from := crypto.PubkeyToAddress(deployer.PublicKey)
	c.registry = crypto.CreateAddress(from, 0)
	c.send(deployer, nil, registry.Bytecode(), 3_000_000)
	c.commit()
	code, err := c.client.CodeAt(context.Background(), c.registry, nil)
	if err != nil || len(code) == 0 {
		t.Fatalf("registry not deployed: %v", err)
	}
	return c
}

// send submits a transaction without mining it.
func (c *testChain) send(key *ecdsa.PrivateKey, to *common.Address, data []byte, gas uint64) {
	c.t.Helper()
	from := crypto.PubkeyToAddress(key.PublicKey)
	tx := types.NewTx(&types.DynamicFeeTx{
		ChainID:   simChainID,
		Nonce:     c.nonces[from],
		GasTipCap: big.NewInt(params.GWei),
		GasFeeCap: big.NewInt(100 * params.GWei),
		Gas:       gas,
		To:        to,
		Data:      data,
	})
	signed, err := types.SignTx(tx, types.LatestSignerForChainID(simChainID), key)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.client.SendTransaction(context.Background(), signed); err != nil {
		c.t.Fatalf("send: %v", err)
	}
	c.nonces[from]++
}

func (c *testChain) call(key *ecdsa.PrivateKey, data []byte) {
	c.t.Helper()
	c.send(key, &c.registry, data, 400_000)
}

// commit mines the pending transactions into one block, checks that all of
// them succeeded, and returns the block header.
func (c *testChain) commit() *types.Header {
	c.t.Helper()
	c.awaitPending()
	c.sim.Commit()
	return c.settle()
}

// awaitPending waits until the transaction pool has promoted every sent
// transaction to pending. The pool promotes in the background: a Commit
// that runs first leaves a transaction for a later block (seen on a loaded
// machine as a change landing in a block the test expected to be empty).
func (c *testChain) awaitPending() {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for from, want := range c.nonces {
		for {
			got, err := c.client.PendingNonceAt(context.Background(), from)
			if err != nil {
				c.t.Fatal(err)
			}
			if got >= want {
				break
			}
			if time.Now().After(deadline) {
				c.t.Fatalf("transactions of %s not pending after 10s (pending nonce %d, sent %d)", from, got, want)
			}
			time.Sleep(time.Millisecond)
		}
	}
}

func (c *testChain) settle() *types.Header {
	c.t.Helper()
	ctx := context.Background()
	h, err := c.client.HeaderByNumber(ctx, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	block, err := c.client.BlockByHash(ctx, h.Hash())
	if err != nil {
		c.t.Fatal(err)
	}
	for _, tx := range block.Transactions() {
		r, err := c.client.TransactionReceipt(ctx, tx.Hash())
		if err != nil {
			c.t.Fatal(err)
		}
		if r.Status != types.ReceiptStatusSuccessful {
			c.t.Fatalf("transaction %s in block %d reverted", tx.Hash(), h.Number)
		}
	}
	c.headTime.Store(h.Time)
	return h
}

// advance moves the chain's clock by d with an empty block.
func (c *testChain) advance(d time.Duration) {
	c.t.Helper()
	if err := c.sim.AdjustTime(d); err != nil {
		c.t.Fatal(err)
	}
	c.settle()
}

// now is the resolver clock used in tests: the head block's timestamp.
func (c *testChain) now() time.Time { return time.Unix(int64(c.headTime.Load()), 0) }

func name32(t testing.TB, s string) [32]byte {
	t.Helper()
	b, err := registry.EncodeName(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func addr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

func (c *testChain) addDelegate(owner *ecdsa.PrivateKey, identity common.Address, typ string, delegate common.Address, validity int64) {
	c.t.Helper()
	c.call(owner, c.contract.PackAddDelegate(identity, name32(c.t, typ), delegate, big.NewInt(validity)))
}

func (c *testChain) revokeDelegate(owner *ecdsa.PrivateKey, identity common.Address, typ string, delegate common.Address) {
	c.t.Helper()
	c.call(owner, c.contract.PackRevokeDelegate(identity, name32(c.t, typ), delegate))
}

func (c *testChain) setAttribute(owner *ecdsa.PrivateKey, identity common.Address, name string, value []byte, validity int64) {
	c.t.Helper()
	c.call(owner, c.contract.PackSetAttribute(identity, name32(c.t, name), value, big.NewInt(validity)))
}

func (c *testChain) revokeAttribute(owner *ecdsa.PrivateKey, identity common.Address, name string, value []byte) {
	c.t.Helper()
	c.call(owner, c.contract.PackRevokeAttribute(identity, name32(c.t, name), value))
}

func (c *testChain) changeOwner(owner *ecdsa.PrivateKey, identity, newOwner common.Address) {
	c.t.Helper()
	c.call(owner, c.contract.PackChangeOwner(identity, newOwner))
}

// countingClient counts the node calls the index makes and can be told to
// fail them all, as a node that went down would.
type countingClient struct {
	Client
	calls   atomic.Int64
	down    atomic.Bool
	chainID atomic.Int64 // when set, reported instead of the node's
}

var errNodeDown = errors.New("connection refused")

func (c *countingClient) ChainID(ctx context.Context) (*big.Int, error) {
	c.calls.Add(1)
	if c.down.Load() {
		return nil, errNodeDown
	}
	if id := c.chainID.Load(); id != 0 {
		return big.NewInt(id), nil
	}
	return c.Client.ChainID(ctx)
}

func (c *countingClient) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	c.calls.Add(1)
	if c.down.Load() {
		return nil, errNodeDown
	}
	return c.Client.HeaderByNumber(ctx, n)
}

func (c *countingClient) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	c.calls.Add(1)
	if c.down.Load() {
		return nil, errNodeDown
	}
	return c.Client.FilterLogs(ctx, q)
}

// openStore opens a real bbolt store in a temporary directory.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "chainid.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newTestResolver returns a resolver for the chain as network "dev" (chain
// 1337) whose clock is the chain's head time, and the counting client it
// uses.
func newTestResolver(t testing.TB, c *testChain, s IndexStore, cfg Config) (*Resolver, *countingClient) {
	t.Helper()
	cc := &countingClient{Client: c.client}
	if cfg.Now == nil {
		cfg.Now = c.now
	}
	r, err := NewResolver(s, []Network{{Name: "dev", ChainID: simChainID, Registry: c.registry, Client: cc}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r, cc
}
