package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// OpenID4VP presentation requests (verifier/oid4vp): one opaque record per
// request, kept until its retention time.
//
// Buckets presentation_requests and presentation_requests_expiry (created
// by migration 8) are expiringBuckets: record key = request id; value,
// version 1: valueV1 ‖ retention end in Unix nanoseconds (8 bytes,
// big-endian) ‖ the record as verifier/oid4vp encodes it; the expiry index
// lets every write purge a bounded number of records past their retention.
const (
	bucketPresentations       = "presentation_requests"
	bucketPresentationsExpiry = "presentation_requests_expiry"
)

// Presentation request record limits.
const (
	MaxPresentationID    = 128
	MaxPresentationValue = 256 << 10
)

var presentationBuckets = expiringBuckets{
	records:  bucketPresentations,
	expiry:   bucketPresentationsExpiry,
	what:     "presentation request",
	maxValue: MaxPresentationValue,
}

// migratePresentations creates the buckets of OpenID4VP presentation requests.
func migratePresentations(tx *bolt.Tx) error { return presentationBuckets.migrate(tx) }

// PresentationRecords stores OpenID4VP presentation requests as opaque
// values with a retention end; it is safe for concurrent use. A record
// past its retention end reads as missing.
type PresentationRecords struct {
	s *Store
}

// Presentations returns the presentation request store backed by s.
func (s *Store) Presentations() *PresentationRecords { return &PresentationRecords{s: s} }

func checkPresentationID(id string) error {
	if id == "" || len(id) > MaxPresentationID {
		return fmt.Errorf("presentation request id of %d bytes: want 1 to %d", len(id), MaxPresentationID)
	}
	return nil
}

// Create stores a new record; an existing unexpired id fails with an error
// wrapping ErrExists.
func (r *PresentationRecords) Create(ctx context.Context, id string, value []byte, keepUntil time.Time) error {
	_, err := r.update(ctx, "create", id, func(_ []byte, _ time.Time, found bool) ([]byte, time.Time, error) {
		if found {
			return nil, time.Time{}, ErrExists
		}
		return value, keepUntil, nil
	})
	return err
}

// Get returns the record id, or an error wrapping ErrNotFound.
func (r *PresentationRecords) Get(ctx context.Context, id string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("get presentation request: %w", err)
	}
	if err := checkPresentationID(id); err != nil {
		return nil, fmt.Errorf("get presentation request: %w", err)
	}
	now := r.s.now()
	var val []byte
	err := r.s.db.View(func(tx *bolt.Tx) error {
		v, _, found, err := presentationBuckets.get(tx, []byte(id), now)
		if err == nil && !found {
			err = ErrNotFound
		}
		val = v
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get presentation request: %w", err)
	}
	return val, nil
}

// Update atomically replaces the record id with what fn returns (fn sees
// the current value); a missing record fails with an error wrapping
// ErrNotFound before fn runs, and an error from fn aborts without writing.
// The retention end is kept. It returns the new value.
func (r *PresentationRecords) Update(ctx context.Context, id string, fn func(value []byte) ([]byte, error)) ([]byte, error) {
	return r.update(ctx, "update", id, func(cur []byte, exp time.Time, found bool) ([]byte, time.Time, error) {
		if !found {
			return nil, time.Time{}, ErrNotFound
		}
		nv, err := fn(cur)
		return nv, exp, err
	})
}

func (r *PresentationRecords) update(ctx context.Context, op, id string, fn func([]byte, time.Time, bool) ([]byte, time.Time, error)) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s presentation request: %w", op, err)
	}
	if err := checkPresentationID(id); err != nil {
		return nil, fmt.Errorf("%s presentation request: %w", op, err)
	}
	now := r.s.now()
	var out []byte
	err := r.s.db.Update(func(tx *bolt.Tx) error {
		return presentationBuckets.update(tx, []byte(id), now, func(cur []byte, exp time.Time, found bool) ([]byte, time.Time, bool, error) {
			nv, ne, err := fn(cur, exp, found)
			if err != nil {
				return nil, time.Time{}, false, err
			}
			if nv == nil {
				nv = []byte{} // an empty record, never a deletion
			}
			out = nv
			return nv, ne, true, nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("%s presentation request: %w", op, err)
	}
	return out, nil
}
