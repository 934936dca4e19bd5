package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Zero-knowledge proof requests (verifier/zk) and the nullifiers their
// proofs revealed.
//
// Bucket zk_requests: key = request id; value, version 1: valueV1 ‖ expiry
// in Unix nanoseconds (8 bytes, big-endian) ‖ used flag (1 byte) ‖ the
// request as the caller encoded it (opaque here).
//
// Bucket zk_requests_expiry indexes the requests by expiry: key = expiry
// (8 bytes, big-endian Unix nanoseconds) ‖ request id, empty value. Every
// Put purges a bounded number of expired requests through it, so the bucket
// stays bounded without a background job; an expired request, used or
// not, can never be redeemed, so forgetting it loses nothing.
//
// Bucket zk_nullifiers: key = scope (32 bytes) ‖ nullifier (32 bytes),
// both field elements as the caller encoded them; value, version 1:
// valueV1 ‖ JSON of ZKNullifierRecord. Nullifiers are kept forever: they
// are what lets a verifier recognise the same person at the same scope.
const (
	bucketZKRequests      = "zk_requests"
	bucketZKRequestExpiry = "zk_requests_expiry"
	bucketZKNullifiers    = "zk_nullifiers"
)

// ZK proof request limits.
const (
	MaxZKRequestID    = 128
	MaxZKRequestValue = 64 << 10
	// ZKNullifierKeyLen is the length of a nullifier key: scope and
	// nullifier, 32 bytes each.
	ZKNullifierKeyLen = 64
	// zkPurgeBatch is how many expired requests one Put removes.
	zkPurgeBatch = 32
)

// Sentinel errors of Redeem.
var (
	// ErrZKRequestUsed reports a proof request already redeemed.
	ErrZKRequestUsed = errors.New("proof request already used")
	// ErrZKRequestExpired reports a proof request past its expiry.
	ErrZKRequestExpired = errors.New("proof request expired")
)

// migrateZKRequests creates the buckets of zero-knowledge proof requests and nullifiers.
func migrateZKRequests(tx *bolt.Tx) error {
	return createBuckets(tx, bucketZKRequests, bucketZKRequestExpiry, bucketZKNullifiers)
}

// ZKRequests stores proof requests and nullifiers; it is safe for
// concurrent use. Redemption is atomic: of any number of concurrent
// Redeem calls for one request, at most one succeeds.
type ZKRequests struct {
	s *Store
}

// ZKRequests returns the proof request store backed by s.
func (s *Store) ZKRequests() *ZKRequests { return &ZKRequests{s: s} }

// ZKRequest is a stored proof request.
type ZKRequest struct {
	// Value is the request as Put stored it.
	Value []byte
	// Expires is the request's expiry.
	Expires time.Time
	// Used is true once the request was redeemed.
	Used bool
}

// ZKNullifierRecord is what the store remembers of a nullifier: the first
// time it was seen at its scope and the account it was bound to then.
type ZKNullifierRecord struct {
	// Account is the verifier's account the nullifier is bound to ("" when
	// the first request named none).
	Account string `json:"account,omitempty"`
	// RequestID is the request whose proof first revealed the nullifier.
	RequestID string `json:"requestId"`
	// FirstSeen is when that proof was verified.
	FirstSeen time.Time `json:"firstSeen"`
}

func zkRequestKey(id string) ([]byte, error) {
	if id == "" || len(id) > MaxZKRequestID {
		return nil, fmt.Errorf("proof request id of %d bytes: want 1 to %d", len(id), MaxZKRequestID)
	}
	return []byte(id), nil
}

func decodeZKRequest(b []byte) (ZKRequest, error) {
	if len(b) == 0 || b[0] != valueV1 {
		return ZKRequest{}, fmt.Errorf("%w: zk request", errValueVersion)
	}
	if len(b) < 10 {
		return ZKRequest{}, errors.New("zk request record is truncated")
	}
	return ZKRequest{
		Expires: time.Unix(0, int64(binary.BigEndian.Uint64(b[1:9]))),
		Used:    b[9] == 1,
		Value:   append([]byte(nil), b[10:]...), // b is only valid inside the transaction
	}, nil
}

func encodeZKRequest(r ZKRequest) []byte {
	v := make([]byte, 0, 10+len(r.Value))
	v = append(v, valueV1)
	v = binary.BigEndian.AppendUint64(v, uint64(r.Expires.UnixNano()))
	used := byte(0)
	if r.Used {
		used = 1
	}
	v = append(v, used)
	return append(v, r.Value...)
}

// Put stores a new proof request; an existing id is refused with
// ErrExists.
func (z *ZKRequests) Put(ctx context.Context, id string, value []byte, expires time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put zk request: %w", err)
	}
	k, err := zkRequestKey(id)
	if err != nil {
		return fmt.Errorf("put zk request: %w", err)
	}
	if len(value) > MaxZKRequestValue {
		return fmt.Errorf("put zk request: %w: %d bytes, limit %d", ErrValueTooLarge, len(value), MaxZKRequestValue)
	}
	now := z.s.now()
	err = z.s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketZKRequests))
		idx := tx.Bucket([]byte(bucketZKRequestExpiry))
		if err := purgeZKRequests(b, idx, now, zkPurgeBatch); err != nil {
			return err
		}
		if b.Get(k) != nil {
			return ErrExists
		}
		if err := b.Put(k, encodeZKRequest(ZKRequest{Value: value, Expires: expires})); err != nil {
			return err
		}
		return idx.Put(expiryKey(expires, k), nil)
	})
	if err != nil {
		return fmt.Errorf("put zk request %s: %w", id, err)
	}
	return nil
}

// Get returns the proof request id, expired or not (until purged), or an
// error wrapping ErrNotFound.
func (z *ZKRequests) Get(ctx context.Context, id string) (ZKRequest, error) {
	if err := ctx.Err(); err != nil {
		return ZKRequest{}, fmt.Errorf("get zk request: %w", err)
	}
	k, err := zkRequestKey(id)
	if err != nil {
		return ZKRequest{}, fmt.Errorf("get zk request: %w", err)
	}
	var r ZKRequest
	err = z.s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket([]byte(bucketZKRequests)).Get(k)
		if raw == nil {
			return ErrNotFound
		}
		r, err = decodeZKRequest(raw)
		return err
	})
	if err != nil {
		return ZKRequest{}, fmt.Errorf("get zk request %s: %w", id, err)
	}
	return r, nil
}

// Nullifier returns the record of nullifierKey (scope ‖ nullifier), or an
// error wrapping ErrNotFound.
func (z *ZKRequests) Nullifier(ctx context.Context, nullifierKey []byte) (ZKNullifierRecord, error) {
	if err := ctx.Err(); err != nil {
		return ZKNullifierRecord{}, fmt.Errorf("get zk nullifier: %w", err)
	}
	if len(nullifierKey) != ZKNullifierKeyLen {
		return ZKNullifierRecord{}, fmt.Errorf("get zk nullifier: key of %d bytes, want %d", len(nullifierKey), ZKNullifierKeyLen)
	}
	var rec ZKNullifierRecord
	err := z.s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket([]byte(bucketZKNullifiers)).Get(nullifierKey)
		if raw == nil {
			return ErrNotFound
		}
		var err error
		rec, err = decodeZKNullifier(raw)
		return err
	})
	if err != nil {
		return ZKNullifierRecord{}, fmt.Errorf("get zk nullifier: %w", err)
	}
	return rec, nil
}

func decodeZKNullifier(b []byte) (ZKNullifierRecord, error) {
	if len(b) == 0 || b[0] != valueV1 {
		return ZKNullifierRecord{}, fmt.Errorf("%w: zk nullifier", errValueVersion)
	}
	var rec ZKNullifierRecord
	if err := json.Unmarshal(b[1:], &rec); err != nil {
		return ZKNullifierRecord{}, fmt.Errorf("decode zk nullifier: %w", err)
	}
	return rec, nil
}

// Redeem atomically uses the proof request id and applies the nullifier
// rule in one transaction. It fails with ErrNotFound, ErrZKRequestExpired
// (expiry at or before now) or ErrZKRequestUsed, changing nothing.
// Otherwise it marks the request used and calls decide with the stored
// record of nullifierKey (scope ‖ nullifier; nil when the nullifier is
// new): a non-nil record returned is stored for the key, replacing the
// previous one (decide returns nil to keep it, or an updated copy, for
// example to bind a nullifier first seen without an account), and a
// non-nil error is returned as is, a refusal that still leaves the request
// used and the record unchanged. Redeem returns the record stored before
// (nil if none).
func (z *ZKRequests) Redeem(ctx context.Context, id string, now time.Time, nullifierKey []byte,
	decide func(prev *ZKNullifierRecord) (*ZKNullifierRecord, error)) (*ZKNullifierRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("redeem zk request: %w", err)
	}
	k, err := zkRequestKey(id)
	if err != nil {
		return nil, fmt.Errorf("redeem zk request: %w", err)
	}
	if len(nullifierKey) != ZKNullifierKeyLen {
		return nil, fmt.Errorf("redeem zk request: nullifier key of %d bytes, want %d", len(nullifierKey), ZKNullifierKeyLen)
	}
	var (
		prev    *ZKNullifierRecord
		refusal error
	)
	err = z.s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketZKRequests))
		raw := b.Get(k)
		if raw == nil {
			return ErrNotFound
		}
		r, err := decodeZKRequest(raw)
		if err != nil {
			return err
		}
		if !now.Before(r.Expires) {
			return ErrZKRequestExpired
		}
		if r.Used {
			return ErrZKRequestUsed
		}
		r.Used = true
		if err := b.Put(k, encodeZKRequest(r)); err != nil {
			return err
		}
		nb := tx.Bucket([]byte(bucketZKNullifiers))
		if raw := nb.Get(nullifierKey); raw != nil {
			rec, err := decodeZKNullifier(raw)
			if err != nil {
				return err
			}
			prev = &rec
		}
		next, derr := decide(prev)
		if derr != nil {
			refusal = derr
			return nil
		}
		if next == nil {
			return nil
		}
		v, err := json.Marshal(next)
		if err != nil {
			return fmt.Errorf("encode zk nullifier: %w", err)
		}
		return nb.Put(append([]byte(nil), nullifierKey...), append([]byte{valueV1}, v...))
	})
	if err != nil {
		return nil, fmt.Errorf("redeem zk request %s: %w", id, err)
	}
	return prev, refusal
}

// purgeZKRequests deletes up to limit requests that expired at or before
// now.
func purgeZKRequests(b, idx *bolt.Bucket, now time.Time, limit int) error {
	bound := binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano()))
	c := idx.Cursor()
	var dead [][]byte
	for k, _ := c.First(); k != nil && len(dead) < limit; k, _ = c.Next() {
		if len(k) < 8 || string(k[:8]) > string(bound) {
			break
		}
		dead = append(dead, append([]byte(nil), k...))
	}
	for _, k := range dead {
		if err := idx.Delete(k); err != nil {
			return err
		}
		if err := b.Delete(k[8:]); err != nil {
			return err
		}
	}
	return nil
}
