package main

import (
	"context"
	"math/big"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	ethcrypto "github.com/ethereum/go-ethereum/crypto"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
)

func TestEthSigner(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ks, err := keystore.New(st, keystore.Config{Secret: []byte("test secret"), KDF: keystore.KDFParams{MemoryKiB: 64}})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ks.Generate(ctx, did.Secp256k1, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ks.Signer(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newEthSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	if !isSecp256k1Address(rec.Public, s.Address()) {
		t.Fatal("address does not match the stored public key")
	}
	// Enough digests that both recovery ids occur.
	seen := map[uint8]bool{}
	for i := range 32 {
		digest := ethcrypto.Keccak256Hash(big.NewInt(int64(i)).Bytes())
		sig, err := s.SignDigest(digest)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sig.Recover(digest)
		if err != nil || got != s.Address() {
			t.Fatalf("digest %d recovers to %s (%v), want %s", i, got.Hex(), err, s.Address().Hex())
		}
		seen[sig.V] = true
	}
	if !seen[27] || !seen[28] {
		t.Fatalf("recovery ids seen: %v", seen)
	}
	to := common.HexToAddress("0x1111111111111111111111111111111111111111")
	chainID := big.NewInt(1337)
	tx, err := s.SignTx(types.NewTx(&types.DynamicFeeTx{ChainID: chainID, Nonce: 3, Gas: 21000, To: &to,
		GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(2), Value: big.NewInt(5)}), chainID)
	if err != nil {
		t.Fatal(err)
	}
	from, err := types.Sender(types.LatestSignerForChainID(chainID), tx)
	if err != nil || from != s.Address() {
		t.Fatalf("transaction sender %s (%v), want %s", from.Hex(), err, s.Address().Hex())
	}

	ed, err := ks.Generate(ctx, did.Ed25519, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	edKey, err := ks.Signer(ctx, ed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newEthSigner(edKey); err == nil {
		t.Fatal("an Ed25519 key was accepted as an Ethereum signer")
	}
}
