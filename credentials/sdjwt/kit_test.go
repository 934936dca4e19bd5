package sdjwt_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"testing"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/jwk"
	"github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/resolver"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// didKeys is a KeyResolver over the real did:key and did:jwk resolvers.
type didKeys struct {
	methods map[string]resolver.Method
}

func newDIDKeys() *didKeys {
	return &didKeys{methods: map[string]resolver.Method{
		key.Method: key.NewResolver(key.Config{}),
		"jwk":      jwk.NewResolver(jwk.Config{}),
	}}
}

func (k *didKeys) VerificationKey(ctx context.Context, id, rel string) (crypto.PublicKey, error) {
	u, err := did.ParseURL(id)
	if err != nil {
		return nil, err
	}
	m, ok := k.methods[u.Method]
	if !ok {
		return nil, fmt.Errorf("%w: %s", did.ErrMethodNotSupported, u.Method)
	}
	doc, _, err := m.Resolve(ctx, u.DID, did.ResolveOptions{})
	if err != nil {
		return nil, err
	}
	vm, ok := doc.Authorized(rel, id)
	if !ok {
		return nil, fmt.Errorf("%s is not under %s", id, rel)
	}
	return vm.PublicKey()
}

// secpSigner is a secp256k1 crypto.Signer like the keystore's
// Secp256k1Signer: Sign returns 64-byte r||s, low S (or DER when der).
type secpSigner struct {
	priv *secp256k1.PrivateKey
	der  bool
}

func (s *secpSigner) Public() crypto.PublicKey { return s.priv.PubKey() }

func (s *secpSigner) Sign(_ io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	sig := secpecdsa.Sign(s.priv, digest)
	if s.der {
		return sig.Serialize(), nil
	}
	out := make([]byte, 64)
	r, sv := sig.R(), sig.S()
	r.PutBytesUnchecked(out[:32])
	sv.PutBytesUnchecked(out[32:])
	return out, nil
}

// seeded returns a deterministic reader for keys in tests.
func seeded(label string) io.Reader {
	h := sha256.Sum256([]byte(label))
	return &counterReader{seed: h}
}

type counterReader struct {
	seed [32]byte
	n    uint64
	buf  []byte
}

func (r *counterReader) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) {
		var in [40]byte
		copy(in[:], r.seed[:])
		for i := range 8 {
			in[32+i] = byte(r.n >> (8 * i))
		}
		r.n++
		s := sha256.Sum256(in[:])
		r.buf = append(r.buf, s[:]...)
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

var algs = []string{"EdDSA", "ES256", "ES256K"}

// newKey returns a fresh signer for alg.
func newKey(t testing.TB, alg string) crypto.Signer {
	t.Helper()
	switch alg {
	case "EdDSA":
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return priv
	case "ES256":
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return priv
	case "ES256K", "ES256K-DER":
		priv, err := secp256k1.GeneratePrivateKey()
		if err != nil {
			t.Fatal(err)
		}
		return &secpSigner{priv: priv, der: alg == "ES256K-DER"}
	}
	t.Fatalf("alg %s", alg)
	return nil
}

type issuer struct {
	signer crypto.Signer
	kid    string
	did    string
}

// newIssuer makes a did:key issuer whose kid is its assertionMethod.
func newIssuer(t testing.TB, alg string) issuer {
	t.Helper()
	s := newKey(t, alg)
	id, err := key.New(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	doc, _, err := key.NewResolver(key.Config{}).Resolve(context.Background(), id, did.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return issuer{signer: s, kid: doc.AssertionMethod[0].ID, did: id.String()}
}
