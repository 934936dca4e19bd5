package siwe

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/pkh"
	"github.com/chainid/chainid/resolver"
)

// Defaults applied by New for zero Config fields.
const (
	DefaultLeeway      = time.Minute
	DefaultMaxAge      = 10 * time.Minute
	DefaultCallGas     = 500_000
	DefaultCallTimeout = 5 * time.Second
	// MaxSignatureBytes bounds a signature (a contract wallet's may be
	// longer than 65 bytes, e.g. several owners' signatures).
	MaxSignatureBytes = 4 << 10
)

// Sentinel errors callers branch on.
var (
	// ErrRefused is wrapped by every failed check: the login is refused.
	ErrRefused = errors.New("sign-in refused")
	// ErrChainUnavailable is wrapped when a chain or the resolver could not
	// answer (never a refusal, never an acceptance).
	ErrChainUnavailable = errors.New("chain unavailable")
)

// erc1271Selector is bytes4(keccak256("isValidSignature(bytes32,bytes)")),
// which is also the magic value a wallet returns to accept.
var erc1271Selector = [4]byte{0x16, 0x26, 0xba, 0x7e}

// Caller is what ERC-1271 checks need from a chain node;
// *ethclient.Client satisfies it.
type Caller interface {
	CodeAt(ctx context.Context, account common.Address, block *big.Int) ([]byte, error)
	CallContract(ctx context.Context, call ethereum.CallMsg, block *big.Int) ([]byte, error)
}

// Resolver resolves did:ethr DIDs for the did:ethr link; *resolver.Resolver
// satisfies it.
type Resolver interface {
	Resolve(ctx context.Context, did string, opts resolver.Options) (*resolver.Result, error)
}

// Chain is one chain logins may name.
type Chain struct {
	// ID is the EIP-155 chain ID.
	ID uint64
	// Client answers ERC-1271 calls on this chain; nil refuses contract
	// wallets on it.
	Client Caller
}

// Config configures a Verifier. Chains must list at least one chain; the
// zero value of every other field is a safe default.
type Config struct {
	// Chains are the chains a message may name.
	Chains []Chain
	// Resolver resolves did:ethr DIDs for the did:ethr link; nil refuses
	// logins that name one.
	Resolver Resolver
	// Leeway allows for clock skew in the time checks; zero means
	// DefaultLeeway.
	Leeway time.Duration
	// MaxAge bounds how long after its Issued At a message is accepted,
	// whatever its Expiration Time; zero means DefaultMaxAge.
	MaxAge time.Duration
	// CallGas and CallTimeout bound each ERC-1271 eth_call; zero means
	// DefaultCallGas and DefaultCallTimeout.
	CallGas     uint64
	CallTimeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives debug lines about refusals; nil discards them.
	Logger *slog.Logger
}

// Verifier checks Sign-In with Ethereum logins. It is safe for concurrent
// use.
type Verifier struct {
	chains   map[uint64]Chain
	first    uint64 // the first chain of Config.Chains
	resolver Resolver
	leeway   time.Duration
	maxAge   time.Duration
	gas      uint64
	timeout  time.Duration
	now      func() time.Time
	log      *slog.Logger
}

// New validates cfg and returns a Verifier.
func New(cfg Config) (*Verifier, error) {
	if len(cfg.Chains) == 0 {
		return nil, errors.New("siwe: Config.Chains is empty")
	}
	if cfg.Leeway < 0 || cfg.MaxAge < 0 || cfg.CallTimeout < 0 {
		return nil, errors.New("siwe: negative duration in Config")
	}
	v := &Verifier{chains: make(map[uint64]Chain, len(cfg.Chains)), resolver: cfg.Resolver,
		leeway: cfg.Leeway, maxAge: cfg.MaxAge, gas: cfg.CallGas, timeout: cfg.CallTimeout, now: cfg.Now, log: cfg.Logger}
	for _, c := range cfg.Chains {
		if c.ID == 0 {
			return nil, errors.New("siwe: chain ID 0")
		}
		if _, dup := v.chains[c.ID]; dup {
			return nil, fmt.Errorf("siwe: chain %d listed twice", c.ID)
		}
		v.chains[c.ID] = c
	}
	v.first = cfg.Chains[0].ID
	if v.leeway == 0 {
		v.leeway = DefaultLeeway
	}
	if v.maxAge == 0 {
		v.maxAge = DefaultMaxAge
	}
	if v.gas == 0 {
		v.gas = DefaultCallGas
	}
	if v.timeout == 0 {
		v.timeout = DefaultCallTimeout
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.log == nil {
		v.log = slog.New(slog.DiscardHandler)
	}
	return v, nil
}

// Expect is what a message must say. Domain, URI and Nonce are required.
type Expect struct {
	// Scheme is the scheme the login page was served with ("https" or
	// "http"); a message without a scheme means https. Empty skips the
	// check.
	Scheme string
	// Domain is the RFC 3986 authority (host[:port]) of the login page;
	// the host compares without regard to case.
	Domain string
	// URI must equal the message's URI.
	URI string
	// Nonce must equal the message's nonce.
	Nonce string
	// ChainID, when not zero, is the only chain accepted (otherwise any
	// configured chain).
	ChainID uint64
	// RequestID, when set, must equal the message's Request ID.
	RequestID string
	// Ethr names a did:ethr DID to log in as (a request field); it must
	// agree with a did:ethr resource if the message names one.
	Ethr string
}

// Result is an accepted login.
type Result struct {
	// Message is the parsed message.
	Message *Message
	// Address is the account that signed.
	Address common.Address
	// Contract is set when an ERC-1271 wallet accepted the signature.
	Contract bool
	// Account is did:pkh:eip155:CHAIN:ADDRESS.
	Account string
	// Ethr is the did:ethr DID the login names, when the signer controls it.
	Ethr string
	// Subject is the identity that logged in: Ethr if set, else Account.
	Subject string
}

func refused(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrRefused}, args...)...)
}

// Verify checks text, signed with signature, against expect.
func (v *Verifier) Verify(ctx context.Context, text string, signature []byte, expect Expect) (*Result, error) {
	if expect.Domain == "" || expect.URI == "" || expect.Nonce == "" {
		return nil, errors.New("siwe: Expect needs Domain, URI and Nonce")
	}
	m, err := Parse(text)
	if err != nil {
		return nil, err
	}
	if err := v.checkFields(m, expect); err != nil {
		return nil, err
	}
	ethrDID, err := namedEthr(m, expect.Ethr)
	if err != nil {
		return nil, err
	}
	contract, err := v.checkSignature(ctx, m, text, signature)
	if err != nil {
		return nil, err
	}
	account, err := pkh.New(m.ChainID, m.Address.Hex())
	if err != nil {
		return nil, fmt.Errorf("siwe: did:pkh of %s: %w", m.Address.Hex(), err)
	}
	res := &Result{Message: m, Address: m.Address, Contract: contract, Account: account.String(), Subject: account.String()}
	if ethrDID != "" {
		if err := v.checkEthr(ctx, ethrDID, m.ChainID, m.Address); err != nil {
			return nil, err
		}
		res.Ethr, res.Subject = ethrDID, ethrDID
	}
	return res, nil
}

// checkFields compares the message with expect and the clock.
func (v *Verifier) checkFields(m *Message, e Expect) error {
	scheme := m.Scheme
	if scheme == "" {
		scheme = "https"
	}
	if e.Scheme != "" && !strings.EqualFold(scheme, e.Scheme) {
		return refused("scheme %q, this server is %q", scheme, e.Scheme)
	}
	if !strings.EqualFold(m.Domain, e.Domain) {
		return refused("domain %q is not this server's %q", m.Domain, e.Domain)
	}
	if m.URI != e.URI {
		return refused("URI %q is not %q", m.URI, e.URI)
	}
	if _, ok := v.chains[m.ChainID]; !ok || (e.ChainID != 0 && e.ChainID != m.ChainID) {
		return refused("chain %d is not accepted here", m.ChainID)
	}
	if subtle.ConstantTimeCompare([]byte(m.Nonce), []byte(e.Nonce)) != 1 {
		return refused("nonce does not match the one issued")
	}
	if e.RequestID != "" && (!m.HasRequestID || m.RequestID != e.RequestID) {
		return refused("request id %q is not %q", m.RequestID, e.RequestID)
	}
	now := v.now()
	issued, err := ParseTime(m.IssuedAt)
	if err != nil {
		return fmt.Errorf("%w: issued at: %w", ErrSyntax, err)
	}
	if issued.After(now.Add(v.leeway)) {
		return refused("issued at %s is in the future", m.IssuedAt)
	}
	if now.After(issued.Add(v.maxAge + v.leeway)) {
		return refused("issued at %s is older than %s", m.IssuedAt, v.maxAge)
	}
	if m.ExpirationTime != "" {
		exp, err := ParseTime(m.ExpirationTime)
		if err != nil {
			return fmt.Errorf("%w: expiration time: %w", ErrSyntax, err)
		}
		if !now.Before(exp.Add(v.leeway)) {
			return refused("expired at %s", m.ExpirationTime)
		}
	}
	if m.NotBefore != "" {
		nbf, err := ParseTime(m.NotBefore)
		if err != nil {
			return fmt.Errorf("%w: not before: %w", ErrSyntax, err)
		}
		if now.Add(v.leeway).Before(nbf) {
			return refused("not valid before %s", m.NotBefore)
		}
	}
	return nil
}

// namedEthr returns the did:ethr DID the login names (a resource or the
// request field), or "".
func namedEthr(m *Message, requested string) (string, error) {
	found := ""
	for _, r := range m.Resources {
		if !strings.HasPrefix(r, "did:ethr:") {
			continue
		}
		if found != "" && found != r {
			return "", refused("the message names two did:ethr DIDs")
		}
		found = r
	}
	if requested != "" {
		if !strings.HasPrefix(requested, "did:ethr:") {
			return "", refused("%q is not a did:ethr DID", requested)
		}
		if found != "" && found != requested {
			return "", refused("the request names %s but the message %s", requested, found)
		}
		found = requested
	}
	return found, nil
}

// checkSignature accepts an EIP-191 signature by the message's address or,
// for a contract account, the wallet's ERC-1271 approval. It reports
// whether a contract accepted.
func (v *Verifier) checkSignature(ctx context.Context, m *Message, text string, sig []byte) (bool, error) {
	if len(sig) == 0 || len(sig) > MaxSignatureBytes {
		return false, refused("signature of %d bytes", len(sig))
	}
	hash := accounts.TextHash([]byte(text))
	if len(sig) == 65 {
		if signer, err := recoverEIP191(hash, sig); err == nil && signer == m.Address {
			return false, nil
		}
	}
	chain := v.chains[m.ChainID]
	if chain.Client == nil {
		return false, refused("the signature is not %s's", m.Address.Hex())
	}
	ctx, cancel := context.WithTimeout(ctx, v.timeout)
	defer cancel()
	code, err := chain.Client.CodeAt(ctx, m.Address, nil)
	if err != nil {
		return false, fmt.Errorf("%w: read code of %s on chain %d: %w", ErrChainUnavailable, m.Address.Hex(), m.ChainID, err)
	}
	if len(code) == 0 {
		return false, refused("the signature is not %s's", m.Address.Hex())
	}
	addr := m.Address
	out, err := chain.Client.CallContract(ctx, ethereum.CallMsg{To: &addr, Gas: v.gas, Data: erc1271Call(hash, sig)}, nil)
	if err != nil {
		var rpcErr interface{ ErrorCode() int }
		if errors.As(err, &rpcErr) && ctx.Err() == nil {
			// The node ran the call and it failed: revert, out of gas.
			return false, refused("contract wallet %s did not accept the signature: %w", addr.Hex(), err)
		}
		return false, fmt.Errorf("%w: ERC-1271 call to %s on chain %d: %w", ErrChainUnavailable, addr.Hex(), m.ChainID, err)
	}
	if len(out) != 32 || [4]byte(out[:4]) != erc1271Selector || !allZero(out[4:]) {
		return false, refused("contract wallet %s did not return the ERC-1271 magic value", addr.Hex())
	}
	return true, nil
}

// recoverEIP191 recovers the signer of a 65-byte r‖s‖v signature (v 27/28
// or 0/1) over hash; high-s signatures are refused.
func recoverEIP191(hash, sig []byte) (common.Address, error) {
	s := make([]byte, 65)
	copy(s, sig)
	if s[64] >= 27 {
		s[64] -= 27
	}
	if s[64] > 1 {
		return common.Address{}, errors.New("recovery id out of range")
	}
	r, sv := new(big.Int).SetBytes(s[:32]), new(big.Int).SetBytes(s[32:64])
	if !crypto.ValidateSignatureValues(s[64], r, sv, true) {
		return common.Address{}, errors.New("invalid signature values")
	}
	pub, err := crypto.SigToPub(hash, s)
	if err != nil {
		return common.Address{}, err
	}
	return crypto.PubkeyToAddress(*pub), nil
}

// erc1271Call ABI-encodes isValidSignature(bytes32 hash, bytes signature).
func erc1271Call(hash, sig []byte) []byte {
	padded := (len(sig) + 31) / 32 * 32
	out := make([]byte, 0, 4+32*3+padded)
	out = append(out, erc1271Selector[:]...)
	out = append(out, hash...)
	out = append(out, common.LeftPadBytes(big.NewInt(64).Bytes(), 32)...)
	out = append(out, common.LeftPadBytes(big.NewInt(int64(len(sig))).Bytes(), 32)...)
	out = append(out, sig...)
	return append(out, make([]byte, padded-len(sig))...)
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// checkEthr accepts when signer is the current controller or an unexpired
// sigAuth delegate of the did:ethr DID id on chain chainID.
func (v *Verifier) checkEthr(ctx context.Context, id string, chainID uint64, signer common.Address) error {
	if v.resolver == nil {
		return refused("did:ethr logins are not configured")
	}
	res, err := v.resolver.Resolve(ctx, id, resolver.Options{NoCache: true})
	if err != nil {
		var rerr *resolver.Error
		if errors.As(err, &rerr) && rerr.Code != resolver.CodeInternalError {
			return refused("resolve %s: %w", id, err)
		}
		return fmt.Errorf("%w: resolve %s: %w", ErrChainUnavailable, id, err)
	}
	if res == nil || res.Document == nil {
		return refused("resolve %s: no document", id)
	}
	if res.DocumentMetadata.Deactivated {
		return refused("%s is deactivated", id)
	}
	want := pkh.Account{Namespace: pkh.NamespaceEIP155, Reference: fmt.Sprint(chainID), Address: signer.Hex()}
	for _, ref := range res.Document.Authentication {
		vm, ok := res.Document.Authorized("authentication", refID(ref))
		if !ok || vm.BlockchainAccountID == "" {
			continue
		}
		acct, err := pkh.ParseAccount(vm.BlockchainAccountID)
		if err != nil {
			continue
		}
		if acct.Equal(want) {
			return nil
		}
	}
	return refused("%s is neither the owner nor a sigAuth delegate of %s on chain %d", signer.Hex(), id, chainID)
}

func refID(r did.VerificationRef) string {
	if r.Method != nil {
		return r.Method.ID
	}
	return r.ID
}
