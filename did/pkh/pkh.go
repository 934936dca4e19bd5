package pkh

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/chainid/chainid/did"
)

// Method is the DID method name handled by this package.
const Method = "pkh"

// CAIP-2 namespaces this package resolves.
const (
	NamespaceEIP155 = "eip155"
	NamespaceBIP122 = "bip122"
	NamespaceSolana = "solana"
)

// Verification-method types used in did:pkh documents besides
// did.TypeSecp256k1Recovery20 and did.TypeEd25519VK2018.
const TypeSolanaMethod2021 = "SolanaMethod2021"

// Embedded @context objects of the did:pkh specification's test vectors.
var (
	contextRecovery = json.RawMessage(`{"blockchainAccountId":"https://w3id.org/security#blockchainAccountId",` +
		`"EcdsaSecp256k1RecoveryMethod2020":"https://identity.foundation/EcdsaSecp256k1RecoverySignature2020#EcdsaSecp256k1RecoveryMethod2020"}`)
	contextSolana = json.RawMessage(`{"blockchainAccountId":"https://w3id.org/security#blockchainAccountId",` +
		`"publicKeyJwk":{"@id":"https://w3id.org/security#publicKeyJwk","@type":"@json"},` +
		`"Ed25519VerificationKey2018":"https://w3id.org/security#Ed25519VerificationKey2018",` +
		`"SolanaMethod2021":"https://w3id.org/security#SolanaMethod2021"}`)
)

// Account is a CAIP-10 blockchain account id:
// namespace ":" reference ":" address, for example
// eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a.
type Account struct {
	Namespace string // CAIP-2 namespace, e.g. "eip155"
	Reference string // CAIP-2 reference, e.g. the chain id "1"
	Address   string // account address as written
}

// String returns the CAIP-10 account id.
func (a Account) String() string { return a.Namespace + ":" + a.Reference + ":" + a.Address }

// ChainID returns the CAIP-2 chain id, namespace ":" reference.
func (a Account) ChainID() string { return a.Namespace + ":" + a.Reference }

// DID returns the did:pkh DID of the account.
func (a Account) DID() did.DID { return did.DID{Method: Method, ID: a.String()} }

// Equal reports whether a and b name the same account. eip155 addresses
// compare without regard to case (EIP-55 casing is only a checksum); other
// namespaces compare exactly.
func (a Account) Equal(b Account) bool {
	if a.Namespace != b.Namespace || a.Reference != b.Reference {
		return false
	}
	if a.Namespace == NamespaceEIP155 {
		return strings.EqualFold(a.Address, b.Address)
	}
	return a.Address == b.Address
}

// Supported reports whether the package resolves accounts of namespace ns.
func Supported(ns string) bool {
	switch ns {
	case NamespaceEIP155, NamespaceBIP122, NamespaceSolana:
		return true
	}
	return false
}

// ParseAccount parses a CAIP-10 account id. It checks the generic CAIP-10
// syntax and, for the supported namespaces, their chain id and address
// rules (including checksums). A well-formed account in another namespace
// parses; [Supported] tells whether it can be resolved. Errors wrap
// did.ErrInvalidDID.
func ParseAccount(s string) (Account, error) {
	ns, rest, ok1 := strings.Cut(s, ":")
	ref, addr, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 {
		return Account{}, fmt.Errorf("%w: %q is not a CAIP-10 account id (namespace:reference:address)", did.ErrInvalidDID, truncate(s))
	}
	a := Account{Namespace: ns, Reference: ref, Address: addr}
	if err := a.checkSyntax(); err != nil {
		return Account{}, fmt.Errorf("%w: CAIP-10 account %q: %w", did.ErrInvalidDID, truncate(s), err)
	}
	var err error
	switch ns {
	case NamespaceEIP155:
		err = checkEIP155(ref, addr)
	case NamespaceBIP122:
		err = checkBIP122(ref, addr)
	case NamespaceSolana:
		err = checkSolana(ref, addr)
	}
	if err != nil {
		return Account{}, fmt.Errorf("%w: %s account %q: %w", did.ErrInvalidDID, ns, truncate(s), err)
	}
	return a, nil
}

// checkSyntax enforces CAIP-10:
// namespace [-a-z0-9]{3,8}, reference [-_a-zA-Z0-9]{1,32},
// address [-.%a-zA-Z0-9]{1,128}.
func (a Account) checkSyntax() error {
	if err := checkChars("namespace", a.Namespace, 3, 8, func(c byte) bool { return c == '-' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }); err != nil {
		return err
	}
	if err := checkChars("reference", a.Reference, 1, 32, func(c byte) bool { return c == '-' || c == '_' || isAlnum(c) }); err != nil {
		return err
	}
	return checkChars("address", a.Address, 1, 128, func(c byte) bool { return c == '-' || c == '.' || c == '%' || isAlnum(c) })
}

func checkChars(what, s string, lo, hi int, ok func(byte) bool) error {
	if len(s) < lo || len(s) > hi {
		return fmt.Errorf("%s must be %d to %d characters", what, lo, hi)
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return fmt.Errorf("%s: character %q is not allowed", what, s[i])
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// checkEIP155 checks a decimal chain id (no leading zeros, not 0) and an
// address of 0x and 40 hex digits whose checksum is right when it is mixed
// case.
func checkEIP155(ref, addr string) error {
	if err := checkChainID(ref); err != nil {
		return err
	}
	_, err := ChecksumAddress(addr)
	return err
}

func checkChainID(ref string) error {
	for i := 0; i < len(ref); i++ {
		if ref[i] < '0' || ref[i] > '9' {
			return fmt.Errorf("chain id %q is not a decimal number", ref)
		}
	}
	if ref == "" || ref[0] == '0' {
		return fmt.Errorf("chain id %q must be a positive decimal number without leading zeros", ref)
	}
	return nil
}

// AccountOf returns the account a did:pkh DID wraps. Errors wrap
// did.ErrInvalidDID.
func AccountOf(id did.DID) (Account, error) {
	if id.Method != Method {
		return Account{}, fmt.Errorf("%w: %q is not a did:pkh DID", did.ErrInvalidDID, id.String())
	}
	return ParseAccount(id.ID)
}

// New returns the did:pkh DID of an EVM account: chain id chainID (EIP-155)
// and address (0x and 40 hex digits). The address is written in its EIP-55
// checksum form whatever the input case; a mixed-case input must already
// carry a correct checksum. Errors wrap did.ErrInvalidDID.
func New(chainID uint64, address string) (did.DID, error) {
	if chainID == 0 {
		return did.DID{}, fmt.Errorf("%w: eip155 chain id must not be 0", did.ErrInvalidDID)
	}
	sum, err := ChecksumAddress(address)
	if err != nil {
		return did.DID{}, fmt.Errorf("%w: %w", did.ErrInvalidDID, err)
	}
	return Account{Namespace: NamespaceEIP155, Reference: strconv.FormatUint(chainID, 10), Address: sum}.DID(), nil
}

// Resolver builds did:pkh documents. The zero value is ready to use and it
// is safe for concurrent use.
type Resolver struct{}

// NewResolver returns a Resolver.
func NewResolver() *Resolver { return &Resolver{} }

// Resolve returns the generated DID document of id. Errors wrap
// did.ErrInvalidDID for identifiers that are not valid did:pkh accounts and
// did.ErrMethodNotSupported for DIDs of another method or accounts in a
// namespace this package does not support. Resolution options are ignored:
// did:pkh documents have no versions.
func (*Resolver) Resolve(_ context.Context, id did.DID, _ did.ResolveOptions) (*did.Document, did.DocumentMetadata, error) {
	var meta did.DocumentMetadata
	if id.Method != Method {
		return nil, meta, fmt.Errorf("resolve %s: %w: did:pkh resolver got method %q", id, did.ErrMethodNotSupported, id.Method)
	}
	acct, err := ParseAccount(id.ID)
	if err != nil {
		return nil, meta, fmt.Errorf("resolve %s: %w", id, err)
	}
	if !Supported(acct.Namespace) {
		return nil, meta, fmt.Errorf("resolve %s: %w: CAIP-2 namespace %q", id, did.ErrMethodNotSupported, acct.Namespace)
	}
	doc, err := document(id, acct)
	if err != nil {
		return nil, meta, fmt.Errorf("resolve %s: %w", id, err)
	}
	return doc, meta, nil
}

// document builds the DID document the did:pkh specification describes.
func document(id did.DID, acct Account) (*did.Document, error) {
	self := id.String()
	doc := &did.Document{ID: self}
	var ids []string
	switch acct.Namespace {
	case NamespaceSolana:
		pub, err := did.DecodeBase58(acct.Address)
		if err != nil {
			return nil, fmt.Errorf("%w: solana address: %w", did.ErrInvalidDID, err)
		}
		jwk := &did.JWK{Kty: "OKP", Crv: "Ed25519", X: base64.RawURLEncoding.EncodeToString(pub)}
		doc.Context = did.Context{Entries: []did.ContextEntry{{URI: did.ContextDIDv1}, {Object: contextSolana}}, Array: true}
		for _, vm := range []struct{ fragment, typ string }{
			{"#controller", did.TypeEd25519VK2018},
			{"#SolanaMethod2021", TypeSolanaMethod2021},
		} {
			k := *jwk
			doc.VerificationMethod = append(doc.VerificationMethod, did.VerificationMethod{
				ID: self + vm.fragment, Type: vm.typ, Controller: self, BlockchainAccountID: acct.String(), PublicKeyJwk: &k,
			})
			ids = append(ids, self+vm.fragment)
		}
	default: // eip155, bip122
		doc.Context = did.Context{Entries: []did.ContextEntry{{URI: did.ContextDIDv1}, {Object: contextRecovery}}, Array: true}
		doc.VerificationMethod = []did.VerificationMethod{{
			ID: self + "#blockchainAccountId", Type: did.TypeSecp256k1Recovery20, Controller: self, BlockchainAccountID: acct.String(),
		}}
		ids = []string{self + "#blockchainAccountId"}
	}
	refs := func() []did.VerificationRef {
		out := make([]did.VerificationRef, len(ids))
		for i, s := range ids {
			out[i] = did.Ref(s)
		}
		return out
	}
	doc.Authentication = refs()
	doc.AssertionMethod = refs()
	doc.CapabilityInvocation = refs()
	doc.CapabilityDelegation = refs()
	return doc, nil
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
