package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chainid/chainid/resolver"
	bolt "go.etcd.io/bbolt"
)

var _ resolver.Cache = (*ResolverCache)(nil)

func TestCacheExpiry(t *testing.T) {
	clk := newClock()
	s, _ := openTemp(t, Config{Now: clk.Now})
	c := s.ResolverCache()
	ctx := t.Context()
	if err := c.Put(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		advance time.Duration
		ok      bool
	}{
		{0, true},
		{time.Minute - time.Nanosecond, true},
		{time.Nanosecond, false}, // exactly at expiry
		{time.Hour, false},
	}
	for _, tt := range tests {
		clk.Advance(tt.advance)
		t.Run(fmt.Sprint(clk.Now().Format(time.RFC3339Nano)), func(t *testing.T) {
			v, ok, err := c.Get(ctx, "k")
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.ok {
				t.Fatalf("ok = %t, want %t", ok, tt.ok)
			}
			if ok && string(v) != "v" {
				t.Errorf("value = %q", v)
			}
			if !ok && v != nil {
				t.Errorf("expired entry returned value %q", v)
			}
		})
	}
	// Put refreshes an expired entry.
	if err := c.Put(ctx, "k", []byte("v2"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, ok, _ := c.Get(ctx, "k"); !ok || string(v) != "v2" {
		t.Errorf("after refresh: %q, %t", v, ok)
	}
}

func TestCacheMissAndEmptyValue(t *testing.T) {
	s, _ := openTemp(t, Config{})
	c := s.ResolverCache()
	ctx := t.Context()
	if v, ok, err := c.Get(ctx, "missing"); ok || v != nil || err != nil {
		t.Errorf("Get missing = %q, %t, %v", v, ok, err)
	}
	// An empty value (a negative-cache marker, say) is a hit.
	if err := c.Put(ctx, "empty", nil, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := c.Get(ctx, "empty"); !ok || err != nil {
		t.Errorf("Get empty value = %t, %v", ok, err)
	}
}

func TestCacheErrors(t *testing.T) {
	s, _ := openTemp(t, Config{})
	c := s.ResolverCache()
	ctx := t.Context()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name string
		op   func() error
		is   error
	}{
		{"value too large", func() error { return c.Put(ctx, "k", make([]byte, MaxCacheValue+1), time.Minute) }, ErrValueTooLarge},
		{"zero ttl", func() error { return c.Put(ctx, "k", nil, 0) }, nil},
		{"negative ttl", func() error { return c.Put(ctx, "k", nil, -time.Second) }, nil},
		{"empty key put", func() error { return c.Put(ctx, "", nil, time.Minute) }, nil},
		{"long key put", func() error { return c.Put(ctx, strings.Repeat("k", MaxCacheKey+1), nil, time.Minute) }, nil},
		{"empty key get", func() error { _, _, err := c.Get(ctx, ""); return err }, nil},
		{"canceled put", func() error { return c.Put(canceled, "k", nil, time.Minute) }, context.Canceled},
		{"canceled get", func() error { _, _, err := c.Get(canceled, "k"); return err }, context.Canceled},
		{"canceled purge", func() error { _, err := c.Purge(canceled); return err }, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.op()
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
		})
	}
	if _, ok, _ := c.Get(ctx, "k"); ok {
		t.Error("a refused Put stored something")
	}
	if err := c.Put(ctx, "k", make([]byte, MaxCacheValue), time.Minute); err != nil {
		t.Errorf("value at the limit: %v", err)
	}
}

func TestCacheUnknownValueVersion(t *testing.T) {
	s, _ := openTemp(t, Config{})
	c := s.ResolverCache()
	ctx := t.Context()
	for k, v := range map[string][]byte{"v2": {2, 0, 0, 0, 0, 0, 0, 0, 0, 'x'}, "short": {1, 0}, "empty": {}} {
		if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte(bucketCache)).Put([]byte(k), v) }); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := c.Get(ctx, k); err == nil || ok {
			t.Errorf("Get %s = %t, %v; want an error", k, ok, err)
		}
	}
	if _, _, err := c.Get(ctx, "v2"); !errors.Is(err, errValueVersion) {
		t.Errorf("err = %v, want unknown version", err)
	}
	// Purge clears undecodable entries: the cache heals itself.
	n, err := c.Purge(ctx)
	if err != nil || n != 3 {
		t.Errorf("Purge = %d, %v; want 3", n, err)
	}
}

func TestCachePurge(t *testing.T) {
	clk := newClock()
	s, _ := openTemp(t, Config{Now: clk.Now})
	c := s.ResolverCache()
	ctx := t.Context()
	for i := range 50 {
		ttl := time.Minute
		if i%2 == 0 {
			ttl = time.Hour
		}
		if err := c.Put(ctx, fmt.Sprintf("k%02d", i), []byte{byte(i)}, ttl); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := c.Purge(ctx); err != nil || n != 0 {
		t.Fatalf("Purge before expiry = %d, %v", n, err)
	}
	clk.Advance(2 * time.Minute)
	if n, err := c.Purge(ctx); err != nil || n != 25 {
		t.Fatalf("Purge = %d, %v; want 25", n, err)
	}
	var left int
	_ = s.db.View(func(tx *bolt.Tx) error { left = tx.Bucket([]byte(bucketCache)).Stats().KeyN; return nil })
	if left != 25 {
		t.Errorf("%d entries left, want 25", left)
	}
	for i := range 50 {
		_, ok, err := c.Get(ctx, fmt.Sprintf("k%02d", i))
		if err != nil || ok != (i%2 == 0) {
			t.Errorf("k%02d: ok = %t, %v", i, ok, err)
		}
	}
}

func TestCacheConcurrent(t *testing.T) {
	s, _ := openTemp(t, Config{})
	c := s.ResolverCache()
	ctx := t.Context()
	const workers, rounds = 8, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				key := fmt.Sprintf("w%d-%d", w, i%5)
				val := fmt.Appendf(nil, "%d-%d", w, i)
				if err := c.Put(ctx, key, val, time.Hour); err != nil {
					errs <- err
					return
				}
				got, ok, err := c.Get(ctx, key)
				if err != nil || !ok || string(got) != string(val) {
					errs <- fmt.Errorf("worker %d read %q, %t, %v; want %q", w, got, ok, err, val)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func BenchmarkResolverCache(b *testing.B) {
	s, _ := openTemp(b, Config{})
	c := s.ResolverCache()
	ctx := b.Context()
	doc := []byte(strings.Repeat(`{"id":"did:key:z6Mk"}`, 50)) // ~1 KiB, a typical document
	b.Run("Get", func(b *testing.B) {
		if err := c.Put(ctx, "did:key:z6Mkbench", doc, time.Hour); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, ok, err := c.Get(ctx, "did:key:z6Mkbench"); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("Put", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := c.Put(ctx, "did:key:z6Mkbench", doc, time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	})
}
