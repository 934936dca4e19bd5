package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestOID4VCIPutGetExpiry(t *testing.T) {
	clk := newClock()
	s, _ := openTemp(t, Config{Now: clk.Now})
	r := s.OID4VCI()
	ctx := t.Context()
	exp := clk.Now().Add(time.Minute)
	created, err := r.Put(ctx, "offer", "k1", []byte("v1"), exp)
	if err != nil || !created {
		t.Fatalf("Put = %v, %v", created, err)
	}
	// A second Put of a live key creates nothing and keeps the value.
	if created, err := r.Put(ctx, "offer", "k1", []byte("other"), exp); err != nil || created {
		t.Fatalf("second Put = %v, %v; want false", created, err)
	}
	v, e, found, err := r.Get(ctx, "offer", "k1")
	if err != nil || !found || string(v) != "v1" || !e.Equal(exp) {
		t.Fatalf("Get = %q %v %v %v", v, e, found, err)
	}
	// Kinds are separate namespaces, also when kind ‖ key would collide.
	if _, _, found, _ := r.Get(ctx, "token", "k1"); found {
		t.Error("token k1 found")
	}
	if created, _ := r.Put(ctx, "offe", "rk1", []byte("x"), exp); !created {
		t.Error("kind/key prefix collision")
	}
	clk.Advance(time.Minute)
	if _, _, found, _ := r.Get(ctx, "offer", "k1"); found {
		t.Error("expired record found")
	}
	// An expired record can be created anew.
	if created, err := r.Put(ctx, "offer", "k1", []byte("v2"), clk.Now().Add(time.Minute)); err != nil || !created {
		t.Fatalf("Put after expiry = %v, %v", created, err)
	}
	if v, _, _, _ := r.Get(ctx, "offer", "k1"); string(v) != "v2" {
		t.Errorf("value after re-create = %q", v)
	}
}

func TestOID4VCIUpdate(t *testing.T) {
	clk := newClock()
	s, _ := openTemp(t, Config{Now: clk.Now})
	r := s.OID4VCI()
	ctx := t.Context()
	exp := clk.Now().Add(time.Hour)
	// Update of an absent record sees found=false and may create it.
	err := r.Update(ctx, "token", "t", func(v []byte, e time.Time, found bool) ([]byte, time.Time, error) {
		if found || v != nil || !e.IsZero() {
			t.Errorf("absent record: %q %v %v", v, e, found)
		}
		return []byte("a"), exp, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// It sees the current value and may change value and expiry.
	err = r.Update(ctx, "token", "t", func(v []byte, e time.Time, found bool) ([]byte, time.Time, error) {
		if !found || string(v) != "a" || !e.Equal(exp) {
			t.Errorf("current record: %q %v %v", v, e, found)
		}
		return append(v, 'b'), exp.Add(time.Hour), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, e, _, _ := r.Get(ctx, "token", "t"); string(v) != "ab" || !e.Equal(exp.Add(time.Hour)) {
		t.Errorf("after update: %q %v", v, e)
	}
	// An error from fn writes nothing and comes back wrapped.
	boom := errors.New("boom")
	err = r.Update(ctx, "token", "t", func([]byte, time.Time, bool) ([]byte, time.Time, error) {
		return []byte("zzz"), exp, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if v, _, _, _ := r.Get(ctx, "token", "t"); string(v) != "ab" {
		t.Errorf("aborted update wrote %q", v)
	}
	// nil deletes.
	if err := r.Update(ctx, "token", "t", func([]byte, time.Time, bool) ([]byte, time.Time, error) { return nil, time.Time{}, nil }); err != nil {
		t.Fatal(err)
	}
	if _, _, found, _ := r.Get(ctx, "token", "t"); found {
		t.Error("deleted record found")
	}
	// Deleting an absent record is a no-op.
	if err := r.Update(ctx, "token", "none", func([]byte, time.Time, bool) ([]byte, time.Time, error) { return nil, time.Time{}, nil }); err != nil {
		t.Fatal(err)
	}
	// The index holds no entry for deleted records.
	if n := countBucket(t, s, bucketOID4VCIExpiry); n != 0 {
		t.Errorf("expiry index has %d entries, want 0", n)
	}
}

func countBucket(t *testing.T, s *Store, name string) int {
	t.Helper()
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(name)).ForEach(func(_, _ []byte) error { n++; return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOID4VCIPurge(t *testing.T) {
	clk := newClock()
	s, _ := openTemp(t, Config{Now: clk.Now})
	r := s.OID4VCI()
	ctx := t.Context()
	for i := range 100 {
		if _, err := r.Put(ctx, "nonce_used", strings.Repeat("x", i+1), []byte{1}, clk.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	live := clk.Now().Add(time.Hour)
	if _, err := r.Put(ctx, "nonce_used", "live", []byte{1}, live); err != nil {
		t.Fatal(err)
	}
	// A record re-written with a later expiry survives the purge of its
	// old index entry.
	if err := r.Update(ctx, "nonce_used", "x", func(v []byte, _ time.Time, _ bool) ([]byte, time.Time, error) { return v, live, nil }); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Minute)
	// Each write purges a bounded batch.
	if _, err := r.Put(ctx, "offer", "new", []byte{1}, live); err != nil {
		t.Fatal(err)
	}
	if n := countBucket(t, s, bucketOID4VCI); n != 102-expiringPurgeBatch {
		t.Errorf("after one write %d records, want %d", n, 102-expiringPurgeBatch)
	}
	n, err := r.Purge(ctx)
	if err != nil || n != 99-expiringPurgeBatch {
		t.Fatalf("Purge = %d, %v; want %d", n, err, 99-expiringPurgeBatch)
	}
	if got := countBucket(t, s, bucketOID4VCI); got != 3 {
		t.Errorf("%d records left, want 3 (live, x, new)", got)
	}
	if got := countBucket(t, s, bucketOID4VCIExpiry); got != 3 {
		t.Errorf("%d index entries left, want 3", got)
	}
	for _, k := range []string{"live", "x"} {
		if _, _, found, _ := r.Get(ctx, "nonce_used", k); !found {
			t.Errorf("%s purged", k)
		}
	}
}

func TestOID4VCIPutConcurrentCreatesOnce(t *testing.T) {
	clk := newClock()
	s, _ := openTemp(t, Config{Now: clk.Now})
	r := s.OID4VCI()
	var created atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			ok, err := r.Put(context.Background(), "nonce_used", "n", []byte{1}, clk.Now().Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			if ok {
				created.Add(1)
			}
		})
	}
	wg.Wait()
	if created.Load() != 1 {
		t.Fatalf("%d Puts created the record, want 1", created.Load())
	}
}

func TestOID4VCIErrors(t *testing.T) {
	clk := newClock()
	s, _ := openTemp(t, Config{Now: clk.Now})
	r := s.OID4VCI()
	ctx := t.Context()
	exp := clk.Now().Add(time.Minute)
	for _, tt := range []struct {
		name      string
		kind, key string
		value     []byte
		wantErr   error
	}{
		{"empty kind", "", "k", nil, nil},
		{"long kind", strings.Repeat("k", MaxOID4VCIKind+1), "k", nil, nil},
		{"empty key", "offer", "", nil, nil},
		{"long key", "offer", strings.Repeat("k", MaxOID4VCIKey+1), nil, nil},
		{"large value", "offer", "k", make([]byte, MaxOID4VCIValue+1), ErrValueTooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := r.Put(ctx, tt.kind, tt.key, tt.value, exp); err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("Put err = %v", err)
			}
			if _, _, _, err := r.Get(ctx, tt.kind, tt.key); err == nil && tt.wantErr == nil {
				t.Error("Get accepted it")
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.Put(cctx, "offer", "k", nil, exp); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled Put err = %v", err)
	}
	if _, _, _, err := r.Get(cctx, "offer", "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled Get err = %v", err)
	}
}

func TestOID4VCIUnknownValueVersionAndMigration(t *testing.T) {
	clk := newClock()
	s, _ := openTemp(t, Config{Now: clk.Now})
	r := s.OID4VCI()
	ctx := t.Context()
	k, _ := oid4vciKey("offer", "k")
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketOID4VCI)).Put(k, []byte{9, 0, 0, 0, 0, 0, 0, 0, 0})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := r.Get(ctx, "offer", "k"); !errors.Is(err, errValueVersion) {
		t.Errorf("Get err = %v, want unknown version", err)
	}
	if err := r.Update(ctx, "offer", "k", func(v []byte, e time.Time, f bool) ([]byte, time.Time, error) { return v, e, nil }); !errors.Is(err, errValueVersion) {
		t.Errorf("Update err = %v, want unknown version", err)
	}
	// The stored encoding is version ‖ expiry ‖ value.
	if _, err := r.Put(ctx, "token", "t", []byte("val"), time.Unix(0, 0x0102030405060708)); err != nil {
		t.Fatal(err)
	}
	tk, _ := oid4vciKey("token", "t")
	_ = s.db.View(func(tx *bolt.Tx) error {
		got := tx.Bucket([]byte(bucketOID4VCI)).Get(tk)
		want := []byte{1, 1, 2, 3, 4, 5, 6, 7, 8, 'v', 'a', 'l'}
		if !bytes.Equal(got, want) {
			t.Errorf("stored %x, want %x", got, want)
		}
		return nil
	})
	var names []string
	for _, m := range migrations() {
		names = append(names, m.name)
	}
	if names[4] != "create oid4vci buckets" {
		t.Errorf("migration 5 is %q", names[4])
	}
}
