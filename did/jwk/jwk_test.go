package jwk_test

import (
	"context"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"filippo.io/edwards25519"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/jwk"
	"github.com/chainid/chainid/resolver"
)

var _ resolver.Method = (*jwk.Resolver)(nil)

func jsonValue(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func resolve(t *testing.T, s string) *did.Document {
	t.Helper()
	doc, meta, err := jwk.NewResolver(jwk.Config{}).Resolve(context.Background(), did.MustParse(s), did.ResolveOptions{})
	if err != nil {
		t.Fatalf("Resolve(%s): %v", s, err)
	}
	if !reflect.DeepEqual(meta, did.DocumentMetadata{}) {
		t.Errorf("metadata = %+v, want empty", meta)
	}
	if err := doc.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	return doc
}

// TestSpecExamples resolves the did:jwk specification's examples and
// compares the whole document as a JSON value.
func TestSpecExamples(t *testing.T) {
	for _, name := range []string{"spec-p256.json", "spec-x25519.json"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			want, err := did.ParseDocument(raw)
			if err != nil {
				t.Fatal(err)
			}
			doc := resolve(t, want.ID)
			got, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(jsonValue(t, got), jsonValue(t, raw)) {
				t.Errorf("document differs from the spec example:\ngot  %s\nwant %s", got, raw)
			}
		})
	}
}

// TestNewSpecP256 checks New reproduces the P-256 example's identifier,
// which is serialized in lexicographic member order.
func TestNewSpecP256(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "spec-p256.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := did.ParseDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := want.VerificationMethod[0].PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	id, err := jwk.New(pub)
	if err != nil {
		t.Fatal(err)
	}
	if id.String() != want.ID {
		t.Errorf("New = %s, want %s", id, want.ID)
	}
}

func TestNewSerialization(t *testing.T) {
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	x, _ := ecdh.X25519().GenerateKey(rand.Reader)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	k1, _ := secp256k1.GeneratePrivateKey()
	cases := []struct {
		name    string
		pub     crypto.PublicKey
		members []string
		sig     bool
		enc     bool
	}{
		{"Ed25519", edPub, []string{"crv", "kty", "x"}, true, false},
		{"X25519", x.PublicKey(), []string{"crv", "kty", "use", "x"}, false, true},
		{"P-256", &p256.PublicKey, []string{"crv", "kty", "x", "y"}, true, true},
		{"secp256k1", k1.PubKey(), []string{"crv", "kty", "x", "y"}, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id, err := jwk.New(c.pub)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := base64.RawURLEncoding.DecodeString(id.ID)
			if err != nil {
				t.Fatal(err)
			}
			// Compact, members in lexicographic order.
			var members []string
			dec := json.NewDecoder(strings.NewReader(string(raw)))
			if _, err := dec.Token(); err != nil {
				t.Fatal(err)
			}
			for dec.More() {
				tok, _ := dec.Token()
				members = append(members, tok.(string))
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(members, c.members) {
				t.Errorf("members = %q, want %q", members, c.members)
			}
			if strings.ContainsAny(string(raw), " \n\t") {
				t.Errorf("JWK has whitespace: %s", raw)
			}
			doc := resolve(t, id.String())
			_, pub, err := jwk.Decode(id)
			if err != nil {
				t.Fatal(err)
			}
			if !sameKey(pub, c.pub) {
				t.Errorf("Decode gave another key")
			}
			vmID := id.String() + "#0"
			if got := len(doc.AssertionMethod) == 1 && doc.AssertionMethod[0].ID == vmID; got != c.sig {
				t.Errorf("assertionMethod listed = %v, want %v", got, c.sig)
			}
			if got := len(doc.KeyAgreement) == 1 && doc.KeyAgreement[0].ID == vmID; got != c.enc {
				t.Errorf("keyAgreement listed = %v, want %v", got, c.enc)
			}
		})
	}
}

func sameKey(a, b crypto.PublicKey) bool {
	if k, ok := a.(*secp256k1.PublicKey); ok {
		w, ok := b.(*secp256k1.PublicKey)
		return ok && k.IsEqual(w)
	}
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}

func enc(s string) did.DID {
	return did.DID{Method: "jwk", ID: base64.RawURLEncoding.EncodeToString([]byte(s))}
}

// TestUse covers the relationship rule: "use" narrows the relationships,
// and the curve narrows them further.
func TestUse(t *testing.T) {
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pk, _ := did.JWKFromPublicKey(&p256.PublicKey)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	ek, _ := did.JWKFromPublicKey(edPub)
	ec := func(extra string) did.DID {
		return enc(`{"crv":"P-256","kty":"EC","x":"` + pk.X + `","y":"` + pk.Y + `"` + extra + `}`)
	}
	ed := func(extra string) did.DID {
		return enc(`{"crv":"Ed25519","kty":"OKP","x":"` + ek.X + `"` + extra + `}`)
	}
	all := []string{did.Authentication, did.AssertionMethod, did.KeyAgreement, did.CapabilityInvocation, did.CapabilityDelegation}
	signing := []string{did.Authentication, did.AssertionMethod, did.CapabilityInvocation, did.CapabilityDelegation}
	cases := []struct {
		name string
		id   did.DID
		want []string
	}{
		{"EC no use", ec(""), all},
		{"EC use sig", ec(`,"use":"sig"`), signing},
		{"EC use enc", ec(`,"use":"enc"`), []string{did.KeyAgreement}},
		{"EC extra members kept", ec(`,"kid":"k1","alg":"ES256"`), all},
		{"Ed25519 no use", ed(""), signing},
		{"Ed25519 use sig", ed(`,"use":"sig"`), signing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := resolve(t, c.id.String())
			var got []string
			for _, rel := range did.Relationships() {
				refs := doc.Relationship(rel)
				if len(refs) == 0 {
					continue
				}
				if len(refs) != 1 || refs[0].ID != c.id.String()+"#0" {
					t.Errorf("%s = %+v", rel, refs)
				}
				got = append(got, rel)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("relationships = %q, want %q", got, c.want)
			}
			if c.name == "EC extra members kept" {
				extra := doc.VerificationMethod[0].PublicKeyJwk.Extra
				if string(extra["kid"]) != `"k1"` || string(extra["alg"]) != `"ES256"` {
					t.Errorf("extra members = %s", extra)
				}
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pk, _ := did.JWKFromPublicKey(&p256.PublicKey)
	ecJSON := `{"crv":"P-256","kty":"EC","x":"` + pk.X + `","y":"` + pk.Y + `"`
	x, _ := ecdh.X25519().GenerateKey(rand.Reader)
	xk, _ := did.JWKFromPublicKey(x.PublicKey())
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	ek, _ := did.JWKFromPublicKey(edPub)
	good, _ := jwk.New(&p256.PublicKey)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024) // only its shape matters
	rsaN := base64.RawURLEncoding.EncodeToString(rsaKey.N.Bytes())
	// A y that is not the curve point's y.
	badY := []byte(pk.Y)
	if badY[0] == 'A' {
		badY[0] = 'B'
	} else {
		badY[0] = 'A'
	}
	// Same bytes, non-zero trailing bits: when the JSON length is 1 mod 3
	// the last character carries the top two bits of '}' (01) and four
	// zero bits, "Q"; "R" decodes to the same bytes.
	kid := ""
	for (len(ecJSON)+len(`,"kid":""}`)+len(kid))%3 != 1 {
		kid += "k"
	}
	canonical := enc(ecJSON + `,"kid":"` + kid + `"}`).ID
	if canonical[len(canonical)-1] != 'Q' {
		t.Fatalf("test setup: %s does not end in Q", canonical)
	}
	nonCanonical := canonical[:len(canonical)-1] + "R"
	if _, _, err := jwk.Decode(did.DID{Method: "jwk", ID: canonical}); err != nil {
		t.Fatalf("test setup: %v", err)
	}

	cases := []struct {
		name string
		id   did.DID
		want error
	}{
		{"other method", did.DID{Method: "key", ID: "z6Mk"}, did.ErrMethodNotSupported},
		{"padding", did.DID{Method: "jwk", ID: good.ID + "="}, did.ErrInvalidDID},
		{"standard alphabet +", did.DID{Method: "jwk", ID: good.ID[:10] + "+" + good.ID[11:]}, did.ErrInvalidDID},
		{"standard alphabet /", did.DID{Method: "jwk", ID: good.ID[:10] + "/" + good.ID[11:]}, did.ErrInvalidDID},
		{"percent-encoded", did.DID{Method: "jwk", ID: "eyJ%41"}, did.ErrInvalidDID},
		{"colon", did.DID{Method: "jwk", ID: "1:" + good.ID}, did.ErrInvalidDID},
		{"bad base64 length", did.DID{Method: "jwk", ID: good.ID + "A"}, did.ErrInvalidDID},
		{"not json", enc(`hello`), did.ErrInvalidDID},
		{"json array", enc(`[1,2]`), did.ErrInvalidDID},
		{"trailing data", enc(ecJSON + `}{}`), did.ErrInvalidDID},
		{"trailing garbage", enc(ecJSON + `}x`), did.ErrInvalidDID},
		{"duplicate member", enc(ecJSON + `,"x":"` + pk.X + `"}`), did.ErrInvalidDID},
		{"invalid utf-8", enc(ecJSON + ",\"kid\":\"\xff\"}"), did.ErrInvalidDID},
		{"private d", enc(ecJSON + `,"d":"AAAA"}`), did.ErrInvalidDID},
		{"private okp d", enc(`{"crv":"Ed25519","kty":"OKP","x":"` + ek.X + `","d":"AAAA"}`), did.ErrInvalidDID},
		{"symmetric k", enc(`{"kty":"oct","k":"AAAA"}`), did.ErrInvalidDID},
		{"rsa", enc(`{"kty":"RSA","n":"` + rsaN + `","e":"AQAB"}`), did.ErrInvalidDID},
		{"unknown kty", enc(`{"kty":"XYZ","crv":"P-256","x":"` + pk.X + `","y":"` + pk.Y + `"}`), did.ErrInvalidDID},
		{"unknown crv", enc(`{"kty":"EC","crv":"P-384","x":"` + pk.X + `","y":"` + pk.Y + `"}`), did.ErrInvalidDID},
		{"okp with EC curve", enc(`{"kty":"OKP","crv":"P-256","x":"` + pk.X + `"}`), did.ErrInvalidDID},
		{"kty not a string", enc(`{"kty":1,"crv":"P-256","x":"` + pk.X + `","y":"` + pk.Y + `"}`), did.ErrInvalidDID},
		{"missing y", enc(`{"crv":"P-256","kty":"EC","x":"` + pk.X + `"}`), did.ErrInvalidDID},
		{"off curve", enc(`{"crv":"P-256","kty":"EC","x":"` + pk.X + `","y":"` + string(badY) + `"}`), did.ErrInvalidDID},
		{"short x", enc(`{"crv":"Ed25519","kty":"OKP","x":"` + ek.X[:40] + `"}`), did.ErrInvalidDID},
		{"ed25519 small order", enc(`{"crv":"Ed25519","kty":"OKP","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`), did.ErrInvalidDID},
		{"ed25519 off curve", enc(`{"crv":"Ed25519","kty":"OKP","x":"` + base64.RawURLEncoding.EncodeToString(offCurveEd25519(t)) + `"}`), did.ErrInvalidDID},
		{"okp with y", enc(`{"crv":"Ed25519","kty":"OKP","x":"` + ek.X + `","y":"` + ek.X + `"}`), did.ErrInvalidDID},
		{"x25519 use sig", enc(`{"crv":"X25519","kty":"OKP","use":"sig","x":"` + xk.X + `"}`), did.ErrInvalidDID},
		{"ed25519 use enc", enc(`{"crv":"Ed25519","kty":"OKP","use":"enc","x":"` + ek.X + `"}`), did.ErrInvalidDID},
		{"unknown use", enc(ecJSON + `,"use":"both"}`), did.ErrInvalidDID},
		{"use not a string", enc(ecJSON + `,"use":["sig"]}`), did.ErrInvalidDID},
		{"non-zero trailing bits", did.DID{Method: "jwk", ID: nonCanonical}, did.ErrInvalidDID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, _, err := jwk.NewResolver(jwk.Config{}).Resolve(context.Background(), c.id, did.ResolveOptions{})
			if err == nil {
				t.Fatalf("Resolve(%s) = %s, want an error", c.id, doc.ID)
			}
			if !errors.Is(err, c.want) {
				t.Errorf("err = %v, want it to wrap %v", err, c.want)
			}
		})
	}
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, _, err := jwk.NewResolver(jwk.Config{}).Resolve(ctx, good, did.ResolveOptions{}); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}

func TestNewErrors(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024) // only its type matters
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	for name, pub := range map[string]crypto.PublicKey{
		"rsa": &rsaKey.PublicKey, "p384": &p384.PublicKey, "short ed25519": ed25519.PublicKey(make([]byte, 31)), "nil": nil,
	} {
		t.Run(name, func(t *testing.T) {
			if id, err := jwk.New(pub); err == nil {
				t.Fatalf("New = %s, want an error", id)
			}
		})
	}
}

func FuzzResolve(f *testing.F) {
	for _, name := range []string{"spec-p256.json", "spec-x25519.json"} {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		var d struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			f.Fatal(err)
		}
		f.Add(d.ID[len("did:jwk:"):])
	}
	f.Add(enc(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","use":"sig"}`).ID)
	f.Add(enc(`{"kty":"EC","crv":"secp256k1","x":"","y":"","d":""}`).ID)
	f.Add("e30")
	r := jwk.NewResolver(jwk.Config{})
	f.Fuzz(func(t *testing.T, msid string) {
		id, err := did.Parse("did:jwk:" + msid)
		if err != nil {
			return
		}
		doc, _, err := r.Resolve(context.Background(), id, did.ResolveOptions{})
		if err != nil {
			if !errors.Is(err, did.ErrInvalidDID) {
				t.Fatalf("Resolve(%s): error %v does not wrap ErrInvalidDID", id, err)
			}
			return
		}
		if err := doc.Validate(); err != nil {
			t.Fatalf("Resolve(%s) gave an invalid document: %v", id, err)
		}
		if doc.ID != id.String() || len(doc.VerificationMethod) != 1 {
			t.Fatalf("Resolve(%s) gave document %s with %d methods", id, doc.ID, len(doc.VerificationMethod))
		}
		vm := doc.VerificationMethod[0]
		if vm.PublicKeyJwk.HasPrivate() {
			t.Fatalf("Resolve(%s) published private key material", id)
		}
		if _, err := vm.PublicKey(); err != nil {
			t.Fatalf("Resolve(%s) gave a method whose key does not decode: %v", id, err)
		}
	})
}

// offCurveEd25519 returns 32 bytes that do not decode to an Ed25519 point.
func offCurveEd25519(t *testing.T) []byte {
	for i := byte(2); i < 255; i++ {
		b := make([]byte, 32)
		b[0] = i
		if _, err := new(edwards25519.Point).SetBytes(b); err != nil {
			return b
		}
	}
	t.Fatal("no off-curve encoding found")
	return nil
}
