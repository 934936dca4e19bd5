package registry

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
)

// Backend is the chain access a Writer needs: contract calls, gas estimation, fee suggestions,
// sending, receipts, balances and the chain ID. *ethclient.Client and the simulated backend's
// client satisfy it. Implementations must be safe for concurrent use.
type Backend interface {
	bind.ContractBackend
	ethereum.TransactionReader
	ethereum.ChainIDReader
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
}

var (
	_ Backend             = (*ethclient.Client)(nil)
	_ PendingGasEstimator = (*ethclient.Client)(nil)
)

// Signer signs the transactions a Writer sends on behalf of one account. Implementations must be
// safe for concurrent use.
type Signer interface {
	// Address is the account whose nonce and balance the transactions use.
	Address() common.Address
	// SignTx returns tx signed for chainID (EIP-155 or later).
	SignTx(tx *types.Transaction, chainID *big.Int) (*types.Transaction, error)
}

// KeySigner is a Signer (and a meta-transaction signer, see SignDigest) backed by a secp256k1
// private key held in memory.
type KeySigner struct {
	key  *ecdsa.PrivateKey
	addr common.Address
}

// NewKeySigner returns a Signer for key.
func NewKeySigner(key *ecdsa.PrivateKey) *KeySigner {
	return &KeySigner{key: key, addr: crypto.PubkeyToAddress(key.PublicKey)}
}

// Address returns the key's Ethereum address.
func (s *KeySigner) Address() common.Address { return s.addr }

// SignTx signs tx for chainID with the latest signer rules.
func (s *KeySigner) SignTx(tx *types.Transaction, chainID *big.Int) (*types.Transaction, error) {
	signed, err := types.SignTx(tx, types.LatestSignerForChainID(chainID), s.key)
	if err != nil {
		return nil, fmt.Errorf("sign transaction: %w", err)
	}
	return signed, nil
}

// SignDigest signs a meta-transaction digest (see Writer.ChangeOwnerDigest) with the key.
func (s *KeySigner) SignDigest(digest common.Hash) (Signature, error) {
	return SignDigest(s.key, digest)
}

// LogValue keeps the private key out of logs.
func (s *KeySigner) LogValue() slog.Value { return slog.StringValue(s.addr.Hex()) }

// WriterConfig configures a Writer. Only ChainID is required; zero values of the other fields
// select the documented defaults.
type WriterConfig struct {
	// ChainID is the chain the Writer must talk to. It is compared with the node's eth_chainId
	// before the first transaction (ErrWrongChain on mismatch) and signed into every transaction.
	ChainID *big.Int
	// GasMargin turns a gas estimate into the gas limit sent. Default: DefaultGasMargin.
	GasMargin func(estimate uint64) uint64
	// ReceiptTimeout bounds the wait for a receipt (and confirmations) after sending. Default 30 s.
	ReceiptTimeout time.Duration
	// RPCTimeout bounds each other call to the node. Default 10 s.
	RPCTimeout time.Duration
	// Confirmations is the number of blocks that must follow the transaction's block before an
	// operation returns. Default 0: return as soon as the transaction is included.
	Confirmations uint64
	// Logger receives one debug record per transaction sent and mined. Default: discard.
	Logger *slog.Logger
}

const (
	defaultReceiptTimeout = 30 * time.Second
	defaultRPCTimeout     = 10 * time.Second
	minPollInterval       = 10 * time.Millisecond
	maxPollInterval       = time.Second
)

// DefaultGasMargin is the gas margin used when WriterConfig.GasMargin is nil: estimate × 1.25 +
// 20000.
//
// Why a margin: an estimate taken against the latest block sees the storage writes of an update
// made in that block as no-ops (changed[identity] already holds the block number; re-adding a
// delegate in the next second rewrites its expiry), while the transaction, mined in a later block,
// pays for real writes. Measured on go-ethereum 1.17.10's dev rules (EIP-8037/8038 repricing
// active): setAttribute estimated 33341 and used 40869; a repeated addDelegate estimated 34701
// and used 52210, which × 1.25 + 5000 does not cover. The Writer estimates against the pending
// block when the backend supports it (PendingGasEstimator), which removes most of the gap; the
// margin covers the rest, such as several pending updates of one identity landing in different
// blocks. Unused gas is not charged, so the margin only raises the balance a sender must hold.
func DefaultGasMargin(estimate uint64) uint64 { return estimate + estimate/4 + 20000 }

// PendingGasEstimator is implemented by backends that can estimate gas against the pending block
// (*ethclient.Client can). A Writer whose Backend also implements it estimates there, falling
// back to the latest block when the node refuses.
type PendingGasEstimator interface {
	EstimateGasAtBlock(ctx context.Context, msg ethereum.CallMsg, blockNumber *big.Int) (uint64, error)
}

var (
	// ErrWrongChain reports a node whose chain ID differs from WriterConfig.ChainID.
	ErrWrongChain = errors.New("wrong chain")
	// ErrNoRegistry reports a registry address without contract code.
	ErrNoRegistry = errors.New("no registry contract")
	// ErrNotOwner matches a *RevertError whose reason is "bad_actor": the sender is not the
	// identity's current owner.
	ErrNotOwner = errors.New("not the identity owner")
	// ErrBadSignature matches a *RevertError whose reason is "bad_signature": a meta-transaction
	// signature that does not recover to the identity's current owner (wrong key, or a stale nonce).
	ErrBadSignature = errors.New("signature is not from the identity owner")
	// ErrInvalidArgument reports an argument refused before anything is sent (a name longer than
	// 32 bytes, a validity under one second).
	ErrInvalidArgument = errors.New("invalid argument")
)

// RevertError reports a registry call that the EVM reverted, during gas estimation (TxHash is
// zero: nothing was sent) or on chain (TxHash is the mined transaction).
type RevertError struct {
	Op     string      // contract function, e.g. "changeOwner"
	Reason string      // decoded revert reason; empty when the revert carried none
	Data   []byte      // raw revert data, if the node returned it
	TxHash common.Hash // zero when the revert happened during estimation
}

func (e *RevertError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "registry %s reverted", e.Op)
	if e.TxHash != (common.Hash{}) {
		fmt.Fprintf(&b, " in transaction %s", e.TxHash.Hex())
	}
	switch e.Reason {
	case "":
		b.WriteString(" without a reason")
	case "bad_actor":
		b.WriteString(": bad_actor (the sender is not the identity's owner)")
	case "bad_signature":
		b.WriteString(": bad_signature (the signature is not from the identity's owner, or its nonce is stale)")
	default:
		fmt.Fprintf(&b, ": %s", e.Reason)
	}
	return b.String()
}

// Is lets errors.Is match ErrNotOwner and ErrBadSignature.
func (e *RevertError) Is(target error) bool {
	switch target {
	case ErrNotOwner:
		return e.Reason == "bad_actor"
	case ErrBadSignature:
		return e.Reason == "bad_signature"
	}
	return false
}

// InsufficientFundsError reports a sender whose balance cannot pay for a transaction's gas.
type InsufficientFundsError struct {
	Account common.Address
	Balance *big.Int // wei
	Need    *big.Int // wei: gas limit × max fee per gas
}

func (e *InsufficientFundsError) Error() string {
	return fmt.Sprintf("insufficient funds: account %s has %s wei, needs %s", e.Account.Hex(), e.Balance, e.Need)
}

// ReceiptTimeoutError reports a transaction that was sent but not mined (or not confirmed) within
// WriterConfig.ReceiptTimeout. It may still be mined later; look it up by TxHash.
type ReceiptTimeoutError struct {
	Op      string
	TxHash  common.Hash
	Timeout time.Duration
}

func (e *ReceiptTimeoutError) Error() string {
	return fmt.Sprintf("registry %s: no receipt for transaction %s within %s (it may still be mined)", e.Op, e.TxHash.Hex(), e.Timeout)
}

// Unwrap returns context.DeadlineExceeded.
func (e *ReceiptTimeoutError) Unwrap() error { return context.DeadlineExceeded }

// Writer sends ERC-1056 registry transactions. It is safe for concurrent use; concurrent
// operations by one sender get consecutive nonces.
type Writer struct {
	backend  Backend
	registry common.Address
	cfg      WriterConfig
	contract *EthereumDIDRegistry
	log      *slog.Logger

	checkMu sync.Mutex
	checked bool

	sendMu sync.Mutex                // held from nonce choice to SendTransaction
	nonces map[common.Address]uint64 // next nonce per sender, as far as this Writer knows
}

// NewWriter returns a Writer for the registry at address registry on the chain reached through
// backend. It does no I/O: the chain ID and the registry code are checked on first use.
func NewWriter(backend Backend, registry common.Address, cfg WriterConfig) (*Writer, error) {
	if backend == nil {
		return nil, errors.New("new registry writer: nil backend")
	}
	if cfg.ChainID == nil || cfg.ChainID.Sign() <= 0 {
		return nil, errors.New("new registry writer: ChainID is required")
	}
	cfg.ChainID = new(big.Int).Set(cfg.ChainID)
	if cfg.GasMargin == nil {
		cfg.GasMargin = DefaultGasMargin
	}
	if cfg.ReceiptTimeout <= 0 {
		cfg.ReceiptTimeout = defaultReceiptTimeout
	}
	if cfg.RPCTimeout <= 0 {
		cfg.RPCTimeout = defaultRPCTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Writer{
		backend:  backend,
		registry: registry,
		cfg:      cfg,
		contract: NewEthereumDIDRegistry(),
		log:      cfg.Logger,
		nonces:   make(map[common.Address]uint64),
	}, nil
}

// Registry returns the registry address the Writer writes to.
func (w *Writer) Registry() common.Address { return w.registry }

// ChainID returns the configured chain ID.
func (w *Writer) ChainID() *big.Int { return new(big.Int).Set(w.cfg.ChainID) }

// Deploy deploys a new EthereumDIDRegistry from signer's account and returns its address and the
// deployment receipt. cfg is used as for NewWriter (chain check, gas margin, timeouts).
func Deploy(ctx context.Context, backend Backend, signer Signer, cfg WriterConfig) (common.Address, *types.Receipt, error) {
	w, err := NewWriter(backend, common.Address{}, cfg)
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("deploy registry: %w", err)
	}
	receipt, err := w.transact(ctx, "deploy", signer, nil, Bytecode())
	if err != nil {
		return common.Address{}, nil, err
	}
	return receipt.ContractAddress, receipt, nil
}

// ---- direct transactions ---------------------------------------------------------------------

// ChangeOwner makes newOwner the owner of identity. signer must be the current owner.
func (w *Writer) ChangeOwner(ctx context.Context, signer Signer, identity, newOwner common.Address) (*types.Receipt, error) {
	return w.transact(ctx, "changeOwner", signer, &w.registry, w.contract.PackChangeOwner(identity, newOwner))
}

// Deactivate changes the owner of identity to the zero address, which did:ethr resolvers read as
// deactivation (see the package documentation for what the contract itself still allows).
func (w *Writer) Deactivate(ctx context.Context, signer Signer, identity common.Address) (*types.Receipt, error) {
	return w.ChangeOwner(ctx, signer, identity, common.Address{})
}

// AddDelegate makes delegate a delegate of identity for delegateType (e.g. "veriKey", "sigAuth";
// at most 32 bytes) for validity (whole seconds, at least one).
func (w *Writer) AddDelegate(ctx context.Context, signer Signer, identity common.Address, delegateType string, delegate common.Address, validity time.Duration) (*types.Receipt, error) {
	dt, secs, err := nameAndValidity("delegate type", delegateType, validity)
	if err != nil {
		return nil, fmt.Errorf("registry addDelegate: %w", err)
	}
	return w.transact(ctx, "addDelegate", signer, &w.registry, w.contract.PackAddDelegate(identity, dt, delegate, secs))
}

// RevokeDelegate ends delegate's delegation of delegateType for identity now.
func (w *Writer) RevokeDelegate(ctx context.Context, signer Signer, identity common.Address, delegateType string, delegate common.Address) (*types.Receipt, error) {
	dt, err := EncodeName(delegateType)
	if err != nil {
		return nil, fmt.Errorf("registry revokeDelegate: %w", err)
	}
	return w.transact(ctx, "revokeDelegate", signer, &w.registry, w.contract.PackRevokeDelegate(identity, dt, delegate))
}

// SetAttribute publishes attribute name (at most 32 bytes, e.g. "did/pub/Secp256k1/veriKey/hex"
// or "did/svc/LinkedDomains") with value for validity (whole seconds, at least one).
func (w *Writer) SetAttribute(ctx context.Context, signer Signer, identity common.Address, name string, value []byte, validity time.Duration) (*types.Receipt, error) {
	n, secs, err := nameAndValidity("attribute name", name, validity)
	if err != nil {
		return nil, fmt.Errorf("registry setAttribute: %w", err)
	}
	return w.transact(ctx, "setAttribute", signer, &w.registry, w.contract.PackSetAttribute(identity, n, nonNil(value), secs))
}

// RevokeAttribute revokes the attribute name with exactly this value.
func (w *Writer) RevokeAttribute(ctx context.Context, signer Signer, identity common.Address, name string, value []byte) (*types.Receipt, error) {
	n, err := EncodeName(name)
	if err != nil {
		return nil, fmt.Errorf("registry revokeAttribute: %w", err)
	}
	return w.transact(ctx, "revokeAttribute", signer, &w.registry, w.contract.PackRevokeAttribute(identity, n, nonNil(value)))
}

// ---- meta-transactions -----------------------------------------------------------------------

// IdentityOwner returns the current owner of identity.
func (w *Writer) IdentityOwner(ctx context.Context, identity common.Address) (common.Address, error) {
	out, err := w.call(ctx, w.contract.PackIdentityOwner(identity))
	if err != nil {
		return common.Address{}, fmt.Errorf("registry identityOwner %s: %w", identity.Hex(), err)
	}
	owner, err := w.contract.UnpackIdentityOwner(out)
	if err != nil {
		return common.Address{}, fmt.Errorf("registry identityOwner %s: %w", identity.Hex(), err)
	}
	return owner, nil
}

// Nonce returns the meta-transaction nonce of signer (an identity owner).
func (w *Writer) Nonce(ctx context.Context, signer common.Address) (*big.Int, error) {
	out, err := w.call(ctx, w.contract.PackNonce(signer))
	if err != nil {
		return nil, fmt.Errorf("registry nonce %s: %w", signer.Hex(), err)
	}
	n, err := w.contract.UnpackNonce(out)
	if err != nil {
		return nil, fmt.Errorf("registry nonce %s: %w", signer.Hex(), err)
	}
	return n, nil
}

// ownerNonce reads nonce[identityOwner(identity)], the nonce every signed variant hashes.
func (w *Writer) ownerNonce(ctx context.Context, identity common.Address) (*big.Int, error) {
	owner, err := w.IdentityOwner(ctx, identity)
	if err != nil {
		return nil, err
	}
	return w.Nonce(ctx, owner)
}

// ChangeOwnerDigest returns the digest the current owner of identity signs to authorize
// ChangeOwnerSigned. It reads the owner's nonce from the chain, so the signature is valid until
// the owner's next signed change.
func (w *Writer) ChangeOwnerDigest(ctx context.Context, identity, newOwner common.Address) (common.Hash, error) {
	nonce, err := w.ownerNonce(ctx, identity)
	if err != nil {
		return common.Hash{}, err
	}
	return DigestChangeOwner(w.registry, nonce, identity, newOwner), nil
}

// ChangeOwnerSigned relays the owner's signed ChangeOwner; relayer pays the gas.
func (w *Writer) ChangeOwnerSigned(ctx context.Context, relayer Signer, identity common.Address, sig Signature, newOwner common.Address) (*types.Receipt, error) {
	return w.transact(ctx, "changeOwnerSigned", relayer, &w.registry,
		w.contract.PackChangeOwnerSigned(identity, sig.V, sig.R, sig.S, newOwner))
}

// AddDelegateDigest returns the digest the owner signs to authorize AddDelegateSigned.
func (w *Writer) AddDelegateDigest(ctx context.Context, identity common.Address, delegateType string, delegate common.Address, validity time.Duration) (common.Hash, error) {
	if _, _, err := nameAndValidity("delegate type", delegateType, validity); err != nil {
		return common.Hash{}, fmt.Errorf("registry addDelegate digest: %w", err)
	}
	nonce, err := w.ownerNonce(ctx, identity)
	if err != nil {
		return common.Hash{}, err
	}
	return DigestAddDelegate(w.registry, nonce, identity, delegateType, delegate, validity)
}

// AddDelegateSigned relays the owner's signed AddDelegate; relayer pays the gas.
func (w *Writer) AddDelegateSigned(ctx context.Context, relayer Signer, identity common.Address, sig Signature, delegateType string, delegate common.Address, validity time.Duration) (*types.Receipt, error) {
	dt, secs, err := nameAndValidity("delegate type", delegateType, validity)
	if err != nil {
		return nil, fmt.Errorf("registry addDelegateSigned: %w", err)
	}
	return w.transact(ctx, "addDelegateSigned", relayer, &w.registry,
		w.contract.PackAddDelegateSigned(identity, sig.V, sig.R, sig.S, dt, delegate, secs))
}

// RevokeDelegateDigest returns the digest the owner signs to authorize RevokeDelegateSigned.
func (w *Writer) RevokeDelegateDigest(ctx context.Context, identity common.Address, delegateType string, delegate common.Address) (common.Hash, error) {
	if _, err := EncodeName(delegateType); err != nil {
		return common.Hash{}, fmt.Errorf("registry revokeDelegate digest: %w", err)
	}
	nonce, err := w.ownerNonce(ctx, identity)
	if err != nil {
		return common.Hash{}, err
	}
	return DigestRevokeDelegate(w.registry, nonce, identity, delegateType, delegate)
}

// RevokeDelegateSigned relays the owner's signed RevokeDelegate; relayer pays the gas.
func (w *Writer) RevokeDelegateSigned(ctx context.Context, relayer Signer, identity common.Address, sig Signature, delegateType string, delegate common.Address) (*types.Receipt, error) {
	dt, err := EncodeName(delegateType)
	if err != nil {
		return nil, fmt.Errorf("registry revokeDelegateSigned: %w", err)
	}
	return w.transact(ctx, "revokeDelegateSigned", relayer, &w.registry,
		w.contract.PackRevokeDelegateSigned(identity, sig.V, sig.R, sig.S, dt, delegate))
}

// SetAttributeDigest returns the digest the owner signs to authorize SetAttributeSigned.
func (w *Writer) SetAttributeDigest(ctx context.Context, identity common.Address, name string, value []byte, validity time.Duration) (common.Hash, error) {
	if _, _, err := nameAndValidity("attribute name", name, validity); err != nil {
		return common.Hash{}, fmt.Errorf("registry setAttribute digest: %w", err)
	}
	nonce, err := w.ownerNonce(ctx, identity)
	if err != nil {
		return common.Hash{}, err
	}
	return DigestSetAttribute(w.registry, nonce, identity, name, value, validity)
}

// SetAttributeSigned relays the owner's signed SetAttribute; relayer pays the gas.
func (w *Writer) SetAttributeSigned(ctx context.Context, relayer Signer, identity common.Address, sig Signature, name string, value []byte, validity time.Duration) (*types.Receipt, error) {
	n, secs, err := nameAndValidity("attribute name", name, validity)
	if err != nil {
		return nil, fmt.Errorf("registry setAttributeSigned: %w", err)
	}
	return w.transact(ctx, "setAttributeSigned", relayer, &w.registry,
		w.contract.PackSetAttributeSigned(identity, sig.V, sig.R, sig.S, n, nonNil(value), secs))
}

// RevokeAttributeDigest returns the digest the owner signs to authorize RevokeAttributeSigned.
func (w *Writer) RevokeAttributeDigest(ctx context.Context, identity common.Address, name string, value []byte) (common.Hash, error) {
	if _, err := EncodeName(name); err != nil {
		return common.Hash{}, fmt.Errorf("registry revokeAttribute digest: %w", err)
	}
	nonce, err := w.ownerNonce(ctx, identity)
	if err != nil {
		return common.Hash{}, err
	}
	return DigestRevokeAttribute(w.registry, nonce, identity, name, value)
}

// RevokeAttributeSigned relays the owner's signed RevokeAttribute; relayer pays the gas.
func (w *Writer) RevokeAttributeSigned(ctx context.Context, relayer Signer, identity common.Address, sig Signature, name string, value []byte) (*types.Receipt, error) {
	n, err := EncodeName(name)
	if err != nil {
		return nil, fmt.Errorf("registry revokeAttributeSigned: %w", err)
	}
	return w.transact(ctx, "revokeAttributeSigned", relayer, &w.registry,
		w.contract.PackRevokeAttributeSigned(identity, sig.V, sig.R, sig.S, n, nonNil(value)))
}

// ---- transaction machinery -------------------------------------------------------------------

// call runs a read-only call against the latest block.
func (w *Writer) call(ctx context.Context, data []byte) ([]byte, error) {
	if err := w.check(ctx); err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, w.cfg.RPCTimeout)
	defer cancel()
	out, err := w.backend.CallContract(cctx, ethereum.CallMsg{To: &w.registry, Data: data}, nil)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// check verifies once that the node serves the configured chain and that the registry address
// holds code. A failed check is retried on the next call.
func (w *Writer) check(ctx context.Context) error {
	w.checkMu.Lock()
	defer w.checkMu.Unlock()
	if w.checked {
		return nil
	}
	cctx, cancel := context.WithTimeout(ctx, w.cfg.RPCTimeout)
	defer cancel()
	id, err := w.backend.ChainID(cctx)
	if err != nil {
		return fmt.Errorf("read chain id: %w", err)
	}
	if id.Cmp(w.cfg.ChainID) != 0 {
		return fmt.Errorf("%w: node reports chain id %s, configured %s", ErrWrongChain, id, w.cfg.ChainID)
	}
	if w.registry != (common.Address{}) {
		code, err := w.backend.CodeAt(cctx, w.registry, nil)
		if err != nil {
			return fmt.Errorf("read registry code at %s: %w", w.registry.Hex(), err)
		}
		if len(code) == 0 {
			return fmt.Errorf("%w at %s on chain %s", ErrNoRegistry, w.registry.Hex(), w.cfg.ChainID)
		}
	}
	w.checked = true
	return nil
}

// fees returns the EIP-1559 tip and fee cap, or a nil tip and a legacy gas price on chains
// without a base fee.
func (w *Writer) fees(ctx context.Context) (tip, feeCap *big.Int, err error) {
	head, err := w.backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("read head: %w", err)
	}
	if head.BaseFee == nil {
		price, err := w.backend.SuggestGasPrice(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("suggest gas price: %w", err)
		}
		return nil, price, nil
	}
	tip, err = w.backend.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("suggest gas tip: %w", err)
	}
	feeCap = new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	return tip, feeCap, nil
}

// transact estimates, signs, sends and waits for one transaction. to == nil deploys data.
func (w *Writer) transact(ctx context.Context, op string, signer Signer, to *common.Address, data []byte) (*types.Receipt, error) {
	if signer == nil {
		return nil, fmt.Errorf("registry %s: nil signer", op)
	}
	if err := w.check(ctx); err != nil {
		return nil, fmt.Errorf("registry %s: %w", op, err)
	}
	from := signer.Address()
	msg := ethereum.CallMsg{From: from, To: to, Data: data}

	cctx, cancel := context.WithTimeout(ctx, w.cfg.RPCTimeout)
	defer cancel()
	estimate, err := w.estimate(cctx, msg)
	if err != nil {
		return nil, w.sendError(cctx, op, from, nil, err)
	}
	gasLimit := w.cfg.GasMargin(estimate)
	if gasLimit < estimate {
		gasLimit = estimate
	}
	tip, feeCap, err := w.fees(cctx)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", op, err)
	}
	need := new(big.Int).Mul(new(big.Int).SetUint64(gasLimit), feeCap)
	balance, err := w.backend.BalanceAt(cctx, from, nil)
	if err != nil {
		return nil, fmt.Errorf("registry %s: read balance of %s: %w", op, from.Hex(), err)
	}
	if balance.Cmp(need) < 0 {
		return nil, fmt.Errorf("registry %s: %w", op, &InsufficientFundsError{Account: from, Balance: balance, Need: need})
	}

	cancel()

	sctx, cancelSend := context.WithTimeout(ctx, w.cfg.RPCTimeout)
	defer cancelSend()
	tx, err := w.signAndSend(sctx, signer, func(nonce uint64) *types.Transaction {
		if tip == nil {
			return types.NewTx(&types.LegacyTx{Nonce: nonce, GasPrice: feeCap, Gas: gasLimit, To: to, Data: data})
		}
		return types.NewTx(&types.DynamicFeeTx{
			ChainID: w.cfg.ChainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: gasLimit, To: to, Data: data,
		})
	})
	if err != nil {
		return nil, w.sendError(sctx, op, from, need, err)
	}
	w.log.DebugContext(ctx, "registry transaction sent", "op", op, "tx", tx.Hash().Hex(), "from", from.Hex(),
		"nonce", tx.Nonce(), "gas_estimate", estimate, "gas_limit", gasLimit)

	receipt, err := w.waitMined(ctx, op, tx.Hash())
	if err != nil {
		var timeout *ReceiptTimeoutError
		if errors.As(err, &timeout) {
			// The transaction may have been dropped; let the next send re-read the pending nonce.
			w.forgetNonce(from)
		}
		return nil, err
	}
	w.log.DebugContext(ctx, "registry transaction mined", "op", op, "tx", tx.Hash().Hex(),
		"block", receipt.BlockNumber, "status", receipt.Status, "gas_used", receipt.GasUsed)
	if receipt.Status != types.ReceiptStatusSuccessful {
		return receipt, w.minedRevert(ctx, op, msg, receipt, gasLimit)
	}
	return receipt, nil
}

// estimate estimates msg against the pending block when the backend can, else the latest.
func (w *Writer) estimate(ctx context.Context, msg ethereum.CallMsg) (uint64, error) {
	if pe, ok := w.backend.(PendingGasEstimator); ok {
		gas, err := pe.EstimateGasAtBlock(ctx, msg, big.NewInt(int64(rpc.PendingBlockNumber)))
		if err == nil {
			return gas, nil
		}
		if _, reverted := ethclient.RevertErrorData(err); reverted || ctx.Err() != nil {
			return 0, err
		}
		msg := err.Error()
		if strings.Contains(msg, "execution reverted") || strings.Contains(msg, "insufficient funds") {
			return 0, err
		}
		// The node cannot estimate against pending: fall back to latest.
	}
	return w.backend.EstimateGas(ctx, msg)
}

// signAndSend picks the sender's next nonce, signs and sends under sendMu, so that concurrent
// operations of one sender get consecutive nonces. A nonce rejected as too low is re-read once.
func (w *Writer) signAndSend(ctx context.Context, signer Signer, build func(nonce uint64) *types.Transaction) (*types.Transaction, error) {
	from := signer.Address()
	w.sendMu.Lock()
	defer w.sendMu.Unlock()
	for attempt := 0; ; attempt++ {
		pending, err := w.backend.PendingNonceAt(ctx, from)
		if err != nil {
			return nil, fmt.Errorf("read pending nonce of %s: %w", from.Hex(), err)
		}
		nonce := pending
		if known, ok := w.nonces[from]; ok && known > nonce {
			nonce = known
		}
		tx, err := signer.SignTx(build(nonce), w.cfg.ChainID)
		if err != nil {
			return nil, err
		}
		err = w.backend.SendTransaction(ctx, tx)
		if err == nil {
			w.nonces[from] = nonce + 1
			return tx, nil
		}
		delete(w.nonces, from)
		if attempt == 0 && strings.Contains(err.Error(), "nonce too low") {
			continue
		}
		return nil, fmt.Errorf("send transaction: %w", err)
	}
}

func (w *Writer) forgetNonce(from common.Address) {
	w.sendMu.Lock()
	delete(w.nonces, from)
	w.sendMu.Unlock()
}

// sendError turns an estimation or send failure into a RevertError or InsufficientFundsError
// when it is one.
func (w *Writer) sendError(ctx context.Context, op string, from common.Address, need *big.Int, err error) error {
	if data, ok := ethclient.RevertErrorData(err); ok {
		return revertError(op, data, common.Hash{})
	}
	msg := err.Error()
	if strings.Contains(msg, "execution reverted") {
		return &RevertError{Op: op, Reason: reasonFromMessage(msg)}
	}
	if strings.Contains(msg, "insufficient funds") {
		balance, berr := w.backend.BalanceAt(ctx, from, nil)
		if berr == nil {
			if need == nil {
				need = new(big.Int).Add(balance, common.Big1) // at least one more wei than it has
			}
			return fmt.Errorf("registry %s: %w", op, &InsufficientFundsError{Account: from, Balance: balance, Need: need})
		}
	}
	return fmt.Errorf("registry %s: %w", op, err)
}

func revertError(op string, data []byte, tx common.Hash) *RevertError {
	e := &RevertError{Op: op, Data: data, TxHash: tx}
	if reason, err := abi.UnpackRevert(data); err == nil {
		e.Reason = reason
	}
	return e
}

// reasonFromMessage extracts "X" from a node message "execution reverted: X".
func reasonFromMessage(msg string) string {
	_, reason, ok := strings.Cut(msg, "execution reverted: ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(reason)
}

// minedRevert explains a transaction that was mined with status 0: out of gas when it used its
// whole limit, otherwise the reason a replay against the state after its block gives (an
// earlier transaction in the same block, such as an owner change, is the usual cause).
func (w *Writer) minedRevert(ctx context.Context, op string, msg ethereum.CallMsg, receipt *types.Receipt, gasLimit uint64) error {
	if receipt.GasUsed >= gasLimit {
		return &RevertError{Op: op, TxHash: receipt.TxHash, Reason: fmt.Sprintf("out of gas (limit %d)", gasLimit)}
	}
	cctx, cancel := context.WithTimeout(ctx, w.cfg.RPCTimeout)
	defer cancel()
	msg.Gas = gasLimit
	_, err := w.backend.CallContract(cctx, msg, receipt.BlockNumber)
	if data, ok := ethclient.RevertErrorData(err); ok {
		return revertError(op, data, receipt.TxHash)
	}
	reason := ""
	if err != nil {
		reason = reasonFromMessage(err.Error())
	}
	return &RevertError{Op: op, TxHash: receipt.TxHash, Reason: reason}
}

// waitMined polls for the receipt of hash, then for WriterConfig.Confirmations blocks on top of
// it, within WriterConfig.ReceiptTimeout. A receipt whose block leaves the canonical chain while
// waiting for confirmations is waited for again.
func (w *Writer) waitMined(ctx context.Context, op string, hash common.Hash) (*types.Receipt, error) {
	wctx, cancel := context.WithTimeout(ctx, w.cfg.ReceiptTimeout)
	defer cancel()
	interval := minPollInterval
	sleep := func() error {
		t := time.NewTimer(interval)
		defer t.Stop()
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return fmt.Errorf("registry %s: wait for transaction %s: %w", op, hash.Hex(), ctx.Err())
			}
			return &ReceiptTimeoutError{Op: op, TxHash: hash, Timeout: w.cfg.ReceiptTimeout}
		case <-t.C:
		}
		interval = min(interval*2, maxPollInterval)
		return nil
	}
	for {
		receipt, err := w.backend.TransactionReceipt(wctx, hash)
		switch {
		case err == nil && receipt != nil:
			// Even without confirmations the receipt's block must be the
			// head or below it: a node can serve a receipt before
			// forkchoice makes its block the head (geth's simulated
			// beacon does), and a read at "latest" right after the write
			// must see it.
			head, herr := w.backend.HeaderByNumber(wctx, nil)
			if herr == nil {
				depth := new(big.Int).Sub(head.Number, receipt.BlockNumber)
				if depth.Sign() >= 0 && w.cfg.Confirmations == 0 {
					return receipt, nil
				}
				if depth.Sign() >= 0 && depth.Uint64() >= w.cfg.Confirmations {
					// Re-read: the receipt must still be in the canonical chain at that depth.
					again, rerr := w.backend.TransactionReceipt(wctx, hash)
					if rerr == nil && again != nil && again.BlockHash == receipt.BlockHash {
						return again, nil
					}
				}
			}
		case err != nil && !notYetMined(err):
			if wctx.Err() == nil {
				return nil, fmt.Errorf("registry %s: read receipt of %s: %w", op, hash.Hex(), err)
			}
		}
		if err := sleep(); err != nil {
			return nil, err
		}
	}
}

// notYetMined reports receipt errors that mean "try again later".
func notYetMined(err error) bool {
	if errors.Is(err, ethereum.NotFound) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "not found") || strings.Contains(msg, "transaction indexing is in progress")
}
