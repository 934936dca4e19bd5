package store

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Issuer state: the issuers and their keys, the credential schemas each has
// registered, an index of issued credentials (never their claims), and the
// hashes of issuer-admin API keys.
//
// Buckets (created by migration 4), all values JSON behind version byte 1:
//
//   - issuers: key = the issuer's DID; value issuerRecordV1.
//   - issuer_schemas: key = issuer length (2 bytes big-endian) ‖ issuer ‖
//     schema $id, so a prefix scan yields one issuer's schemas; value
//     schemaRecordV1.
//   - issued_credentials: key = the credential id; value
//     credentialRecordV1.
//   - api_keys: key = SHA-256 of the API key (32 bytes); value
//     apiKeyRecordV1. The key itself is never stored.
const (
	bucketIssuers     = "issuers"
	bucketSchemas     = "issuer_schemas"
	bucketIssued      = "issued_credentials"
	bucketAPIKeys     = "api_keys"
	maxIssuerID       = 2048
	maxSchemaID       = 2048
	maxCredentialID   = 2048
	maxIssuerValue    = 64 << 10
	maxSchemaValue    = 512 << 10
	maxCredentialSize = 64 << 10
)

// migrateIssuers creates the issuer buckets (schema version 4).
func migrateIssuers(tx *bolt.Tx) error {
	return createBuckets(tx, bucketIssuers, bucketSchemas, bucketIssued, bucketAPIKeys)
}

// IssuerKey is one signing key of an issuer.
type IssuerKey struct {
	// KeyID is the keystore record ID of the private key.
	KeyID string `json:"keyId"`
	// KeyType is a did.KeyType value such as "Ed25519" or "P-256".
	KeyType string `json:"keyType"`
	// VerificationMethod is the DID URL of the key in the issuer's DID
	// document (listed under assertionMethod).
	VerificationMethod string `json:"verificationMethod"`
	// Retired is when a rotation replaced the key (zero while it signs).
	// A retired key no longer signs but stays published so that what it
	// signed keeps verifying.
	Retired time.Time `json:"retired,omitzero"`
	// RetireAfter is the latest validUntil of the credentials the issuer
	// had issued when the key was retired: after it the key may be
	// unpublished. Zero on a retired key means some of them never expire.
	RetireAfter time.Time `json:"retireAfter,omitzero"`
}

// IssuerRecord is an issuer: a DID and its assertion keys.
type IssuerRecord struct {
	// DID is the issuer's DID, the record key.
	DID string
	// Method is the DID method ("ethr", "key").
	Method string
	// Label is a human name.
	Label string
	// Default marks the issuer serve created at first start.
	Default bool
	// StatusBase is the base URL of the issuer's status list credentials,
	// fixed when the issuer is created so that the URLs inside issued
	// credentials stay valid.
	StatusBase string
	// Keys are the issuer's assertion keys, preferred first.
	Keys []IssuerKey
	// Created is stored in UTC.
	Created time.Time
}

type issuerRecordV1 struct {
	DID        string      `json:"did"`
	Method     string      `json:"method"`
	Label      string      `json:"label,omitempty"`
	Default    bool        `json:"default,omitempty"`
	StatusBase string      `json:"statusBase"`
	Keys       []IssuerKey `json:"keys"`
	Created    time.Time   `json:"created"`
}

// SchemaRecord is a credential schema registered by an issuer.
type SchemaRecord struct {
	Issuer string
	// ID is the schema's $id.
	ID string
	// Raw is the schema document.
	Raw     []byte
	Created time.Time
}

type schemaRecordV1 struct {
	Issuer  string    `json:"issuer"`
	ID      string    `json:"id"`
	Raw     []byte    `json:"raw"`
	Created time.Time `json:"created"`
}

// CredentialStatusRef is one status entry of an issued credential.
type CredentialStatusRef struct {
	// Purpose is "revocation" or "suspension".
	Purpose string `json:"purpose"`
	// ListURL is the status list credential's URL.
	ListURL string `json:"list"`
	// Index is the entry's index in that list.
	Index int `json:"index"`
}

// CredentialRecord indexes an issued credential. It never holds the
// credential's claims.
type CredentialRecord struct {
	// ID is the credential's id (e.g. urn:uuid:…), the record key.
	ID     string
	Issuer string
	// Schema is the $id of the schema the subject was validated against.
	Schema string
	// Status lists the credential's status entries.
	Status []CredentialStatusRef
	// Formats are the securing formats it was issued in.
	Formats []string
	// Created is stored in UTC; ValidUntil is zero when the credential
	// does not expire.
	Created    time.Time
	ValidUntil time.Time
}

type credentialRecordV1 struct {
	ID         string                `json:"id"`
	Issuer     string                `json:"issuer"`
	Schema     string                `json:"schema,omitempty"`
	Status     []CredentialStatusRef `json:"status,omitempty"`
	Formats    []string              `json:"formats"`
	Created    time.Time             `json:"created"`
	ValidUntil time.Time             `json:"validUntil,omitzero"`
}

// APIKeyRecord describes an issuer-admin API key by its SHA-256 hash.
type APIKeyRecord struct {
	Hash    [sha256.Size]byte
	Name    string
	Created time.Time
}

type apiKeyRecordV1 struct {
	Name    string    `json:"name,omitempty"`
	Created time.Time `json:"created"`
}

func checkName(what, s string, limit int) error {
	switch {
	case s == "":
		return fmt.Errorf("empty %s", what)
	case len(s) > limit:
		return fmt.Errorf("%s of %d bytes exceeds %d", what, len(s), limit)
	}
	return nil
}

func encodeLimited(v any, limit int) ([]byte, error) {
	b, err := encodeJSON(v)
	if err != nil {
		return nil, err
	}
	if len(b) > limit {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrValueTooLarge, len(b), limit)
	}
	return b, nil
}

// PutIssuer stores a new issuer; an issuer with the same DID fails with an
// error wrapping ErrExists.
func (s *Store) PutIssuer(ctx context.Context, r IssuerRecord) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put issuer: %w", err)
	}
	if err := checkName("issuer DID", r.DID, maxIssuerID); err != nil {
		return fmt.Errorf("put issuer: %w", err)
	}
	rec := issuerRecordV1(r)
	rec.Created = rec.Created.UTC()
	v, err := encodeLimited(rec, maxIssuerValue)
	if err != nil {
		return fmt.Errorf("put issuer %s: %w", r.DID, err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketIssuers))
		if b.Get([]byte(r.DID)) != nil {
			return ErrExists
		}
		return b.Put([]byte(r.DID), v)
	})
	if err != nil {
		return fmt.Errorf("put issuer %s: %w", r.DID, err)
	}
	return nil
}

// UpdateIssuer atomically replaces the issuer with the given DID by what fn
// returns from its current record; an unknown DID fails with an error
// wrapping ErrNotFound, and an error from fn aborts without writing. fn
// runs inside the write transaction: it must be quick and must not call
// the Store. The DID and Created cannot change.
func (s *Store) UpdateIssuer(ctx context.Context, id string, fn func(IssuerRecord) (IssuerRecord, error)) (IssuerRecord, error) {
	if err := ctx.Err(); err != nil {
		return IssuerRecord{}, fmt.Errorf("update issuer: %w", err)
	}
	if err := checkName("issuer DID", id, maxIssuerID); err != nil {
		return IssuerRecord{}, fmt.Errorf("update issuer: %w", err)
	}
	var out IssuerRecord
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketIssuers))
		v := b.Get([]byte(id))
		if v == nil {
			return ErrNotFound
		}
		var cur issuerRecordV1
		if err := decodeJSON(v, &cur); err != nil {
			return err
		}
		next, err := fn(IssuerRecord(cur))
		if err != nil {
			return err
		}
		next.DID, next.Created = cur.DID, cur.Created
		nv, err := encodeLimited(issuerRecordV1(next), maxIssuerValue)
		if err != nil {
			return err
		}
		out = next
		return b.Put([]byte(id), nv)
	})
	if err != nil {
		return IssuerRecord{}, fmt.Errorf("update issuer %s: %w", id, err)
	}
	return out, nil
}

// Issuer returns the issuer with the given DID, or an error wrapping
// ErrNotFound.
func (s *Store) Issuer(ctx context.Context, id string) (IssuerRecord, error) {
	if err := ctx.Err(); err != nil {
		return IssuerRecord{}, fmt.Errorf("issuer: %w", err)
	}
	if err := checkName("issuer DID", id, maxIssuerID); err != nil {
		return IssuerRecord{}, fmt.Errorf("issuer: %w", err)
	}
	var r issuerRecordV1
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketIssuers)).Get([]byte(id))
		if v == nil {
			return ErrNotFound
		}
		return decodeJSON(v, &r)
	})
	if err != nil {
		return IssuerRecord{}, fmt.Errorf("issuer %s: %w", id, err)
	}
	return IssuerRecord(r), nil
}

// Issuers returns every issuer, oldest first.
func (s *Store) Issuers(ctx context.Context) ([]IssuerRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list issuers: %w", err)
	}
	var out []IssuerRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketIssuers)).ForEach(func(k, v []byte) error {
			var r issuerRecordV1
			if err := decodeJSON(v, &r); err != nil {
				return fmt.Errorf("issuer %s: %w", k, err)
			}
			out = append(out, IssuerRecord(r))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list issuers: %w", err)
	}
	slices.SortFunc(out, func(a, b IssuerRecord) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.DID, b.DID))
	})
	return out, nil
}

func schemaPrefix(issuer string) []byte {
	k := binary.BigEndian.AppendUint16(nil, uint16(len(issuer)))
	return append(k, issuer...)
}

// PutSchema registers a schema for an issuer. Registering the same bytes
// again is a no-op; different bytes under a registered $id fail with an
// error wrapping ErrExists, because issued credentials cite the schema by
// its $id.
func (s *Store) PutSchema(ctx context.Context, r SchemaRecord) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put schema: %w", err)
	}
	if err := errors.Join(checkName("issuer DID", r.Issuer, maxIssuerID), checkName("schema id", r.ID, maxSchemaID)); err != nil {
		return fmt.Errorf("put schema: %w", err)
	}
	rec := schemaRecordV1(r)
	rec.Created = rec.Created.UTC()
	v, err := encodeLimited(rec, maxSchemaValue)
	if err != nil {
		return fmt.Errorf("put schema %s: %w", r.ID, err)
	}
	key := append(schemaPrefix(r.Issuer), r.ID...)
	err = s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte(bucketIssuers)).Get([]byte(r.Issuer)) == nil {
			return fmt.Errorf("issuer %s: %w", r.Issuer, ErrNotFound)
		}
		b := tx.Bucket([]byte(bucketSchemas))
		if old := b.Get(key); old != nil {
			var o schemaRecordV1
			if err := decodeJSON(old, &o); err != nil {
				return err
			}
			if bytes.Equal(o.Raw, r.Raw) {
				return nil
			}
			return ErrExists
		}
		return b.Put(key, v)
	})
	if err != nil {
		return fmt.Errorf("put schema %s: %w", r.ID, err)
	}
	return nil
}

// Schema returns the schema with the given $id registered by issuer, or an
// error wrapping ErrNotFound.
func (s *Store) Schema(ctx context.Context, issuer, id string) (SchemaRecord, error) {
	if err := ctx.Err(); err != nil {
		return SchemaRecord{}, fmt.Errorf("schema: %w", err)
	}
	if err := errors.Join(checkName("issuer DID", issuer, maxIssuerID), checkName("schema id", id, maxSchemaID)); err != nil {
		return SchemaRecord{}, fmt.Errorf("schema: %w", err)
	}
	var r schemaRecordV1
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketSchemas)).Get(append(schemaPrefix(issuer), id...))
		if v == nil {
			return ErrNotFound
		}
		return decodeJSON(v, &r)
	})
	if err != nil {
		return SchemaRecord{}, fmt.Errorf("schema %s of %s: %w", id, issuer, err)
	}
	return SchemaRecord(r), nil
}

// Schemas returns the schemas of issuer (of every issuer when issuer is
// empty), ordered by issuer and $id.
func (s *Store) Schemas(ctx context.Context, issuer string) ([]SchemaRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list schemas: %w", err)
	}
	var out []SchemaRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucketSchemas)).Cursor()
		var prefix []byte
		if issuer != "" {
			prefix = schemaPrefix(issuer)
		}
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var r schemaRecordV1
			if err := decodeJSON(v, &r); err != nil {
				return fmt.Errorf("schema %q: %w", k, err)
			}
			out = append(out, SchemaRecord(r))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list schemas: %w", err)
	}
	slices.SortFunc(out, func(a, b SchemaRecord) int {
		return cmp.Or(cmp.Compare(a.Issuer, b.Issuer), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// PutIssuedCredential records an issued credential; an existing id fails
// with an error wrapping ErrExists.
func (s *Store) PutIssuedCredential(ctx context.Context, r CredentialRecord) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put issued credential: %w", err)
	}
	if err := checkName("credential id", r.ID, maxCredentialID); err != nil {
		return fmt.Errorf("put issued credential: %w", err)
	}
	rec := credentialRecordV1(r)
	rec.Created = rec.Created.UTC()
	if !rec.ValidUntil.IsZero() {
		rec.ValidUntil = rec.ValidUntil.UTC()
	}
	v, err := encodeLimited(rec, maxCredentialSize)
	if err != nil {
		return fmt.Errorf("put issued credential %s: %w", r.ID, err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketIssued))
		if b.Get([]byte(r.ID)) != nil {
			return ErrExists
		}
		return b.Put([]byte(r.ID), v)
	})
	if err != nil {
		return fmt.Errorf("put issued credential %s: %w", r.ID, err)
	}
	return nil
}

// IssuedCredential returns the record of an issued credential, or an error
// wrapping ErrNotFound.
func (s *Store) IssuedCredential(ctx context.Context, id string) (CredentialRecord, error) {
	if err := ctx.Err(); err != nil {
		return CredentialRecord{}, fmt.Errorf("issued credential: %w", err)
	}
	if err := checkName("credential id", id, maxCredentialID); err != nil {
		return CredentialRecord{}, fmt.Errorf("issued credential: %w", err)
	}
	var r credentialRecordV1
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketIssued)).Get([]byte(id))
		if v == nil {
			return ErrNotFound
		}
		return decodeJSON(v, &r)
	})
	if err != nil {
		return CredentialRecord{}, fmt.Errorf("issued credential %s: %w", id, err)
	}
	return CredentialRecord(r), nil
}

// IssuedCredentials calls fn with every issued-credential record in id
// order, inside one read transaction; fn must not call the Store. An error
// from fn stops the walk and is returned.
func (s *Store) IssuedCredentials(ctx context.Context, fn func(CredentialRecord) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("list issued credentials: %w", err)
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketIssued)).ForEach(func(k, v []byte) error {
			var r credentialRecordV1
			if err := decodeJSON(v, &r); err != nil {
				return fmt.Errorf("issued credential %q: %w", k, err)
			}
			return fn(CredentialRecord(r))
		})
	})
	if err != nil {
		return fmt.Errorf("list issued credentials: %w", err)
	}
	return nil
}

// PutAPIKey stores an API key's hash; a hash already present fails with an
// error wrapping ErrExists.
func (s *Store) PutAPIKey(ctx context.Context, r APIKeyRecord) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put API key: %w", err)
	}
	v, err := encodeLimited(apiKeyRecordV1{Name: r.Name, Created: r.Created.UTC()}, 4<<10)
	if err != nil {
		return fmt.Errorf("put API key: %w", err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketAPIKeys))
		if b.Get(r.Hash[:]) != nil {
			return ErrExists
		}
		return b.Put(r.Hash[:], v)
	})
	if err != nil {
		return fmt.Errorf("put API key: %w", err)
	}
	return nil
}

// APIKey returns the record whose hash is given, or an error wrapping
// ErrNotFound.
func (s *Store) APIKey(ctx context.Context, hash [sha256.Size]byte) (APIKeyRecord, error) {
	if err := ctx.Err(); err != nil {
		return APIKeyRecord{}, fmt.Errorf("API key: %w", err)
	}
	var r apiKeyRecordV1
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketAPIKeys)).Get(hash[:])
		if v == nil {
			return ErrNotFound
		}
		return decodeJSON(v, &r)
	})
	if err != nil {
		return APIKeyRecord{}, fmt.Errorf("API key: %w", err)
	}
	return APIKeyRecord{Hash: hash, Name: r.Name, Created: r.Created}, nil
}

// APIKeys returns every API key record, oldest first.
func (s *Store) APIKeys(ctx context.Context) ([]APIKeyRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	var out []APIKeyRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketAPIKeys)).ForEach(func(k, v []byte) error {
			var r apiKeyRecordV1
			if err := decodeJSON(v, &r); err != nil {
				return err
			}
			if len(k) != sha256.Size {
				return fmt.Errorf("API key hash of %d bytes", len(k))
			}
			out = append(out, APIKeyRecord{Hash: [sha256.Size]byte(k), Name: r.Name, Created: r.Created})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	slices.SortFunc(out, func(a, b APIKeyRecord) int {
		return cmp.Or(a.Created.Compare(b.Created), bytes.Compare(a.Hash[:], b.Hash[:]))
	})
	return out, nil
}
