package dataintegrity_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/key"
)

// didKeys is a KeyResolver over the real did:key resolver.
type didKeys struct{ r *key.Resolver }

func newDIDKeys() didKeys { return didKeys{key.NewResolver(key.Config{})} }

func (k didKeys) VerificationKey(ctx context.Context, id, rel string) (crypto.PublicKey, error) {
	u, err := did.ParseURL(id)
	if err != nil {
		return nil, err
	}
	doc, _, err := k.r.Resolve(ctx, u.DID, did.ResolveOptions{})
	if err != nil {
		return nil, err
	}
	vm, ok := doc.Authorized(rel, id)
	if !ok {
		return nil, fmt.Errorf("%s is not listed under %s", id, rel)
	}
	return vm.PublicKey()
}

// issuerKey is a did:key identity: the DID, its verification method id and
// the signer.
type issuerKey struct {
	DID    string
	VM     string
	Signer crypto.Signer
}

func newEd25519(t testing.TB) issuerKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return identity(t, priv)
}

func newP256(t testing.TB) issuerKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return identity(t, priv)
}

func identity(t testing.TB, s crypto.Signer) issuerKey {
	t.Helper()
	id, err := key.New(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	mk, err := did.EncodeMultikey(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	return issuerKey{DID: id.String(), VM: id.String() + "#" + mk, Signer: s}
}

// credential returns a VC 2.0 credential issued by issuer.
func credential(issuer string) []byte {
	c := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2"},
		"id":        "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
		"type":      []any{"VerifiableCredential"},
		"issuer":    issuer,
		"validFrom": "2025-01-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id":   "did:example:subject",
			"name": "Alice",
		},
	}
	b, _ := json.Marshal(c)
	return b
}

// credentialV1 returns a VC 1.1 credential issued by issuer.
func credentialV1(issuer string) []byte {
	c := map[string]any{
		"@context":          []any{"https://www.w3.org/2018/credentials/v1"},
		"type":              []any{"VerifiableCredential"},
		"issuer":            issuer,
		"issuanceDate":      "2025-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": "did:example:subject"},
	}
	b, _ := json.Marshal(c)
	return b
}

func edit(t testing.TB, doc []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func proofOf(m map[string]any) map[string]any {
	switch p := m["proof"].(type) {
	case map[string]any:
		return p
	case []any:
		return p[len(p)-1].(map[string]any)
	}
	return nil
}
