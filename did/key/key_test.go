package key_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"filippo.io/edwards25519"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/resolver"
)

var _ resolver.Method = (*key.Resolver)(nil)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

type specVectors struct {
	Ed25519 []struct {
		DID             string `json:"did"`
		Seed            string `json:"seed"`
		PublicKeyBase58 string `json:"publicKeyBase58"`
		KeyAgreement    struct {
			ID               string `json:"id"`
			PublicKeyBase58  string `json:"publicKeyBase58"`
			PrivateKeyBase58 string `json:"privateKeyBase58"`
		} `json:"keyAgreement"`
	} `json:"ed25519"`
	Secp256k1 []struct {
		DID             string `json:"did"`
		Seed            string `json:"seed"`
		PublicKeyBase58 string `json:"publicKeyBase58"`
	} `json:"secp256k1"`
	P256 []struct {
		DID          string  `json:"did"`
		PublicKeyJwk did.JWK `json:"publicKeyJwk"`
		D            string  `json:"d"`
	} `json:"p256"`
	X25519 []struct {
		DID             string `json:"did"`
		PublicKeyBase58 string `json:"publicKeyBase58"`
	} `json:"x25519"`
	Unsupported []string `json:"unsupported"`
}

func loadVectors(t testing.TB) specVectors {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "spec-vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v specVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Ed25519) == 0 || len(v.Secp256k1) == 0 || len(v.P256) == 0 || len(v.X25519) == 0 || len(v.Unsupported) == 0 {
		t.Fatal("spec vectors incomplete")
	}
	return v
}

// vmTypes are the Config.VerificationMethodType values every vector is
// resolved with.
var vmTypes = []string{"", did.TypeMultikey, did.TypeJSONWebKey2020, did.TypeEd25519VK2020}

func resolve(t *testing.T, cfg key.Config, s string) *did.Document {
	t.Helper()
	doc, meta, err := key.NewResolver(cfg).Resolve(context.Background(), did.MustParse(s), did.ResolveOptions{})
	if err != nil {
		t.Fatalf("Resolve(%s): %v", s, err)
	}
	if !reflect.DeepEqual(meta, did.DocumentMetadata{}) {
		t.Errorf("metadata = %+v, want empty", meta)
	}
	if err := doc.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if doc.ID != s {
		t.Errorf("id = %q, want %q", doc.ID, s)
	}
	// The document must survive a JSON round trip unchanged.
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := did.ParseDocument(raw)
	if err != nil {
		t.Fatalf("ParseDocument(own output): %v", err)
	}
	again, _ := json.Marshal(back)
	if !bytes.Equal(raw, again) {
		t.Errorf("JSON round trip changed the document:\n%s\n%s", raw, again)
	}
	return doc
}

// refs returns the ids of a relationship, absolute.
func refs(doc *did.Document, rel string) []string {
	var out []string
	for _, r := range doc.Relationship(rel) {
		id := r.ID
		if r.Method != nil {
			id = r.Method.ID
		}
		out = append(out, did.ResolveReference(did.MustParse(doc.ID), id))
	}
	return out
}

// checkShape asserts each relationship lists exactly the given ids.
func checkShape(t *testing.T, doc *did.Document, want map[string][]string) {
	t.Helper()
	for _, rel := range did.Relationships() {
		if got := refs(doc, rel); !slices.Equal(got, want[rel]) {
			t.Errorf("%s = %q, want %q", rel, got, want[rel])
		}
	}
}

func signingShape(id string, ka ...string) map[string][]string {
	m := map[string][]string{
		did.Authentication: {id}, did.AssertionMethod: {id},
		did.CapabilityInvocation: {id}, did.CapabilityDelegation: {id},
		did.KeyAgreement: {id},
	}
	if ka != nil {
		m[did.KeyAgreement] = ka
	}
	return m
}

func methodKey(t *testing.T, doc *did.Document, id string) crypto.PublicKey {
	t.Helper()
	vm, ok := doc.FindVerificationMethod(id)
	if !ok {
		t.Fatalf("verification method %q missing", id)
	}
	if vm.Controller != doc.ID {
		t.Errorf("%s controller = %q, want %q", id, vm.Controller, doc.ID)
	}
	pub, err := vm.PublicKey()
	if err != nil {
		t.Fatalf("%s: PublicKey: %v", id, err)
	}
	return pub
}

type equaler interface{ Equal(crypto.PublicKey) bool }

func mustEqualKey(t *testing.T, got, want crypto.PublicKey) {
	t.Helper()
	if g, ok := got.(*secp256k1.PublicKey); ok {
		if w, ok := want.(*secp256k1.PublicKey); !ok || !g.IsEqual(w) {
			t.Errorf("key = %x, want %v", g.SerializeCompressed(), want)
		}
		return
	}
	if e, ok := got.(equaler); !ok || !e.Equal(want) {
		t.Errorf("key = %v, want %v", got, want)
	}
}

func b58(t *testing.T, s string) []byte {
	t.Helper()
	b, err := did.DecodeBase58(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSpecVectorsEd25519(t *testing.T) {
	for _, v := range loadVectors(t).Ed25519 {
		t.Run(v.DID, func(t *testing.T) {
			seed, _ := hex.DecodeString(v.Seed)
			priv := ed25519.NewKeyFromSeed(seed)
			pub := priv.Public().(ed25519.PublicKey)
			if got := did.EncodeBase58(pub); got != v.PublicKeyBase58 {
				t.Fatalf("public key from seed = %s, want %s", got, v.PublicKeyBase58)
			}
			id, err := key.New(pub)
			if err != nil || id.String() != v.DID {
				t.Fatalf("New = %v, %v; want %s", id, err, v.DID)
			}
			// The spec's X25519 private key must give the public key we derive.
			xpriv, err := ecdh.X25519().NewPrivateKey(b58(t, v.KeyAgreement.PrivateKeyBase58))
			if err != nil {
				t.Fatal(err)
			}
			if got := did.EncodeBase58(xpriv.PublicKey().Bytes()); got != v.KeyAgreement.PublicKeyBase58 {
				t.Fatalf("spec X25519 private key gives %s, want %s", got, v.KeyAgreement.PublicKeyBase58)
			}
			for _, typ := range vmTypes {
				t.Run("type="+typ, func(t *testing.T) {
					doc := resolve(t, key.Config{VerificationMethodType: typ}, v.DID)
					sig := v.DID + "#" + id.ID
					checkShape(t, doc, signingShape(sig, v.KeyAgreement.ID))
					if len(doc.VerificationMethod) != 2 {
						t.Fatalf("%d verification methods, want 2", len(doc.VerificationMethod))
					}
					mustEqualKey(t, methodKey(t, doc, sig), pub)
					mustEqualKey(t, methodKey(t, doc, v.KeyAgreement.ID), xpriv.PublicKey())
				})
			}
			t.Run("skip derivation", func(t *testing.T) {
				doc := resolve(t, key.Config{SkipKeyAgreementDerivation: true}, v.DID)
				sig := v.DID + "#" + id.ID
				want := signingShape(sig)
				delete(want, did.KeyAgreement)
				checkShape(t, doc, want)
				if len(doc.VerificationMethod) != 1 {
					t.Errorf("%d verification methods, want 1", len(doc.VerificationMethod))
				}
			})
		})
	}
}

func TestSpecVectorsSecp256k1(t *testing.T) {
	for _, v := range loadVectors(t).Secp256k1 {
		t.Run(v.DID, func(t *testing.T) {
			seed, _ := hex.DecodeString(v.Seed)
			pub := secp256k1.PrivKeyFromBytes(seed).PubKey()
			if got := did.EncodeBase58(pub.SerializeCompressed()); got != v.PublicKeyBase58 {
				t.Fatalf("public key from seed = %s, want %s", got, v.PublicKeyBase58)
			}
			id, err := key.New(pub)
			if err != nil || id.String() != v.DID {
				t.Fatalf("New = %v, %v; want %s", id, err, v.DID)
			}
			for _, typ := range vmTypes {
				t.Run("type="+typ, func(t *testing.T) {
					doc := resolve(t, key.Config{VerificationMethodType: typ}, v.DID)
					sig := v.DID + "#" + id.ID
					checkShape(t, doc, signingShape(sig))
					if len(doc.VerificationMethod) != 1 {
						t.Fatalf("%d verification methods, want 1", len(doc.VerificationMethod))
					}
					mustEqualKey(t, methodKey(t, doc, sig), pub)
				})
			}
		})
	}
}

func TestSpecVectorsP256(t *testing.T) {
	for _, v := range loadVectors(t).P256 {
		t.Run(v.DID, func(t *testing.T) {
			d, _ := base64.RawURLEncoding.DecodeString(v.D)
			priv, err := ecdh.P256().NewPrivateKey(d)
			if err != nil {
				t.Fatal(err)
			}
			pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), priv.PublicKey().Bytes())
			if err != nil {
				t.Fatal(err)
			}
			jwkPub, err := v.PublicKeyJwk.PublicKey()
			if err != nil {
				t.Fatal(err)
			}
			mustEqualKey(t, jwkPub, pub)
			id, err := key.New(pub)
			if err != nil || id.String() != v.DID {
				t.Fatalf("New = %v, %v; want %s", id, err, v.DID)
			}
			for _, typ := range vmTypes {
				t.Run("type="+typ, func(t *testing.T) {
					doc := resolve(t, key.Config{VerificationMethodType: typ}, v.DID)
					sig := v.DID + "#" + id.ID
					checkShape(t, doc, signingShape(sig))
					mustEqualKey(t, methodKey(t, doc, sig), pub)
					if typ == did.TypeJSONWebKey2020 {
						got := doc.VerificationMethod[0].PublicKeyJwk
						if got == nil || got.X != v.PublicKeyJwk.X || got.Y != v.PublicKeyJwk.Y || got.Crv != "P-256" || got.Kty != "EC" {
							t.Errorf("publicKeyJwk = %+v, want %+v", got, v.PublicKeyJwk)
						}
					}
				})
			}
		})
	}
}

func TestSpecVectorsX25519(t *testing.T) {
	for _, v := range loadVectors(t).X25519 {
		t.Run(v.DID, func(t *testing.T) {
			pub, err := ecdh.X25519().NewPublicKey(b58(t, v.PublicKeyBase58))
			if err != nil {
				t.Fatal(err)
			}
			id, err := key.New(pub)
			if err != nil || id.String() != v.DID {
				t.Fatalf("New = %v, %v; want %s", id, err, v.DID)
			}
			for _, typ := range vmTypes {
				t.Run("type="+typ, func(t *testing.T) {
					doc := resolve(t, key.Config{VerificationMethodType: typ}, v.DID)
					ka := v.DID + "#" + id.ID
					checkShape(t, doc, map[string][]string{did.KeyAgreement: {ka}})
					mustEqualKey(t, methodKey(t, doc, ka), pub)
				})
			}
		})
	}
}

func TestSpecVectorsUnsupported(t *testing.T) {
	for _, s := range loadVectors(t).Unsupported {
		t.Run(s, func(t *testing.T) {
			_, _, err := key.NewResolver(key.Config{}).Resolve(context.Background(), did.MustParse(s), did.ResolveOptions{})
			if !errors.Is(err, did.ErrInvalidDID) || !errors.Is(err, did.ErrUnsupportedKey) {
				t.Fatalf("err = %v, want ErrInvalidDID and ErrUnsupportedKey", err)
			}
		})
	}
}

// TestDerivedKeyAgreement checks the Edwards-to-Montgomery map against an
// independent derivation: the X25519 public key of the Ed25519 secret
// scalar (RFC 8032 §5.1.5: the clamped first half of SHA-512(seed)).
func TestDerivedKeyAgreement(t *testing.T) {
	r := key.NewResolver(key.Config{})
	for i := range 50 {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		h := sha512.Sum512(priv.Seed())
		xpriv, err := ecdh.X25519().NewPrivateKey(h[:32]) // X25519 clamps itself
		if err != nil {
			t.Fatal(err)
		}
		id, err := key.New(pub)
		if err != nil {
			t.Fatal(err)
		}
		doc, _, err := r.Resolve(context.Background(), id, did.ResolveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		kas := refs(doc, did.KeyAgreement)
		if len(kas) != 1 {
			t.Fatalf("key %d: keyAgreement = %q", i, kas)
		}
		mustEqualKey(t, methodKey(t, doc, kas[0]), xpriv.PublicKey())
		xmb, _ := did.EncodeMultikey(xpriv.PublicKey())
		if kas[0] != id.String()+"#"+xmb {
			t.Errorf("key agreement id = %s, want fragment %s", kas[0], xmb)
		}
	}
}

func randomKeys(t testing.TB) map[string]crypto.PublicKey {
	t.Helper()
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k1, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	x, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]crypto.PublicKey{
		"Ed25519": edPub, "P-256": &p256.PublicKey, "secp256k1": k1.PubKey(), "X25519": x.PublicKey(),
	}
}

func TestRoundTrip(t *testing.T) {
	for range 20 {
		for name, pub := range randomKeys(t) {
			t.Run(name, func(t *testing.T) {
				id, err := key.New(pub)
				if err != nil {
					t.Fatal(err)
				}
				got, err := key.Decode(id)
				if err != nil {
					t.Fatal(err)
				}
				mustEqualKey(t, got, pub)
				doc := resolve(t, key.Config{}, id.String())
				mustEqualKey(t, methodKey(t, doc, id.String()+"#"+id.ID), pub)
			})
		}
	}
}

// multikey builds "z" + base58(varint(code) || raw) without any checks.
func multikey(code uint64, raw []byte) string {
	var b []byte
	for code >= 0x80 {
		b = append(b, byte(code)|0x80)
		code >>= 7
	}
	b = append(b, byte(code))
	return "z" + did.EncodeBase58(append(b, raw...))
}

// offCurveP256 returns a compressed point whose x has no y on the curve.
func offCurveP256() []byte {
	for i := int64(1); ; i++ {
		b := append([]byte{2}, new(big.Int).SetInt64(i).FillBytes(make([]byte, 32))...)
		if x, _ := elliptic.UnmarshalCompressed(elliptic.P256(), b); x == nil {
			return b
		}
	}
}

func offCurveSecp256k1() []byte {
	for i := int64(1); ; i++ {
		b := append([]byte{2}, new(big.Int).SetInt64(i).FillBytes(make([]byte, 32))...)
		if _, err := secp256k1.ParsePubKey(b); err != nil {
			return b
		}
	}
}

func offCurveEd25519() []byte {
	for i := byte(2); ; i++ {
		b := make([]byte, 32)
		b[0] = i
		if _, err := key.New(ed25519.PublicKey(b)); err != nil {
			return b
		}
	}
}

// fieldPrime returns 2^255-19 little-endian.
func fieldPrime() []byte {
	p := make([]byte, 32)
	for i := range p {
		p[i] = 0xff
	}
	p[0], p[31] = 0xed, 0x7f
	return p
}

// nonCanonicalEd25519 returns an encoding with y = p + k of a point of large
// order, which the curve arithmetic accepts as the point with y = k.
func nonCanonicalEd25519(t *testing.T) []byte {
	t.Helper()
	for k := byte(2); k < 19; k++ {
		b := fieldPrime()
		b[0] += k
		pt, err := new(edwards25519.Point).SetBytes(b)
		if err != nil {
			continue
		}
		if new(edwards25519.Point).MultByCofactor(pt).Equal(edwards25519.NewIdentityPoint()) == 0 {
			return b
		}
	}
	t.Fatal("no non-canonical Ed25519 encoding of a large-order point")
	return nil
}

func TestCanonicalX25519Boundary(t *testing.T) {
	// p-1 is the largest canonical u.
	b := fieldPrime()
	b[0]--
	pub, err := ecdh.X25519().NewPublicKey(b)
	if err != nil {
		t.Fatal(err)
	}
	id, err := key.New(pub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := key.Decode(id); err != nil {
		t.Errorf("u = p-1 refused: %v", err)
	}
}

func TestResolveErrors(t *testing.T) {
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	edID, _ := key.New(edPub)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	uncompressed, err := p256.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	smallOrder := make([]byte, 32)
	smallOrder[0] = 1 // the identity point

	cases := []struct {
		name string
		id   did.DID
		cfg  key.Config
		want []error
	}{
		{"other method", did.DID{Method: "web", ID: "example.com"}, key.Config{}, []error{did.ErrMethodNotSupported}},
		{"version prefix", did.DID{Method: "key", ID: "1:" + edID.ID}, key.Config{}, []error{did.ErrInvalidDID}},
		{"base64url multibase", did.DID{Method: "key", ID: "u7QE" + base64.RawURLEncoding.EncodeToString(edPub)}, key.Config{}, []error{did.ErrInvalidDID}},
		{"no multibase prefix", did.DID{Method: "key", ID: edID.ID[1:]}, key.Config{}, []error{did.ErrInvalidDID}},
		{"bad base58", did.DID{Method: "key", ID: "z6Mk0OIl"}, key.Config{}, []error{did.ErrInvalidDID}},
		{"percent-encoded", did.DID{Method: "key", ID: "z6Mk%41"}, key.Config{}, []error{did.ErrInvalidDID}},
		{"empty multibase", did.DID{Method: "key", ID: "z"}, key.Config{}, []error{did.ErrInvalidDID}},
		{"unknown multicodec", did.DID{Method: "key", ID: multikey(0x1205, make([]byte, 64))}, key.Config{}, []error{did.ErrInvalidDID, did.ErrUnsupportedKey}},
		{"ed25519 short", did.DID{Method: "key", ID: multikey(0xed, edPub[:31])}, key.Config{}, []error{did.ErrInvalidDID}},
		{"ed25519 long", did.DID{Method: "key", ID: multikey(0xed, append(slices.Clone(edPub), 0))}, key.Config{}, []error{did.ErrInvalidDID}},
		{"ed25519 off curve", did.DID{Method: "key", ID: multikey(0xed, offCurveEd25519())}, key.Config{}, []error{did.ErrInvalidDID}},
		{"ed25519 small order", did.DID{Method: "key", ID: multikey(0xed, smallOrder)}, key.Config{}, []error{did.ErrInvalidDID}},
		{"ed25519 non-canonical y", did.DID{Method: "key", ID: multikey(0xed, nonCanonicalEd25519(t))}, key.Config{}, []error{did.ErrInvalidDID}},
		{"x25519 top bit", did.DID{Method: "key", ID: multikey(0xec, append(make([]byte, 31), 0x80))}, key.Config{}, []error{did.ErrInvalidDID}},
		{"x25519 u = p", did.DID{Method: "key", ID: multikey(0xec, fieldPrime())}, key.Config{}, []error{did.ErrInvalidDID}},
		{"x25519 short", did.DID{Method: "key", ID: multikey(0xec, make([]byte, 31))}, key.Config{}, []error{did.ErrInvalidDID}},
		{"p256 uncompressed", did.DID{Method: "key", ID: multikey(0x1200, uncompressed)}, key.Config{}, []error{did.ErrInvalidDID}},
		{"p256 off curve", did.DID{Method: "key", ID: multikey(0x1200, offCurveP256())}, key.Config{}, []error{did.ErrInvalidDID}},
		{"secp256k1 off curve", did.DID{Method: "key", ID: multikey(0xe7, offCurveSecp256k1())}, key.Config{}, []error{did.ErrInvalidDID}},
		{"secp256k1 bad prefix", did.DID{Method: "key", ID: multikey(0xe7, append([]byte{5}, make([]byte, 32)...))}, key.Config{}, []error{did.ErrInvalidDID}},
		{"non-minimal varint", did.DID{Method: "key", ID: "z" + did.EncodeBase58(append([]byte{0xed, 0x81, 0x00}, edPub...))}, key.Config{}, []error{did.ErrInvalidDID}},
		{"leading zero digit", did.DID{Method: "key", ID: "z1" + edID.ID[1:]}, key.Config{}, []error{did.ErrInvalidDID}},
		{"unknown vm type", edID, key.Config{VerificationMethodType: "RsaVerificationKey2018"}, []error{did.ErrUnsupportedKey}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, _, err := key.NewResolver(c.cfg).Resolve(context.Background(), c.id, did.ResolveOptions{})
			if err == nil {
				t.Fatalf("Resolve(%s) = %v, want an error", c.id, doc.ID)
			}
			for _, w := range c.want {
				if !errors.Is(err, w) {
					t.Errorf("err = %v, want it to wrap %v", err, w)
				}
			}
			if c.name == "unknown vm type" && errors.Is(err, did.ErrInvalidDID) {
				t.Errorf("a configuration error must not blame the DID: %v", err)
			}
		})
	}
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, _, err := key.NewResolver(key.Config{}).Resolve(ctx, edID, did.ResolveOptions{}); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}

func mustX25519(t *testing.T, b []byte) *ecdh.PublicKey {
	t.Helper()
	k, err := ecdh.X25519().NewPublicKey(b)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewErrors(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024) // only its type matters
	if err != nil {
		t.Fatal(err)
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	smallOrder := make(ed25519.PublicKey, 32)
	smallOrder[0] = 1
	cases := []struct {
		name string
		pub  crypto.PublicKey
	}{
		{"rsa", &rsaKey.PublicKey},
		{"p384", &p384.PublicKey},
		{"ed25519 short", ed25519.PublicKey(make([]byte, 31))},
		{"ed25519 small order", smallOrder},
		{"ed25519 off curve", ed25519.PublicKey(offCurveEd25519())},
		{"nil", nil},
		{"x25519 top bit", mustX25519(t, append(make([]byte, 31), 0x80))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if id, err := key.New(c.pub); err == nil {
				t.Fatalf("New = %s, want an error", id)
			}
		})
	}
}

// TestGolden pins the exact documents we produce for the spec vectors.
// Run with -update to rewrite them after an intended change, and review
// the diff.
func TestGolden(t *testing.T) {
	v := loadVectors(t)
	cases := []struct {
		name string
		did  string
		cfg  key.Config
	}{
		{"ed25519-multikey", v.Ed25519[0].DID, key.Config{}},
		{"ed25519-jwk", v.Ed25519[0].DID, key.Config{VerificationMethodType: did.TypeJSONWebKey2020}},
		{"ed25519-2020", v.Ed25519[0].DID, key.Config{VerificationMethodType: did.TypeEd25519VK2020}},
		{"ed25519-no-derivation", v.Ed25519[0].DID, key.Config{SkipKeyAgreementDerivation: true}},
		{"x25519-multikey", v.X25519[0].DID, key.Config{}},
		{"x25519-2020", v.X25519[0].DID, key.Config{VerificationMethodType: did.TypeEd25519VK2020}},
		{"p256-multikey", v.P256[0].DID, key.Config{}},
		{"p256-jwk", v.P256[0].DID, key.Config{VerificationMethodType: did.TypeJSONWebKey2020}},
		{"secp256k1-multikey", v.Secp256k1[0].DID, key.Config{}},
		{"secp256k1-jwk", v.Secp256k1[0].DID, key.Config{VerificationMethodType: did.TypeJSONWebKey2020}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := resolve(t, c.cfg, c.did)
			got, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", c.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("document differs from %s:\n%s", path, got)
			}
		})
	}
}

func FuzzResolve(f *testing.F) {
	v := loadVectors(f)
	for _, e := range v.Ed25519 {
		f.Add(e.DID[len("did:key:"):])
	}
	for _, e := range v.P256 {
		f.Add(e.DID[len("did:key:"):])
	}
	for _, e := range v.Secp256k1 {
		f.Add(e.DID[len("did:key:"):])
	}
	for _, e := range v.X25519 {
		f.Add(e.DID[len("did:key:"):])
	}
	f.Add(v.Unsupported[0][len("did:key:"):])
	f.Add("z")
	f.Add("1:z6Mk")
	r := key.NewResolver(key.Config{})
	rj := key.NewResolver(key.Config{VerificationMethodType: did.TypeJSONWebKey2020})
	f.Fuzz(func(t *testing.T, msid string) {
		id, err := did.Parse("did:key:" + msid)
		if err != nil {
			return
		}
		for _, r := range []*key.Resolver{r, rj} {
			doc, _, err := r.Resolve(context.Background(), id, did.ResolveOptions{})
			if err != nil {
				if !errors.Is(err, did.ErrInvalidDID) {
					t.Fatalf("Resolve(%s): error %v does not wrap ErrInvalidDID", id, err)
				}
				continue
			}
			if err := doc.Validate(); err != nil {
				t.Fatalf("Resolve(%s) gave an invalid document: %v", id, err)
			}
			pub, err := key.Decode(id)
			if err != nil {
				t.Fatalf("Decode(%s) failed after Resolve succeeded: %v", id, err)
			}
			again, err := key.New(pub)
			if err != nil || again != id {
				t.Fatalf("New(Decode(%s)) = %s, %v", id, again, err)
			}
		}
	})
}
