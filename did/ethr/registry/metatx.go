package registry

import (
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Signature is an owner's secp256k1 signature over a meta-transaction digest, as the ...Signed
// functions take it (V is 27 or 28).
type Signature struct {
	V    uint8
	R, S [32]byte
}

// SignDigest signs digest with key, returning V as 27 or 28.
func SignDigest(key *ecdsa.PrivateKey, digest common.Hash) (Signature, error) {
	raw, err := crypto.Sign(digest[:], key)
	if err != nil {
		return Signature{}, fmt.Errorf("sign digest: %w", err)
	}
	return ParseSignature(raw)
}

// ParseSignature decodes a 65-byte r || s || v signature, with v either 0/1 or 27/28 (wallets
// return either).
func ParseSignature(raw []byte) (Signature, error) {
	if len(raw) != crypto.SignatureLength {
		return Signature{}, fmt.Errorf("%w: signature is %d bytes, want %d", ErrInvalidArgument, len(raw), crypto.SignatureLength)
	}
	var s Signature
	copy(s.R[:], raw[:32])
	copy(s.S[:], raw[32:64])
	switch v := raw[64]; v {
	case 0, 1:
		s.V = v + 27
	case 27, 28:
		s.V = v
	default:
		return Signature{}, fmt.Errorf("%w: signature recovery id %d", ErrInvalidArgument, v)
	}
	return s, nil
}

// Recover returns the address that produced s over digest.
func (s Signature) Recover(digest common.Hash) (common.Address, error) {
	if s.V != 27 && s.V != 28 {
		return common.Address{}, fmt.Errorf("%w: signature v %d", ErrInvalidArgument, s.V)
	}
	raw := make([]byte, crypto.SignatureLength)
	copy(raw, s.R[:])
	copy(raw[32:], s.S[:])
	raw[64] = s.V - 27
	pub, err := crypto.SigToPub(digest[:], raw)
	if err != nil {
		return common.Address{}, fmt.Errorf("recover signer: %w", err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}

// digest hashes 0x19 || 0x00 || registry || nonce (32 bytes) || identity || fn || args.
func digest(registry common.Address, nonce *big.Int, identity common.Address, fn string, args ...[]byte) common.Hash {
	parts := [][]byte{{0x19, 0x00}, registry[:], common.BigToHash(nonce).Bytes(), identity[:], []byte(fn)}
	return crypto.Keccak256Hash(append(parts, args...)...)
}

// DigestChangeOwner is the changeOwnerSigned digest for the owner's nonce.
func DigestChangeOwner(registry common.Address, nonce *big.Int, identity, newOwner common.Address) common.Hash {
	return digest(registry, nonce, identity, "changeOwner", newOwner[:])
}

// DigestAddDelegate is the addDelegateSigned digest for the owner's nonce.
func DigestAddDelegate(registry common.Address, nonce *big.Int, identity common.Address, delegateType string, delegate common.Address, validity time.Duration) (common.Hash, error) {
	dt, secs, err := nameAndValidity("delegate type", delegateType, validity)
	if err != nil {
		return common.Hash{}, err
	}
	return digest(registry, nonce, identity, "addDelegate", dt[:], delegate[:], common.BigToHash(secs).Bytes()), nil
}

// DigestRevokeDelegate is the revokeDelegateSigned digest for the owner's nonce.
func DigestRevokeDelegate(registry common.Address, nonce *big.Int, identity common.Address, delegateType string, delegate common.Address) (common.Hash, error) {
	dt, err := EncodeName(delegateType)
	if err != nil {
		return common.Hash{}, err
	}
	return digest(registry, nonce, identity, "revokeDelegate", dt[:], delegate[:]), nil
}

// DigestSetAttribute is the setAttributeSigned digest for the owner's nonce.
func DigestSetAttribute(registry common.Address, nonce *big.Int, identity common.Address, name string, value []byte, validity time.Duration) (common.Hash, error) {
	n, secs, err := nameAndValidity("attribute name", name, validity)
	if err != nil {
		return common.Hash{}, err
	}
	return digest(registry, nonce, identity, "setAttribute", n[:], value, common.BigToHash(secs).Bytes()), nil
}

// DigestRevokeAttribute is the revokeAttributeSigned digest for the owner's nonce.
func DigestRevokeAttribute(registry common.Address, nonce *big.Int, identity common.Address, name string, value []byte) (common.Hash, error) {
	n, err := EncodeName(name)
	if err != nil {
		return common.Hash{}, err
	}
	return digest(registry, nonce, identity, "revokeAttribute", n[:], value), nil
}

// EncodeName encodes a delegate type or attribute name as the contract's bytes32: the UTF-8
// bytes, right-padded with zeros (ethers' encodeBytes32String). Names longer than 32 bytes are
// refused rather than truncated.
func EncodeName(name string) ([32]byte, error) {
	var out [32]byte
	if len(name) == 0 || len(name) > 32 {
		return out, fmt.Errorf("%w: name %q is %d bytes; ERC-1056 names are 1 to 32 bytes", ErrInvalidArgument, name, len(name))
	}
	copy(out[:], name)
	return out, nil
}

// DecodeName is the inverse of EncodeName: it strips the zero padding.
func DecodeName(b [32]byte) string {
	return strings.TrimRight(string(b[:]), "\x00")
}

func nameAndValidity(what, name string, validity time.Duration) ([32]byte, *big.Int, error) {
	n, err := EncodeName(name)
	if err != nil {
		return n, nil, fmt.Errorf("%s: %w", what, err)
	}
	if validity < time.Second {
		return n, nil, fmt.Errorf("%w: validity %s is under one second", ErrInvalidArgument, validity)
	}
	return n, big.NewInt(int64(validity / time.Second)), nil
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
