package main

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"log/slog"
	"math/big"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	ethcrypto "github.com/ethereum/go-ethereum/crypto"

	"github.com/chainid/chainid/did/ethr/registry"
)

// ethSigner adapts a keystore secp256k1 key (which signs a 32-byte digest
// into 64-byte r||s, low S) to registry.Signer and to meta-transaction
// signatures. Ethereum also needs the recovery id; it is found by trying
// both values and keeping the one that recovers the key's address.
type ethSigner struct {
	key  crypto.Signer
	addr common.Address
}

var _ registry.Signer = (*ethSigner)(nil)

// newEthSigner wraps a keystore signer; it must hold a secp256k1 key.
func newEthSigner(key crypto.Signer) (*ethSigner, error) {
	pub, ok := key.Public().(*secp256k1.PublicKey)
	if !ok {
		return nil, fmt.Errorf("key is %T, not secp256k1: only secp256k1 keys sign Ethereum transactions", key.Public())
	}
	addr, err := ethAddress(pub.SerializeCompressed())
	if err != nil {
		return nil, err
	}
	return &ethSigner{key: key, addr: addr}, nil
}

// ethAddress is the Ethereum address of a compressed secp256k1 key.
func ethAddress(compressed []byte) (common.Address, error) {
	pub, err := ethcrypto.DecompressPubkey(compressed)
	if err != nil {
		return common.Address{}, fmt.Errorf("secp256k1 public key: %w", err)
	}
	return ethcrypto.PubkeyToAddress(*pub), nil
}

// Address returns the key's Ethereum address.
func (s *ethSigner) Address() common.Address { return s.addr }

// sign returns the 65-byte r || s || v signature (v = 0 or 1) of digest.
func (s *ethSigner) sign(digest []byte) ([]byte, error) {
	rs, err := s.key.Sign(nil, digest, nil)
	if err != nil {
		return nil, err
	}
	if len(rs) != 64 {
		return nil, fmt.Errorf("secp256k1 signature is %d bytes, want 64", len(rs))
	}
	sig := make([]byte, ethcrypto.SignatureLength)
	copy(sig, rs)
	for v := byte(0); v < 2; v++ {
		sig[64] = v
		pub, err := ethcrypto.SigToPub(digest, sig)
		if err == nil && ethcrypto.PubkeyToAddress(*pub) == s.addr {
			return sig, nil
		}
	}
	return nil, errors.New("secp256k1 signature recovers to neither candidate key")
}

// SignTx signs tx for chainID with the latest signer rules.
func (s *ethSigner) SignTx(tx *types.Transaction, chainID *big.Int) (*types.Transaction, error) {
	signer := types.LatestSignerForChainID(chainID)
	h := signer.Hash(tx)
	sig, err := s.sign(h[:])
	if err != nil {
		return nil, fmt.Errorf("sign transaction: %w", err)
	}
	signed, err := tx.WithSignature(signer, sig)
	if err != nil {
		return nil, fmt.Errorf("sign transaction: %w", err)
	}
	return signed, nil
}

// SignDigest signs a registry meta-transaction digest.
func (s *ethSigner) SignDigest(digest common.Hash) (registry.Signature, error) {
	sig, err := s.sign(digest[:])
	if err != nil {
		return registry.Signature{}, fmt.Errorf("sign meta-transaction: %w", err)
	}
	return registry.ParseSignature(sig)
}

// LogValue keeps the key out of logs.
func (s *ethSigner) LogValue() slog.Value { return slog.StringValue(s.addr.Hex()) }

// isSecp256k1Address reports whether a stored compressed public key has
// address addr.
func isSecp256k1Address(pub []byte, addr common.Address) bool {
	a, err := ethAddress(pub)
	return err == nil && bytes.Equal(a[:], addr[:])
}
