package main

import (
	"context"
	"crypto"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/ethr"
	"github.com/chainid/chainid/did/ethr/registry"
	"github.com/chainid/chainid/internal/store"
)

var (
	_ api.DIDs   = (*services)(nil)
	_ api.Chains = (*services)(nil)
)

// defaultValidity is how long added keys and services stay valid when the
// caller gives no validity.
const defaultValidity = 365 * 24 * time.Hour

// Operations of `chainid did update` and POST /v1/dids/{did}/operations.
const (
	opAddKey     = "add-key"
	opRevokeKey  = "revoke-key"
	opAddService = "add-service"
	opSetOwner   = "set-owner"
	opDeactivate = "deactivate"
)

// CreateDID creates a did:key or did:jwk (as CreateKey does) or a did:ethr
// whose identity is the address of a new secp256k1 key. A did:ethr needs no
// transaction: every address owns itself until it changes owner.
func (s *services) CreateDID(ctx context.Context, req api.CreateDIDRequest) (api.DIDInfo, error) {
	if req.Method != ethr.MethodName {
		if req.KeyType == "" {
			req.KeyType = string(did.Ed25519)
		}
		info, err := s.CreateKey(ctx, api.CreateKeyRequest{Method: req.Method, KeyType: req.KeyType, Label: req.Label})
		if err != nil {
			return api.DIDInfo{}, err
		}
		return api.DIDInfo{DID: info.DID, KeyID: info.ID, Method: info.Method, KeyType: info.KeyType, Label: info.Label}, nil
	}
	if req.KeyType != "" && req.KeyType != string(did.Secp256k1) {
		return api.DIDInfo{}, fmt.Errorf("%w: did:ethr keys are secp256k1, not %s", api.ErrInvalidOperation, req.KeyType)
	}
	cs, err := s.chainSet(ctx)
	if err != nil {
		return api.DIDInfo{}, chainError(err)
	}
	n, part := cs.def, cs.defName
	if req.Network != "" {
		var ok bool
		if n, ok = cs.lookup(req.Network); !ok {
			return api.DIDInfo{}, fmt.Errorf("%w: no chain is configured for network %q: %w", ethr.ErrUnknownNetwork, req.Network, did.ErrNotFound)
		}
		part = req.Network
	}
	if n == nil {
		return api.DIDInfo{}, fmt.Errorf("%w: several chains are configured; name the network of the new DID (--chain-name)", api.ErrInvalidOperation)
	}
	if part == "" {
		part = n.chainKey()
	}
	var addr common.Address
	bind := func(pub crypto.PublicKey) (did.DID, error) {
		k, ok := pub.(*secp256k1.PublicKey)
		if !ok {
			return did.DID{}, fmt.Errorf("%w: %T", did.ErrUnsupportedKey, pub)
		}
		a, err := ethAddress(k.SerializeCompressed())
		if err != nil {
			return did.DID{}, err
		}
		addr = a
		return did.Parse("did:ethr:" + part + ":" + a.Hex())
	}
	rec, err := s.keys.Generate(ctx, did.Secp256k1, req.Label, bind)
	if err != nil {
		return api.DIDInfo{}, err
	}
	return api.DIDInfo{DID: rec.DID, KeyID: rec.ID, Method: ethr.MethodName, KeyType: rec.KeyType, Label: rec.Label,
		ChainID: n.ChainID.Uint64(), Address: addr.Hex()}, nil
}

// target is a did:ethr DID being updated: its network and identity, and
// the key that signs for its current owner.
type target struct {
	id       did.DID
	net      *network
	identity common.Address
	owner    *ethSigner
}

// UpdateDID applies one registry change to a did:ethr DID. The owner's key
// must be in the keystore. On the dev chain, or with a relayer, the owner
// signs a meta-transaction that the relayer sends; otherwise the owner's
// account sends the transaction and pays for it.
func (s *services) UpdateDID(ctx context.Context, idStr string, op api.DIDOperation) (api.OperationResult, error) {
	if err := checkOperation(op); err != nil {
		return api.OperationResult{}, err
	}
	id, err := did.Parse(idStr)
	if err != nil {
		return api.OperationResult{}, err
	}
	if id.Method != ethr.MethodName {
		return api.OperationResult{}, fmt.Errorf("%w: only did:ethr DIDs change on a registry; %s is a did:%s", api.ErrInvalidOperation, idStr, id.Method)
	}
	part, identity, _, err := ethr.ParseDID(id)
	if err != nil {
		return api.OperationResult{}, err
	}
	cs, err := s.chainSet(ctx)
	if err != nil {
		return api.OperationResult{}, chainError(err)
	}
	n, ok := cs.lookup(part)
	if !ok {
		return api.OperationResult{}, fmt.Errorf("%w: no chain is configured for network %q: %w", ethr.ErrUnknownNetwork, part, did.ErrNotFound)
	}
	n.writeMu.Lock()
	defer n.writeMu.Unlock()

	doc, meta, err := cs.resolver.Resolve(ctx, id, did.ResolveOptions{})
	if err != nil {
		return api.OperationResult{}, chainError(err)
	}
	if meta.Deactivated {
		return api.OperationResult{}, fmt.Errorf("%w: %s cannot change", api.ErrDeactivated, idStr)
	}
	t := target{id: id, net: n, identity: identity}
	if t.owner, err = s.ownerSigner(ctx, n, id, identity); err != nil {
		return api.OperationResult{}, err
	}
	relayer, err := n.relayerSigner(ctx, s.keys)
	if err != nil {
		return api.OperationResult{}, err
	}

	validity := time.Duration(op.ValiditySeconds) * time.Second
	if validity == 0 {
		validity = defaultValidity
	}
	res := api.OperationResult{DID: idStr, Op: op.Op}
	var receipt *types.Receipt
	switch op.Op {
	case opAddKey:
		receipt, res.KeyID, err = s.addKey(ctx, t, relayer, op, validity)
	case opRevokeKey:
		receipt, err = s.revokeKey(ctx, t, relayer, doc, op)
	case opAddService:
		receipt, err = t.setAttribute(ctx, relayer, "did/svc/"+op.ServiceType, []byte(op.Endpoint), validity)
	case opSetOwner:
		receipt, err = t.changeOwner(ctx, relayer, common.HexToAddress(op.Owner))
	case opDeactivate:
		receipt, err = t.changeOwner(ctx, relayer, common.Address{})
	}
	if err != nil {
		return api.OperationResult{}, chainError(err)
	}
	res.TxHash = receipt.TxHash.Hex()
	res.Block = receipt.BlockNumber.Uint64()
	return res, nil
}

// checkOperation repeats the API's validation for callers that reach
// UpdateDID directly (the CLI without a server).
func checkOperation(op api.DIDOperation) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", api.ErrInvalidOperation, fmt.Sprintf(format, args...))
	}
	uses := map[string][]string{
		opAddKey:     {"keyType", "purpose", "label", "validity"},
		opRevokeKey:  {"keyId", "purpose"},
		opAddService: {"serviceType", "endpoint", "validity"},
		opSetOwner:   {"owner"},
		opDeactivate: {},
	}
	allowed, ok := uses[op.Op]
	if !ok {
		return bad("unknown op %q (want add-key, revoke-key, add-service, set-owner or deactivate)", op.Op)
	}
	for field, set := range map[string]bool{
		"keyType": op.KeyType != "", "purpose": op.Purpose != "", "label": op.Label != "", "validity": op.ValiditySeconds != 0,
		"keyId": op.KeyID != "", "serviceType": op.ServiceType != "", "endpoint": op.Endpoint != "", "owner": op.Owner != "",
	} {
		if set && !slices.Contains(allowed, field) {
			return bad("%s does not take %s", op.Op, field)
		}
	}
	switch {
	case op.ValiditySeconds < 0:
		return bad("validity must be positive")
	case op.Purpose != "" && !slices.Contains([]string{"veriKey", "sigAuth", "enc"}, op.Purpose):
		return bad("purpose %q: want veriKey, sigAuth or enc", op.Purpose)
	}
	switch op.Op {
	case opAddKey:
		if _, ok := attributeAlgorithm(op.KeyType); !ok {
			return bad("key type %q: want Ed25519, secp256k1 or X25519", op.KeyType)
		}
		if did.KeyType(op.KeyType) == did.X25519 {
			return bad("the keystore cannot hold X25519 keys yet")
		}
	case opRevokeKey:
		if op.KeyID == "" {
			return bad("revoke-key needs the key's ID")
		}
	case opAddService:
		if op.ServiceType == "" || len(op.ServiceType) > 24 || strings.ContainsFunc(op.ServiceType, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		}) {
			return bad("service type %q: want 1 to 24 ASCII letters and digits", op.ServiceType)
		}
		if u, err := url.Parse(op.Endpoint); err != nil || u.Scheme == "" || len(op.Endpoint) > 1024 {
			return bad("service endpoint %q is not an absolute URL", op.Endpoint)
		}
	case opSetOwner:
		if !common.IsHexAddress(op.Owner) || len(op.Owner) != 42 {
			return bad("owner %q is not a 0x-prefixed Ethereum address", op.Owner)
		}
		if common.HexToAddress(op.Owner) == (common.Address{}) {
			return bad("the zero address as owner deactivates the DID: use deactivate")
		}
	}
	return nil
}

// attributeAlgorithm is the algorithm segment of a did/pub attribute for a
// key type.
func attributeAlgorithm(keyType string) (string, bool) {
	switch did.KeyType(keyType) {
	case did.Ed25519:
		return "Ed25519", true
	case did.Secp256k1:
		return "Secp256k1", true
	case did.X25519:
		return "X25519", true
	}
	return "", false
}

// ownerSigner finds the keystore key of identity's current owner.
func (s *services) ownerSigner(ctx context.Context, n *network, id did.DID, identity common.Address) (*ethSigner, error) {
	owner, err := n.writer.IdentityOwner(ctx, identity)
	if err != nil {
		return nil, chainError(err)
	}
	recs, err := s.keys.List(ctx)
	if err != nil {
		return nil, err
	}
	bound := false
	for _, r := range recs {
		if r.KeyType == string(did.Secp256k1) && isSecp256k1Address(r.Public, owner) {
			key, err := s.keys.Signer(ctx, r.ID)
			if err != nil {
				return nil, err
			}
			return newEthSigner(key)
		}
		bound = bound || sameIdentity(r.DID, identity)
	}
	if bound {
		return nil, fmt.Errorf("%w: the owner of %s on chain is %s, whose key is not in the keystore", api.ErrNotOwner, id, owner.Hex())
	}
	return nil, fmt.Errorf("no key in the keystore controls %s (its owner is %s): %w", id, owner.Hex(), did.ErrNotFound)
}

// sameIdentity reports whether a stored key's DID is a did:ethr of
// identity (on any network).
func sameIdentity(bound string, identity common.Address) bool {
	id, err := did.Parse(bound)
	if err != nil || id.Method != ethr.MethodName {
		return false
	}
	_, addr, _, err := ethr.ParseDID(id)
	return err == nil && addr == identity
}

// addKey generates a key bound to the DID and publishes it as the
// attribute did/pub/<algorithm>/<purpose>/hex.
func (s *services) addKey(ctx context.Context, t target, relayer registry.Signer, op api.DIDOperation, validity time.Duration) (*types.Receipt, string, error) {
	algorithm, _ := attributeAlgorithm(op.KeyType)
	purpose := op.Purpose
	if purpose == "" {
		purpose = "veriKey"
		if did.KeyType(op.KeyType) == did.X25519 {
			purpose = "enc"
		}
	}
	rec, err := s.keys.Generate(ctx, did.KeyType(op.KeyType), op.Label, func(crypto.PublicKey) (did.DID, error) { return t.id, nil })
	if err != nil {
		return nil, "", err
	}
	name := "did/pub/" + algorithm + "/" + purpose + "/hex"
	receipt, err := t.setAttribute(ctx, relayer, name, rec.Public, validity)
	if err != nil {
		return nil, "", fmt.Errorf("key %s was stored but not published: %w", rec.ID, err)
	}
	return receipt, rec.ID, nil
}

// revokeKey revokes a published key: the attribute with the key's bytes
// under the given purpose, or under every purpose doc lists it with.
func (s *services) revokeKey(ctx context.Context, t target, relayer registry.Signer, doc *did.Document, op api.DIDOperation) (*types.Receipt, error) {
	rec, err := s.store.Key(ctx, op.KeyID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("no key %q in the keystore: %w", op.KeyID, did.ErrNotFound)
		}
		return nil, err
	}
	algorithm, ok := attributeAlgorithm(rec.KeyType)
	if !ok {
		return nil, fmt.Errorf("%w: key %s is a %s key, which did:ethr does not publish", api.ErrInvalidOperation, rec.ID, rec.KeyType)
	}
	purposes := []string{op.Purpose}
	if op.Purpose == "" {
		purposes = publishedPurposes(doc, rec.Public)
		if len(purposes) == 0 {
			return nil, fmt.Errorf("%w: key %s is not a current key of %s", api.ErrInvalidOperation, rec.ID, t.id)
		}
	}
	var receipt *types.Receipt
	for _, p := range purposes {
		if receipt, err = t.revokeAttribute(ctx, relayer, "did/pub/"+algorithm+"/"+p+"/hex", rec.Public); err != nil {
			return nil, err
		}
	}
	return receipt, nil
}

// publishedPurposes returns the purposes under which doc lists a key with
// these bytes (hex-encoded): enc for key agreement, sigAuth for
// authentication, veriKey otherwise.
func publishedPurposes(doc *did.Document, pub []byte) []string {
	want := hex.EncodeToString(pub)
	in := func(refs []did.VerificationRef, id string) bool {
		return slices.ContainsFunc(refs, func(r did.VerificationRef) bool { return r.ID == id })
	}
	var out []string
	for _, vm := range doc.VerificationMethod {
		if !strings.EqualFold(vm.PublicKeyHex, want) {
			continue
		}
		p := "veriKey"
		switch {
		case in(doc.KeyAgreement, vm.ID):
			p = "enc"
		case in(doc.Authentication, vm.ID):
			p = "sigAuth"
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// setAttribute publishes an attribute: a meta-transaction the owner signs
// and the relayer sends, or the owner's own transaction.
func (t target) setAttribute(ctx context.Context, relayer registry.Signer, name string, value []byte, validity time.Duration) (*types.Receipt, error) {
	w := t.net.writer
	if relayer == nil {
		return w.SetAttribute(ctx, t.owner, t.identity, name, value, validity)
	}
	digest, err := w.SetAttributeDigest(ctx, t.identity, name, value, validity)
	if err != nil {
		return nil, err
	}
	sig, err := t.owner.SignDigest(digest)
	if err != nil {
		return nil, err
	}
	return w.SetAttributeSigned(ctx, relayer, t.identity, sig, name, value, validity)
}

func (t target) revokeAttribute(ctx context.Context, relayer registry.Signer, name string, value []byte) (*types.Receipt, error) {
	w := t.net.writer
	if relayer == nil {
		return w.RevokeAttribute(ctx, t.owner, t.identity, name, value)
	}
	digest, err := w.RevokeAttributeDigest(ctx, t.identity, name, value)
	if err != nil {
		return nil, err
	}
	sig, err := t.owner.SignDigest(digest)
	if err != nil {
		return nil, err
	}
	return w.RevokeAttributeSigned(ctx, relayer, t.identity, sig, name, value)
}

func (t target) changeOwner(ctx context.Context, relayer registry.Signer, newOwner common.Address) (*types.Receipt, error) {
	w := t.net.writer
	if relayer == nil {
		return w.ChangeOwner(ctx, t.owner, t.identity, newOwner)
	}
	digest, err := w.ChangeOwnerDigest(ctx, t.identity, newOwner)
	if err != nil {
		return nil, err
	}
	sig, err := t.owner.SignDigest(digest)
	if err != nil {
		return nil, err
	}
	return w.ChangeOwnerSigned(ctx, relayer, t.identity, sig, newOwner)
}

// ChainStatus reports each configured chain.
func (s *services) ChainStatus(ctx context.Context) (api.ChainStatus, error) {
	cs, err := s.chainSet(ctx)
	if err != nil {
		return api.ChainStatus{}, chainError(err)
	}
	return cs.status(ctx, s.keys), nil
}

// DeployRegistry deploys a new registry from a keystore key to the chain
// at req.RPCURL.
func (s *services) DeployRegistry(ctx context.Context, req api.DeployRequest) (api.DeployResult, error) {
	key, err := s.keys.Signer(ctx, req.KeyID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return api.DeployResult{}, fmt.Errorf("no key %q in the keystore: %w", req.KeyID, did.ErrNotFound)
		}
		return api.DeployResult{}, err
	}
	signer, err := newEthSigner(key)
	if err != nil {
		return api.DeployResult{}, fmt.Errorf("%w: key %s: %w", api.ErrInvalidOperation, req.KeyID, err)
	}
	cctx, cancel := context.WithTimeout(ctx, chainCheckTimeout)
	client, err := ethclient.DialContext(cctx, req.RPCURL)
	cancel()
	if err != nil {
		return api.DeployResult{}, fmt.Errorf("%w: connect to %s: %w", api.ErrChainUnavailable, displayURL(req.RPCURL), err)
	}
	defer client.Close()
	addr, receipt, err := registry.Deploy(ctx, client, signer, registry.WriterConfig{ChainID: new(big.Int).SetUint64(req.ChainID), Logger: s.log})
	if errors.Is(err, registry.ErrWrongChain) {
		// The caller named the chain: a mismatch is its mistake, not an outage.
		return api.DeployResult{}, classified{err, api.ErrInvalidOperation}
	}
	if err != nil {
		return api.DeployResult{}, chainError(err)
	}
	return api.DeployResult{ChainID: req.ChainID, Registry: addr.Hex(), TxHash: receipt.TxHash.Hex(), Block: receipt.BlockNumber.Uint64()}, nil
}

// chainError marks registry and chain failures with the api sentinel the
// API maps to a status; the message stays the cause's.
func chainError(err error) error {
	var funds *registry.InsufficientFundsError
	var revert *registry.RevertError
	var netErr net.Error
	var urlErr *url.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &funds):
		return classified{err, api.ErrInsufficientFunds}
	case errors.Is(err, registry.ErrNotOwner), errors.Is(err, registry.ErrBadSignature):
		return classified{err, api.ErrNotOwner}
	case errors.As(err, &revert):
		return classified{err, api.ErrReverted}
	case errors.Is(err, registry.ErrInvalidArgument):
		return classified{err, api.ErrInvalidOperation}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, ethr.ErrChainUnavailable), errors.Is(err, ethr.ErrWrongChain),
		errors.Is(err, registry.ErrWrongChain), errors.Is(err, registry.ErrNoRegistry),
		errors.As(err, &netErr), errors.As(err, &urlErr):
		return classified{err, api.ErrChainUnavailable}
	}
	return err
}

// classified is an error that also matches a sentinel, without adding the
// sentinel's text to the message.
type classified struct {
	err  error
	kind error
}

func (c classified) Error() string   { return c.err.Error() }
func (c classified) Unwrap() []error { return []error{c.err, c.kind} }
