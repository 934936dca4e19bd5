package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// OpenID4VCI records (credentials/oid4vci): short-lived offers, access
// tokens and used nonces, each an opaque value with an expiry.
//
// Bucket oid4vci (created by migration 5): key = kind length (1 byte) ‖
// kind ‖ key; value, version 1: valueV1 ‖ expiry in Unix nanoseconds
// (8 bytes, big-endian) ‖ value.
//
// Bucket oid4vci_expiry indexes the same records by expiry: key = expiry
// (8 bytes, big-endian Unix nanoseconds) ‖ record key, empty value. Every
// write purges a bounded number of expired records through it, so the
// buckets stay bounded without a background job.
const (
	bucketOID4VCI       = "oid4vci"
	bucketOID4VCIExpiry = "oid4vci_expiry"
)

// OpenID4VCI record limits.
const (
	MaxOID4VCIKind  = 64
	MaxOID4VCIKey   = 512
	MaxOID4VCIValue = 64 << 10
	// oid4vciPurgeBatch is how many expired records one write removes.
	oid4vciPurgeBatch = 32
)

// migrateOID4VCI creates the OpenID4VCI buckets (schema version 5).
func migrateOID4VCI(tx *bolt.Tx) error {
	for _, b := range []string{bucketOID4VCI, bucketOID4VCIExpiry} {
		if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	return nil
}

// OID4VCIRecords stores OpenID4VCI records; it satisfies oid4vci.Store and
// is safe for concurrent use. Expiry is judged by the store's clock
// (Config.Now).
type OID4VCIRecords struct {
	s *Store
}

// OID4VCI returns the OpenID4VCI record store backed by s.
func (s *Store) OID4VCI() *OID4VCIRecords { return &OID4VCIRecords{s: s} }

func oid4vciKey(kind, key string) ([]byte, error) {
	if kind == "" || len(kind) > MaxOID4VCIKind {
		return nil, fmt.Errorf("record kind of %d bytes: want 1 to %d", len(kind), MaxOID4VCIKind)
	}
	if key == "" || len(key) > MaxOID4VCIKey {
		return nil, fmt.Errorf("record key of %d bytes: want 1 to %d", len(key), MaxOID4VCIKey)
	}
	k := make([]byte, 0, 1+len(kind)+len(key))
	k = append(k, byte(len(kind)))
	k = append(k, kind...)
	return append(k, key...), nil
}

func encodeOID4VCI(value []byte, exp time.Time) ([]byte, error) {
	if len(value) > MaxOID4VCIValue {
		return nil, fmt.Errorf("%w: record of %d bytes, limit %d", ErrValueTooLarge, len(value), MaxOID4VCIValue)
	}
	v := make([]byte, 0, 9+len(value))
	v = append(v, valueV1)
	v = binary.BigEndian.AppendUint64(v, uint64(exp.UnixNano()))
	return append(v, value...), nil
}

func decodeOID4VCI(b []byte) ([]byte, time.Time, error) {
	if len(b) == 0 || b[0] != valueV1 {
		return nil, time.Time{}, fmt.Errorf("%w: oid4vci record", errValueVersion)
	}
	if len(b) < 9 {
		return nil, time.Time{}, errors.New("oid4vci record is truncated")
	}
	exp := time.Unix(0, int64(binary.BigEndian.Uint64(b[1:9])))
	return append([]byte(nil), b[9:]...), exp, nil // b is only valid inside the transaction
}

func expiryKey(exp time.Time, k []byte) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(exp.UnixNano())), k...)
}

// Get returns the unexpired record (kind, key).
func (r *OID4VCIRecords) Get(ctx context.Context, kind, key string) ([]byte, time.Time, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, false, fmt.Errorf("get oid4vci record: %w", err)
	}
	k, err := oid4vciKey(kind, key)
	if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("get oid4vci record: %w", err)
	}
	now := r.s.now()
	var (
		val   []byte
		exp   time.Time
		found bool
	)
	err = r.s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketOID4VCI)).Get(k)
		if b == nil {
			return nil
		}
		v, e, err := decodeOID4VCI(b)
		if err != nil {
			return err
		}
		if now.Before(e) {
			val, exp, found = v, e, true
		}
		return nil
	})
	if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("get oid4vci %s record: %w", kind, err)
	}
	return val, exp, found, nil
}

// Put creates the record (kind, key) unless an unexpired one exists.
func (r *OID4VCIRecords) Put(ctx context.Context, kind, key string, value []byte, expires time.Time) (bool, error) {
	created := false
	err := r.update(ctx, "put", kind, key, func(_ []byte, _ time.Time, found bool) ([]byte, time.Time, bool, error) {
		if found {
			return nil, time.Time{}, false, nil
		}
		if value == nil {
			value = []byte{}
		}
		created = true
		return value, expires, true, nil
	})
	return created, err
}

// Update atomically replaces the record (kind, key) with what fn returns; a
// nil value deletes it. An error from fn aborts without writing.
func (r *OID4VCIRecords) Update(ctx context.Context, kind, key string, fn func(value []byte, expires time.Time, found bool) ([]byte, time.Time, error)) error {
	return r.update(ctx, "update", kind, key, func(v []byte, e time.Time, found bool) ([]byte, time.Time, bool, error) {
		nv, ne, err := fn(v, e, found)
		return nv, ne, true, err
	})
}

// update runs fn in one write transaction; write=false leaves the record
// alone.
func (r *OID4VCIRecords) update(ctx context.Context, op, kind, key string, fn func([]byte, time.Time, bool) ([]byte, time.Time, bool, error)) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s oid4vci record: %w", op, err)
	}
	k, err := oid4vciKey(kind, key)
	if err != nil {
		return fmt.Errorf("%s oid4vci record: %w", op, err)
	}
	now := r.s.now()
	err = r.s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketOID4VCI))
		idx := tx.Bucket([]byte(bucketOID4VCIExpiry))
		if _, err := purgeOID4VCI(b, idx, now, oid4vciPurgeBatch); err != nil {
			return err
		}
		var (
			cur    []byte
			curExp time.Time
			found  bool
		)
		if raw := b.Get(k); raw != nil {
			v, e, err := decodeOID4VCI(raw)
			if err != nil {
				return err
			}
			cur, curExp = v, e
			found = now.Before(e)
			if !found {
				cur = nil
			}
		}
		nv, ne, write, err := fn(cur, curExp, found)
		if err != nil || !write {
			return err
		}
		exists := !curExp.IsZero()
		if nv == nil {
			if !exists {
				return nil
			}
			if err := idx.Delete(expiryKey(curExp, k)); err != nil {
				return err
			}
			return b.Delete(k)
		}
		enc, err := encodeOID4VCI(nv, ne)
		if err != nil {
			return err
		}
		if exists && !curExp.Equal(ne) {
			if err := idx.Delete(expiryKey(curExp, k)); err != nil {
				return err
			}
		}
		if err := idx.Put(expiryKey(ne, k), nil); err != nil {
			return err
		}
		return b.Put(k, enc)
	})
	if err != nil {
		return fmt.Errorf("%s oid4vci %s record: %w", op, kind, err)
	}
	return nil
}

// purgeOID4VCI deletes up to limit records that expired at or before now.
func purgeOID4VCI(b, idx *bolt.Bucket, now time.Time, limit int) (int, error) {
	bound := binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano()))
	c := idx.Cursor()
	var gone [][]byte
	for ik, _ := c.First(); ik != nil && len(gone) < limit; ik, _ = c.Next() {
		if len(ik) < 8 || bytes.Compare(ik[:8], bound) > 0 {
			break
		}
		gone = append(gone, append([]byte(nil), ik...))
	}
	n := 0
	for _, ik := range gone {
		if err := idx.Delete(ik); err != nil {
			return n, err
		}
		k := ik[8:]
		raw := b.Get(k)
		if raw == nil {
			continue
		}
		if _, e, err := decodeOID4VCI(raw); err == nil && !e.Equal(time.Unix(0, int64(binary.BigEndian.Uint64(ik[:8])))) {
			continue // the record was re-written with another expiry
		}
		if err := b.Delete(k); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// PurgeOID4VCI deletes every expired OpenID4VCI record and returns how
// many it removed. Writes already purge a few at a time; this is for
// maintenance.
func (r *OID4VCIRecords) Purge(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("purge oid4vci records: %w", err)
	}
	now := r.s.now()
	n := 0
	err := r.s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketOID4VCI))
		idx := tx.Bucket([]byte(bucketOID4VCIExpiry))
		var err error
		n, err = purgeOID4VCI(b, idx, now, int(^uint(0)>>1))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge oid4vci records: %w", err)
	}
	return n, nil
}
