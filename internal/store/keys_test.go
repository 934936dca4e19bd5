package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func recordsEqual(a, b KeyRecord) bool {
	return a.ID == b.ID && a.Label == b.Label && a.DID == b.DID && a.Method == b.Method && a.KeyType == b.KeyType &&
		bytes.Equal(a.Public, b.Public) && bytes.Equal(a.Sealed, b.Sealed) && a.Created.Equal(b.Created)
}

func TestKeyRoundTrip(t *testing.T) {
	s, _ := openTemp(t, Config{})
	ctx := t.Context()
	want := KeyRecord{
		ID: "k1", Label: "main", DID: "did:key:z6Mk", Method: "key", KeyType: "Ed25519",
		Public: []byte{1, 2, 3}, Sealed: []byte{4, 5, 6},
		Created: time.Date(2025, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3600)),
	}
	if err := s.PutKey(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Key(ctx, "k1")
	if err != nil {
		t.Fatal(err)
	}
	if !recordsEqual(got, want) {
		t.Errorf("Key = %+v, want %+v", got, want)
	}
	if got.Created.Location() != time.UTC {
		t.Errorf("Created location = %v, want UTC", got.Created.Location())
	}
	// The result does not alias the store: changing it changes nothing.
	got.Sealed[0] = 99
	again, _ := s.Key(ctx, "k1")
	if again.Sealed[0] != 4 {
		t.Error("returned record aliases stored bytes")
	}
}

func TestKeyErrors(t *testing.T) {
	s, _ := openTemp(t, Config{})
	ctx := t.Context()
	if err := s.PutKey(ctx, KeyRecord{ID: "dup", Sealed: []byte("first")}); err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name string
		op   func() error
		is   error // nil: any error
	}{
		{"put existing", func() error { return s.PutKey(ctx, KeyRecord{ID: "dup", Sealed: []byte("second")}) }, ErrExists},
		{"put empty id", func() error { return s.PutKey(ctx, KeyRecord{}) }, nil},
		{"put long id", func() error { return s.PutKey(ctx, KeyRecord{ID: strings.Repeat("a", MaxKeyID+1)}) }, nil},
		{"put canceled", func() error { return s.PutKey(canceled, KeyRecord{ID: "c"}) }, context.Canceled},
		{"get missing", func() error { _, err := s.Key(ctx, "nope"); return err }, ErrNotFound},
		{"get empty id", func() error { _, err := s.Key(ctx, ""); return err }, nil},
		{"get canceled", func() error { _, err := s.Key(canceled, "dup"); return err }, context.Canceled},
		{"list canceled", func() error { _, err := s.Keys(canceled); return err }, context.Canceled},
		{"delete missing", func() error { return s.DeleteKey(ctx, "nope") }, ErrNotFound},
		{"delete canceled", func() error { return s.DeleteKey(canceled, "dup") }, context.Canceled},
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
	// None of that changed the existing record.
	got, err := s.Key(ctx, "dup")
	if err != nil || string(got.Sealed) != "first" {
		t.Errorf("existing record = %+v, %v", got, err)
	}
}

func TestKeysOrderAndDelete(t *testing.T) {
	s, _ := openTemp(t, Config{})
	ctx := t.Context()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, r := range []KeyRecord{
		{ID: "c", Created: t0.Add(time.Hour)},
		{ID: "b", Created: t0},
		{ID: "a", Created: t0.Add(time.Hour)},
		{ID: "d", Created: t0.Add(-time.Hour)},
	} {
		if err := s.PutKey(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	ids := func() string {
		rs, err := s.Keys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, r := range rs {
			b.WriteString(r.ID)
		}
		return b.String()
	}
	if got := ids(); got != "dbac" {
		t.Errorf("Keys order = %q, want dbac (by Created, then ID)", got)
	}
	if err := s.DeleteKey(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if got := ids(); got != "dac" {
		t.Errorf("after delete = %q, want dac", got)
	}
	if _, err := s.Key(ctx, "b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted key: err = %v", err)
	}
	// An ID can be reused once deleted.
	if err := s.PutKey(ctx, KeyRecord{ID: "b"}); err != nil {
		t.Errorf("put after delete: %v", err)
	}
}

func TestKeyUnknownValueVersion(t *testing.T) {
	tests := []struct {
		name  string
		value []byte
	}{
		{"version 2", append([]byte{2}, `{"id":"x"}`...)},
		{"version 0", append([]byte{0}, `{"id":"x"}`...)},
		{"empty", []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTemp(t, Config{})
			err := s.db.Update(func(tx *bolt.Tx) error {
				return tx.Bucket([]byte(bucketKeys)).Put([]byte("x"), tt.value)
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Key(t.Context(), "x"); !errors.Is(err, errValueVersion) {
				t.Errorf("Key: err = %v, want unknown version", err)
			}
			if _, err := s.Keys(t.Context()); !errors.Is(err, errValueVersion) {
				t.Errorf("Keys: err = %v, want unknown version", err)
			}
		})
	}
}

func TestKeyStoredEncoding(t *testing.T) {
	// The version-1 encoding is part of the file format: pin it.
	s, _ := openTemp(t, Config{})
	r := KeyRecord{ID: "k", KeyType: "P-256", Public: []byte{1}, Sealed: []byte{2}, Created: time.Unix(0, 0)}
	if err := s.PutKey(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	_ = s.db.View(func(tx *bolt.Tx) error {
		raw = append(raw, tx.Bucket([]byte(bucketKeys)).Get([]byte("k"))...)
		return nil
	})
	want := "\x01" + `{"id":"k","keyType":"P-256","public":"AQ==","sealed":"Ag==","created":"1970-01-01T00:00:00Z"}`
	if string(raw) != want {
		t.Errorf("stored value = %q\nwant %q", raw, want)
	}
}
