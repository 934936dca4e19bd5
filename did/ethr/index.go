package ethr

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/chainid/chainid/did/ethr/registry"
)

// Sentinel errors callers branch on.
var (
	// ErrChainUnavailable reports a chain node that failed, timed out or
	// answered something inconsistent. Resolution fails with it rather than
	// answer from the index alone.
	ErrChainUnavailable = errors.New("chain unavailable")
	// ErrWrongChain reports a node whose eth_chainId differs from the
	// configured chain ID.
	ErrWrongChain = errors.New("wrong chain")
	// ErrUnknownNetwork reports a DID whose network part names no
	// configured network (ethr-did-resolver's "unknownNetwork"). Errors
	// wrapping it also wrap did.ErrNotFound.
	ErrUnknownNetwork = errors.New("unknown network")
)

// Client is the chain access the index needs: the chain ID, headers (the
// head when number is nil) and logs. *ethclient.Client and the simulated
// backend's client satisfy it. Implementations must be safe for concurrent
// use; a header that does not exist is reported as ethereum.NotFound.
type Client interface {
	ChainID(ctx context.Context) (*big.Int, error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
}

// IndexedBlock is a block of an indexed chain: number, hash and timestamp
// (Unix seconds).
//
// IndexedBlock and IndexedChange are aliases of unnamed struct types so
// that the store (internal/store declares the identical ChainBlock and
// ChainChange) implements IndexStore without importing this package.
type IndexedBlock = struct {
	Number uint64
	Hash   [32]byte
	Time   uint64
}

// IndexedChange is one registry event in the index: the identity (topic 1),
// the block that carried it, its transaction and log index in that block,
// and the event encoded by this package (opaque to the store).
type IndexedChange = struct {
	Identity [20]byte
	Block    IndexedBlock
	TxIndex  uint32
	LogIndex uint32
	Event    []byte
}

// IndexStore persists the event index of registries on many chains; a
// chain's index is identified by its chain ID and registry address.
// internal/store's *Store implements it in bbolt. Implementations must be
// safe for concurrent use; each method is atomic. The index of one chain
// has one writer at a time (an Indexer serializes its own writes).
type IndexStore interface {
	// ChainIndexTip returns the last indexed block; ok is false when
	// nothing has been indexed.
	ChainIndexTip(ctx context.Context, chainID *big.Int, registry [20]byte) (tip IndexedBlock, ok bool, err error)
	// ChainIndexChanges returns identity's changes ordered by (block,
	// transaction index, log index).
	ChainIndexChanges(ctx context.Context, chainID *big.Int, registry [20]byte, identity [20]byte) ([]IndexedChange, error)
	// ChainIndexBlocks returns the blocks at or below maxNumber that
	// carried changes, newest first, at most limit.
	ChainIndexBlocks(ctx context.Context, chainID *big.Int, registry [20]byte, maxNumber uint64, limit int) ([]IndexedBlock, error)
	// ChainIndexAppend adds changes above the current tip and moves the
	// tip forward to tip.
	ChainIndexAppend(ctx context.Context, chainID *big.Int, registry [20]byte, changes []IndexedChange, tip IndexedBlock) error
	// ChainIndexRewind deletes the changes above tip.Number and sets the
	// tip to tip.
	ChainIndexRewind(ctx context.Context, chainID *big.Int, registry [20]byte, tip IndexedBlock) error
}

// Network is one chain with an ERC-1056 registry.
type Network struct {
	// Name is the network part of DIDs on this chain ("mainnet",
	// "sepolia", "dev"); optional. DIDs may also name the chain by its ID in
	// hex ("0x539"). A DID without a network part means "mainnet".
	Name string
	// ChainID is the chain's EIP-155 ID; required. The node's eth_chainId
	// must equal it (ErrWrongChain otherwise).
	ChainID *big.Int
	// Registry is the address of the EthereumDIDRegistry contract.
	Registry common.Address
	// Client reaches a node of the chain.
	Client Client
	// FromBlock is the first block indexed (the registry's deployment
	// block; 0 indexes from genesis).
	FromBlock uint64
	// Confirmations is how many blocks must follow a block before it is
	// indexed. Default 0: the head is indexed (right for a dev chain, and
	// what ethr-did-resolver does); a reorg deeper than this is still
	// detected and rewound.
	Confirmations uint64
}

// Indexer follows one registry's logs on one chain into an IndexStore. It
// is safe for concurrent use; concurrent syncs are serialized.
type Indexer struct {
	store IndexStore
	net   Network
	cfg   Config
	log   *slog.Logger
	reg   [20]byte

	contract *registry.EthereumDIDRegistry
	topics   [3]common.Hash // DIDOwnerChanged, DIDDelegateChanged, DIDAttributeChanged

	mu       sync.Mutex
	verified bool      // eth_chainId checked
	last     Head      // result of the last successful sync
	lastHash [32]byte  // head hash seen by it
	lastSync time.Time // when it completed (monotonic clock)
}

// Head is the state of an index after a sync.
type Head struct {
	// Head is the chain's head block number at the sync.
	Head uint64
	// Tip is the last indexed block (Head − Confirmations).
	Tip IndexedBlock
	// Indexed is false when the chain is still shorter than
	// FromBlock + Confirmations (nothing indexed yet).
	Indexed bool
}

// maxWalkBack bounds the blocks compared when looking for a reorg's fork
// point; a deeper divergence re-indexes from FromBlock.
const maxWalkBack = 64

// NewIndexer returns an Indexer for net. It does no I/O.
func NewIndexer(store IndexStore, net Network, cfg Config) (*Indexer, error) {
	if store == nil {
		return nil, errors.New("new ethr indexer: nil store")
	}
	if net.Client == nil {
		return nil, fmt.Errorf("new ethr indexer: network %q has no client", net.Name)
	}
	if net.ChainID == nil || net.ChainID.Sign() <= 0 {
		return nil, fmt.Errorf("new ethr indexer: network %q needs a positive chain ID", net.Name)
	}
	net.ChainID = new(big.Int).Set(net.ChainID)
	cfg = cfg.withDefaults()
	contract := registry.NewEthereumDIDRegistry()
	a := contract.GetABI()
	return &Indexer{
		store: store, net: net, cfg: cfg, log: cfg.Logger, reg: net.Registry, contract: contract,
		topics: [3]common.Hash{a.Events["DIDOwnerChanged"].ID, a.Events["DIDDelegateChanged"].ID, a.Events["DIDAttributeChanged"].ID},
	}, nil
}

// Network returns the indexed network.
func (ix *Indexer) Network() Network { return ix.net }

// rpcCall bounds one node call by Config.RPCTimeout and maps its failure to
// ErrChainUnavailable.
func rpcCall[T any](ctx context.Context, ix *Indexer, what string, f func(context.Context) (T, error)) (T, error) {
	cctx, cancel := context.WithTimeout(ctx, ix.cfg.RPCTimeout)
	defer cancel()
	v, err := f(cctx)
	if err != nil {
		var zero T
		if errors.Is(err, ethereum.NotFound) {
			return zero, err
		}
		return zero, fmt.Errorf("%w: chain %s: %s: %w", ErrChainUnavailable, ix.net.ChainID, what, err)
	}
	return v, nil
}

func (ix *Indexer) header(ctx context.Context, number *big.Int) (*types.Header, error) {
	what := "eth_getBlockByNumber(latest)"
	if number != nil {
		what = "eth_getBlockByNumber(" + number.String() + ")"
	}
	h, err := rpcCall(ctx, ix, what, func(c context.Context) (*types.Header, error) {
		return ix.net.Client.HeaderByNumber(c, number)
	})
	if err == nil && (h == nil || h.Number == nil || (number != nil && h.Number.Cmp(number) != 0)) {
		return nil, fmt.Errorf("%w: chain %s: %s returned an inconsistent header", ErrChainUnavailable, ix.net.ChainID, what)
	}
	return h, err
}

// Sync brings the index up to the chain's head (less Confirmations): it
// verifies the chain ID once, reads the head, detects a reorg by comparing
// the indexed tip's hash with the chain's and rewinds to the newest block
// both agree on, then indexes the new blocks with eth_getLogs in ranges of
// Config.LogRange blocks. When the head has not changed since the last
// sync, it costs one call. Errors wrap ErrChainUnavailable or
// ErrWrongChain, or are store failures.
func (ix *Indexer) Sync(ctx context.Context) (Head, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.syncLocked(ctx)
}

// syncFor is Sync for a resolution that started at started: it reuses a
// sync that completed after started (a concurrent resolution did the work
// while this one waited for the lock) or within Config.HeadFreshness.
func (ix *Indexer) syncFor(ctx context.Context, started time.Time) (Head, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.last.Indexed {
		if ix.lastSync.After(started) {
			return ix.last, nil
		}
		if f := ix.cfg.HeadFreshness; f > 0 && time.Since(ix.lastSync) < f {
			return ix.last, nil
		}
	}
	return ix.syncLocked(ctx)
}

func (ix *Indexer) syncLocked(ctx context.Context) (Head, error) {
	if !ix.verified {
		if err := ix.checkChainID(ctx); err != nil {
			return Head{}, err
		}
	}
	head, err := ix.header(ctx, nil)
	if err != nil {
		return Head{}, err
	}
	if ix.last.Indexed && head.Hash() == ix.lastHash {
		ix.lastSync = time.Now()
		return ix.last, nil
	}
	ix.last = Head{}
	res, err := ix.advance(ctx, head)
	if err != nil {
		return Head{}, err
	}
	ix.last, ix.lastHash, ix.lastSync = res, head.Hash(), time.Now()
	return res, nil
}

// checkChainID compares the node's eth_chainId with the configured one.
func (ix *Indexer) checkChainID(ctx context.Context) error {
	ix.verified = false
	id, err := rpcCall(ctx, ix, "eth_chainId", ix.net.Client.ChainID)
	if err != nil {
		return err
	}
	if id.Cmp(ix.net.ChainID) != 0 {
		return fmt.Errorf("%w: network %q is configured as chain %s but the node serves chain %s", ErrWrongChain, ix.net.Name, ix.net.ChainID, id)
	}
	ix.verified = true
	return nil
}

func blockOf(h *types.Header) IndexedBlock {
	return IndexedBlock{Number: h.Number.Uint64(), Hash: h.Hash(), Time: h.Time}
}

// advance reconciles the stored tip with the chain and indexes up to
// head − Confirmations.
func (ix *Indexer) advance(ctx context.Context, head *types.Header) (Head, error) {
	hn := head.Number.Uint64()
	res := Head{Head: hn}
	if hn < ix.net.FromBlock+ix.net.Confirmations {
		return res, nil
	}
	target := hn - ix.net.Confirmations
	targetHeader := head
	if target != hn {
		var err error
		if targetHeader, err = ix.header(ctx, new(big.Int).SetUint64(target)); err != nil {
			return res, notFoundIsUnavailable(err, ix, target)
		}
	}
	tip, ok, err := ix.store.ChainIndexTip(ctx, ix.net.ChainID, ix.reg)
	if err != nil {
		return res, err
	}
	if ok {
		tip, ok, err = ix.reconcile(ctx, tip, targetHeader)
		if err != nil {
			return res, err
		}
	}
	from := ix.net.FromBlock
	if ok {
		from = tip.Number + 1
	}
	for from <= target {
		to := min(target, from+ix.cfg.LogRange-1)
		end := targetHeader
		if to != target {
			if end, err = ix.header(ctx, new(big.Int).SetUint64(to)); err != nil {
				return res, notFoundIsUnavailable(err, ix, to)
			}
		}
		changes, err := ix.fetch(ctx, from, to, end)
		if err != nil {
			return res, err
		}
		if err := ix.store.ChainIndexAppend(ctx, ix.net.ChainID, ix.reg, changes, blockOf(end)); err != nil {
			return res, err
		}
		if len(changes) > 0 {
			ix.log.DebugContext(ctx, "ethr index advanced", "chain_id", ix.net.ChainID.String(), "from", from, "to", to, "changes", len(changes))
		}
		from = to + 1
	}
	res.Tip, res.Indexed = blockOf(targetHeader), true
	return res, nil
}

func notFoundIsUnavailable(err error, ix *Indexer, n uint64) error {
	if errors.Is(err, ethereum.NotFound) {
		return fmt.Errorf("%w: chain %s: block %d below the head is missing: %w", ErrChainUnavailable, ix.net.ChainID, n, err)
	}
	return err
}

// reconcile checks the stored tip against the chain and rewinds past a
// reorg. It returns the tip to continue from (ok false: start over at
// FromBlock).
func (ix *Indexer) reconcile(ctx context.Context, tip IndexedBlock, target *types.Header) (IndexedBlock, bool, error) {
	tn := target.Number.Uint64()
	switch {
	case tip.Number == tn && tip.Hash == target.Hash():
		return tip, true, nil
	case tip.Number+1 == tn && tip.Hash == target.ParentHash:
		return tip, true, nil
	}
	if tip.Number < tn {
		h, err := ix.header(ctx, new(big.Int).SetUint64(tip.Number))
		if err != nil {
			return tip, false, notFoundIsUnavailable(err, ix, tip.Number)
		}
		if h.Hash() == tip.Hash {
			return tip, true, nil
		}
	}
	// The chain no longer has the indexed tip: a reorg, or a node that now
	// serves another chain. Check the latter before deleting anything, then
	// walk back through the blocks that carried events to the newest one
	// the chain still has.
	if err := ix.checkChainID(ctx); err != nil {
		return tip, false, err
	}
	ix.log.InfoContext(ctx, "ethr index reorg detected", "chain_id", ix.net.ChainID.String(), "indexed_tip", tip.Number, "target", tn)
	blocks, err := ix.store.ChainIndexBlocks(ctx, ix.net.ChainID, ix.reg, min(tip.Number, tn), maxWalkBack)
	if err != nil {
		return tip, false, err
	}
	for _, b := range blocks {
		h, err := ix.header(ctx, new(big.Int).SetUint64(b.Number))
		if err != nil {
			return tip, false, notFoundIsUnavailable(err, ix, b.Number)
		}
		if h.Hash() == b.Hash {
			if err := ix.store.ChainIndexRewind(ctx, ix.net.ChainID, ix.reg, b); err != nil {
				return tip, false, err
			}
			ix.log.InfoContext(ctx, "ethr index rewound", "chain_id", ix.net.ChainID.String(), "to_block", b.Number)
			return b, true, nil
		}
	}
	// Nothing matched within reach: drop the whole index of this chain.
	var base IndexedBlock
	base.Number = ix.net.FromBlock
	if base.Number > 0 {
		base.Number--
	}
	h, err := ix.header(ctx, new(big.Int).SetUint64(base.Number))
	if err != nil {
		return tip, false, notFoundIsUnavailable(err, ix, base.Number)
	}
	base = blockOf(h)
	if err := ix.store.ChainIndexRewind(ctx, ix.net.ChainID, ix.reg, base); err != nil {
		return tip, false, err
	}
	ix.log.InfoContext(ctx, "ethr index rewound", "chain_id", ix.net.ChainID.String(), "to_block", base.Number)
	return base, true, nil
}

// fetch reads the registry logs of blocks from..to and turns them into
// index changes. end is the header of block to.
func (ix *Indexer) fetch(ctx context.Context, from, to uint64, end *types.Header) ([]IndexedChange, error) {
	q := ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from),
		ToBlock:   new(big.Int).SetUint64(to),
		Addresses: []common.Address{ix.net.Registry},
		Topics:    [][]common.Hash{ix.topics[:]},
	}
	what := fmt.Sprintf("eth_getLogs(%d..%d)", from, to)
	logs, err := rpcCall(ctx, ix, what, func(c context.Context) ([]types.Log, error) {
		return ix.net.Client.FilterLogs(c, q)
	})
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: chain %s: %s: %s", ErrChainUnavailable, ix.net.ChainID, what, fmt.Sprintf(format, args...))
	}
	times := map[uint64]uint64{to: end.Time}
	hashes := map[uint64]common.Hash{to: end.Hash()}
	changes := make([]IndexedChange, 0, len(logs))
	for i := range logs {
		l := &logs[i]
		if l.Removed {
			continue
		}
		if l.Address != ix.net.Registry || l.BlockNumber < from || l.BlockNumber > to {
			return nil, bad("log from %s in block %d is outside the query", l.Address.Hex(), l.BlockNumber)
		}
		if h, ok := hashes[l.BlockNumber]; ok && h != l.BlockHash {
			return nil, bad("logs of block %d carry different block hashes", l.BlockNumber)
		}
		hashes[l.BlockNumber] = l.BlockHash
		if len(l.Topics) < 2 || !slices.Contains(ix.topics[:], l.Topics[0]) {
			continue
		}
		t, ok := times[l.BlockNumber]
		if !ok {
			if t = l.BlockTimestamp; t == 0 {
				h, err := ix.header(ctx, new(big.Int).SetUint64(l.BlockNumber))
				if err != nil {
					return nil, notFoundIsUnavailable(err, ix, l.BlockNumber)
				}
				if h.Hash() != l.BlockHash {
					return nil, bad("block %d changed while it was read", l.BlockNumber)
				}
				t = h.Time
			}
			times[l.BlockNumber] = t
		}
		c := IndexedChange{
			Block:    IndexedBlock{Number: l.BlockNumber, Hash: l.BlockHash, Time: t},
			TxIndex:  uint32(l.TxIndex),
			LogIndex: uint32(l.Index),
			Event:    ix.encodeLog(l),
		}
		copy(c.Identity[:], l.Topics[1][12:])
		changes = append(changes, c)
	}
	return changes, nil
}

// encodeLog decodes a registry log with the generated bindings and
// re-encodes it compactly; a log that does not decode is kept as
// kindMalformed so that resolving its identity fails, as it does in the
// reference.
func (ix *Indexer) encodeLog(l *types.Log) []byte {
	c := ix.contract
	malformed := []byte{eventCodecV1, byte(kindMalformed)}
	switch l.Topics[0] {
	case ix.topics[0]:
		ev, err := c.UnpackDIDOwnerChangedEvent(l)
		if err != nil {
			return malformed
		}
		return encodeOwner(ev.Owner)
	case ix.topics[1]:
		ev, err := c.UnpackDIDDelegateChangedEvent(l)
		if err != nil {
			return malformed
		}
		return encodeDelegate(ev.DelegateType, ev.Delegate, ev.ValidTo)
	default:
		ev, err := c.UnpackDIDAttributeChangedEvent(l)
		if err != nil {
			return malformed
		}
		return encodeAttribute(ev.Name, ev.Value, ev.ValidTo)
	}
}
