package store_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/chainid/chainid/internal/store"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "chainid-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	path := filepath.Join(dir, "chainid.db")

	s, err := store.Open(ctx, path, store.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	fmt.Println("ping:", s.Ping(ctx))

	// A second opener (here: in the same process) is refused quickly.
	_, err = store.Open(ctx, path, store.Config{OpenTimeout: 100 * time.Millisecond})
	fmt.Println("locked:", errors.Is(err, store.ErrLocked))
	// Output:
	// ping: <nil>
	// locked: true
}

func ExampleResolverCache() {
	dir, err := os.MkdirTemp("", "chainid-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := store.Open(ctx, filepath.Join(dir, "chainid.db"), store.Config{Now: func() time.Time { return now }})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	c := s.ResolverCache()
	if err := c.Put(ctx, "did:example:123", []byte(`{"id":"did:example:123"}`), time.Minute); err != nil {
		log.Fatal(err)
	}
	v, ok, _ := c.Get(ctx, "did:example:123")
	fmt.Printf("%s %t\n", v, ok)

	now = now.Add(time.Minute) // the entry expires
	_, ok, _ = c.Get(ctx, "did:example:123")
	n, _ := c.Purge(ctx)
	fmt.Println(ok, n)
	// Output:
	// {"id":"did:example:123"} true
	// false 1
}

func ExampleStore_PutKey() {
	dir, err := os.MkdirTemp("", "chainid-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(dir, "chainid.db"), store.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	rec := store.KeyRecord{ID: "k1", Label: "issuer", KeyType: "Ed25519", Public: []byte{1}, Sealed: []byte{2}}
	fmt.Println(s.PutKey(ctx, rec))
	fmt.Println(errors.Is(s.PutKey(ctx, rec), store.ErrExists))
	got, _ := s.Key(ctx, "k1")
	fmt.Println(got.Label)
	_, err = s.Key(ctx, "k2")
	fmt.Println(errors.Is(err, store.ErrNotFound))
	// Output:
	// <nil>
	// true
	// issuer
	// true
}
