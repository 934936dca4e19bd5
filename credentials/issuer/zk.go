package issuer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/credentials/status"
	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/zkp"
)

// FormatZK is the ZK credential format (credentials/zkcred): an EdDSA
// signature on BN254 over the Poseidon2 message of the schema-ordered
// attributes, for zero-knowledge presentations.
const FormatZK = zkcred.Format

// ZKSupport is what the service needs for FormatZK; Config.ZK carries it
// (nil: the format is refused). cmd/chainid wires the keystore and a
// zkcred.Anchorer behind it.
type ZKSupport interface {
	// ZKIssuerKey opens the issuer's ZK signing key. An issuer without
	// one fails with an error wrapping store.ErrNotFound.
	ZKIssuerKey(ctx context.Context, issuerDID string) (*zkp.IssuerKey, error)
	// AnchorStatus publishes the status root root computes, calling it
	// under the issuer's anchoring lock (zkcred.Anchorer.AnchorStatus). An
	// issuer without ZK support fails with an error wrapping
	// store.ErrNotFound.
	AnchorStatus(ctx context.Context, issuerDID string, root func(context.Context) (fr.Element, error)) (fr.Element, error)
}

// zkStatusSeq is the revocation list that holds every ZK credential of an
// issuer: one anchored root covers them all (see credentials/zkcred).
const zkStatusSeq = 0

// zkPrepared is the ZK part of a request, checked before status indexes
// are allocated.
type zkPrepared struct {
	key        *zkp.IssuerKey
	attrs      []zkcred.Attribute
	commitment fr.Element
}

// prepareZK checks a request that asks for FormatZK.
func (s *Service) prepareZK(ctx context.Context, req Request, issuerDID string, specs func() ([]zkp.AttributeSpec, error)) (*zkPrepared, error) {
	if s.cfg.ZK == nil {
		return nil, fmt.Errorf("%w: %s is not enabled on this service", ErrUnsupportedFormat, FormatZK)
	}
	if req.Suspendable {
		return nil, fmt.Errorf("%w: a %s credential cannot be suspendable (suspension is not part of the ZK statement)", ErrInvalidRequest, FormatZK)
	}
	if req.HolderCommitment == "" {
		return nil, fmt.Errorf("%w: the %s format needs the holder's commitment", ErrInvalidRequest, FormatZK)
	}
	var p zkPrepared
	var err error
	if p.commitment, err = zkcred.ParseHolderCommitment(req.HolderCommitment); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	sp, err := specs()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	if p.attrs, err = zkcred.EncodeSubject(sp, req.Subject); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	if p.key, err = s.cfg.ZK.ZKIssuerKey(ctx, issuerDID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: issuer %s has no ZK key", ErrUnsupportedFormat, issuerDID)
		}
		return nil, err
	}
	return &p, nil
}

// issueZK signs the ZK credential for an allocated revocation entry.
func (s *Service) issueZK(p *zkPrepared, reg *status.Registry, c zkcred.Claims, revocation store.CredentialStatusRef) (json.RawMessage, error) {
	ref, err := reg.ParseURL(revocation.ListURL)
	if err != nil {
		return nil, err
	}
	if ref.Seq != zkStatusSeq || revocation.Index < 0 || revocation.Index >= zkp.MaxStatusBits {
		return nil, fmt.Errorf("%w: the issuer's ZK status list is full (%d credentials)", ErrConflict, zkp.MaxStatusBits)
	}
	c.Attributes, c.HolderCommitment = p.attrs, p.commitment
	c.StatusListURL, c.StatusIndex = revocation.ListURL, uint64(revocation.Index)
	cred, err := zkcred.Issue(p.key, c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", FormatZK, ErrInvalidRequest, err)
	}
	return cred.MarshalJSON()
}

// ZKStatusRoot returns the status-tree root of an issuer's ZK revocation
// list (the first revocation list, sequence 0, first zkp.MaxStatusBits bits); a list not
// created yet has the all-zero root.
func (s *Service) ZKStatusRoot(ctx context.Context, issuerDID string) (fr.Element, error) {
	t, err := s.ZKStatusTree(ctx, issuerDID)
	if err != nil {
		return fr.Element{}, err
	}
	return t.Root(), nil
}

// ZKStatusTree builds the status tree of an issuer's ZK revocation list
// (see ZKStatusRoot) from the stored list: about 6 ms for a sparse list.
func (s *Service) ZKStatusTree(ctx context.Context, issuerDID string) (*zkp.StatusTree, error) {
	iss, err := s.issuer(ctx, issuerDID)
	if err != nil {
		return nil, fmt.Errorf("zk status tree: %w", err)
	}
	reg, err := s.registry(iss)
	if err != nil {
		return nil, err
	}
	bits := make([]byte, zkp.MaxStatusBits/8)
	lc, err := reg.ListCredential(ctx, status.Ref{Issuer: iss.DID, Purpose: status.Revocation, Seq: zkStatusSeq})
	switch {
	case errors.Is(err, status.ErrUnknownEntry):
	case err != nil:
		return nil, fmt.Errorf("zk status tree of %s: %w", iss.DID, err)
	default:
		parsed, err := status.ParseListCredential(lc)
		if err != nil {
			return nil, fmt.Errorf("zk status tree of %s: %w", iss.DID, err)
		}
		list, err := status.Decode(parsed.EncodedList, status.DefaultMaxBytes)
		if err != nil {
			return nil, fmt.Errorf("zk status tree of %s: %w", iss.DID, err)
		}
		copy(bits, list.Bytes())
	}
	t, err := zkp.NewStatusTree(bits)
	if err != nil {
		return nil, fmt.Errorf("zk status tree of %s: %w", iss.DID, err)
	}
	return t, nil
}

// anchorZKStatus re-anchors the issuer's ZK status root after a change of
// its ZK revocation list; issuers without ZK support are skipped.
func (s *Service) anchorZKStatus(ctx context.Context, issuerDID string) error {
	if s.cfg.ZK == nil {
		return nil
	}
	_, err := s.cfg.ZK.AnchorStatus(ctx, issuerDID, func(ctx context.Context) (fr.Element, error) {
		return s.ZKStatusRoot(ctx, issuerDID)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}
