package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketZKIssuers holds one ZKIssuerRecord per issuer DID (value version 1:
// JSON of zkIssuerRecordV1).
const bucketZKIssuers = "zk_issuers"

const maxZKIssuerValue = 64 << 10

// ZKIssuerRecord is an issuer's ZK credential state: the keystore id of its
// zkp.IssuerKey and, per anchor attribute name, what was published.
type ZKIssuerRecord struct {
	Issuer string `json:"issuer"`
	// KeyID is the keystore id of the issuer's ZK key.
	KeyID string `json:"keyId"`
	// Anchors is keyed by ERC-1056 attribute name.
	Anchors map[string]ZKAnchorState `json:"anchors,omitempty"`
	Created time.Time                `json:"created"`
}

// ZKAnchorState is the anchoring state of one attribute name.
type ZKAnchorState struct {
	// Seq is the last sequence number allocated (allocated, and stored,
	// before the value is sent, so a number is never used twice).
	Seq uint64 `json:"seq"`
	// Current is the value anchored last ("" before the first).
	Current string `json:"current,omitempty"`
	// Stale are older values that still have to be revoked.
	Stale []string `json:"stale,omitempty"`
}

type zkIssuerRecordV1 ZKIssuerRecord

// migrateZKCred creates the buckets of ZK credential records (credentials/zkcred).
func migrateZKCred(tx *bolt.Tx) error {
	return createBuckets(tx, bucketZKIssuers)
}

// PutZKIssuer stores a new ZK issuer record; a DID that has one fails with an
// error wrapping ErrExists.
func (s *Store) PutZKIssuer(ctx context.Context, r ZKIssuerRecord) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put zk issuer: %w", err)
	}
	if err := checkName("issuer DID", r.Issuer, maxIssuerID); err != nil {
		return fmt.Errorf("put zk issuer: %w", err)
	}
	r.Created = r.Created.UTC()
	v, err := encodeLimited(zkIssuerRecordV1(r), maxZKIssuerValue)
	if err != nil {
		return fmt.Errorf("put zk issuer %s: %w", r.Issuer, err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketZKIssuers))
		if b.Get([]byte(r.Issuer)) != nil {
			return ErrExists
		}
		return b.Put([]byte(r.Issuer), v)
	})
	if err != nil {
		return fmt.Errorf("put zk issuer %s: %w", r.Issuer, err)
	}
	return nil
}

// ZKIssuer returns the ZK record of an issuer, or an error wrapping
// ErrNotFound.
func (s *Store) ZKIssuer(ctx context.Context, issuer string) (ZKIssuerRecord, error) {
	if err := ctx.Err(); err != nil {
		return ZKIssuerRecord{}, fmt.Errorf("zk issuer: %w", err)
	}
	var out ZKIssuerRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketZKIssuers)).Get([]byte(issuer))
		if v == nil {
			return ErrNotFound
		}
		var r zkIssuerRecordV1
		if err := decodeJSON(v, &r); err != nil {
			return err
		}
		out = ZKIssuerRecord(r)
		return nil
	})
	if err != nil {
		return ZKIssuerRecord{}, fmt.Errorf("zk issuer %s: %w", issuer, err)
	}
	return out, nil
}

// UpdateZKIssuer atomically replaces an issuer's ZK record by what fn
// returns; an unknown issuer fails with an error wrapping ErrNotFound and an
// error from fn aborts without writing. fn runs inside the write
// transaction and must not call the Store. Issuer and Created cannot change.
func (s *Store) UpdateZKIssuer(ctx context.Context, issuer string, fn func(ZKIssuerRecord) (ZKIssuerRecord, error)) (ZKIssuerRecord, error) {
	if err := ctx.Err(); err != nil {
		return ZKIssuerRecord{}, fmt.Errorf("update zk issuer: %w", err)
	}
	var out ZKIssuerRecord
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketZKIssuers))
		v := b.Get([]byte(issuer))
		if v == nil {
			return ErrNotFound
		}
		var cur zkIssuerRecordV1
		if err := decodeJSON(v, &cur); err != nil {
			return err
		}
		next, err := fn(ZKIssuerRecord(cur))
		if err != nil {
			return err
		}
		next.Issuer, next.Created = cur.Issuer, cur.Created
		nv, err := encodeLimited(zkIssuerRecordV1(next), maxZKIssuerValue)
		if err != nil {
			return err
		}
		out = next
		return b.Put([]byte(issuer), nv)
	})
	if err != nil {
		return ZKIssuerRecord{}, fmt.Errorf("update zk issuer %s: %w", issuer, err)
	}
	return out, nil
}
