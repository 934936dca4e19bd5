package status_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/credentials/status"
	"github.com/chainid/chainid/internal/store"
)

func ExampleNewList() {
	l, err := status.NewList(status.MinBits)
	if err != nil {
		panic(err)
	}
	_ = l.Set(42, true)
	revoked, _ := l.Get(42)
	fmt.Println(l.Len(), revoked)
	// Output: 131072 true
}

func ExampleList_Encode() {
	l, _ := status.NewList(status.MinBits)
	encoded, err := l.Encode()
	if err != nil {
		panic(err)
	}
	fmt.Println(encoded[:1], len(encoded) < 200)
	// Output: u true
}

func ExampleDecode() {
	// The encodedList of the specification's example: 16 KiB of zeros.
	l, err := status.Decode("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", 1<<20)
	if err != nil {
		panic(err)
	}
	fmt.Println(l.Len())
	_, err = status.Decode("zH4sIAAAAAAAAA", 1<<20)
	fmt.Println(errors.Is(err, status.ErrMalformed))
	// Output:
	// 131072
	// true
}

func ExampleFromBytes() {
	l, err := status.FromBytes(make([]byte, status.MinBits/8))
	fmt.Println(l.Len(), err)
	_, err = status.FromBytes(make([]byte, 100))
	fmt.Println(errors.Is(err, status.ErrListLength))
	// Output:
	// 131072 <nil>
	// true
}

// The issuer side: allocate an index when issuing, revoke later, and serve
// the list credential; the verifier side: Check.
func ExampleRegistry() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "status-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "chainid.db"), store.Config{})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	reg, err := status.NewRegistry(st, status.Config{BaseURL: "https://issuer.example/status/"})
	if err != nil {
		panic(err)
	}
	const issuer = "did:example:issuer"

	entry, err := reg.Allocate(ctx, issuer, status.Revocation)
	if err != nil {
		panic(err)
	}
	fmt.Println(entry.StatusListCredential, entry.StatusPurpose)
	cred, _ := credentials.ParseCredential([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],
	  "type":["VerifiableCredential"],"issuer":"did:example:issuer","credentialSubject":{"id":"did:example:alice"}}`))
	cred.CredentialStatus = credentials.One(entry)

	if err := reg.Revoke(ctx, issuer, entry); err != nil {
		panic(err)
	}

	ref, _ := reg.ParseURL(entry.StatusListCredential)
	list, err := reg.ListCredential(ctx, ref) // sign this, then serve it at the URL
	if err != nil {
		panic(err)
	}
	revoked, err := status.Check(cred, entry, list, 0) // after verifying the list's proof
	fmt.Println(revoked, err)
	// Output:
	// https://issuer.example/status/did:example:issuer/revocation/0 revocation
	// true <nil>
}

func ExampleRegistry_ListCredential() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "status-example")
	defer os.RemoveAll(dir)
	st, _ := store.Open(ctx, filepath.Join(dir, "chainid.db"), store.Config{})
	defer st.Close()
	reg, _ := status.NewRegistry(st, status.Config{BaseURL: "https://issuer.example/status",
		Now: func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }, ValidFor: 24 * time.Hour})
	if _, err := reg.Allocate(ctx, "did:example:issuer", status.Suspension); err != nil {
		panic(err)
	}
	list, _ := reg.ListCredential(ctx, status.Ref{Issuer: "did:example:issuer", Purpose: status.Suspension, Seq: 0})
	out, _ := json.Marshal(list)
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	fmt.Println(m["id"], m["type"], m["validFrom"], m["validUntil"])
	// Output: https://issuer.example/status/did:example:issuer/suspension/0 [VerifiableCredential BitstringStatusListCredential] 2025-01-01T00:00:00Z 2025-01-02T00:00:00Z
}

func ExampleParseListCredential() {
	c, _ := credentials.ParseCredential([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],
	  "id":"https://example.com/credentials/status/3","type":["VerifiableCredential","BitstringStatusListCredential"],
	  "issuer":"did:example:12345","validFrom":"2021-04-05T14:27:40Z",
	  "credentialSubject":{"id":"https://example.com/status/3#list","type":"BitstringStatusList","statusPurpose":"revocation",
	  "encodedList":"uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"}}`))
	lc, err := status.ParseListCredential(c)
	fmt.Println(lc.ID, lc.Issuer, lc.Purposes, err)
	// Output: https://example.com/credentials/status/3 did:example:12345 [revocation] <nil>
}

func ExampleRegistry_Suspend() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "status-example")
	defer os.RemoveAll(dir)
	st, _ := store.Open(ctx, filepath.Join(dir, "chainid.db"), store.Config{})
	defer st.Close()
	reg, _ := status.NewRegistry(st, status.Config{BaseURL: "https://issuer.example/status"})
	entry, _ := reg.Allocate(ctx, "did:example:issuer", status.Suspension)
	fmt.Println(reg.Suspend(ctx, "did:example:issuer", entry))
	fmt.Println(reg.Reinstate(ctx, "did:example:issuer", entry))
	err := reg.Suspend(ctx, "did:example:mallory", entry)
	fmt.Println(errors.Is(err, status.ErrUnknownEntry))
	// Output:
	// <nil>
	// <nil>
	// true
}

func ExampleRegistry_URL() {
	reg, _ := status.NewRegistry(nilStore{}, status.Config{BaseURL: "https://issuer.example/status"})
	u := reg.URL(status.Ref{Issuer: "did:web:issuer.example:a%20b", Purpose: status.Revocation, Seq: 2})
	ref, err := reg.ParseURL(u)
	fmt.Println(u)
	fmt.Println(ref.Issuer, ref.Purpose, ref.Seq, err)
	// Output:
	// https://issuer.example/status/did:web:issuer.example:a%2520b/revocation/2
	// did:web:issuer.example:a%20b revocation 2 <nil>
}

// nilStore is a Store for examples that never touch storage.
type nilStore struct{}

func (nilStore) AllocateStatusIndex(context.Context, string, int, uint64) (uint32, int, error) {
	return 0, 0, errors.New("not stored")
}
func (nilStore) SetStatusBits(context.Context, string, uint32, []int, bool) (bool, error) {
	return false, nil
}
func (nilStore) StatusBits(context.Context, string, uint32) ([]byte, error) { return nil, nil }
