package es256k_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/chainid/chainid/internal/es256k"
)

// answerSigner is a secp256k1 crypto.Signer answering in a chosen form.
type answerSigner struct {
	priv *secp256k1.PrivateKey
	form string // "rs", "der", "high" (r||s with high S), "zero" (r = 0), "short"
}

func (s answerSigner) Public() crypto.PublicKey { return s.priv.PubKey() }

func (s answerSigner) Sign(_ io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	sig := secpecdsa.Sign(s.priv, digest)
	if s.form == "der" {
		return sig.Serialize(), nil
	}
	r, sv := sig.R(), sig.S()
	if s.form == "high" {
		sv.Negate()
	}
	out := make([]byte, 64)
	r.PutBytesUnchecked(out[:32])
	sv.PutBytesUnchecked(out[32:])
	switch s.form {
	case "zero":
		clear(out[:32])
	case "short":
		out = out[:63]
	}
	return out, nil
}

// p256Signer is a crypto.Signer on the wrong curve.
type p256Signer struct{ *ecdsa.PrivateKey }

func newKey(t *testing.T, label string) *secp256k1.PrivateKey {
	t.Helper()
	seed := sha256.Sum256([]byte(label))
	return secp256k1.PrivKeyFromBytes(seed[:])
}

func TestSign(t *testing.T) {
	priv := newKey(t, "sign")
	p256, err := ecdsa.GenerateKey(elliptic.P256(), strings.NewReader(strings.Repeat("p256 test seed ", 8)))
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte("header.payload")
	ref, err := es256k.JWS{}.Sign(payload, priv)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		key  any
		ok   bool
	}{
		{"private key", priv, true},
		{"signer r||s", answerSigner{priv, "rs"}, true},
		{"signer DER", answerSigner{priv, "der"}, true},
		{"signer high S is normalized", answerSigner{priv, "high"}, true},
		{"signer r zero", answerSigner{priv, "zero"}, false},
		{"signer 63 bytes", answerSigner{priv, "short"}, false},
		{"P-256 signer", p256Signer{p256}, false},
		{"public key", priv.PubKey(), false},
		{"nil private key", (*secp256k1.PrivateKey)(nil), false},
		{"nil", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sig, err := es256k.JWS{}.Sign(payload, tc.key)
			if !tc.ok {
				if err == nil {
					t.Fatalf("Sign succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// RFC 6979 nonces and low S make every form answer the same
			// 64 bytes.
			if string(sig) != string(ref) {
				t.Fatalf("signature %x, want %x", sig, ref)
			}
			var s secp256k1.ModNScalar
			s.SetByteSlice(sig[32:])
			if s.IsOverHalfOrder() {
				t.Fatal("high-S signature")
			}
			if err := (es256k.JWS{}).Verify(payload, sig, priv.PubKey()); err != nil {
				t.Fatalf("own signature refused: %v", err)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	priv := newKey(t, "verify")
	other := newKey(t, "other")
	payload := []byte("header.payload")
	sig, err := es256k.JWS{}.Sign(payload, priv)
	if err != nil {
		t.Fatal(err)
	}
	mod := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), sig...)) }
	high := mod(func(b []byte) []byte {
		var s secp256k1.ModNScalar
		s.SetByteSlice(b[32:])
		s.Negate()
		s.PutBytesUnchecked(b[32:])
		return b
	})
	// The group order n itself: out of range for s.
	order, err := hex.DecodeString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		payload []byte
		sig     []byte
		key     any
		ok      bool
	}{
		{"valid", payload, sig, priv.PubKey(), true},
		{"high S accepted", payload, high, priv.PubKey(), true},
		{"other key", payload, sig, other.PubKey(), false},
		{"other payload", []byte("header.payloaD"), sig, priv.PubKey(), false},
		{"flipped bit", payload, mod(func(b []byte) []byte { b[10] ^= 1; return b }), priv.PubKey(), false},
		{"r zero", payload, mod(func(b []byte) []byte { clear(b[:32]); return b }), priv.PubKey(), false},
		{"s zero", payload, mod(func(b []byte) []byte { clear(b[32:]); return b }), priv.PubKey(), false},
		{"s = n", payload, mod(func(b []byte) []byte { copy(b[32:], order); return b }), priv.PubKey(), false},
		{"63 bytes", payload, sig[:63], priv.PubKey(), false},
		{"DER", payload, mustDER(t, sig), priv.PubKey(), false},
		{"private key", payload, sig, priv, false},
		{"nil public key", payload, sig, (*secp256k1.PublicKey)(nil), false},
		{"nil", payload, sig, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := es256k.JWS{}.Verify(tc.payload, tc.sig, tc.key)
			if tc.ok && err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !tc.ok && err == nil {
				t.Fatal("Verify succeeded, want an error")
			}
		})
	}
}

func mustDER(t *testing.T, rs []byte) []byte {
	t.Helper()
	var r, s secp256k1.ModNScalar
	r.SetByteSlice(rs[:32])
	s.SetByteSlice(rs[32:])
	return secpecdsa.NewSignature(&r, &s).Serialize()
}

// TestJWXMessageAPI: JWS goes through jwx's message API as signer and
// verifier without being registered.
func TestJWXMessageAPI(t *testing.T) {
	priv := newKey(t, "jwx")
	h := jws.NewHeaders()
	if err := h.Set(jws.KeyIDKey, "k1"); err != nil {
		t.Fatal(err)
	}
	_, compact, err := jws.NewSignature().SetProtectedHeaders(h).Sign([]byte(`{"a":1}`), es256k.JWS{}, answerSigner{priv, "rs"})
	if err != nil {
		t.Fatal(err)
	}
	hdr, payload, _, err := jws.SplitCompact(compact)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jws.Parse(compact)
	if err != nil {
		t.Fatal(err)
	}
	if got := raw.Signatures()[0].ProtectedHeaders().Algorithm(); got != (es256k.JWS{}).Algorithm() {
		t.Fatalf("alg %s, want ES256K", got)
	}
	input := string(compact[:len(hdr)+1+len(payload)])
	if err := (es256k.JWS{}).Verify([]byte(input), raw.Signatures()[0].Signature(), priv.PubKey()); err != nil {
		t.Fatalf("verify jwx output: %v", err)
	}
	if _, err := jws.Verify(compact, jws.WithKey(jwa.ES256K, priv.PubKey())); err == nil {
		t.Fatal("jwx verified ES256K on its own: JWS is registered somewhere or the test is wrong")
	}
}
