package devchain

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/ethclient"
	gethlog "github.com/ethereum/go-ethereum/log"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
)

// Defaults applied to zero Config fields.
const (
	DefaultListenAddr    = "127.0.0.1:8545"
	DefaultChainID       = 1337
	DefaultDatabaseCache = 32 // MB
)

const (
	// nodeName names the node's instance directory inside Config.DataDir.
	// It is fixed so that every binary (server, tests) finds the same chain.
	nodeName = "chain"
	// trieCleanCache is the trie node cache in MB; the archive hash scheme
	// writes every block's trie straight to disk, so no dirty cache is kept.
	trieCleanCache = 16
)

// ErrDataDirInUse is returned by Start when another chain (in this or another
// process) holds the data dir.
var ErrDataDirInUse = errors.New("dev chain data dir is in use by another process")

// Config configures Start. The zero value, given a DataDir, is a loopback-only
// chain 1337 on 127.0.0.1:8545.
type Config struct {
	// DataDir holds the chain database and the development account's seed.
	// Required. It is created (mode 0700) if missing and locked while the
	// chain runs.
	DataDir string

	// ListenAddr is the host:port of the JSON-RPC HTTP endpoint (modules eth,
	// net, web3). Empty means DefaultListenAddr; port 0 picks a free port
	// (see Chain.RPCURL). The host must be a loopback address or "localhost"
	// unless InsecureListenAnyAddress is set.
	ListenAddr string

	// InsecureListenAnyAddress allows a non-loopback ListenAddr. The endpoint
	// has no authentication: anyone who reaches it can read the chain and
	// submit transactions signed elsewhere.
	InsecureListenAnyAddress bool

	// ChainID is the EIP-155 chain ID and network ID. Zero means
	// DefaultChainID. A data dir keeps the chain ID it was created with; a
	// different value is an error.
	ChainID uint64

	// DatabaseCache is the database cache in MB. Zero means
	// DefaultDatabaseCache, which also bounds the write-ahead log: large
	// caches make a small chain take gigabytes on disk.
	DatabaseCache int

	// Predeploy places contracts in the genesis block: address → runtime
	// bytecode. Only used when the data dir is new; on later starts the
	// stored genesis is kept and Start checks that each address still holds
	// exactly this code.
	Predeploy map[common.Address][]byte

	// Logger receives the node's logs. Nil discards them.
	Logger *slog.Logger

	// Rand is the randomness for a new development account seed. Nil means
	// crypto/rand.Reader.
	Rand io.Reader
}

// Chain is a running development chain. Its methods are safe for concurrent
// use.
type Chain struct {
	stack   *node.Node
	client  *ethclient.Client
	rpcURL  string
	chainID *big.Int
	devKey  *ecdsa.PrivateKey
	devAddr common.Address
	log     *slog.Logger

	fundMu    sync.Mutex // serializes dev-account nonces in Fund
	nextNonce uint64     // dev-account nonce after the last transfer Fund sent; guarded by fundMu

	closeOnce sync.Once
	closeErr  error
}

// Start opens (or creates) the chain in cfg.DataDir, serves JSON-RPC on
// cfg.ListenAddr and returns once the chain is ready. A block is sealed as
// soon as a transaction reaches the pool (several transactions that arrive
// together share a block); no empty blocks are produced. Call Close when done.
func Start(ctx context.Context, cfg Config) (*Chain, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("start dev chain: %w", err)
	}
	cfg, host, port, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("start dev chain: %w", err)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("start dev chain: create data dir: %w", err)
	}

	nodeCfg := node.DefaultConfig
	nodeCfg.Name = nodeName
	nodeCfg.DataDir = cfg.DataDir
	nodeCfg.Logger = gethlog.NewLogger(cfg.Logger.Handler())
	nodeCfg.IPCPath = ""
	nodeCfg.P2P = p2p.Config{NoDiscovery: true, NoDial: true, MaxPeers: 0, ListenAddr: ""}
	nodeCfg.HTTPHost = host
	nodeCfg.HTTPPort = port
	nodeCfg.HTTPModules = []string{"eth", "net", "web3"}
	nodeCfg.HTTPVirtualHosts = []string{"localhost"}
	nodeCfg.HTTPCors = []string{"http://localhost", "http://localhost:*", "http://127.0.0.1", "http://127.0.0.1:*"}
	nodeCfg.HTTPTimeouts = rpc.DefaultHTTPTimeouts
	nodeCfg.WSHost = ""
	nodeCfg.AuthPort = 0
	nodeCfg.DBEngine = rawdb.DBLeveldb

	stack, err := node.New(&nodeCfg)
	if err != nil {
		if errors.Is(err, node.ErrDatadirUsed) {
			return nil, fmt.Errorf("start dev chain in %s: %w", cfg.DataDir, ErrDataDirInUse)
		}
		return nil, fmt.Errorf("start dev chain: %w", err)
	}
	c, err := start(ctx, stack, cfg)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("start dev chain in %s: %w", cfg.DataDir, err), closeNode(stack))
	}
	return c, nil
}

// start assembles the chain on a node that holds the data dir lock.
func start(ctx context.Context, stack *node.Node, cfg Config) (*Chain, error) {
	existing, storedID, err := storedChain(stack, cfg.DatabaseCache)
	if err != nil {
		return nil, err
	}
	if existing && storedID.Uint64() != cfg.ChainID {
		return nil, fmt.Errorf("data dir holds chain %s, configured chain ID is %d", storedID, cfg.ChainID)
	}
	if existing {
		// The seed must not be regenerated for an existing chain: the new
		// account would have no funds.
		if _, err := os.Stat(filepath.Join(cfg.DataDir, seedFileName)); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("data dir holds a chain but its dev key seed %s is missing", seedFileName)
		}
	}
	seed, _, err := loadOrCreateSeed(cfg.DataDir, cfg.Rand)
	if err != nil {
		return nil, err
	}
	devKey, err := deriveKey(seed)
	if err != nil {
		return nil, err
	}
	devAddr := crypto.PubkeyToAddress(devKey.PublicKey)
	chainID := new(big.Int).SetUint64(cfg.ChainID)

	ethCfg := ethconfig.Defaults
	if !existing {
		g, err := genesis(chainID, devAddr, cfg.Predeploy)
		if err != nil {
			return nil, err
		}
		ethCfg.Genesis = g
	} // else nil: reuse the genesis stored in the database
	ethCfg.NetworkId = cfg.ChainID
	ethCfg.SyncMode = ethconfig.FullSync
	ethCfg.StateScheme = rawdb.HashScheme
	ethCfg.NoPruning = true // archive: every block's state is on disk, survives kill -9
	ethCfg.DatabaseCache = cfg.DatabaseCache
	ethCfg.TrieCleanCache = trieCleanCache
	ethCfg.TrieDirtyCache = 0
	ethCfg.SnapshotCache = 0
	ethCfg.TransactionHistory = 0 // index every transaction
	// No log index: eth_getLogs scans block blooms instead. Loading the
	// index's head map costs about 0.5 s on every start, and a dev chain is
	// small enough to scan.
	ethCfg.LogNoHistory = true
	ethCfg.TxPool.NoLocals = true
	ethCfg.TxPool.Journal = ""
	ethCfg.BlobPool.Datadir = "" // nobody sends blobs here; keep the pool in memory
	ethCfg.Miner.PendingFeeRecipient = devAddr
	ethCfg.Miner.GasPrice = big.NewInt(1) // minimum tip, as geth --dev

	backend, err := eth.New(stack, &ethCfg)
	if err != nil {
		return nil, fmt.Errorf("create ethereum service: %w", err)
	}
	if got := backend.BlockChain().Config().ChainID; got == nil || got.Cmp(chainID) != 0 {
		return nil, fmt.Errorf("chain config has chain ID %v, configured chain ID is %s", got, chainID)
	}
	filterSystem := filters.NewFilterSystem(backend.APIBackend, filters.Config{
		LogCacheSize:  ethCfg.FilterLogCacheSize,
		LogQueryLimit: ethCfg.LogQueryLimit,
		RangeLimit:    ethCfg.RangeLimit,
	})
	stack.RegisterAPIs([]rpc.API{{Namespace: "eth", Service: filters.NewFilterAPI(filterSystem)}})

	beacon, err := catalyst.NewSimulatedBeacon(0, devAddr, backend)
	if err != nil {
		return nil, fmt.Errorf("create simulated beacon: %w", err)
	}
	// Period 0: no timer; the sealer seals a block whenever transactions
	// are executable. Lifecycles stop in reverse order: sealer, then beacon.
	stack.RegisterLifecycle(beacon)
	stack.RegisterLifecycle(newSealer(beacon, backend, cfg.Logger))

	if err := stack.Start(); err != nil {
		return nil, fmt.Errorf("start node (json-rpc on %s): %w", cfg.ListenAddr, err)
	}
	c := &Chain{
		stack:   stack,
		client:  ethclient.NewClient(stack.Attach()),
		rpcURL:  stack.HTTPEndpoint(),
		chainID: chainID,
		devKey:  devKey,
		devAddr: devAddr,
		log:     cfg.Logger,
	}
	if err := c.checkPredeploys(ctx, cfg.Predeploy); err != nil {
		c.client.Close()
		return nil, err
	}
	head, err := c.client.BlockNumber(ctx)
	if err != nil {
		c.client.Close()
		return nil, fmt.Errorf("read head: %w", err)
	}
	c.log.InfoContext(ctx, "dev chain started",
		"chain_id", cfg.ChainID, "rpc_url", c.rpcURL, "head", head,
		"dev_address", devAddr, "data_dir", cfg.DataDir, "new", !existing)
	return c, nil
}

// withDefaults fills zero fields and validates cfg, returning the listen host
// and port.
func (cfg Config) withDefaults() (Config, string, int, error) {
	if cfg.DataDir == "" {
		return cfg, "", 0, errors.New("data dir is required")
	}
	if cfg.ListenAddr == "" {
		cfg.ListenAddr = DefaultListenAddr
	}
	if cfg.ChainID == 0 {
		cfg.ChainID = DefaultChainID
	}
	if cfg.DatabaseCache == 0 {
		cfg.DatabaseCache = DefaultDatabaseCache
	}
	if cfg.DatabaseCache < 0 {
		return cfg, "", 0, fmt.Errorf("database cache %d MB is negative", cfg.DatabaseCache)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	host, portStr, err := net.SplitHostPort(cfg.ListenAddr)
	if err != nil {
		return cfg, "", 0, fmt.Errorf("listen address %q: %w", cfg.ListenAddr, err)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return cfg, "", 0, fmt.Errorf("listen address %q: invalid port", cfg.ListenAddr)
	}
	if !cfg.InsecureListenAnyAddress && !isLoopback(host) {
		return cfg, "", 0, fmt.Errorf("listen address %q is not loopback: the dev chain is for one machine (set InsecureListenAnyAddress to override)", cfg.ListenAddr)
	}
	if host == "" {
		// net.Listen treats an empty host as every interface; geth's node
		// treats an empty HTTPHost as "HTTP disabled".
		host = "0.0.0.0"
	}
	for addr, code := range cfg.Predeploy {
		if len(code) == 0 {
			return cfg, "", 0, fmt.Errorf("predeploy %s: empty bytecode", addr)
		}
	}
	return cfg, host, int(port), nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// storedChain reports whether the data dir already holds a chain and, if so,
// its chain ID. It opens the chain database briefly (the caller holds the data
// dir lock) so that eth.New can be told to reuse the stored genesis instead of
// writing a new one.
func storedChain(stack *node.Node, cache int) (bool, *big.Int, error) {
	if rawdb.PreexistingDatabase(stack.ResolvePath("chaindata")) == "" {
		return false, nil, nil
	}
	db, err := stack.OpenDatabaseWithOptions("chaindata", node.DatabaseOptions{Cache: cache})
	if err != nil {
		return false, nil, fmt.Errorf("open chain database: %w", err)
	}
	defer db.Close()
	ghash := rawdb.ReadCanonicalHash(db, 0)
	if ghash == (common.Hash{}) {
		return false, nil, nil // created but no genesis committed yet
	}
	cc := rawdb.ReadChainConfig(db, ghash)
	if cc == nil || cc.ChainID == nil {
		return false, nil, errors.New("chain database has a genesis block but no chain config")
	}
	return true, cc.ChainID, nil
}

// genesis builds a new chain's genesis: geth's developer genesis (all forks
// active, precompiles and system contracts present) with the chain ID set, the
// dev account funded and the predeployed contracts in place.
func genesis(chainID *big.Int, dev common.Address, predeploy map[common.Address][]byte) (*core.Genesis, error) {
	g := core.DeveloperGenesisBlock(ethconfig.Defaults.Miner.GasCeil, &dev)
	g.Config.ChainID = new(big.Int).Set(chainID) // g.Config is a copy, not the shared preset
	addrs := make([]common.Address, 0, len(predeploy))
	for addr := range predeploy {
		addrs = append(addrs, addr)
	}
	slices.SortFunc(addrs, func(a, b common.Address) int { return a.Cmp(b) })
	for _, addr := range addrs {
		if _, taken := g.Alloc[addr]; taken {
			return nil, fmt.Errorf("predeploy %s: address is reserved (precompile, system contract or dev account)", addr)
		}
		g.Alloc[addr] = types.Account{Code: bytes.Clone(predeploy[addr]), Nonce: 1, Balance: new(big.Int)}
	}
	return g, nil
}

// checkPredeploys verifies that every predeployed address holds its code.
func (c *Chain) checkPredeploys(ctx context.Context, predeploy map[common.Address][]byte) error {
	for addr, want := range predeploy {
		got, err := c.client.CodeAt(ctx, addr, nil)
		if err != nil {
			return fmt.Errorf("read code at predeploy %s: %w", addr, err)
		}
		if !bytes.Equal(got, want) {
			if len(got) == 0 {
				return fmt.Errorf("predeploy %s: no code at the address (the data dir's chain was created without it; remove the data dir to start a new chain)", addr)
			}
			return fmt.Errorf("predeploy %s: code differs from the configured bytecode (%d bytes on chain, %d configured; the data dir's chain was created by another build; remove the data dir to start a new chain)", addr, len(got), len(want))
		}
	}
	return nil
}

// Client returns an in-process RPC client (no HTTP) to the chain. It is
// shared; do not close it. It stops working after Close.
func (c *Chain) Client() *ethclient.Client { return c.client }

// RPCURL is the JSON-RPC HTTP endpoint, with the port actually bound, for
// example "http://127.0.0.1:8545".
func (c *Chain) RPCURL() string { return c.rpcURL }

// ChainID returns the chain ID (a copy).
func (c *Chain) ChainID() *big.Int { return new(big.Int).Set(c.chainID) }

// DevKey returns the funded development account's private key (a copy). The
// key is derived from the seed in the data dir, so it is the same on every
// start. It controls real funds only on this chain.
func (c *Chain) DevKey() *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.FromECDSA(c.devKey))
	if err != nil {
		panic("devchain: dev key no longer valid: " + err.Error()) // cannot happen: it was valid at Start
	}
	return k
}

// DevAddress returns the development account's address.
func (c *Chain) DevAddress() common.Address { return c.devAddr }

// Fund sends wei from the development account to addr and waits for the
// receipt. A failed (reverted) transfer is an error. Concurrent calls are
// serialized so that they use consecutive nonces.
func (c *Chain) Fund(ctx context.Context, addr common.Address, wei *big.Int) (*types.Receipt, error) {
	if wei == nil || wei.Sign() < 0 {
		return nil, fmt.Errorf("fund %s: amount must be non-negative", addr)
	}
	tx, err := c.sendFromDev(ctx, addr, wei)
	if err != nil {
		return nil, fmt.Errorf("fund %s: %w", addr, err)
	}
	receipt, err := WaitReceipt(ctx, c.client, tx.Hash())
	if err != nil {
		return nil, fmt.Errorf("fund %s: %w", addr, err)
	}
	if receipt.Status != types.ReceiptStatusSuccessful {
		return receipt, fmt.Errorf("fund %s: transaction %s reverted", addr, tx.Hash())
	}
	// The simulated beacon inserts a block (its receipts become readable)
	// before forkchoice makes it the head: wait for the head too, so that
	// a read at "latest" right after Fund sees the new balance.
	if err := c.waitHead(ctx, receipt.BlockNumber.Uint64()); err != nil {
		return receipt, fmt.Errorf("fund %s: %w", addr, err)
	}
	return receipt, nil
}

// waitHead polls until the chain's head is at block n or later.
func (c *Chain) waitHead(ctx context.Context, n uint64) error {
	for wait := firstPoll; ; wait = min(wait+wait/2, maxPoll) {
		h, err := c.client.HeaderByNumber(ctx, nil)
		if err != nil {
			return fmt.Errorf("read head: %w", err)
		}
		if h.Number.Uint64() >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for block %d to become the head: %w", n, context.Cause(ctx))
		case <-time.After(wait):
		}
	}
}

// sendFromDev signs and submits a value transfer from the dev account.
func (c *Chain) sendFromDev(ctx context.Context, to common.Address, wei *big.Int) (*types.Transaction, error) {
	c.fundMu.Lock()
	defer c.fundMu.Unlock()
	nonce, err := c.client.PendingNonceAt(ctx, c.devAddr)
	if err != nil {
		return nil, fmt.Errorf("read nonce: %w", err)
	}
	// The pool's pending nonce can lag right after a block is sealed (its
	// reset runs asynchronously), so concurrent Funds would reuse a nonce.
	nonce = max(nonce, c.nextNonce)
	head, err := c.client.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("read head: %w", err)
	}
	gas, err := c.client.EstimateGas(ctx, ethereum.CallMsg{From: c.devAddr, To: &to, Value: wei})
	if err != nil {
		return nil, fmt.Errorf("estimate gas: %w", err)
	}
	tip := big.NewInt(params.GWei)
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	tx, err := types.SignNewTx(c.devKey, types.LatestSignerForChainID(c.chainID), &types.DynamicFeeTx{
		ChainID:   c.chainID,
		Nonce:     nonce,
		GasTipCap: tip,
		GasFeeCap: feeCap,
		Gas:       gas,
		To:        &to,
		Value:     wei,
	})
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	if err := c.client.SendTransaction(ctx, tx); err != nil {
		c.nextNonce = 0 // re-read the pool's nonce next time
		return nil, fmt.Errorf("send: %w", err)
	}
	c.nextNonce = nonce + 1
	return tx, nil
}

// Close stops the RPC servers and the chain and flushes it to disk. It is
// idempotent; later calls return the first call's result.
func (c *Chain) Close() error {
	c.closeOnce.Do(func() {
		c.client.Close()
		c.closeErr = closeNode(c.stack)
		if c.closeErr == nil {
			c.log.Info("dev chain stopped")
		}
	})
	return c.closeErr
}

// closeNode stops the node and releases the data dir lock.
func closeNode(stack *node.Node) error {
	if err := stack.Close(); err != nil && !errors.Is(err, node.ErrNodeStopped) {
		return fmt.Errorf("close dev chain: %w", err)
	}
	return nil
}
