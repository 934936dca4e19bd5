package status_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/credentials/status"
	"github.com/chainid/chainid/internal/store"
)

var _ status.Store = (*store.Store)(nil)

const issuer = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"

func openStore(t testing.TB, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path, store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func newRegistry(t testing.TB) (*status.Registry, *store.Store) {
	t.Helper()
	st := openStore(t, filepath.Join(t.TempDir(), "chainid.db"))
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	r, err := status.NewRegistry(st, status.Config{BaseURL: "https://issuer.example/status", ValidFor: time.Hour,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return r, st
}

// issued returns a credential of issuer carrying entries.
func issued(t testing.TB, iss string, entries ...credentials.Status) *credentials.Credential {
	t.Helper()
	c := &credentials.Credential{}
	raw := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":%q,"credentialSubject":{"id":"did:example:alice"}}`, iss)
	if err := json.Unmarshal([]byte(raw), c); err != nil {
		t.Fatal(err)
	}
	c.CredentialStatus = credentials.OneOrMany[credentials.Status]{Items: entries, Array: true}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

// listFor fetches the list credential an entry names, as a verifier would
// after dereferencing statusListCredential, and parses it back from JSON.
func listFor(t testing.TB, r *status.Registry, entry credentials.Status) *credentials.Credential {
	t.Helper()
	ref, err := r.ParseURL(entry.StatusListCredential)
	if err != nil {
		t.Fatal(err)
	}
	lc, err := r.ListCredential(t.Context(), ref)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(lc)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := credentials.ParseCredential(raw)
	if err != nil {
		t.Fatalf("list credential does not parse: %v\n%s", err, raw)
	}
	return parsed
}

func check(t testing.TB, r *status.Registry, c *credentials.Credential, entry credentials.Status) bool {
	t.Helper()
	set, err := status.Check(c, entry, listFor(t, r, entry), 0)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return set
}

func TestRevokeSuspendReinstate(t *testing.T) {
	r, _ := newRegistry(t)
	ctx := t.Context()
	rev, err := r.Allocate(ctx, issuer, status.Revocation)
	if err != nil {
		t.Fatal(err)
	}
	sus, err := r.Allocate(ctx, issuer, status.Suspension)
	if err != nil {
		t.Fatal(err)
	}
	if err := rev.Validate(); err != nil {
		t.Fatalf("allocated entry is invalid: %v", err)
	}
	if rev.StatusPurpose != "revocation" || !strings.HasPrefix(rev.StatusListCredential, "https://issuer.example/status/did:key:") ||
		rev.ID != rev.StatusListCredential+"#"+rev.StatusListIndex {
		t.Errorf("entry = %+v", rev)
	}
	cred := issued(t, issuer, rev, sus)
	if check(t, r, cred, rev) || check(t, r, cred, sus) {
		t.Fatal("fresh credential has a status bit set")
	}
	other, _ := r.Allocate(ctx, issuer, status.Revocation)

	if err := r.Revoke(ctx, issuer, rev); err != nil {
		t.Fatal(err)
	}
	if !check(t, r, cred, rev) {
		t.Error("revoked credential checks as not revoked")
	}
	if check(t, r, issued(t, issuer, other), other) {
		t.Error("revoking one credential revoked another")
	}
	if err := r.Suspend(ctx, issuer, sus); err != nil {
		t.Fatal(err)
	}
	if !check(t, r, cred, sus) {
		t.Error("suspended credential checks as not suspended")
	}
	if err := r.Reinstate(ctx, issuer, sus); err != nil {
		t.Fatal(err)
	}
	if check(t, r, cred, sus) {
		t.Error("reinstated credential checks as suspended")
	}
	if err := r.Reinstate(ctx, issuer, rev); !errors.Is(err, status.ErrUnknownEntry) {
		t.Errorf("reinstating a revocation: err = %v", err)
	}
	if !check(t, r, cred, rev) {
		t.Error("revocation was undone")
	}
	// Revoking twice is harmless.
	if err := r.Revoke(ctx, issuer, rev); err != nil {
		t.Errorf("second revoke: %v", err)
	}
}

func TestListCredentialShape(t *testing.T) {
	r, _ := newRegistry(t)
	e, err := r.Allocate(t.Context(), issuer, status.Suspension)
	if err != nil {
		t.Fatal(err)
	}
	lc := listFor(t, r, e)
	if lc.ValidFrom != "2025-03-01T12:00:00Z" || lc.ValidUntil != "2025-03-01T13:00:00Z" {
		t.Errorf("validity %s .. %s", lc.ValidFrom, lc.ValidUntil)
	}
	parsed, err := status.ParseListCredential(lc)
	if err != nil {
		t.Fatal(err)
	}
	if parsed.ID != e.StatusListCredential || parsed.Issuer != issuer || len(parsed.Purposes) != 1 || parsed.Purposes[0] != "suspension" {
		t.Errorf("list credential = %+v", parsed)
	}
	l, err := status.Decode(parsed.EncodedList, 0)
	if err != nil || l.Len() != status.MinBits {
		t.Errorf("list: %v", err)
	}
	if _, err := r.ListCredential(t.Context(), status.Ref{Issuer: issuer, Purpose: status.Suspension, Seq: 1}); !errors.Is(err, status.ErrUnknownEntry) {
		t.Errorf("missing list: err = %v", err)
	}
}

func TestRegistryRefusals(t *testing.T) {
	r, _ := newRegistry(t)
	ctx := t.Context()
	rev, _ := r.Allocate(ctx, issuer, status.Revocation)
	sus, _ := r.Allocate(ctx, issuer, status.Suspension)
	mod := func(e credentials.Status, f func(*credentials.Status)) credentials.Status { f(&e); return e }
	idx, _ := rev.Index()
	unallocated := strconv.FormatInt((idx+1)%status.MinBits, 10)
	tests := []struct {
		name   string
		op     func(context.Context, string, credentials.Status) error
		issuer string
		entry  credentials.Status
	}{
		{"revoke a suspension entry", r.Revoke, issuer, sus},
		{"suspend a revocation entry", r.Suspend, issuer, rev},
		{"another issuer", r.Revoke, "did:example:mallory", rev},
		{"unallocated index", r.Revoke, issuer, mod(rev, func(e *credentials.Status) { e.StatusListIndex = unallocated })},
		{"index out of range", r.Revoke, issuer, mod(rev, func(e *credentials.Status) { e.StatusListIndex = "131072" })},
		{"bad index", r.Revoke, issuer, mod(rev, func(e *credentials.Status) { e.StatusListIndex = "-1" })},
		{"missing list", r.Revoke, issuer, mod(rev, func(e *credentials.Status) {
			e.StatusListCredential = strings.TrimSuffix(e.StatusListCredential, "0") + "1"
		})},
		{"foreign URL", r.Revoke, issuer, mod(rev, func(e *credentials.Status) { e.StatusListCredential = "https://evil.example/status/x/revocation/0" })},
		{"non-canonical URL", r.Revoke, issuer, mod(rev, func(e *credentials.Status) { e.StatusListCredential += "/" })},
		{"leading zero seq", r.Revoke, issuer, mod(rev, func(e *credentials.Status) {
			e.StatusListCredential = strings.TrimSuffix(e.StatusListCredential, "0") + "00"
		})},
		{"purpose in URL differs", r.Revoke, issuer, mod(sus, func(e *credentials.Status) { e.StatusPurpose = "revocation" })},
		{"other type", r.Revoke, issuer, mod(rev, func(e *credentials.Status) { e.Type = "StatusList2021Entry" })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.op(ctx, tt.issuer, tt.entry); !errors.Is(err, status.ErrUnknownEntry) {
				t.Errorf("err = %v, want ErrUnknownEntry", err)
			}
		})
	}
	cred := issued(t, issuer, rev, sus)
	if check(t, r, cred, rev) || check(t, r, cred, sus) {
		t.Error("a refused call changed a status bit")
	}
	for _, p := range []status.Purpose{"message", ""} {
		if _, err := r.Allocate(ctx, issuer, p); err == nil {
			t.Errorf("Allocate with purpose %q succeeded", p)
		}
	}
	if _, err := r.Allocate(ctx, "", status.Revocation); err == nil {
		t.Error("Allocate without issuer succeeded")
	}
}

func TestNewRegistryConfig(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "c.db"))
	for name, cfg := range map[string]status.Config{
		"no base URL":  {},
		"relative URL": {BaseURL: "/status"},
		"ftp URL":      {BaseURL: "ftp://issuer.example/status"},
		"query":        {BaseURL: "https://issuer.example/status?x=1"},
		"small lists":  {BaseURL: "https://issuer.example/status", Bits: 1024},
		"odd size":     {BaseURL: "https://issuer.example/status", Bits: status.MinBits + 1},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := status.NewRegistry(st, cfg); err == nil {
				t.Fatal("NewRegistry accepted it")
			}
		})
	}
	if _, err := status.NewRegistry(nil, status.Config{BaseURL: "https://issuer.example/"}); err == nil {
		t.Error("NewRegistry accepted a nil store")
	}
}

func TestAllocateRandomAndUnique(t *testing.T) {
	r, _ := newRegistry(t)
	ctx := t.Context()
	seen := make(map[string]bool)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 25 {
				e, err := r.Allocate(ctx, issuer, status.Revocation)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[e.ID] {
					t.Errorf("entry %s handed out twice", e.ID)
				}
				seen[e.ID] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	// Random, not sequential: 100 draws from 131072 all below 1000 would
	// happen with probability (1000/131072)^100.
	low := 0
	for id := range seen {
		i, _ := strconv.Atoi(id[strings.LastIndexByte(id, '#')+1:])
		if i < 1000 {
			low++
		}
	}
	if low == len(seen) {
		t.Error("indexes look sequential")
	}
}

// helperEnv makes TestHelperProcess allocate in a loop on the store at the
// given path, printing each index once Allocate has returned it.
const helperEnv = "CHAINID_STATUS_TEST_HELPER"

func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	st, err := store.Open(context.Background(), path, store.Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	r, err := status.NewRegistry(st, status.Config{BaseURL: "https://issuer.example/status"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for {
		e, err := r.Allocate(context.Background(), issuer, status.Revocation)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println(e.StatusListIndex)
	}
}

func TestAllocationSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	path := filepath.Join(t.TempDir(), "chainid.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	out := bufio.NewScanner(stdout)
	handed := make(map[int]bool)
	for len(handed) < 150 && out.Scan() {
		i, err := strconv.Atoi(out.Text())
		if err != nil {
			t.Fatalf("helper said %q", out.Text())
		}
		if handed[i] {
			t.Fatalf("index %d handed out twice before the crash", i)
		}
		handed[i] = true
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL, mid-loop
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if len(handed) < 150 {
		t.Fatalf("helper stopped after %d allocations", len(handed))
	}

	st := openStore(t, path)
	for i := range handed {
		ok, err := st.StatusAllocated(t.Context(), "revocation|"+issuer, 0, i)
		if err != nil || !ok {
			t.Fatalf("index %d was handed out but is not recorded after SIGKILL: %v", i, err)
		}
	}
	_, allocated, _, err := st.StatusListUsage(t.Context(), "revocation|"+issuer, 0)
	if err != nil || allocated < len(handed) {
		t.Fatalf("%d allocations recorded, %d handed out: %v", allocated, len(handed), err)
	}
	r, err := status.NewRegistry(st, status.Config{BaseURL: "https://issuer.example/status"})
	if err != nil {
		t.Fatal(err)
	}
	for range 300 {
		e, err := r.Allocate(t.Context(), issuer, status.Revocation)
		if err != nil {
			t.Fatal(err)
		}
		i, _ := strconv.Atoi(e.StatusListIndex)
		if handed[i] {
			t.Fatalf("index %d reused after the crash", i)
		}
		handed[i] = true
	}
}

func BenchmarkAllocate(b *testing.B) {
	r, _ := newRegistry(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := r.Allocate(ctx, issuer, status.Revocation); err != nil {
			b.Fatal(err)
		}
	}
}
