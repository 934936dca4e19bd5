package issuer_test

import (
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/store"
)

// kidOf returns the kid header of a compact JWT.
func kidOf(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var tok string
	if err := json.Unmarshal(raw, &tok); err != nil {
		t.Fatal(err)
	}
	h, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var hdr struct {
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(h, &hdr); err != nil {
		t.Fatal(err)
	}
	return hdr.Kid
}

// TestRotateKey checks the bookkeeping of a rotation on a did:web issuer
// (whose keys are published by its operator, so no document is checked
// here; the did:ethr flow with verification through the published document
// is tested in cmd/chainid): the new key signs, the old one is retired
// behind it with the latest validUntil of what was issued.
func TestRotateKey(t *testing.T) {
	k := newKit(t)
	ctx := context.Background()
	const web = "did:web:issuer.example"
	bind := func(crypto.PublicKey) (did.DID, error) { return did.Parse(web) }
	newKey := func(kt did.KeyType, frag string) store.IssuerKey {
		rec, err := k.keys.Generate(ctx, kt, "web", bind)
		if err != nil {
			t.Fatal(err)
		}
		return store.IssuerKey{KeyID: rec.ID, KeyType: string(kt), VerificationMethod: web + "#" + frag}
	}
	a, p := newKey(did.Ed25519, "a"), newKey(did.P256, "p")
	if err := k.svc.AddIssuer(ctx, store.IssuerRecord{DID: web, StatusBase: testBase, Keys: []store.IssuerKey{a, p}}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.svc.AddSchema(ctx, web, []byte(personSchema)); err != nil {
		t.Fatal(err)
	}
	var schemaID struct {
		ID string `json:"$id"`
	}
	_ = json.Unmarshal([]byte(personSchema), &schemaID)
	until := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	issue := func(validUntil time.Time) string {
		t.Helper()
		got, err := k.svc.Issue(ctx, issuer.Request{Issuer: web, Schema: schemaID.ID, Subject: json.RawMessage(subjectJSON),
			Formats: []string{issuer.FormatVCJWT}, ValidUntil: validUntil})
		if err != nil {
			t.Fatal(err)
		}
		return kidOf(t, got.Credentials[issuer.FormatVCJWT])
	}
	if kid := issue(until); kid != a.VerificationMethod {
		t.Fatalf("before rotation kid %s", kid)
	}
	issue(until.Add(-time.Hour))

	b := newKey(did.Ed25519, "b")
	rec, err := k.svc.RotateKey(ctx, web, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Keys) != 3 || rec.Keys[0].KeyID != b.KeyID || !rec.Keys[0].Retired.IsZero() || rec.Keys[1].KeyID != p.KeyID ||
		!rec.Keys[1].Retired.IsZero() || rec.Keys[2].KeyID != a.KeyID || rec.Keys[2].Retired.IsZero() || !rec.Keys[2].RetireAfter.Equal(until) {
		t.Fatalf("keys after rotation %+v", rec.Keys)
	}
	if stored, err := k.store.Issuer(ctx, web); err != nil || len(stored.Keys) != 3 || !stored.Keys[2].RetireAfter.Equal(until) {
		t.Fatalf("stored %+v %v", stored, err)
	}
	if kid := issue(time.Time{}); kid != b.VerificationMethod {
		t.Fatalf("after rotation kid %s, want %s", kid, b.VerificationMethod)
	}

	// A credential that never expires keeps the next retired key forever;
	// a rotation to a type the issuer lacks puts the key first.
	c := newKey(did.Ed25519, "c")
	if rec, err = k.svc.RotateKey(ctx, web, c); err != nil {
		t.Fatal(err)
	}
	if rec.Keys[0].KeyID != c.KeyID || rec.Keys[3].KeyID != b.KeyID || rec.Keys[3].Retired.IsZero() || !rec.Keys[3].RetireAfter.IsZero() {
		t.Fatalf("second rotation %+v", rec.Keys)
	}
	s := newKey(did.Secp256k1, "s")
	if rec, err = k.svc.RotateKey(ctx, web, s); err != nil || rec.Keys[0].KeyID != s.KeyID || len(rec.Keys) != 5 {
		t.Fatalf("new type: %+v %v", rec.Keys, err)
	}

	for _, tc := range []struct {
		name   string
		issuer string
		key    store.IssuerKey
		want   error
	}{
		{"did:key", k.ed, newKey(did.Ed25519, "x"), issuer.ErrInvalidRequest},
		{"unknown issuer", "did:web:other.example", newKey(did.Ed25519, "y"), issuer.ErrUnknownIssuer},
		{"foreign method", web, store.IssuerKey{KeyID: "z", KeyType: "Ed25519", VerificationMethod: "did:web:other.example#z"}, issuer.ErrInvalidRequest},
		{"no fragment", web, store.IssuerKey{KeyID: "z", KeyType: "Ed25519", VerificationMethod: web}, issuer.ErrInvalidRequest},
		{"bad type", web, store.IssuerKey{KeyID: "z", KeyType: "RSA", VerificationMethod: web + "#z"}, issuer.ErrInvalidRequest},
		{"same key again", web, c, issuer.ErrConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := k.svc.RotateKey(ctx, tc.issuer, tc.key); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}
