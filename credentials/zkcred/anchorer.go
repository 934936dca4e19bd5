package zkcred

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/resolver"
	"github.com/chainid/chainid/zkp"
)

// AttributeWriter writes ERC-1056 attributes of an issuer's did:ethr
// identity and returns once the transaction is mined (cmd/chainid wraps a
// did/ethr/registry Writer with the DID's owner key).
type AttributeWriter interface {
	SetAttribute(ctx context.Context, issuerDID, name string, value []byte, validity time.Duration) error
	RevokeAttribute(ctx context.Context, issuerDID, name string, value []byte) error
}

// DocumentResolver resolves a DID to its document; *resolver.Resolver
// satisfies it. The Anchorer asks with NoCache set: it must see what is on
// chain now.
type DocumentResolver interface {
	Resolve(ctx context.Context, did string, opts resolver.Options) (*resolver.Result, error)
}

// AnchorStore keeps each issuer's anchoring state; *store.Store satisfies
// it. Both methods fail with an error wrapping store.ErrNotFound for an
// issuer without a ZK record.
type AnchorStore interface {
	ZKIssuer(ctx context.Context, issuer string) (store.ZKIssuerRecord, error)
	UpdateZKIssuer(ctx context.Context, issuer string, fn func(store.ZKIssuerRecord) (store.ZKIssuerRecord, error)) (store.ZKIssuerRecord, error)
}

// DefaultAnchorValidity is how long an anchor attribute stays valid on the
// registry (ERC-1056 attributes expire).
const DefaultAnchorValidity = 10 * 365 * 24 * time.Hour

// AnchorerConfig configures an Anchorer; the zero value is valid.
type AnchorerConfig struct {
	// Validity of each attribute; zero means DefaultAnchorValidity.
	Validity time.Duration
	// Logger receives failures to revoke superseded values (which are
	// harmless: ReadAnchors takes the highest sequence number, and the
	// next anchoring retries); nil discards.
	Logger *slog.Logger
}

// Anchorer publishes an issuer's ZK anchors. For each value it first reads
// the issuer's document from the chain (uncached); if the value that
// ReadAnchors would take from it already is the one to anchor, it does
// nothing. Otherwise it allocates the sequence number one above both the
// stored one and the highest on chain (stored before the transaction is
// sent, so a number is never reused even across crashes, and a store reset
// or restored from a backup can never publish below what verifiers already
// see), adds the new attribute, and then revokes the values it supersedes,
// including older ones found on chain that the store does not know.
// Anchorings of one issuer are serialized. It is safe for concurrent use.
type Anchorer struct {
	w     AttributeWriter
	res   DocumentResolver
	st    AnchorStore
	cfg   AnchorerConfig
	locks sync.Map // issuer DID → *sync.Mutex
}

// NewAnchorer returns an Anchorer writing through w, reading the chain
// through res, with state in st. All three are required.
func NewAnchorer(w AttributeWriter, res DocumentResolver, st AnchorStore, cfg AnchorerConfig) (*Anchorer, error) {
	if w == nil || res == nil || st == nil {
		return nil, errors.New("new zk anchorer: nil writer, resolver or store")
	}
	if cfg.Validity <= 0 {
		cfg.Validity = DefaultAnchorValidity
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Anchorer{w: w, res: res, st: st, cfg: cfg}, nil
}

func (a *Anchorer) lock(issuer string) func() {
	m, _ := a.locks.LoadOrStore(issuer, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// AnchorIssuerKey publishes the issuer's ZK public key.
func (a *Anchorer) AnchorIssuerKey(ctx context.Context, issuerDID string, pk zkp.IssuerPublicKey) error {
	defer a.lock(issuerDID)()
	_, err := a.anchor(ctx, issuerDID, AttrIssuerKey, func(seq uint64) string { return IssuerKeyValue(seq, pk) })
	return err
}

// AnchorVerifyingKey publishes the digest of the ZK verifying key.
func (a *Anchorer) AnchorVerifyingKey(ctx context.Context, issuerDID string, digest [32]byte) error {
	defer a.lock(issuerDID)()
	_, err := a.anchor(ctx, issuerDID, AttrVerifyingKey, func(seq uint64) string { return VerifyingKeyValue(seq, digest) })
	return err
}

// AnchorStatus publishes the status root that root returns. root runs
// under the issuer's anchoring lock, after every earlier anchoring of the
// issuer finished, so a root computed after a list change is never
// overtaken by one computed before it. It returns the anchored root.
func (a *Anchorer) AnchorStatus(ctx context.Context, issuerDID string, root func(context.Context) (fr.Element, error)) (fr.Element, error) {
	defer a.lock(issuerDID)()
	r, err := root(ctx)
	if err != nil {
		return fr.Element{}, fmt.Errorf("anchor zk status root of %s: %w", issuerDID, err)
	}
	if _, err := a.anchor(ctx, issuerDID, AttrStatusRoot, func(seq uint64) string { return StatusRootValue(seq, r) }); err != nil {
		return fr.Element{}, err
	}
	return r, nil
}

// anchor publishes value(seq) under name unless the chain's current value
// has its payload, then revokes superseded values. It returns whether it
// sent a new value.
func (a *Anchorer) anchor(ctx context.Context, issuer, name string, value func(seq uint64) string) (bool, error) {
	chain, err := a.readChain(ctx, issuer, name)
	if err != nil {
		return false, fmt.Errorf("anchor %s of %s: %w", name, issuer, err)
	}
	if cur, ok := chain.current(); ok && AnchorPayload(cur) == AnchorPayload(value(1)) {
		if _, err := a.st.UpdateZKIssuer(ctx, issuer, func(r store.ZKIssuerRecord) (store.ZKIssuerRecord, error) {
			st := r.Anchors[name]
			st.Seq = max(st.Seq, chain.top)
			st.Stale = addStale(st.Stale, cur, st.Current, chain.values)
			st.Current = cur
			r.Anchors = withState(r.Anchors, name, st)
			return r, nil
		}); err != nil {
			return false, fmt.Errorf("anchor %s of %s: %w", name, issuer, err)
		}
		a.revokeStale(ctx, issuer, name)
		return false, nil
	}
	var seq uint64
	if _, err := a.st.UpdateZKIssuer(ctx, issuer, func(r store.ZKIssuerRecord) (store.ZKIssuerRecord, error) {
		st := r.Anchors[name]
		st.Seq = max(st.Seq, chain.top)
		if st.Seq >= MaxAnchorSeq {
			return r, fmt.Errorf("sequence numbers of %s are exhausted", name)
		}
		st.Seq++
		seq = st.Seq
		r.Anchors = withState(r.Anchors, name, st)
		return r, nil
	}); err != nil {
		return false, fmt.Errorf("anchor %s of %s: %w", name, issuer, err)
	}
	v := value(seq)
	if err := a.w.SetAttribute(ctx, issuer, name, []byte(v), a.cfg.Validity); err != nil {
		return false, fmt.Errorf("anchor %s of %s: %w", name, issuer, err)
	}
	if _, err := a.st.UpdateZKIssuer(ctx, issuer, func(r store.ZKIssuerRecord) (store.ZKIssuerRecord, error) {
		st := r.Anchors[name]
		st.Stale = addStale(st.Stale, v, st.Current, chain.values)
		st.Current = v
		r.Anchors = withState(r.Anchors, name, st)
		return r, nil
	}); err != nil {
		return true, fmt.Errorf("anchor %s of %s: anchored %q but not recorded: %w", name, issuer, v, err)
	}
	a.revokeStale(ctx, issuer, name)
	return true, nil
}

// chainAnchors are the values of one anchor kind in an issuer's document
// on chain.
type chainAnchors struct {
	// values are the endpoints of the kind's services that carry the
	// kind's value prefix, well-formed or not, in document order.
	values []string
	// top is the highest valid sequence number among them (0: none), and
	// atTop the distinct values carrying it.
	top   uint64
	atTop []string
}

// current returns the value ReadAnchors takes for the kind: the only one
// with the highest sequence number.
func (c chainAnchors) current() (string, bool) {
	if len(c.atTop) != 1 {
		return "", false
	}
	return c.atTop[0], true
}

// readChain resolves issuer, bypassing any cache, and collects the values
// of the anchor attribute name.
func (a *Anchorer) readChain(ctx context.Context, issuer, name string) (chainAnchors, error) {
	r, err := a.res.Resolve(ctx, issuer, resolver.Options{NoCache: true})
	if err != nil {
		return chainAnchors{}, fmt.Errorf("read the anchored values: %w", err)
	}
	if r == nil || r.Document == nil || r.DocumentMetadata.Deactivated {
		return chainAnchors{}, errors.New("read the anchored values: no active DID document")
	}
	kind, _ := strings.CutPrefix(name, "did/svc/")
	prefix := valuePrefix[kind]
	var c chainAnchors
	for _, svc := range r.Document.Service {
		var v string
		if !svc.Type.Contains(kind) || json.Unmarshal(svc.ServiceEndpoint, &v) != nil || !strings.HasPrefix(v, prefix) {
			continue
		}
		c.values = append(c.values, v)
		m := anchorValue.FindStringSubmatch(v[len(prefix):])
		if m == nil {
			continue
		}
		seq, err := strconv.ParseUint(m[1], 10, 64)
		switch {
		case err != nil || seq > MaxAnchorSeq:
		case seq > c.top:
			c.top, c.atTop = seq, []string{v}
		case seq == c.top && !slices.Contains(c.atTop, v):
			c.atTop = append(c.atTop, v)
		}
	}
	return c, nil
}

// addStale adds the previous current value and the values found on chain,
// except cur, to stale.
func addStale(stale []string, cur, prev string, onChain []string) []string {
	for _, v := range append([]string{prev}, onChain...) {
		if v != "" && v != cur && !slices.Contains(stale, v) {
			stale = append(stale, v)
		}
	}
	return stale
}

// revokeStale revokes the superseded values of name; failures stay
// recorded for the next anchoring.
func (a *Anchorer) revokeStale(ctx context.Context, issuer, name string) {
	rec, err := a.st.ZKIssuer(ctx, issuer)
	if err != nil {
		return
	}
	var done []string
	for _, old := range rec.Anchors[name].Stale {
		if err := a.w.RevokeAttribute(ctx, issuer, name, []byte(old)); err != nil {
			a.cfg.Logger.WarnContext(ctx, "zk anchor: revoking a superseded value failed; it stays until the next anchoring",
				"issuer", issuer, "attribute", name, "error", err)
			continue
		}
		done = append(done, old)
	}
	if len(done) == 0 {
		return
	}
	if _, err := a.st.UpdateZKIssuer(ctx, issuer, func(r store.ZKIssuerRecord) (store.ZKIssuerRecord, error) {
		st := r.Anchors[name]
		st.Stale = slices.DeleteFunc(st.Stale, func(s string) bool { return slices.Contains(done, s) })
		r.Anchors = withState(r.Anchors, name, st)
		return r, nil
	}); err != nil {
		a.cfg.Logger.WarnContext(ctx, "zk anchor: recording revoked values failed", "issuer", issuer, "error", err)
	}
}

func withState(m map[string]store.ZKAnchorState, name string, st store.ZKAnchorState) map[string]store.ZKAnchorState {
	out := make(map[string]store.ZKAnchorState, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	out[name] = st
	return out
}
