package store

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"
)

func nullifierKey(b byte) []byte { return bytes.Repeat([]byte{b}, ZKNullifierKeyLen) }

func TestZKRequestsRedeemOnce(t *testing.T) {
	clk := newClock()
	s, _ := openTemp(t, Config{Now: clk.Now})
	z := s.ZKRequests()
	ctx := t.Context()
	exp := clk.Now().Add(time.Minute)
	if err := z.Put(ctx, "r1", []byte("doc"), exp); err != nil {
		t.Fatal(err)
	}
	if err := z.Put(ctx, "r1", []byte("other"), exp); !errors.Is(err, ErrExists) {
		t.Fatalf("second Put = %v, want ErrExists", err)
	}
	got, err := z.Get(ctx, "r1")
	if err != nil || string(got.Value) != "doc" || got.Used || !got.Expires.Equal(exp) {
		t.Fatalf("Get = %+v, %v", got, err)
	}

	// Concurrent redemptions: exactly one wins.
	const n = 16
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
		used int
	)
	for range n {
		wg.Go(func() {
			_, err := z.Redeem(ctx, "r1", clk.Now(), nullifierKey(1), func(prev *ZKNullifierRecord) (*ZKNullifierRecord, error) {
				return &ZKNullifierRecord{Account: "a", RequestID: "r1"}, nil
			})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, ErrZKRequestUsed):
				used++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if wins != 1 || used != n-1 {
		t.Fatalf("wins %d, used %d", wins, used)
	}
	rec, err := z.Nullifier(ctx, nullifierKey(1))
	if err != nil || rec.Account != "a" || rec.RequestID != "r1" {
		t.Fatalf("nullifier = %+v, %v", rec, err)
	}
}

func TestZKRequestsRefusalStillRedeems(t *testing.T) {
	clk := newClock()
	s, _ := openTemp(t, Config{Now: clk.Now})
	z := s.ZKRequests()
	ctx := t.Context()
	exp := clk.Now().Add(time.Minute)
	for _, id := range []string{"first", "second"} {
		if err := z.Put(ctx, id, []byte("x"), exp); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := z.Redeem(ctx, "first", clk.Now(), nullifierKey(2), func(*ZKNullifierRecord) (*ZKNullifierRecord, error) {
		return &ZKNullifierRecord{Account: "alice", RequestID: "first"}, nil
	}); err != nil {
		t.Fatal(err)
	}
	refusal := errors.New("refused")
	prev, err := z.Redeem(ctx, "second", clk.Now(), nullifierKey(2), func(p *ZKNullifierRecord) (*ZKNullifierRecord, error) {
		if p == nil || p.Account != "alice" {
			t.Errorf("prev = %+v", p)
		}
		return &ZKNullifierRecord{Account: "bob"}, refusal
	})
	if !errors.Is(err, refusal) || prev == nil || prev.Account != "alice" {
		t.Fatalf("Redeem = %+v, %v", prev, err)
	}
	if got, _ := z.Get(ctx, "second"); !got.Used {
		t.Error("a refused redemption left the request unused")
	}
	if rec, _ := z.Nullifier(ctx, nullifierKey(2)); rec.Account != "alice" {
		t.Errorf("the first binding was replaced: %+v", rec)
	}
}

func TestZKRequestsExpiryAndPurge(t *testing.T) {
	clk := newClock()
	s, _ := openTemp(t, Config{Now: clk.Now})
	z := s.ZKRequests()
	ctx := t.Context()
	if err := z.Put(ctx, "old", []byte("x"), clk.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	keep := func(*ZKNullifierRecord) (*ZKNullifierRecord, error) { return nil, nil }
	if _, err := z.Redeem(ctx, "old", clk.Now(), nullifierKey(3), keep); !errors.Is(err, ErrZKRequestExpired) {
		t.Fatalf("Redeem at expiry = %v", err)
	}
	// The next Put purges it.
	if err := z.Put(ctx, "new", []byte("y"), clk.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := z.Get(ctx, "old"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired request still stored: %v", err)
	}
	if _, err := z.Redeem(ctx, "missing", clk.Now(), nullifierKey(3), keep); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Redeem unknown = %v", err)
	}
	for name, fn := range map[string]func() error{
		"empty id":      func() error { return z.Put(ctx, "", nil, clk.Now()) },
		"long id":       func() error { return z.Put(ctx, string(make([]byte, MaxZKRequestID+1)), nil, clk.Now()) },
		"large value":   func() error { return z.Put(ctx, "big", make([]byte, MaxZKRequestValue+1), clk.Now()) },
		"short key":     func() error { _, err := z.Redeem(ctx, "new", clk.Now(), []byte{1}, keep); return err },
		"nullifier key": func() error { _, err := z.Nullifier(ctx, []byte{1}); return err },
	} {
		if err := fn(); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

// TestZKRequestsRedeemUpdates: a record decide returns for a known
// nullifier replaces the stored one (binding an account later).
func TestZKRequestsRedeemUpdates(t *testing.T) {
	clk := newClock()
	s, _ := openTemp(t, Config{Now: clk.Now})
	z := s.ZKRequests()
	ctx := t.Context()
	exp := clk.Now().Add(time.Minute)
	for _, id := range []string{"first", "second", "third"} {
		if err := z.Put(ctx, id, []byte("x"), exp); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := z.Redeem(ctx, "first", clk.Now(), nullifierKey(4), func(*ZKNullifierRecord) (*ZKNullifierRecord, error) {
		return &ZKNullifierRecord{RequestID: "first"}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := z.Redeem(ctx, "second", clk.Now(), nullifierKey(4), func(p *ZKNullifierRecord) (*ZKNullifierRecord, error) {
		return &ZKNullifierRecord{Account: "alice", RequestID: p.RequestID}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if rec, err := z.Nullifier(ctx, nullifierKey(4)); err != nil || rec.Account != "alice" || rec.RequestID != "first" {
		t.Fatalf("nullifier = %+v, %v: the update was not stored", rec, err)
	}
	// nil keeps the record.
	if _, err := z.Redeem(ctx, "third", clk.Now(), nullifierKey(4), func(*ZKNullifierRecord) (*ZKNullifierRecord, error) {
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if rec, _ := z.Nullifier(ctx, nullifierKey(4)); rec.Account != "alice" {
		t.Fatalf("nullifier = %+v", rec)
	}
}
