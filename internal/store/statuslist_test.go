package store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestAllocateStatusIndex(t *testing.T) {
	s, _ := openTemp(t, Config{})
	ctx := t.Context()
	const size = 64
	seen := make(map[int]bool)
	for i := range size {
		seq, idx, err := s.AllocateStatusIndex(ctx, "g", size, uint64(i*7919))
		if err != nil {
			t.Fatal(err)
		}
		if seq != 0 || idx < 0 || idx >= size || seen[idx] {
			t.Fatalf("allocation %d: seq %d index %d (seen %v)", i, seq, idx, seen[idx])
		}
		seen[idx] = true
	}
	size0, alloc, ok, err := s.StatusListUsage(ctx, "g", 0)
	if err != nil || !ok || size0 != size || alloc != size {
		t.Fatalf("usage = %d %d %v %v", size0, alloc, ok, err)
	}
	// The full list rolls over to a new one.
	seq, idx, err := s.AllocateStatusIndex(ctx, "g", 128, 5)
	if err != nil || seq != 1 || idx != 5 {
		t.Fatalf("after full: seq %d index %d err %v", seq, idx, err)
	}
	// Groups are independent, including groups whose names share a prefix.
	for _, g := range []string{"g2", "gg", "g\x00\x00\x00\x01"} {
		seq, _, err := s.AllocateStatusIndex(ctx, g, size, 0)
		if err != nil || seq != 0 {
			t.Fatalf("group %q: seq %d err %v", g, seq, err)
		}
	}
	if _, _, ok, _ := s.StatusListUsage(ctx, "g", 2); ok {
		t.Error("list 2 exists")
	}
}

func TestAllocateStatusIndexPicksNthFree(t *testing.T) {
	s, _ := openTemp(t, Config{})
	ctx := t.Context()
	// r selects among the free indexes in order.
	for _, tt := range []struct {
		r    uint64
		want int
	}{{3, 3}, {3, 4}, {0, 0}, {8, 6}, {2, 5}} { // 8 mod 5 free = 3rd of {1,2,5,6,7}
		_, idx, err := s.AllocateStatusIndex(ctx, "n", 8, tt.r)
		if err != nil || idx != tt.want {
			t.Fatalf("r=%d: index %d err %v, want %d", tt.r, idx, err, tt.want)
		}
	}
}

func TestAllocateStatusIndexErrors(t *testing.T) {
	s, _ := openTemp(t, Config{})
	ctx := t.Context()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	for name, f := range map[string]func() error{
		"empty group": func() error { _, _, err := s.AllocateStatusIndex(ctx, "", 8, 0); return err },
		"long group": func() error {
			_, _, err := s.AllocateStatusIndex(ctx, strings.Repeat("a", MaxStatusGroup+1), 8, 0)
			return err
		},
		"odd size":      func() error { _, _, err := s.AllocateStatusIndex(ctx, "g", 9, 0); return err },
		"zero size":     func() error { _, _, err := s.AllocateStatusIndex(ctx, "g", 0, 0); return err },
		"huge size":     func() error { _, _, err := s.AllocateStatusIndex(ctx, "g", MaxStatusListBits+8, 0); return err },
		"canceled":      func() error { _, _, err := s.AllocateStatusIndex(canceled, "g", 8, 0); return err },
		"bits canceled": func() error { _, err := s.StatusBits(canceled, "g", 0); return err },
	} {
		t.Run(name, func(t *testing.T) {
			if f() == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestSetStatusBits(t *testing.T) {
	s, _ := openTemp(t, Config{})
	ctx := t.Context()
	_, a, _ := s.AllocateStatusIndex(ctx, "g", 16, 0)  // index 0
	_, b, _ := s.AllocateStatusIndex(ctx, "g", 16, 10) // index 11
	if a != 0 || b != 11 {
		t.Fatalf("indexes %d %d", a, b)
	}
	ok, err := s.SetStatusBits(ctx, "g", 0, []int{a, b}, true)
	if err != nil || !ok {
		t.Fatalf("set: %v %v", ok, err)
	}
	bits, err := s.StatusBits(ctx, "g", 0)
	if err != nil || len(bits) != 2 || bits[0] != 0x80 || bits[1] != 0x10 {
		t.Fatalf("bits = %08b, %v", bits, err)
	}
	// Refusals change nothing, even when some indexes are fine.
	for name, idx := range map[string][]int{"unallocated": {a, 3}, "negative": {a, -1}, "out of range": {a, 16}} {
		ok, err := s.SetStatusBits(ctx, "g", 0, idx, false)
		if err != nil || ok {
			t.Errorf("%s: ok=%v err=%v", name, ok, err)
		}
	}
	if ok, err := s.SetStatusBits(ctx, "g", 7, []int{0}, true); ok || err != nil {
		t.Errorf("missing list: ok=%v err=%v", ok, err)
	}
	if bits2, _ := s.StatusBits(ctx, "g", 0); string(bits2) != string(bits) {
		t.Errorf("bits changed by refused calls: %08b", bits2)
	}
	if ok, _ := s.SetStatusBits(ctx, "g", 0, []int{b}, false); !ok {
		t.Error("clear failed")
	}
	if bits, _ := s.StatusBits(ctx, "g", 0); bits[1] != 0 || bits[0] != 0x80 {
		t.Errorf("after clear: %08b", bits)
	}
	if bits, err := s.StatusBits(ctx, "nope", 0); bits != nil || err != nil {
		t.Errorf("missing list: %v %v", bits, err)
	}
	if got, _ := s.StatusAllocated(ctx, "g", 0, b); !got {
		t.Error("allocated index reported free")
	}
	if got, _ := s.StatusAllocated(ctx, "g", 0, 5); got {
		t.Error("free index reported allocated")
	}
}

func TestAllocateStatusIndexConcurrent(t *testing.T) {
	s, _ := openTemp(t, Config{})
	ctx := t.Context()
	const workers, each = 4, 16
	var mu sync.Mutex
	seen := make(map[[2]int]bool)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				seq, idx, err := s.AllocateStatusIndex(ctx, "c", 32, uint64(w*31+i*17))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				k := [2]int{int(seq), idx}
				if seen[k] {
					t.Errorf("index %v handed out twice", k)
				}
				seen[k] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != workers*each {
		t.Errorf("%d distinct allocations, want %d", len(seen), workers*each)
	}
}

func TestStatusListCorruptValue(t *testing.T) {
	s, _ := openTemp(t, Config{})
	ctx := t.Context()
	if _, _, err := s.AllocateStatusIndex(ctx, "g", 8, 0); err != nil {
		t.Fatal(err)
	}
	key, _ := statusListKey("g", 0)
	for name, v := range map[string][]byte{
		"unknown version": {9, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0},
		"truncated":       {valueV1, 0, 0},
		"wrong length":    {valueV1, 0, 0, 0, 8, 0, 0, 0, 1, 0},
		"count too large": {valueV1, 0, 0, 0, 8, 0, 0, 0, 9, 0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte(bucketStatusLists)).Put(key, v) }); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.AllocateStatusIndex(ctx, "g", 8, 0); err == nil {
				t.Error("allocate on a corrupt record succeeded")
			}
			if _, err := s.StatusBits(ctx, "g", 0); err == nil {
				t.Error("StatusBits on a corrupt record succeeded")
			}
			if name == "unknown version" {
				_, err := s.StatusBits(ctx, "g", 0)
				if !errors.Is(err, errValueVersion) {
					t.Errorf("err = %v", err)
				}
			}
		})
	}
}
