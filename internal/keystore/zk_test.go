package keystore_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/zkp"
)

func TestZKIssuerKey(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "k.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kdf := keystore.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}
	ks, err := keystore.New(st, keystore.Config{Secret: []byte("s"), KDF: kdf})
	if err != nil {
		t.Fatal(err)
	}
	const issuer = "did:ethr:0x539:0x1111111111111111111111111111111111111111"
	rec, err := ks.GenerateZKIssuer(ctx, "zk", issuer)
	if err != nil {
		t.Fatal(err)
	}
	if rec.KeyType != keystore.KeyTypeZKIssuer || rec.DID != issuer || len(rec.Public) != 32 {
		t.Fatalf("record %+v", rec)
	}
	key, err := ks.ZKIssuerKey(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(key.Public().Bytes(), rec.Public) {
		t.Fatal("opened key differs from the stored public key")
	}
	c := zkp.Credential{StatusIndex: 1}
	sig, err := key.Sign(&c)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := zkp.ParseIssuerPublicKey(rec.Public)
	if err != nil || pub.Verify(&c, sig) != nil {
		t.Fatalf("signature does not verify under the stored key: %v", err)
	}
	if _, err := ks.Signer(ctx, rec.ID); !errors.Is(err, did.ErrUnsupportedKey) {
		t.Fatalf("Signer on a ZK key: %v", err)
	}
	other, err := ks.Generate(ctx, did.Ed25519, "ed", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ks.ZKIssuerKey(ctx, other.ID); !errors.Is(err, did.ErrUnsupportedKey) {
		t.Fatalf("ZKIssuerKey on an Ed25519 key: %v", err)
	}
	wrong, err := keystore.New(st, keystore.Config{Secret: []byte("other"), KDF: kdf})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrong.ZKIssuerKey(ctx, rec.ID); !errors.Is(err, keystore.ErrWrongSecret) {
		t.Fatalf("wrong secret: %v", err)
	}
	if _, err := ks.ZKIssuerKey(ctx, "00000000000000000000000000000000"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}
