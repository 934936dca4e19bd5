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

// OpenID provider records (api/oidc): clients, authorization requests,
// codes, access and refresh tokens, grants, signing keys, sessions and
// remembered consents. The provider owns their encodings; the store keeps
// opaque values with an optional expiry.
//
// One bucket per OIDCBucket (created by migration 9): key = the record key;
// value, version 1: valueV1 ‖ expiry in Unix nanoseconds (8 bytes,
// big-endian, 0 = never) ‖ value.
//
// Bucket oidc_expiry indexes the expiring records: key = expiry (8 bytes) ‖
// bucket number (1 byte) ‖ record key, empty value. Every write transaction
// purges a bounded number of expired records through it.

// OIDCBucket names one kind of OpenID provider record.
type OIDCBucket byte

// The OpenID provider buckets.
const (
	OIDCClients OIDCBucket = iota + 1
	OIDCAuthRequests
	OIDCCodes
	OIDCTokens
	OIDCGrants
	OIDCSigningKeys
	OIDCSessions
	OIDCConsents
	oidcBucketEnd
)

const bucketOIDCExpiry = "oidc_expiry"

// OpenID provider record limits.
const (
	MaxOIDCKey   = 512
	MaxOIDCValue = 256 << 10
	// oidcPurgeBatch is how many expired records one write removes.
	oidcPurgeBatch = 32
)

func (b OIDCBucket) name() string {
	switch b {
	case OIDCClients:
		return "oidc_clients"
	case OIDCAuthRequests:
		return "oidc_auth_requests"
	case OIDCCodes:
		return "oidc_codes"
	case OIDCTokens:
		return "oidc_tokens"
	case OIDCGrants:
		return "oidc_grants"
	case OIDCSigningKeys:
		return "oidc_signing_keys"
	case OIDCSessions:
		return "oidc_sessions"
	case OIDCConsents:
		return "oidc_consents"
	}
	return ""
}

// migrateOIDC creates the buckets of OpenID provider records.
func migrateOIDC(tx *bolt.Tx) error {
	names := []string{bucketOIDCExpiry}
	for b := OIDCClients; b < oidcBucketEnd; b++ {
		names = append(names, b.name())
	}
	return createBuckets(tx, names...)
}

// OIDCRecords stores OpenID provider records. It is safe for concurrent
// use; expiry is judged by the store's clock (Config.Now).
type OIDCRecords struct{ s *Store }

// OIDC returns the OpenID provider record store backed by s.
func (s *Store) OIDC() *OIDCRecords { return &OIDCRecords{s: s} }

// OIDCRecord is one record as listed by OIDCTx.List.
type OIDCRecord struct {
	Key     string
	Value   []byte
	Expires time.Time // zero: never
}

// OIDCTx is the view of one transaction that OIDCRecords.Update and View
// hand to their function. It must not be used after the function returns.
// Expired records read as absent.
type OIDCTx struct {
	tx       *bolt.Tx
	now      time.Time
	writable bool
}

// View runs fn in one read transaction.
func (r *OIDCRecords) View(ctx context.Context, fn func(tx *OIDCTx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("read oidc records: %w", err)
	}
	return r.s.db.View(func(tx *bolt.Tx) error {
		return fn(&OIDCTx{tx: tx, now: r.s.now()})
	})
}

// Update runs fn in one write transaction, after purging a bounded number
// of expired records. An error from fn rolls every change back and is
// returned as is.
func (r *OIDCRecords) Update(ctx context.Context, fn func(tx *OIDCTx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write oidc records: %w", err)
	}
	now := r.s.now()
	return r.s.db.Update(func(tx *bolt.Tx) error {
		if _, err := purgeOIDC(tx, now, oidcPurgeBatch); err != nil {
			return fmt.Errorf("purge oidc records: %w", err)
		}
		return fn(&OIDCTx{tx: tx, now: now, writable: true})
	})
}

// Purge deletes every expired record and returns how many it removed.
func (r *OIDCRecords) Purge(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("purge oidc records: %w", err)
	}
	n := 0
	err := r.s.db.Update(func(tx *bolt.Tx) error {
		var err error
		n, err = purgeOIDC(tx, r.s.now(), -1)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge oidc records: %w", err)
	}
	return n, nil
}

func purgeOIDC(tx *bolt.Tx, now time.Time, limit int) (int, error) {
	idx := tx.Bucket([]byte(bucketOIDCExpiry))
	c := idx.Cursor()
	cut := binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano()))
	var victims [][]byte
	for k, _ := c.First(); k != nil && (limit < 0 || len(victims) < limit); k, _ = c.Next() {
		if len(k) < 9 || bytes.Compare(k[:8], cut) > 0 {
			break
		}
		victims = append(victims, append([]byte(nil), k...))
	}
	for _, k := range victims {
		if err := idx.Delete(k); err != nil {
			return 0, err
		}
		b := OIDCBucket(k[8])
		if b.name() == "" {
			continue
		}
		bk := tx.Bucket([]byte(b.name()))
		// Only delete if the record still carries this expiry.
		if raw := bk.Get(k[9:]); raw != nil {
			if _, exp, err := decodeOIDC(raw); err == nil && exp.UnixNano() == int64(binary.BigEndian.Uint64(k[:8])) {
				if err := bk.Delete(k[9:]); err != nil {
					return 0, err
				}
			}
		}
	}
	return len(victims), nil
}

func (t *OIDCTx) bucket(b OIDCBucket) (*bolt.Bucket, error) {
	if b.name() == "" {
		return nil, fmt.Errorf("unknown oidc bucket %d", b)
	}
	return t.tx.Bucket([]byte(b.name())), nil
}

func checkOIDCKey(key string) error {
	if key == "" || len(key) > MaxOIDCKey {
		return fmt.Errorf("oidc record key of %d bytes: want 1 to %d", len(key), MaxOIDCKey)
	}
	return nil
}

func decodeOIDC(raw []byte) ([]byte, time.Time, error) {
	if len(raw) == 0 || raw[0] != valueV1 {
		return nil, time.Time{}, fmt.Errorf("%w: oidc record", errValueVersion)
	}
	if len(raw) < 9 {
		return nil, time.Time{}, errors.New("oidc record is truncated")
	}
	var exp time.Time
	if n := binary.BigEndian.Uint64(raw[1:9]); n != 0 {
		exp = time.Unix(0, int64(n))
	}
	return append([]byte(nil), raw[9:]...), exp, nil
}

func (t *OIDCTx) live(exp time.Time) bool { return exp.IsZero() || t.now.Before(exp) }

// Get returns the unexpired record key of bucket b.
func (t *OIDCTx) Get(b OIDCBucket, key string) (value []byte, expires time.Time, found bool, err error) {
	bk, err := t.bucket(b)
	if err != nil {
		return nil, time.Time{}, false, err
	}
	raw := bk.Get([]byte(key))
	if raw == nil {
		return nil, time.Time{}, false, nil
	}
	v, exp, err := decodeOIDC(raw)
	if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("read %s record: %w", b.name(), err)
	}
	if !t.live(exp) {
		return nil, time.Time{}, false, nil
	}
	return v, exp, true, nil
}

// Put writes the record key of bucket b, replacing any; a zero expires
// keeps it until deleted.
func (t *OIDCTx) Put(b OIDCBucket, key string, value []byte, expires time.Time) error {
	if !t.writable {
		return errors.New("put oidc record: read-only transaction")
	}
	bk, err := t.bucket(b)
	if err != nil {
		return err
	}
	if err := checkOIDCKey(key); err != nil {
		return err
	}
	if len(value) > MaxOIDCValue {
		return fmt.Errorf("%w: oidc record of %d bytes, limit %d", ErrValueTooLarge, len(value), MaxOIDCValue)
	}
	if err := t.unindex(b, bk, key); err != nil {
		return err
	}
	var n uint64
	if !expires.IsZero() {
		n = uint64(expires.UnixNano())
	}
	v := make([]byte, 0, 9+len(value))
	v = append(v, valueV1)
	v = binary.BigEndian.AppendUint64(v, n)
	v = append(v, value...)
	if err := bk.Put([]byte(key), v); err != nil {
		return fmt.Errorf("put %s record: %w", b.name(), err)
	}
	if n != 0 {
		ik := binary.BigEndian.AppendUint64(nil, n)
		ik = append(ik, byte(b))
		ik = append(ik, key...)
		if err := t.tx.Bucket([]byte(bucketOIDCExpiry)).Put(ik, nil); err != nil {
			return fmt.Errorf("index %s record: %w", b.name(), err)
		}
	}
	return nil
}

// unindex removes the expiry index entry of the stored record, if any.
func (t *OIDCTx) unindex(b OIDCBucket, bk *bolt.Bucket, key string) error {
	raw := bk.Get([]byte(key))
	if len(raw) < 9 {
		return nil
	}
	n := binary.BigEndian.Uint64(raw[1:9])
	if n == 0 {
		return nil
	}
	ik := binary.BigEndian.AppendUint64(nil, n)
	ik = append(ik, byte(b))
	ik = append(ik, key...)
	return t.tx.Bucket([]byte(bucketOIDCExpiry)).Delete(ik)
}

// Delete removes the record key of bucket b and reports whether an
// unexpired one existed.
func (t *OIDCTx) Delete(b OIDCBucket, key string) (bool, error) {
	if !t.writable {
		return false, errors.New("delete oidc record: read-only transaction")
	}
	_, _, found, err := t.Get(b, key)
	if err != nil {
		return false, err
	}
	bk, _ := t.bucket(b)
	if err := t.unindex(b, bk, key); err != nil {
		return false, err
	}
	if err := bk.Delete([]byte(key)); err != nil {
		return false, fmt.Errorf("delete %s record: %w", b.name(), err)
	}
	return found, nil
}

// List returns the unexpired records of bucket b whose key starts with
// prefix, in key order, at most limit of them (limit <= 0: all).
func (t *OIDCTx) List(b OIDCBucket, prefix string, limit int) ([]OIDCRecord, error) {
	bk, err := t.bucket(b)
	if err != nil {
		return nil, err
	}
	var out []OIDCRecord
	c := bk.Cursor()
	p := []byte(prefix)
	for k, raw := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, raw = c.Next() {
		v, exp, err := decodeOIDC(raw)
		if err != nil {
			return nil, fmt.Errorf("read %s record: %w", b.name(), err)
		}
		if !t.live(exp) {
			continue
		}
		out = append(out, OIDCRecord{Key: string(k), Value: v, Expires: exp})
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return out, nil
}
