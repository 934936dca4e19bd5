package didkeys_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/did"
	didjwk "github.com/chainid/chainid/did/jwk"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/resolver"
)

// staticMethod is a DID method serving fixed documents (the did:ethr
// shapes); did:key and did:jwk run for real beside it.
type staticMethod map[string]staticDoc

type staticDoc struct {
	doc         *did.Document
	deactivated bool
}

func (m staticMethod) Resolve(_ context.Context, id did.DID, _ did.ResolveOptions) (*did.Document, did.DocumentMetadata, error) {
	d, ok := m[id.String()]
	if !ok {
		return nil, did.DocumentMetadata{}, did.ErrNotFound
	}
	return d.doc, did.DocumentMetadata{Deactivated: d.deactivated}, nil
}

const ethrDID = "did:ethr:0x539:0x1111111111111111111111111111111111111111"

func newKeys(t *testing.T) (*didkeys.Keys, map[string]any) {
	t.Helper()
	ed, _, _ := ed25519.GenerateKey(rand.Reader)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	k1, _ := secp256k1.GeneratePrivateKey()
	p256raw, _ := p256.PublicKey.Bytes()

	doc := &did.Document{
		ID: ethrDID,
		VerificationMethod: []did.VerificationMethod{
			{ID: ethrDID + "#controller", Type: "EcdsaSecp256k1RecoveryMethod2020", Controller: ethrDID,
				BlockchainAccountID: "eip155:1337:0x1111111111111111111111111111111111111111"},
			{ID: ethrDID + "#delegate-1", Type: "Ed25519VerificationKey2018", Controller: ethrDID, PublicKeyHex: hex.EncodeToString(ed)},
			{ID: ethrDID + "#delegate-2", Type: "JsonWebKey2020", Controller: ethrDID, PublicKeyHex: hex.EncodeToString(p256raw)},
			{ID: ethrDID + "#delegate-3", Type: "JsonWebKey2020", Controller: ethrDID, PublicKeyHex: hex.EncodeToString(k1.PubKey().SerializeUncompressed())},
			{ID: ethrDID + "#delegate-4", Type: "JsonWebKey2020", Controller: ethrDID, PublicKeyHex: hex.EncodeToString(k1.PubKey().SerializeCompressed())},
			{ID: ethrDID + "#delegate-5", Type: "Ed25519VerificationKey2018", Controller: ethrDID, PublicKeyHex: hex.EncodeToString(ed)},
		},
		AssertionMethod: []did.VerificationRef{did.Ref(ethrDID + "#controller"), did.Ref(ethrDID + "#delegate-1"),
			did.Ref(ethrDID + "#delegate-2"), did.Ref(ethrDID + "#delegate-3"), did.Ref(ethrDID + "#delegate-4")},
		Authentication: []did.VerificationRef{did.Ref(ethrDID + "#delegate-5")},
	}
	const gone = "did:ethr:0x539:0x2222222222222222222222222222222222222222"
	goneDoc := *doc
	goneDoc.ID = gone
	const liar = "did:ethr:0x539:0x3333333333333333333333333333333333333333"
	r, err := resolver.New(resolver.Config{Methods: map[string]resolver.Method{
		"key": didkey.NewResolver(didkey.Config{}),
		"jwk": didjwk.NewResolver(didjwk.Config{}),
		"ethr": staticMethod{
			ethrDID: {doc: doc},
			gone:    {doc: &goneDoc, deactivated: true},
			liar:    {doc: doc}, // a document whose id is another DID
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := didkeys.New(r, didkeys.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return keys, map[string]any{"ed": ed, "p256": &p256.PublicKey, "k1": k1.PubKey(), "gone": gone, "liar": liar}
}

func TestVerificationKey(t *testing.T) {
	keys, v := newKeys(t)
	ctx := t.Context()

	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	edDID, _ := didkey.New(edPub)
	p, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jwkDID, _ := didjwk.New(&p.PublicKey)
	edVM := edDID.String() + "#" + edDID.ID

	tests := []struct {
		name    string
		id, rel string
		want    any
		wantErr error
	}{
		{"did:key assertion", edVM, did.AssertionMethod, edPub, nil},
		{"did:key authentication", edVM, did.Authentication, edPub, nil},
		{"did:jwk", jwkDID.String() + "#0", did.AssertionMethod, &p.PublicKey, nil},
		{"ethr Ed25519 attribute", ethrDID + "#delegate-1", did.AssertionMethod, v["ed"], nil},
		{"ethr P-256 JsonWebKey2020", ethrDID + "#delegate-2", did.AssertionMethod, v["p256"], nil},
		{"ethr secp256k1 JsonWebKey2020", ethrDID + "#delegate-3", did.AssertionMethod, v["k1"], nil},
		{"ethr compressed JsonWebKey2020 refused", ethrDID + "#delegate-4", did.AssertionMethod, nil, didkeys.ErrNoPublicKey},
		{"ethr controller has no key", ethrDID + "#controller", did.AssertionMethod, nil, didkeys.ErrNoPublicKey},
		{"authentication key for assertion", ethrDID + "#delegate-5", did.AssertionMethod, nil, didkeys.ErrNotAuthorized},
		{"assertion key for authentication", ethrDID + "#delegate-1", did.Authentication, nil, didkeys.ErrNotAuthorized},
		{"unknown fragment", ethrDID + "#delegate-9", did.AssertionMethod, nil, didkeys.ErrNotAuthorized},
		{"did:key foreign fragment", edDID.String() + "#other", did.AssertionMethod, nil, didkeys.ErrNotAuthorized},
		{"deactivated", v["gone"].(string) + "#delegate-1", did.AssertionMethod, nil, didkeys.ErrDeactivated},
		{"document of another DID", v["liar"].(string) + "#delegate-1", did.AssertionMethod, nil, nil},
		{"unknown DID", "did:ethr:0x539:0x4444444444444444444444444444444444444444#delegate-1", did.AssertionMethod, nil, did.ErrNotFound},
		{"no fragment", ethrDID, did.AssertionMethod, nil, did.ErrInvalidDIDURL},
		{"path", ethrDID + "/x#delegate-1", did.AssertionMethod, nil, did.ErrInvalidDIDURL},
		{"query", ethrDID + "?versionId=1#delegate-1", did.AssertionMethod, nil, did.ErrInvalidDIDURL},
		{"not a DID", "https://example.com/#k", did.AssertionMethod, nil, did.ErrInvalidDIDURL},
		{"unknown relationship", ethrDID + "#delegate-1", "signing", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := keys.VerificationKey(ctx, tt.id, tt.rel)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("got key %T, want an error", got)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			eq, ok := got.(interface{ Equal(crypto.PublicKey) bool })
			if !ok || !eq.Equal(tt.want) {
				if k, ok := got.(*secp256k1.PublicKey); !ok || !k.IsEqual(tt.want.(*secp256k1.PublicKey)) {
					t.Fatalf("key %T %v, want %v", got, got, tt.want)
				}
			}
		})
	}
}

func TestNewNilResolver(t *testing.T) {
	if _, err := didkeys.New(nil, didkeys.Config{}); err == nil {
		t.Fatal("nil resolver accepted")
	}
}
