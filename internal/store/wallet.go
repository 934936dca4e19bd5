package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Holder wallet records (package wallet). A wallet keeps its own bbolt
// file; its keys live in the keys bucket like the service's.
//
// Bucket wallet_credentials (created by migration 11): key = credential
// id; value, version 1: JSON of walletCredentialV1.
// Bucket wallet_meta: key = name; value, version 1: valueV1 ‖ bytes.
const (
	bucketWalletCredentials = "wallet_credentials"
	bucketWalletMeta        = "wallet_meta"
)

// Wallet record limits.
const (
	MaxWalletCredentialID = 128
	MaxWalletCredential   = 256 << 10
	MaxWalletMetaName     = 64
	MaxWalletMetaValue    = 4 << 10
)

// migrateWallet creates the buckets of the holder wallet (its own data file).
func migrateWallet(tx *bolt.Tx) error {
	return createBuckets(tx, bucketWalletCredentials, bucketWalletMeta)
}

// WalletCredential is a credential the holder received.
type WalletCredential struct {
	// ID is the wallet's own identifier of the credential.
	ID string
	// Format is the OpenID4VCI/DCQL format: "dc+sd-jwt", "jwt_vc_json",
	// "ldp_vc", or another format a wallet extension knows.
	Format string
	// Credential is the credential as issued: a compact (SD-)JWT, or JSON.
	Credential string
	// Issuer is the issuer's DID or URL; Types are the VC types (or the
	// SD-JWT VC vct as one entry).
	Issuer string
	Types  []string
	// Claims is the credential subject as JSON (all disclosable claims of
	// an SD-JWT), used to match requests.
	Claims []byte
	// HolderKey is the keystore ID of the key the credential is bound to.
	HolderKey string
	// Source is where it came from (the credential issuer URL).
	Source string
	// Received is when the wallet stored it; kept in UTC.
	Received time.Time
}

type walletCredentialV1 struct {
	ID         string    `json:"id"`
	Format     string    `json:"format"`
	Credential string    `json:"credential"`
	Issuer     string    `json:"issuer,omitempty"`
	Types      []string  `json:"types,omitempty"`
	Claims     []byte    `json:"claims,omitempty"`
	HolderKey  string    `json:"holderKey,omitempty"`
	Source     string    `json:"source,omitempty"`
	Received   time.Time `json:"received"`
}

// PutWalletCredential stores a new credential; an existing ID fails with an
// error wrapping ErrExists.
func (s *Store) PutWalletCredential(ctx context.Context, c WalletCredential) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put wallet credential: %w", err)
	}
	if c.ID == "" || len(c.ID) > MaxWalletCredentialID {
		return fmt.Errorf("put wallet credential: id of %d bytes: want 1 to %d", len(c.ID), MaxWalletCredentialID)
	}
	rec := walletCredentialV1(c)
	rec.Received = rec.Received.UTC()
	v, err := encodeJSON(rec)
	if err != nil {
		return fmt.Errorf("put wallet credential %q: %w", c.ID, err)
	}
	if len(v) > MaxWalletCredential {
		return fmt.Errorf("put wallet credential %q: %w: %d bytes, limit %d", c.ID, ErrValueTooLarge, len(v), MaxWalletCredential)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketWalletCredentials))
		if b.Get([]byte(c.ID)) != nil {
			return ErrExists
		}
		return b.Put([]byte(c.ID), v)
	})
	if err != nil {
		return fmt.Errorf("put wallet credential %q: %w", c.ID, err)
	}
	return nil
}

// WalletCredentials returns every stored credential, oldest first.
func (s *Store) WalletCredentials(ctx context.Context) ([]WalletCredential, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list wallet credentials: %w", err)
	}
	var out []WalletCredential
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketWalletCredentials)).ForEach(func(k, v []byte) error {
			var rec walletCredentialV1
			if err := decodeJSON(v, &rec); err != nil {
				return fmt.Errorf("wallet credential %q: %w", k, err)
			}
			out = append(out, WalletCredential(rec))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list wallet credentials: %w", err)
	}
	slices.SortStableFunc(out, func(a, b WalletCredential) int {
		return cmp.Or(a.Received.Compare(b.Received), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// DeleteWalletCredential removes a credential; a missing ID fails with an
// error wrapping ErrNotFound.
func (s *Store) DeleteWalletCredential(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete wallet credential: %w", err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketWalletCredentials))
		if len(id) == 0 || len(id) > MaxWalletCredentialID || b.Get([]byte(id)) == nil {
			return ErrNotFound
		}
		return b.Delete([]byte(id))
	})
	if err != nil {
		return fmt.Errorf("delete wallet credential %q: %w", id, err)
	}
	return nil
}

// SetWalletMeta stores a small named wallet setting (such as the holder
// key's ID).
func (s *Store) SetWalletMeta(ctx context.Context, name string, value []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("set wallet meta: %w", err)
	}
	if name == "" || len(name) > MaxWalletMetaName || len(value) > MaxWalletMetaValue {
		return fmt.Errorf("set wallet meta %q: name or value out of bounds", name)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketWalletMeta)).Put([]byte(name), append([]byte{valueV1}, value...))
	})
	if err != nil {
		return fmt.Errorf("set wallet meta %q: %w", name, err)
	}
	return nil
}

// WalletMeta returns a wallet setting, or an error wrapping ErrNotFound.
func (s *Store) WalletMeta(ctx context.Context, name string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("wallet meta: %w", err)
	}
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketWalletMeta)).Get([]byte(name))
		if v == nil {
			return ErrNotFound
		}
		if len(v) == 0 || v[0] != valueV1 {
			return fmt.Errorf("%w: wallet meta", errValueVersion)
		}
		out = append([]byte(nil), v[1:]...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("wallet meta %q: %w", name, err)
	}
	return out, nil
}
