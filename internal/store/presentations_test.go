package store

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func TestPresentationRecords(t *testing.T) {
	clk := newClock()
	s, _ := openTemp(t, Config{Now: clk.Now})
	r := s.Presentations()
	ctx := t.Context()
	keep := clk.Now().Add(time.Minute)
	if err := r.Create(ctx, "req1", []byte("v1"), keep); err != nil {
		t.Fatalf("Create: %v", err)
	}
	if err := r.Create(ctx, "req1", []byte("other"), keep); !errors.Is(err, ErrExists) {
		t.Fatalf("second Create = %v, want ErrExists", err)
	}
	if v, err := r.Get(ctx, "req1"); err != nil || string(v) != "v1" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	v, err := r.Update(ctx, "req1", func(cur []byte) ([]byte, error) { return append(cur, '+'), nil })
	if err != nil || string(v) != "v1+" {
		t.Fatalf("Update = %q, %v", v, err)
	}
	// A nil value is stored as an empty record, not a deletion.
	if v, err := r.Update(ctx, "req1", func([]byte) ([]byte, error) { return nil, nil }); err != nil || v == nil || len(v) != 0 {
		t.Fatalf("Update to nil = %q (nil %v), %v", v, v == nil, err)
	}
	if v, err := r.Get(ctx, "req1"); err != nil || len(v) != 0 {
		t.Fatalf("Get after nil update = %q, %v", v, err)
	}
	boom := errors.New("boom")
	if _, err := r.Update(ctx, "req1", func([]byte) ([]byte, error) { return []byte("lost"), boom }); !errors.Is(err, boom) {
		t.Fatalf("failing Update = %v", err)
	}
	if _, err := r.Update(ctx, "missing", func(cur []byte) ([]byte, error) {
		t.Error("fn ran for a missing record")
		return cur, nil
	}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Update of missing = %v, want ErrNotFound", err)
	}
	clk.Advance(time.Minute)
	if _, err := r.Get(ctx, "req1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get past retention = %v, want ErrNotFound", err)
	}
	if err := r.Create(ctx, "req1", []byte("v2"), clk.Now().Add(time.Minute)); err != nil {
		t.Fatalf("Create after retention: %v", err)
	}
}

func TestPresentationRecordLimits(t *testing.T) {
	s, _ := openTemp(t, Config{})
	r := s.Presentations()
	ctx := t.Context()
	keep := time.Now().Add(time.Hour)
	for _, tc := range []struct {
		name    string
		id      string
		size    int
		wantErr bool
	}{
		{"empty id", "", 1, true},
		{"long id", string(bytes.Repeat([]byte{'i'}, MaxPresentationID+1)), 1, true},
		{"above the oid4vci record limit", "big", MaxOID4VCIValue + 1, false},
		{"at the limit", "max", MaxPresentationValue, false},
		{"over the limit", "over", MaxPresentationValue + 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := r.Create(ctx, tc.id, make([]byte, tc.size), keep)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Create = %v, want error %v", err, tc.wantErr)
			}
			if tc.size > MaxPresentationValue && !errors.Is(err, ErrValueTooLarge) {
				t.Errorf("Create = %v, want ErrValueTooLarge", err)
			}
		})
	}
}
