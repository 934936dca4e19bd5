package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// MaxKeyID bounds the length of a KeyRecord ID.
const MaxKeyID = 1024

// KeyRecord is a stored key pair. The store treats Sealed as opaque bytes:
// the keystore package encrypts private keys before they get here, and the
// store never sees them in the clear.
type KeyRecord struct {
	// ID is the record key in the keys bucket (its UTF-8 bytes).
	ID string
	// Label is a human name; not unique.
	Label string
	// DID is the DID the key is bound to, empty if none; Method is its
	// DID method.
	DID    string
	Method string
	// KeyType is a did.KeyType value such as "Ed25519".
	KeyType string
	// Public is the raw public key.
	Public []byte
	// Sealed is the encrypted private key.
	Sealed []byte
	// Created is the creation time; it is stored in UTC.
	Created time.Time
}

// keyRecordV1 is the version-1 JSON encoding of a KeyRecord. It is separate
// from KeyRecord so that renaming a Go field never changes stored data.
type keyRecordV1 struct {
	ID      string    `json:"id"`
	Label   string    `json:"label,omitempty"`
	DID     string    `json:"did,omitempty"`
	Method  string    `json:"method,omitempty"`
	KeyType string    `json:"keyType"`
	Public  []byte    `json:"public"`
	Sealed  []byte    `json:"sealed"`
	Created time.Time `json:"created"`
}

// PutKey stores a new key record; an existing ID fails with an error
// wrapping ErrExists.
func (s *Store) PutKey(ctx context.Context, r KeyRecord) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put key: %w", err)
	}
	if err := checkKeyID(r.ID); err != nil {
		return fmt.Errorf("put key: %w", err)
	}
	rec := keyRecordV1(r)
	rec.Created = rec.Created.UTC()
	v, err := encodeJSON(rec)
	if err != nil {
		return fmt.Errorf("put key %q: %w", r.ID, err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketKeys))
		if b.Get([]byte(r.ID)) != nil {
			return ErrExists
		}
		return b.Put([]byte(r.ID), v)
	})
	if err != nil {
		return fmt.Errorf("put key %q: %w", r.ID, err)
	}
	return nil
}

// Key returns the record with the given ID, or an error wrapping
// ErrNotFound.
func (s *Store) Key(ctx context.Context, id string) (KeyRecord, error) {
	if err := ctx.Err(); err != nil {
		return KeyRecord{}, fmt.Errorf("key: %w", err)
	}
	if err := checkKeyID(id); err != nil {
		return KeyRecord{}, fmt.Errorf("key: %w", err)
	}
	var r KeyRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketKeys)).Get([]byte(id))
		if v == nil {
			return ErrNotFound
		}
		var err error
		r, err = decodeKeyRecord(v)
		return err
	})
	if err != nil {
		return KeyRecord{}, fmt.Errorf("key %q: %w", id, err)
	}
	return r, nil
}

// Keys returns every key record, ordered by Created, then ID.
func (s *Store) Keys(ctx context.Context) ([]KeyRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	var out []KeyRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketKeys)).ForEach(func(k, v []byte) error {
			r, err := decodeKeyRecord(v)
			if err != nil {
				return fmt.Errorf("key %q: %w", k, err)
			}
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	slices.SortFunc(out, func(a, b KeyRecord) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// DeleteKey removes the record with the given ID, or fails with an error
// wrapping ErrNotFound.
func (s *Store) DeleteKey(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete key: %w", err)
	}
	if err := checkKeyID(id); err != nil {
		return fmt.Errorf("delete key: %w", err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketKeys))
		if b.Get([]byte(id)) == nil {
			return ErrNotFound
		}
		return b.Delete([]byte(id))
	})
	if err != nil {
		return fmt.Errorf("delete key %q: %w", id, err)
	}
	return nil
}

func checkKeyID(id string) error {
	switch {
	case id == "":
		return errors.New("empty key ID")
	case len(id) > MaxKeyID:
		return fmt.Errorf("key ID of %d bytes exceeds %d", len(id), MaxKeyID)
	}
	return nil
}

// decodeKeyRecord decodes a stored key record; the result does not alias v.
func decodeKeyRecord(v []byte) (KeyRecord, error) {
	var r keyRecordV1
	if err := decodeJSON(v, &r); err != nil {
		return KeyRecord{}, err
	}
	return KeyRecord(r), nil
}
