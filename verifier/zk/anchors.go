package zk

import (
	"context"
	"errors"
	"fmt"

	"github.com/chainid/chainid/credentials/schema"
	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/resolver"
	"github.com/chainid/chainid/zkp"
)

// Resolver resolves a DID to its document. For did:ethr issuers it must
// read the chain (the project's resolver never caches did:ethr), so that a
// newly anchored status root takes effect at once.
type Resolver interface {
	Resolve(ctx context.Context, did string, opts resolver.Options) (*resolver.Result, error)
}

// ChainAnchors reads issuers' ZK anchors from their DID documents through a
// resolver (zkcred.ReadAnchors). It is safe for concurrent use.
type ChainAnchors struct {
	res Resolver
}

var _ AnchorReader = (*ChainAnchors)(nil)

// NewChainAnchors returns an AnchorReader over res.
func NewChainAnchors(res Resolver) *ChainAnchors { return &ChainAnchors{res: res} }

// anchorMethod is the only DID method whose documents come from the chain.
const anchorMethod = "ethr"

// ReadAnchors resolves issuer and reads its anchors. Only did:ethr issuers
// are read, bypassing any cache: the anchors of a did:web document would
// be the web host's word, and a cached document would hide a revocation.
// A document without valid anchors, a DID of another method, a deactivated
// or unknown DID wrap ErrNoAnchors.
func (c *ChainAnchors) ReadAnchors(ctx context.Context, issuer string) (Anchors, error) {
	if id, err := did.Parse(issuer); err != nil || id.Method != anchorMethod {
		return Anchors{}, fmt.Errorf("read anchors of %.80q: %w: ZK anchors are read from did:%s documents only", issuer, ErrNoAnchors, anchorMethod)
	}
	r, err := c.res.Resolve(ctx, issuer, resolver.Options{NoCache: true})
	var rerr *resolver.Error
	switch {
	case errors.As(err, &rerr) && (rerr.Code == resolver.CodeNotFound || rerr.Code == resolver.CodeInvalidDID ||
		rerr.Code == resolver.CodeDeactivated || rerr.Code == resolver.CodeMethodNotSupported),
		errors.Is(err, did.ErrNotFound), errors.Is(err, did.ErrInvalidDID), errors.Is(err, did.ErrMethodNotSupported):
		return Anchors{}, fmt.Errorf("resolve %s: %w: %w", issuer, ErrNoAnchors, err)
	case err != nil:
		return Anchors{}, fmt.Errorf("resolve %s: %w", issuer, err)
	case r == nil || r.Document == nil || r.DocumentMetadata.Deactivated:
		return Anchors{}, fmt.Errorf("resolve %s: %w: no active DID document", issuer, ErrNoAnchors)
	}
	a, err := zkcred.ReadAnchors(r.Document)
	if err != nil {
		return Anchors{}, fmt.Errorf("%w: %w", ErrNoAnchors, err)
	}
	return Anchors{IssuerKey: a.IssuerKey, HasVerifyingKeyDigest: a.HasVerifyingKeyDigest,
		VerifyingKeyDigest: a.VerifyingKeyDigest, StatusRoot: a.StatusRoot}, nil
}

// SchemaSource returns the compiled schema with a given $id that an issuer
// uses (for example the schemas the issuer service registered). An error
// means the schema is unknown to it.
type SchemaSource interface {
	Schema(ctx context.Context, issuer, id string) (*schema.Schema, error)
}

// SchemaLayouts reads ZK attribute lists (zkcred.Layout) from a
// SchemaSource.
type SchemaLayouts struct {
	src SchemaSource
}

var _ Schemas = (*SchemaLayouts)(nil)

// NewSchemaLayouts returns a Schemas over src.
func NewSchemaLayouts(src SchemaSource) *SchemaLayouts { return &SchemaLayouts{src: src} }

// ZKAttributes returns the schema's x-chainid-zk list as attribute specs;
// an unknown schema or one without the list wraps ErrInvalidRequest.
func (l *SchemaLayouts) ZKAttributes(ctx context.Context, issuer, schemaID string) ([]zkp.AttributeSpec, error) {
	s, err := l.src.Schema(ctx, issuer, schemaID)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: issuer %s has no schema %s: %w", ErrInvalidRequest, issuer, schemaID, err)
	}
	specs, err := zkcred.Layout(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	return specs, nil
}
