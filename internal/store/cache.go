package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Limits of the resolver cache.
const (
	// MaxCacheKey bounds a cache key: a DID URL (at most 4 KiB) plus
	// resolution options.
	MaxCacheKey = 8 << 10
	// MaxCacheValue bounds a cached value.
	MaxCacheValue = 1 << 20
)

// cacheHeader is the length of a version-1 cache entry before the value:
// the version byte and the expiry.
const cacheHeader = 1 + 8

// ResolverCache is a TTL cache of resolution results in the store. It
// satisfies resolver.Cache and is safe for concurrent use.
type ResolverCache struct {
	s *Store
}

// ResolverCache returns the resolver cache backed by s.
func (s *Store) ResolverCache() *ResolverCache { return &ResolverCache{s: s} }

// Get returns the value under key. A missing or expired entry reports
// ok=false and no error.
func (c *ResolverCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("cache get: %w", err)
	}
	if err := checkCacheKey(key); err != nil {
		return nil, false, fmt.Errorf("cache get: %w", err)
	}
	now := c.s.now()
	var out []byte
	var ok bool
	err := c.s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketCache)).Get([]byte(key))
		if b == nil {
			return nil
		}
		exp, val, err := decodeCacheEntry(b)
		if err != nil {
			return err
		}
		if !now.Before(exp) {
			return nil
		}
		out, ok = append([]byte(nil), val...), true // b is only valid inside the transaction
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("cache get %q: %w", key, err)
	}
	return out, ok, nil
}

// Put stores value under key for ttl, replacing any previous entry. ttl must
// be positive; value must be at most MaxCacheValue bytes (larger values fail
// with an error wrapping ErrValueTooLarge).
func (c *ResolverCache) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cache put: %w", err)
	}
	if err := checkCacheKey(key); err != nil {
		return fmt.Errorf("cache put: %w", err)
	}
	if ttl <= 0 {
		return fmt.Errorf("cache put %q: ttl %s is not positive", key, ttl)
	}
	if len(value) > MaxCacheValue {
		return fmt.Errorf("cache put %q: %w: %d bytes, limit %d", key, ErrValueTooLarge, len(value), MaxCacheValue)
	}
	entry := make([]byte, cacheHeader, cacheHeader+len(value))
	entry[0] = valueV1
	binary.BigEndian.PutUint64(entry[1:cacheHeader], uint64(c.s.now().Add(ttl).UnixNano()))
	entry = append(entry, value...)
	err := c.s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketCache)).Put([]byte(key), entry)
	})
	if err != nil {
		return fmt.Errorf("cache put %q: %w", key, err)
	}
	return nil
}

// Purge deletes expired entries and reports how many it removed. Entries
// with an unknown encoding are removed too: a cache can always be refilled.
func (c *ResolverCache) Purge(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("cache purge: %w", err)
	}
	now := c.s.now()
	var n int
	err := c.s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketCache))
		var dead [][]byte
		err := b.ForEach(func(k, v []byte) error {
			exp, _, err := decodeCacheEntry(v)
			if err != nil || !now.Before(exp) {
				dead = append(dead, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Deleting after the walk: a cursor that deletes while it iterates
		// can skip keys.
		for _, k := range dead {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(dead)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("cache purge: %w", err)
	}
	return n, nil
}

func checkCacheKey(key string) error {
	switch {
	case key == "":
		return errors.New("empty cache key")
	case len(key) > MaxCacheKey:
		return fmt.Errorf("cache key of %d bytes exceeds %d", len(key), MaxCacheKey)
	}
	return nil
}

// decodeCacheEntry splits a stored cache entry into expiry and value; the
// value aliases b.
func decodeCacheEntry(b []byte) (time.Time, []byte, error) {
	if len(b) == 0 || b[0] != valueV1 {
		v := "empty"
		if len(b) > 0 {
			v = fmt.Sprint(b[0])
		}
		return time.Time{}, nil, fmt.Errorf("%w: cache entry version %s", errValueVersion, v)
	}
	if len(b) < cacheHeader {
		return time.Time{}, nil, fmt.Errorf("cache entry of %d bytes is truncated", len(b))
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(b[1:cacheHeader]))), b[cacheHeader:], nil
}
