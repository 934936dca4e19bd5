package issuer_test

import (
	"context"
	"crypto"
	"path/filepath"
	"testing"

	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/did"
	didjwk "github.com/chainid/chainid/did/jwk"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/resolver"
)

// personSchema is the schema the tests issue against.
const personSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.example/person",
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "name": {"type": "string", "minLength": 1},
    "birthDate": {"type": "string", "format": "date"},
    "age": {"type": "integer", "minimum": 0},
    "address": {"type": "object", "properties": {"locality": {"type": "string"}, "country": {"type": "string"}}},
    "nationalities": {"type": "array", "items": {"type": "string"}}
  },
  "required": ["name", "birthDate"],
  "additionalProperties": false
}`

const subjectJSON = `{"id":"did:example:holder","name":"Erika Mustermann","birthDate":"1990-05-01","age":35,"address":{"locality":"Berlin","country":"DE"},"nationalities":["DE","FR"]}`

const testBase = "https://issuer.example/status/"

// kit is a service over a real store and keystore in a temp dir, with a
// did:key Ed25519 issuer (the default) and a did:key P-256 issuer.
type kit struct {
	store    *store.Store
	keys     *keystore.Keystore
	svc      *issuer.Service
	verifier *issuer.Verifier
	resolver *didkeys.Keys
	ed, p256 string // issuer DIDs
	path     string
}

func fastKeystore(t testing.TB, st *store.Store) *keystore.Keystore {
	t.Helper()
	ks, err := keystore.New(st, keystore.Config{Secret: []byte("test secret"), KDF: keystore.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

func openKit(t testing.TB, path string, cfg issuer.Config) *kit {
	t.Helper()
	st, err := store.Open(context.Background(), path, store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ks := fastKeystore(t, st)
	svc, err := issuer.New(st, ks, cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := resolver.New(resolver.Config{Methods: map[string]resolver.Method{
		"key": didkey.NewResolver(didkey.Config{}), "jwk": didjwk.NewResolver(didjwk.Config{})}})
	if err != nil {
		t.Fatal(err)
	}
	dk, err := didkeys.New(r, didkeys.Config{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := issuer.NewVerifier(dk, svc, issuer.VerifierConfig{Now: cfg.Now, Processor: svc.Processor})
	if err != nil {
		t.Fatal(err)
	}
	return &kit{store: st, keys: ks, svc: svc, verifier: v, resolver: dk, path: path}
}

func newKit(t testing.TB) *kit {
	t.Helper()
	k := openKit(t, filepath.Join(t.TempDir(), "chainid.db"), issuer.Config{})
	k.ed = k.addKeyIssuer(t, did.Ed25519, true)
	k.p256 = k.addKeyIssuer(t, did.P256, false)
	for _, iss := range []string{k.ed, k.p256} {
		if _, err := k.svc.AddSchema(context.Background(), iss, []byte(personSchema)); err != nil {
			t.Fatal(err)
		}
	}
	return k
}

// addKeyIssuer creates a did:key issuer with one key of type kt.
func (k *kit) addKeyIssuer(t testing.TB, kt did.KeyType, def bool) string {
	t.Helper()
	ctx := context.Background()
	rec, err := k.keys.Generate(ctx, kt, "issuer", didkey.New)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := did.Parse(rec.DID)
	err = k.svc.AddIssuer(ctx, store.IssuerRecord{DID: rec.DID, Default: def, StatusBase: testBase,
		Keys: []store.IssuerKey{{KeyID: rec.ID, KeyType: string(kt), VerificationMethod: rec.DID + "#" + id.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	return rec.DID
}

// holderKey returns a fresh did:key holder: its DID, verification method
// and signer.
func (k *kit) holder(t testing.TB, kt did.KeyType) (string, string, crypto.Signer) {
	t.Helper()
	ctx := context.Background()
	rec, err := k.keys.Generate(ctx, kt, "holder", didkey.New)
	if err != nil {
		t.Fatal(err)
	}
	s, err := k.keys.Signer(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := did.Parse(rec.DID)
	return rec.DID, rec.DID + "#" + id.ID, s
}
