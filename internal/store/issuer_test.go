package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"testing"
	"time"
)

func TestIssuers(t *testing.T) {
	s, _ := openTemp(t, Config{})
	ctx := t.Context()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	a := IssuerRecord{DID: "did:key:za", Method: "key", StatusBase: "https://x.example/status/",
		Keys: []IssuerKey{{KeyID: "k1", KeyType: "Ed25519", VerificationMethod: "did:key:za#za"}}, Created: now.Add(time.Second)}
	b := IssuerRecord{DID: "did:ethr:0x539:0xb", Method: "ethr", Default: true, Created: now}
	for _, r := range []IssuerRecord{a, b} {
		if err := s.PutIssuer(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutIssuer(ctx, a); !errors.Is(err, ErrExists) {
		t.Fatalf("second put: %v", err)
	}
	if err := s.PutIssuer(ctx, IssuerRecord{}); err == nil {
		t.Fatal("empty DID accepted")
	}
	got, err := s.Issuer(ctx, a.DID)
	if err != nil || got.Keys[0] != a.Keys[0] || got.StatusBase != a.StatusBase || !got.Created.Equal(a.Created) || got.Created.Location() != time.UTC {
		t.Fatalf("Issuer = %+v, %v", got, err)
	}
	if _, err := s.Issuer(ctx, "did:key:missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing issuer: %v", err)
	}
	list, err := s.Issuers(ctx)
	if err != nil || len(list) != 2 || list[0].DID != b.DID || !list[0].Default {
		t.Fatalf("Issuers = %+v, %v", list, err)
	}
}

func TestSchemas(t *testing.T) {
	s, _ := openTemp(t, Config{})
	ctx := t.Context()
	for _, id := range []string{"did:key:a", "did:key:ab"} {
		if err := s.PutIssuer(ctx, IssuerRecord{DID: id}); err != nil {
			t.Fatal(err)
		}
	}
	put := func(issuer, id, raw string) error {
		return s.PutSchema(ctx, SchemaRecord{Issuer: issuer, ID: id, Raw: []byte(raw)})
	}
	if err := put("did:key:a", "https://s.example/1", `{"a":1}`); err != nil {
		t.Fatal(err)
	}
	if err := put("did:key:a", "https://s.example/1", `{"a":1}`); err != nil {
		t.Fatalf("same bytes again: %v", err)
	}
	if err := put("did:key:a", "https://s.example/1", `{"a":2}`); !errors.Is(err, ErrExists) {
		t.Fatalf("changed schema: %v", err)
	}
	if err := put("did:key:missing", "https://s.example/1", `{}`); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown issuer: %v", err)
	}
	if err := put("did:key:ab", "https://s.example/2", `{}`); err != nil {
		t.Fatal(err)
	}
	got, err := s.Schema(ctx, "did:key:a", "https://s.example/1")
	if err != nil || string(got.Raw) != `{"a":1}` {
		t.Fatalf("Schema = %+v, %v", got, err)
	}
	if _, err := s.Schema(ctx, "did:key:ab", "https://s.example/1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("schema of another issuer: %v", err)
	}
	// Issuers whose DIDs share a prefix do not see each other's schemas.
	for issuer, want := range map[string]int{"did:key:a": 1, "did:key:ab": 1, "": 2} {
		list, err := s.Schemas(ctx, issuer)
		if err != nil || len(list) != want {
			t.Errorf("Schemas(%q) = %d, %v; want %d", issuer, len(list), err, want)
		}
	}
}

func TestIssuedCredentials(t *testing.T) {
	s, _ := openTemp(t, Config{})
	ctx := t.Context()
	r := CredentialRecord{ID: "urn:uuid:1", Issuer: "did:key:a", Schema: "https://s.example/1",
		Status:  []CredentialStatusRef{{Purpose: "revocation", ListURL: "https://x.example/status/a/revocation/0", Index: 7}},
		Formats: []string{"vc+jwt"}, Created: time.Unix(10, 0)}
	if err := s.PutIssuedCredential(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.PutIssuedCredential(ctx, r); !errors.Is(err, ErrExists) {
		t.Fatalf("second put: %v", err)
	}
	got, err := s.IssuedCredential(ctx, r.ID)
	if err != nil || got.Status[0] != r.Status[0] || got.Formats[0] != "vc+jwt" || !got.ValidUntil.IsZero() {
		t.Fatalf("IssuedCredential = %+v, %v", got, err)
	}
	if _, err := s.IssuedCredential(ctx, "urn:uuid:2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	n := 0
	if err := s.IssuedCredentials(ctx, func(CredentialRecord) error { n++; return nil }); err != nil || n != 1 {
		t.Fatalf("walk: %d %v", n, err)
	}
	stop := errors.New("stop")
	if err := s.IssuedCredentials(ctx, func(CredentialRecord) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("walk error: %v", err)
	}
}

func TestAPIKeysStoreOnlyHashes(t *testing.T) {
	s, path := openTemp(t, Config{})
	ctx := t.Context()
	secret := []byte("cid_very-secret-api-key-material")
	h := sha256.Sum256(secret)
	if err := s.PutAPIKey(ctx, APIKeyRecord{Hash: h, Name: "ci", Created: time.Unix(5, 0)}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAPIKey(ctx, APIKeyRecord{Hash: h}); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate hash: %v", err)
	}
	got, err := s.APIKey(ctx, h)
	if err != nil || got.Name != "ci" {
		t.Fatalf("APIKey = %+v, %v", got, err)
	}
	if _, err := s.APIKey(ctx, sha256.Sum256([]byte("other"))); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
	list, err := s.APIKeys(ctx)
	if err != nil || len(list) != 1 || list[0].Hash != h {
		t.Fatalf("APIKeys = %+v, %v", list, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(db, secret) {
		t.Fatal("the store file contains the API key")
	}
	if !bytes.Contains(db, h[:]) {
		t.Fatal("the store file does not contain the key's hash")
	}
}
