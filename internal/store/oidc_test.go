package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestOIDCRecords(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "s.db"), Config{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := s.OIDC()
	ctx := context.Background()
	put := func(b OIDCBucket, k, v string, exp time.Time) {
		t.Helper()
		if err := r.Update(ctx, func(tx *OIDCTx) error { return tx.Put(b, k, []byte(v), exp) }); err != nil {
			t.Fatal(err)
		}
	}
	get := func(b OIDCBucket, k string) (string, bool) {
		var v []byte
		var ok bool
		if err := r.View(ctx, func(tx *OIDCTx) error {
			var err error
			v, _, ok, err = tx.Get(b, k)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return string(v), ok
	}
	put(OIDCClients, "c1", "forever", time.Time{})
	put(OIDCCodes, "code", "short", now.Add(time.Minute))
	put(OIDCCodes, "code2", "longer", now.Add(time.Hour))
	put(OIDCTokens, "p:1", "a", time.Time{})
	put(OIDCTokens, "p:2", "b", time.Time{})
	put(OIDCTokens, "q:1", "c", time.Time{})

	for _, tc := range []struct {
		b    OIDCBucket
		k, v string
		ok   bool
	}{
		{OIDCClients, "c1", "forever", true},
		{OIDCCodes, "code", "short", true},
		{OIDCCodes, "missing", "", false},
		{OIDCTokens, "c1", "", false}, // buckets are separate
	} {
		if v, ok := get(tc.b, tc.k); v != tc.v || ok != tc.ok {
			t.Errorf("get %d/%s = %q %v, want %q %v", tc.b, tc.k, v, ok, tc.v, tc.ok)
		}
	}
	_ = r.View(ctx, func(tx *OIDCTx) error {
		l, err := tx.List(OIDCTokens, "p:", 0)
		if err != nil || len(l) != 2 || l[0].Key != "p:1" || l[1].Key != "p:2" {
			t.Errorf("list p: = %v %v", l, err)
		}
		if err := tx.Put(OIDCTokens, "x", nil, time.Time{}); err == nil {
			t.Error("Put in a read transaction succeeded")
		}
		return nil
	})

	// Expiry: the code reads as absent, Purge removes exactly it.
	now = now.Add(2 * time.Minute)
	if _, ok := get(OIDCCodes, "code"); ok {
		t.Error("expired code still readable")
	}
	n, err := r.Purge(ctx)
	if err != nil || n != 1 {
		t.Errorf("purge = %d %v, want 1", n, err)
	}
	if _, ok := get(OIDCCodes, "code2"); !ok {
		t.Error("unexpired record purged")
	}
	// Replacing a record moves its expiry index entry.
	put(OIDCCodes, "code2", "renewed", now.Add(time.Minute))
	now = now.Add(2 * time.Minute)
	if n, _ := r.Purge(ctx); n != 1 {
		t.Errorf("purge after renewal = %d, want 1", n)
	}
	// Errors from the function roll back.
	boom := errors.New("boom")
	err = r.Update(ctx, func(tx *OIDCTx) error {
		_ = tx.Put(OIDCClients, "c2", []byte("x"), time.Time{})
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("update err %v", err)
	}
	if _, ok := get(OIDCClients, "c2"); ok {
		t.Error("rolled-back write is visible")
	}
	// Limits.
	err = r.Update(ctx, func(tx *OIDCTx) error { return tx.Put(OIDCClients, "", []byte("x"), time.Time{}) })
	if err == nil {
		t.Error("empty key accepted")
	}
	err = r.Update(ctx, func(tx *OIDCTx) error { return tx.Put(OIDCClients, "big", make([]byte, MaxOIDCValue+1), time.Time{}) })
	if !errors.Is(err, ErrValueTooLarge) {
		t.Errorf("oversize value: %v", err)
	}
}
