package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// expiringBuckets is a pair of buckets holding opaque records with an
// expiry (the OpenID4VCI records and the OpenID4VP presentation requests).
//
// Bucket records: key = the caller's record key; value, version 1:
// valueV1 ‖ expiry in Unix nanoseconds (8 bytes, big-endian) ‖ value.
//
// Bucket expiry indexes the same records by expiry: key = expiry (8 bytes,
// big-endian Unix nanoseconds) ‖ record key, empty value. Every write
// purges a bounded number of expired records through it, so the buckets
// stay bounded without a background job.
type expiringBuckets struct {
	records, expiry string
	// what names a record in errors.
	what string
	// maxValue is the largest value a record may hold.
	maxValue int
}

// expiringPurgeBatch is how many expired records one write removes.
const expiringPurgeBatch = 32

// migrate creates the two buckets.
func (e expiringBuckets) migrate(tx *bolt.Tx) error {
	return createBuckets(tx, e.records, e.expiry)
}

func (e expiringBuckets) encode(value []byte, exp time.Time) ([]byte, error) {
	if len(value) > e.maxValue {
		return nil, fmt.Errorf("%w: %s of %d bytes, limit %d", ErrValueTooLarge, e.what, len(value), e.maxValue)
	}
	v := make([]byte, 0, 9+len(value))
	v = append(v, valueV1)
	v = binary.BigEndian.AppendUint64(v, uint64(exp.UnixNano()))
	return append(v, value...), nil
}

func (e expiringBuckets) decode(b []byte) ([]byte, time.Time, error) {
	if len(b) == 0 || b[0] != valueV1 {
		return nil, time.Time{}, fmt.Errorf("%w: %s", errValueVersion, e.what)
	}
	if len(b) < 9 {
		return nil, time.Time{}, errors.New(e.what + " is truncated")
	}
	exp := time.Unix(0, int64(binary.BigEndian.Uint64(b[1:9])))
	return append([]byte(nil), b[9:]...), exp, nil // b is only valid inside the transaction
}

func expiryKey(exp time.Time, k []byte) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(exp.UnixNano())), k...)
}

// get returns the record k unless it is missing or expired at now
// (found false).
func (e expiringBuckets) get(tx *bolt.Tx, k []byte, now time.Time) (value []byte, exp time.Time, found bool, err error) {
	raw := tx.Bucket([]byte(e.records)).Get(k)
	if raw == nil {
		return nil, time.Time{}, false, nil
	}
	v, x, err := e.decode(raw)
	if err != nil {
		return nil, time.Time{}, false, err
	}
	if !now.Before(x) {
		return nil, time.Time{}, false, nil
	}
	return v, x, true, nil
}

// update purges a batch of expired records, then replaces the record k
// with what fn returns. fn sees the current value (nil when missing or
// expired), its expiry (zero when missing; an expired record's otherwise)
// and whether it is live. write false or an error leaves the record alone;
// a nil value deletes it.
func (e expiringBuckets) update(tx *bolt.Tx, k []byte, now time.Time, fn func(cur []byte, exp time.Time, found bool) (nv []byte, ne time.Time, write bool, err error)) error {
	b := tx.Bucket([]byte(e.records))
	idx := tx.Bucket([]byte(e.expiry))
	if _, err := e.purgeIn(b, idx, now, expiringPurgeBatch); err != nil {
		return err
	}
	var (
		cur    []byte
		curExp time.Time
		found  bool
	)
	if raw := b.Get(k); raw != nil {
		v, x, err := e.decode(raw)
		if err != nil {
			return err
		}
		curExp = x
		if now.Before(x) {
			cur, found = v, true
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
	enc, err := e.encode(nv, ne)
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
}

// purge deletes up to limit records that expired at or before now.
func (e expiringBuckets) purge(tx *bolt.Tx, now time.Time, limit int) (int, error) {
	return e.purgeIn(tx.Bucket([]byte(e.records)), tx.Bucket([]byte(e.expiry)), now, limit)
}

func (e expiringBuckets) purgeIn(b, idx *bolt.Bucket, now time.Time, limit int) (int, error) {
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
		if _, x, err := e.decode(raw); err == nil && !x.Equal(time.Unix(0, int64(binary.BigEndian.Uint64(ik[:8])))) {
			continue // the record was re-written with another expiry
		}
		if err := b.Delete(k); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
