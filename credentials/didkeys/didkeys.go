package didkeys

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/resolver"
)

// Errors callers may branch on.
var (
	// ErrNotAuthorized: the document does not list the method under the
	// relationship (or does not have it at all).
	ErrNotAuthorized = errors.New("verification method not authorized")
	// ErrNoPublicKey: the method has no public key (an Ethereum address
	// only) or one this package does not decode.
	ErrNoPublicKey = errors.New("verification method has no usable public key")
	// ErrDeactivated: the DID is deactivated.
	ErrDeactivated = errors.New("DID deactivated")
)

// Resolver resolves DIDs. *resolver.Resolver satisfies it. It must be safe
// for concurrent use and honour ctx.
type Resolver interface {
	Resolve(ctx context.Context, did string, opts resolver.Options) (*resolver.Result, error)
}

// Config configures Keys. The zero value is the secure default.
type Config struct {
	// NoCache asks the resolver to bypass its cache for every lookup.
	NoCache bool
}

// Keys finds verification keys through a Resolver. It is safe for
// concurrent use.
type Keys struct {
	r   Resolver
	cfg Config
}

// New returns Keys over r.
func New(r Resolver, cfg Config) (*Keys, error) {
	if r == nil {
		return nil, errors.New("didkeys: nil resolver")
	}
	return &Keys{r: r, cfg: cfg}, nil
}

// VerificationKey returns the public key of the verification method id (a
// DID URL with a fragment) when that method is listed under relationship
// in its DID's document. Resolution errors are returned wrapped; the other
// refusals wrap ErrNotAuthorized, ErrNoPublicKey or ErrDeactivated.
func (k *Keys) VerificationKey(ctx context.Context, id string, relationship string) (crypto.PublicKey, error) {
	if !slices.Contains(did.Relationships(), relationship) {
		return nil, fmt.Errorf("verification key %s: unknown relationship %q", id, relationship)
	}
	u, err := did.ParseURL(id)
	if err != nil {
		return nil, fmt.Errorf("verification key: %w", err)
	}
	if !u.HasFragment || u.Fragment == "" || u.Path != "" || u.HasQuery {
		return nil, fmt.Errorf("verification key %s: %w: want a DID URL with only a fragment", id, did.ErrInvalidDIDURL)
	}
	subject := u.DID.String()
	res, err := k.r.Resolve(ctx, subject, resolver.Options{NoCache: k.cfg.NoCache})
	if err != nil {
		return nil, fmt.Errorf("verification key %s: resolve: %w", id, err)
	}
	if res == nil || res.Document == nil {
		return nil, fmt.Errorf("verification key %s: resolve %s: no document: %w", id, subject, did.ErrNotFound)
	}
	if res.DocumentMetadata.Deactivated {
		return nil, fmt.Errorf("verification key %s: %w", id, ErrDeactivated)
	}
	doc := res.Document
	if doc.ID != subject {
		return nil, fmt.Errorf("verification key %s: %w: document id %q is not %s", id, ErrNotAuthorized, doc.ID, subject)
	}
	vm, ok := doc.Authorized(relationship, id)
	if !ok {
		return nil, fmt.Errorf("verification key %s: %w: not listed under %s", id, ErrNotAuthorized, relationship)
	}
	pub, err := PublicKey(vm)
	if err != nil {
		return nil, fmt.Errorf("verification key %s: %w", id, err)
	}
	return pub, nil
}

// PublicKey decodes a verification method's key: did.VerificationMethod's
// decodings plus uncompressed P-256 and secp256k1 points in JsonWebKey2020
// methods with publicKeyHex (the did:ethr form; see the package
// documentation). Errors wrap ErrNoPublicKey.
func PublicKey(vm *did.VerificationMethod) (crypto.PublicKey, error) {
	if vm.Type == did.TypeJSONWebKey2020 && vm.PublicKeyHex != "" && vm.PublicKeyJwk == nil &&
		vm.PublicKeyMultibase == "" && vm.PublicKeyBase58 == "" {
		pub, err := uncompressedPoint(vm.PublicKeyHex)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrNoPublicKey, vm.ID, err)
		}
		return pub, nil
	}
	pub, err := vm.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoPublicKey, err)
	}
	return pub, nil
}

// uncompressedPoint reads a 65-byte SEC1 uncompressed point on P-256 or
// secp256k1.
func uncompressedPoint(h string) (crypto.PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(h, "0x"))
	if err != nil {
		return nil, fmt.Errorf("publicKeyHex: %w", err)
	}
	if len(b) != 65 || b[0] != 4 {
		return nil, fmt.Errorf("a JsonWebKey2020 publicKeyHex must be a 65-byte uncompressed point, got %d bytes", len(b))
	}
	if k, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), b); err == nil {
		return k, nil
	}
	if k, err := secp256k1.ParsePubKey(b); err == nil {
		return k, nil
	}
	return nil, errors.New("publicKeyHex is neither a P-256 nor a secp256k1 point")
}
