package keystore

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/zkp"
)

// KeyTypeZKIssuer is the key type of ZK issuer keys (zkp.IssuerKey: EdDSA
// on BN254's twisted Edwards curve with Poseidon2). The sealed 32 bytes are
// the seed zkp.GenerateIssuerKey derives the key from; the stored public
// key is its 32-byte compressed point. Signer refuses these records: open
// them with ZKIssuerKey.
const KeyTypeZKIssuer = "BN254EdDSA"

// GenerateZKIssuer creates a ZK issuer key bound to issuer (a DID; empty
// for none), seals it and stores it.
func (k *Keystore) GenerateZKIssuer(ctx context.Context, label, issuer string) (rec store.KeyRecord, err error) {
	if err := ctx.Err(); err != nil {
		return rec, fmt.Errorf("generate zk issuer key: %w", err)
	}
	if err := k.checkSecret(ctx); err != nil {
		return rec, fmt.Errorf("generate zk issuer key: %w", err)
	}
	var seed [privLen]byte
	defer clear(seed[:])
	if _, err := io.ReadFull(k.rand, seed[:]); err != nil {
		return rec, fmt.Errorf("generate zk issuer key: read random: %w", err)
	}
	key, err := zkp.GenerateIssuerKey(bytes.NewReader(seed[:]))
	if err != nil {
		return rec, fmt.Errorf("generate zk issuer key: %w", err)
	}
	rec = store.KeyRecord{Label: label, KeyType: KeyTypeZKIssuer, Public: key.Public().Bytes(), Created: k.now().UTC()}
	if issuer != "" {
		d, err := did.Parse(issuer)
		if err != nil {
			return store.KeyRecord{}, fmt.Errorf("generate zk issuer key: %w", err)
		}
		rec.DID, rec.Method = d.String(), d.Method
	}
	var id [16]byte
	if _, err := io.ReadFull(k.rand, id[:]); err != nil {
		return store.KeyRecord{}, fmt.Errorf("generate zk issuer key: read random: %w", err)
	}
	rec.ID = hex.EncodeToString(id[:])
	if rec.Sealed, err = k.seal(rec, seed[:]); err != nil {
		return store.KeyRecord{}, fmt.Errorf("generate zk issuer key: %w", err)
	}
	if err := k.repo.PutKey(ctx, rec); err != nil {
		return store.KeyRecord{}, fmt.Errorf("generate zk issuer key: %w", err)
	}
	return rec, nil
}

// ZKIssuerKey opens a ZK issuer key made by GenerateZKIssuer. A wrong
// secret fails with an error wrapping ErrWrongSecret, a missing ID with one
// wrapping store.ErrNotFound.
func (k *Keystore) ZKIssuerKey(ctx context.Context, id string) (*zkp.IssuerKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open zk issuer key %q: %w", id, err)
	}
	rec, err := k.repo.Key(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("open zk issuer key %q: %w", id, err)
	}
	if rec.KeyType != KeyTypeZKIssuer {
		return nil, fmt.Errorf("open zk issuer key %q: %w: key type %q", id, did.ErrUnsupportedKey, rec.KeyType)
	}
	seed, err := k.open(rec)
	if err != nil {
		return nil, fmt.Errorf("open zk issuer key %q: %w", id, err)
	}
	defer clear(seed)
	key, err := zkp.GenerateIssuerKey(bytes.NewReader(seed))
	if err != nil {
		return nil, fmt.Errorf("open zk issuer key %q: %w", id, err)
	}
	if !bytes.Equal(key.Public().Bytes(), rec.Public) {
		return nil, fmt.Errorf("open zk issuer key %q: private key does not match the stored public key", id)
	}
	return key, nil
}
