package ethr

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/chainid/chainid/did"
)

// Config tunes a Resolver and its indexers. The zero Config is valid.
type Config struct {
	// LogRange is the number of blocks one eth_getLogs call covers while
	// indexing. Default 2000.
	LogRange uint64
	// RPCTimeout bounds every call to a node. Default 10 s.
	RPCTimeout time.Duration
	// HeadFreshness lets a resolution reuse a head check made less than
	// this long ago instead of asking the node again. Default 0: every
	// resolution checks the head (one call) and fails when the node does
	// not answer. A positive value trades that guarantee for fewer calls:
	// within the window, changes newer than the last check are not seen.
	HeadFreshness time.Duration
	// Now is the clock against which delegate and attribute validity
	// (validTo) is checked for the latest version; historical versions use
	// the timestamp of the requested block. Default time.Now.
	Now func() time.Time
	// Logger receives reorg notices (info) and indexing progress (debug).
	// Default: discard.
	Logger *slog.Logger
}

const (
	// DefaultLogRange is Config.LogRange's default.
	DefaultLogRange = 2000
	// DefaultRPCTimeout is Config.RPCTimeout's default.
	DefaultRPCTimeout = 10 * time.Second
)

func (c Config) withDefaults() Config {
	if c.LogRange == 0 {
		c.LogRange = DefaultLogRange
	}
	if c.RPCTimeout <= 0 {
		c.RPCTimeout = DefaultRPCTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Resolver resolves did:ethr DIDs on the configured networks from the event
// index, after a head check. It is safe for concurrent use.
type Resolver struct {
	store    IndexStore
	cfg      Config
	indexers []*Indexer
	byKey    map[string]*Indexer
}

// NewResolver returns a Resolver for networks, indexing into store. Each
// network needs a chain ID and a client; two networks may not answer to
// the same name or chain ID. It does no I/O: chain IDs are checked on
// first use.
func NewResolver(store IndexStore, networks []Network, cfg Config) (*Resolver, error) {
	if store == nil {
		return nil, errors.New("new ethr resolver: nil store")
	}
	if len(networks) == 0 {
		return nil, errors.New("new ethr resolver: no networks configured")
	}
	cfg = cfg.withDefaults()
	r := &Resolver{store: store, cfg: cfg, byKey: map[string]*Indexer{}}
	for _, n := range networks {
		ix, err := NewIndexer(store, n, cfg)
		if err != nil {
			return nil, fmt.Errorf("new ethr resolver: %w", err)
		}
		for _, k := range networkKeys(&ix.net) {
			if _, dup := r.byKey[k]; dup {
				return nil, fmt.Errorf("new ethr resolver: two networks answer to %q", k)
			}
			r.byKey[k] = ix
		}
		r.indexers = append(r.indexers, ix)
	}
	return r, nil
}

// Sync brings the index of every network up to its chain's head; call it at
// start to index before the first resolution, and to check the nodes.
func (r *Resolver) Sync(ctx context.Context) error {
	var errs []error
	for _, ix := range r.indexers {
		if _, err := ix.Sync(ctx); err != nil {
			errs = append(errs, fmt.Errorf("sync network %q (chain %s): %w", ix.net.Name, ix.net.ChainID, err))
		}
	}
	return errors.Join(errs...)
}

// Resolve resolves a did:ethr DID to its document and metadata, producing
// what ethr-did-resolver 11.1.3 produces for the same chain state (as
// application/did+ld+json, with its three contexts).
//
// opts.VersionID selects the document as of that block number (read the
// way the reference reads it, with JavaScript's parseInt; text without
// digits means the latest version). Metadata carries versionId and
// updated (the newest change at or below it), nextVersionId and nextUpdate
// (the next change, for a historical version) and deactivated.
//
// Each call checks the chain head first (one RPC, plus indexing when the
// head moved); if the node fails or times out, the error wraps
// ErrChainUnavailable and nothing is answered from the index alone.
// Errors: did.ErrInvalidDID (malformed identifier, bad checksum, invalid
// public key), ErrUnknownNetwork with did.ErrNotFound (no such network),
// did.ErrNotFound (a version beyond the head, a malformed registry
// history), ErrWrongChain, ErrChainUnavailable, or store failures.
func (r *Resolver) Resolve(ctx context.Context, id did.DID, opts did.ResolveOptions) (*did.Document, did.DocumentMetadata, error) {
	started := time.Now()
	doc, meta, err := r.resolve(ctx, id, opts, started)
	if err != nil {
		return nil, did.DocumentMetadata{}, fmt.Errorf("resolve %s: %w", id, err)
	}
	return doc, meta, nil
}

func (r *Resolver) resolve(ctx context.Context, id did.DID, opts did.ResolveOptions, started time.Time) (*did.Document, did.DocumentMetadata, error) {
	var meta did.DocumentMetadata
	network, address, pub, err := ParseDID(id)
	if err != nil {
		return nil, meta, err
	}
	ix, ok := r.byKey[network]
	if !ok {
		return nil, meta, fmt.Errorf("%w: no configuration for network %q: %w", ErrUnknownNetwork, network, did.ErrNotFound)
	}
	atBlock := int64(-1)
	if opts.VersionID != "" {
		n, ok, err := parseVersionID(opts.VersionID)
		if err != nil {
			return nil, meta, fmt.Errorf("versionId %q: %w: %w", opts.VersionID, err, did.ErrNotFound)
		}
		if ok {
			atBlock = int64(min(n, math.MaxInt64))
		}
	}
	head, err := ix.syncFor(ctx, started)
	if err != nil {
		return nil, meta, err
	}
	now := uint64(max(r.cfg.Now().Unix(), 0))
	var changes []IndexedChange
	if head.Indexed {
		changes, err = r.store.ChainIndexChanges(ctx, ix.net.ChainID, ix.reg, address)
		if err != nil {
			return nil, meta, err
		}
	}
	if atBlock >= 0 {
		if !head.Indexed || uint64(atBlock) > head.Tip.Number {
			return nil, meta, fmt.Errorf("block %d is beyond the indexed head: %w", atBlock, did.ErrNotFound)
		}
		if now, err = r.blockTime(ctx, ix, uint64(atBlock), head.Tip, changes); err != nil {
			return nil, meta, err
		}
	}
	history := make([]change, 0, len(changes))
	for i := range changes {
		c, skip, err := decodeChange(changes[i].Event, changes[i].Block.Number, changes[i].Block.Time)
		if err != nil {
			return nil, meta, fmt.Errorf("registry event in block %d: %w: %w", changes[i].Block.Number, err, did.ErrNotFound)
		}
		if !skip {
			history = append(history, c)
		}
	}
	controllerKey := ""
	if pub != nil {
		controllerKey = id.ID[len(id.ID)-2*len(pub):]
	}
	b := buildDocument(id.String(), address, controllerKey, history, ix.net.ChainID, atBlock, now)
	meta.Deactivated = b.deactivated
	if b.version != nil {
		meta.VersionID = strconv.FormatUint(b.version.block, 10)
		meta.Updated = isoTime(b.version.blockTime)
	}
	if b.next != nil {
		meta.NextVersionID = strconv.FormatUint(b.next.block, 10)
		meta.NextUpdate = isoTime(b.next.blockTime)
	}
	return b.doc, meta, nil
}

// blockTime returns the timestamp of block n: from the index when a change
// or the tip is in that block, otherwise from the node (one call).
func (r *Resolver) blockTime(ctx context.Context, ix *Indexer, n uint64, tip IndexedBlock, changes []IndexedChange) (uint64, error) {
	if n == tip.Number {
		return tip.Time, nil
	}
	for i := range changes {
		if changes[i].Block.Number == n {
			return changes[i].Block.Time, nil
		}
	}
	h, err := ix.header(ctx, new(big.Int).SetUint64(n))
	if err != nil {
		return 0, notFoundIsUnavailable(err, ix, n)
	}
	return h.Time, nil
}

// isoTime formats a block timestamp as the reference does:
// Date.toISOString() without milliseconds.
func isoTime(t uint64) string {
	return time.Unix(int64(min(t, math.MaxInt64)), 0).UTC().Format("2006-01-02T15:04:05Z")
}
