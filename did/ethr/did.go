package ethr

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/chainid/chainid/did"
)

// MethodName is the DID method this package resolves.
const MethodName = "ethr"

// DefaultNetwork is the network a DID without a network part means
// (did:ethr:0x…), as in ethr-did-resolver: the network configured under the
// name "mainnet".
const DefaultNetwork = "mainnet"

// ParseDID splits a did:ethr DID into its network part, the identity's
// Ethereum address and, for a public-key DID, the 33-byte compressed
// secp256k1 key whose address is the identity.
//
// The forms are did:ethr:0xADDR, did:ethr:NETWORK:0xADDR,
// did:ethr:0xCHAINID:0xADDR (NETWORK is then the chain ID in lower-case hex
// without leading zeros, e.g. 0x539) and the same with a 0x-prefixed
// compressed public key (66 hex digits) in place of the address. network is
// the text before the identifier ("mainnet" when there is none); use
// LookupNetwork to find the configured network it names.
//
// Like ethr-did-resolver, an address is accepted in lower case, upper case
// or EIP-55 mixed case; mixed case with a wrong checksum is refused. Errors
// wrap did.ErrInvalidDID.
func ParseDID(id did.DID) (network string, address common.Address, publicKey []byte, err error) {
	if id.Method != MethodName {
		return "", common.Address{}, nil, fmt.Errorf("%w: %q is not a did:ethr DID", did.ErrInvalidDID, id.String())
	}
	msid := id.ID
	ident, prefix, ok := splitIdentifier(msid)
	if !ok {
		return "", common.Address{}, nil, fmt.Errorf("%w: not a valid did:ethr: %q", did.ErrInvalidDID, msid)
	}
	switch {
	case prefix == "":
		network = DefaultNetwork
	case strings.HasSuffix(prefix, ":"):
		network = prefix[:len(prefix)-1]
	default:
		// ethr-did-resolver drops the last character whatever it is; we
		// refuse instead of guessing a network name.
		return "", common.Address{}, nil, fmt.Errorf("%w: network part %q does not end with ':'", did.ErrInvalidDID, prefix)
	}
	raw, _ := hex.DecodeString(ident[2:]) // splitIdentifier checked the digits
	if len(raw) == common.AddressLength {
		if err := checkChecksum(ident); err != nil {
			return "", common.Address{}, nil, err
		}
		return network, common.BytesToAddress(raw), nil, nil
	}
	pub, err := crypto.DecompressPubkey(raw)
	if err != nil {
		return "", common.Address{}, nil, fmt.Errorf("%w: %s is not a compressed secp256k1 public key: %w", did.ErrInvalidDID, ident, err)
	}
	return network, crypto.PubkeyToAddress(*pub), raw, nil
}

// splitIdentifier matches ethr-did-resolver's identifierMatcher,
// /^(.*)?(0x[0-9a-fA-F]{40}|0x[0-9a-fA-F]{66})$/: the identifier is the
// trailing 0x-prefixed 40 or 66 hex digits, prefix everything before it.
func splitIdentifier(msid string) (ident, prefix string, ok bool) {
	// The greedy (.*) takes the longest prefix, so a 40-digit match wins
	// over a 66-digit one.
	for _, n := range []int{40, 66} {
		if len(msid) < n+2 {
			continue
		}
		cut := len(msid) - n - 2
		if cand := msid[cut:]; cand[0] == '0' && cand[1] == 'x' && isHexDigits(cand[2:]) {
			return cand, msid[:cut], true
		}
	}
	return "", "", false
}

func isHexDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// checkChecksum applies ethers' getAddress rule: an all-lower or all-upper
// address is accepted as is, a mixed-case one must be EIP-55 checksummed.
func checkChecksum(addr string) error {
	digits := addr[2:]
	if strings.ToLower(digits) == digits || strings.ToUpper(digits) == digits {
		return nil
	}
	if common.HexToAddress(addr).Hex() != addr {
		return fmt.Errorf("%w: %s has a bad EIP-55 checksum", did.ErrInvalidDID, addr)
	}
	return nil
}

// networkKeys returns the names a network answers to, as ethr-did-resolver
// configures them: its name (if any) and "0x" + its chain ID in lower-case
// hex.
func networkKeys(n *Network) []string {
	keys := []string{chainKey(n.ChainID)}
	if n.Name != "" {
		keys = append(keys, n.Name)
	}
	return keys
}

func chainKey(id *big.Int) string { return "0x" + id.Text(16) }

// LookupNetwork returns the network among networks that a DID's network
// part (as ParseDID returns it) names: the network with that Name, or the
// one whose chain ID in lower-case hex without leading zeros ("0x539") it
// is. Other spellings of a chain ID ("0x0539", "0X539", decimal) do not
// match, as in ethr-did-resolver.
func LookupNetwork(networks []Network, network string) (Network, bool) {
	for i := range networks {
		for _, k := range networkKeys(&networks[i]) {
			if k == network {
				return networks[i], true
			}
		}
	}
	return Network{}, false
}

// errInvalidVersion reports a versionId that is not a block number.
var errInvalidVersion = errors.New("versionId is not a block number")

// parseVersionID reads a versionId as ethr-did-resolver does, with
// JavaScript's parseInt: leading white space, an optional "0x" (hex) prefix,
// then as many digits as there are; trailing text is ignored. ok is false
// when no digits are found (the reference then resolves the latest
// version). A negative number is refused (the reference would hand it to
// ethers as a block offset from the head).
func parseVersionID(s string) (block uint64, ok bool, err error) {
	s = strings.TrimLeft(s, " \t\n\v\f\r\u00a0\ufeff\u2028\u2029")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	base := uint64(10)
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		base = 16
		s = s[2:]
	}
	n, digits, overflow := uint64(0), 0, false
	for ; digits < len(s); digits++ {
		d := digitValue(s[digits])
		if d >= base {
			break
		}
		if n > (^uint64(0)-d)/base {
			overflow = true
		}
		n = n*base + d
	}
	if digits == 0 {
		return 0, false, nil
	}
	if neg && n != 0 {
		return 0, false, fmt.Errorf("%w: negative", errInvalidVersion)
	}
	if overflow {
		n = ^uint64(0)
	}
	return n, true, nil
}

func digitValue(c byte) uint64 {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c - '0')
	case c >= 'a' && c <= 'z':
		return uint64(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return uint64(c-'A') + 10
	}
	return 99
}
