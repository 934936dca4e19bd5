package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// OpenID4VCI records (credentials/oid4vci): short-lived offers, access
// tokens and used nonces, each an opaque value with an expiry.
//
// Buckets oid4vci and oid4vci_expiry (created by migration 5) are
// expiringBuckets: record key = kind length (1 byte) ‖ kind ‖ key; value,
// version 1: valueV1 ‖ expiry in Unix nanoseconds (8 bytes, big-endian) ‖
// value; the expiry index lets every write purge a bounded number of
// expired records.
const (
	bucketOID4VCI       = "oid4vci"
	bucketOID4VCIExpiry = "oid4vci_expiry"
)

// OpenID4VCI record limits.
const (
	MaxOID4VCIKind  = 64
	MaxOID4VCIKey   = 512
	MaxOID4VCIValue = 64 << 10
)

var oid4vciBuckets = expiringBuckets{
	records:  bucketOID4VCI,
	expiry:   bucketOID4VCIExpiry,
	what:     "oid4vci record",
	maxValue: MaxOID4VCIValue,
}

// migrateOID4VCI creates the OpenID4VCI buckets (schema version 5).
func migrateOID4VCI(tx *bolt.Tx) error { return oid4vciBuckets.migrate(tx) }

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
		var err error
		val, exp, found, err = oid4vciBuckets.get(tx, k, now)
		return err
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
		return oid4vciBuckets.update(tx, k, now, fn)
	})
	if err != nil {
		return fmt.Errorf("%s oid4vci %s record: %w", op, kind, err)
	}
	return nil
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
		var err error
		n, err = oid4vciBuckets.purge(tx, now, int(^uint(0)>>1))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge oid4vci records: %w", err)
	}
	return n, nil
}
