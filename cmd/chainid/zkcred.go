package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/ethr"
	"github.com/chainid/chainid/did/ethr/registry"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/zkp"
)

// zkcredState is the wired state of ZK credential issuance and anchoring.
type zkcredState struct {
	anchorer *zkcred.Anchorer
}

// newZKCredServices wires ZK credential issuance and anchoring into s: the
// issuer service reaches it through zkIssuerHook (issuer.Config.ZK), and
// the anchors are ERC-1056 service attributes of the issuer's did:ethr
// written with the DID owner's keystore key (see credentials/zkcred). The
// anchorer reads the issuer's document from the chain through the resolver
// (uncached) before each anchoring, so sequence numbers continue above the
// chain's even after the data dir's store was reset or restored.
func newZKCredServices(s *services) error {
	a, err := zkcred.NewAnchorer(ethrAttrWriter{s}, s.resolver, s.store, zkcred.AnchorerConfig{Logger: s.log})
	if err != nil {
		return err
	}
	s.zkcred = &zkcredState{anchorer: a}
	return nil
}

// zkIssuerHook is the issuer service's issuer.ZKSupport.
type zkIssuerHook struct{ s *services }

var _ issuer.ZKSupport = zkIssuerHook{}

func (h zkIssuerHook) ZKIssuerKey(ctx context.Context, issuerDID string) (*zkp.IssuerKey, error) {
	rec, err := h.s.store.ZKIssuer(ctx, issuerDID)
	if err != nil {
		return nil, err
	}
	return h.s.keys.ZKIssuerKey(ctx, rec.KeyID)
}

func (h zkIssuerHook) AnchorStatus(ctx context.Context, issuerDID string, root func(context.Context) (fr.Element, error)) (fr.Element, error) {
	if h.s.zkcred == nil {
		return fr.Element{}, fmt.Errorf("zk anchoring is not wired: %w", store.ErrNotFound)
	}
	return h.s.zkcred.anchorer.AnchorStatus(ctx, issuerDID, root)
}

// enableZKIssuer gives a did:ethr issuer a ZK key (once) and anchors its ZK
// public key, the verifying-key digest (when `chainid zk setup` has written
// keys) and its current status root. It is idempotent: values already
// anchored are not sent again.
func (s *services) enableZKIssuer(ctx context.Context, issuerDID, label string) error {
	rec, err := s.store.ZKIssuer(ctx, issuerDID)
	if errors.Is(err, store.ErrNotFound) {
		k, gerr := s.keys.GenerateZKIssuer(ctx, label, issuerDID)
		if gerr != nil {
			return gerr
		}
		rec = store.ZKIssuerRecord{Issuer: issuerDID, KeyID: k.ID, Created: time.Now().UTC()}
		if err = s.store.PutZKIssuer(ctx, rec); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	key, err := s.keys.ZKIssuerKey(ctx, rec.KeyID)
	if err != nil {
		return err
	}
	a := s.zkcred.anchorer
	if err := a.AnchorIssuerKey(ctx, issuerDID, key.Public()); err != nil {
		return err
	}
	digest, ok, err := s.zkVerifyingKeyDigest()
	switch {
	case err != nil:
		return err
	case ok:
		if err := a.AnchorVerifyingKey(ctx, issuerDID, digest); err != nil {
			return err
		}
	default:
		s.log.InfoContext(ctx, "zk: no proving/verifying keys in the data dir (run `chainid zk setup`); anchored the issuer key and status root only",
			"issuer", issuerDID)
	}
	_, err = a.AnchorStatus(ctx, issuerDID, func(ctx context.Context) (fr.Element, error) {
		return s.issuer.ZKStatusRoot(ctx, issuerDID)
	})
	return err
}

// refreshZKAnchors runs enableZKIssuer for a did:ethr issuer at server
// start (so issuers created before ZK support, keys set up later and
// interrupted anchorings catch up). Failures are logged, not fatal.
func (s *services) refreshZKAnchors(ctx context.Context, issuerDID string) error {
	id, err := did.Parse(issuerDID)
	if err != nil || id.Method != ethr.MethodName {
		return nil
	}
	if err := s.enableZKIssuer(ctx, issuerDID, "default issuer"); err != nil {
		s.log.WarnContext(ctx, "zk: anchoring the default issuer's ZK values failed", "issuer", issuerDID, "error", err)
	}
	return nil
}

// zkVerifyingKeyDigest returns the digest of the verifying key in the data
// dir, digest-checked against its key info; ok is false when there are no
// keys.
func (s *services) zkVerifyingKeyDigest() (digest [32]byte, ok bool, err error) {
	dir := filepath.Join(s.cfg.Data, zkKeysDir)
	if _, err := os.Stat(filepath.Join(dir, zkp.KeyInfoFile)); errors.Is(err, fs.ErrNotExist) {
		return digest, false, nil
	}
	k, err := zkp.LoadKeys(dir, nil, zkp.LoadOptions{SkipProvingKey: true, AllowDevelopment: true})
	if err != nil {
		return digest, false, fmt.Errorf("zk keys in %s: %w", dir, err)
	}
	return k.Verifying.Digest(), true, nil
}

// ethrAttrWriter writes attributes of a did:ethr issuer with its owner's
// keystore key, through the network's relayer like every other registry
// change here.
type ethrAttrWriter struct{ s *services }

// write runs fn with the issuer's owner target and the network's relayer,
// holding the network's write lock.
func (w ethrAttrWriter) write(ctx context.Context, issuerDID string, fn func(t target, relayer registry.Signer) (*types.Receipt, error)) error {
	s := w.s
	id, err := did.Parse(issuerDID)
	if err != nil {
		return err
	}
	part, identity, _, err := ethr.ParseDID(id)
	if err != nil {
		return err
	}
	cs, err := s.chainSet(ctx)
	if err != nil {
		return chainError(err)
	}
	n, ok := cs.lookup(part)
	if !ok {
		return fmt.Errorf("no chain is configured for network %q: %w", part, did.ErrNotFound)
	}
	n.writeMu.Lock()
	defer n.writeMu.Unlock()
	t := target{id: id, net: n, identity: identity}
	if t.owner, err = s.ownerSigner(ctx, n, id, identity); err != nil {
		return err
	}
	relayer, err := n.relayerSigner(ctx, s.keys)
	if err != nil {
		return err
	}
	if _, err := fn(t, relayer); err != nil {
		return chainError(err)
	}
	return nil
}

func (w ethrAttrWriter) SetAttribute(ctx context.Context, issuerDID, name string, value []byte, validity time.Duration) error {
	return w.write(ctx, issuerDID, func(t target, relayer registry.Signer) (*types.Receipt, error) {
		return t.setAttribute(ctx, relayer, name, value, validity)
	})
}

func (w ethrAttrWriter) RevokeAttribute(ctx context.Context, issuerDID, name string, value []byte) error {
	return w.write(ctx, issuerDID, func(t target, relayer registry.Signer) (*types.Receipt, error) {
		return t.revokeAttribute(ctx, relayer, name, value)
	})
}
