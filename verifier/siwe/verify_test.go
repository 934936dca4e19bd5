package siwe

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// testNow is the fixed clock of the verifier tests.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func testKey(t testing.TB, seed string) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte(seed)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// personalSign signs text as a wallet's personal_sign does (v = 27/28).
func personalSign(t testing.TB, key *ecdsa.PrivateKey, text string) []byte {
	t.Helper()
	sig, err := crypto.Sign(accounts.TextHash([]byte(text)), key)
	if err != nil {
		t.Fatal(err)
	}
	sig[64] += 27
	return sig
}

func testMessage(key *ecdsa.PrivateKey) *Message {
	return &Message{
		Scheme: "https", Domain: "id.example.com", Address: crypto.PubkeyToAddress(key.PublicKey),
		Statement: "Sign in to chainid.", URI: "https://id.example.com", Version: Version1, ChainID: 1337,
		Nonce: "n0nce1234567", IssuedAt: testNow.Add(-time.Minute).Format(time.RFC3339),
		ExpirationTime: testNow.Add(4 * time.Minute).Format(time.RFC3339),
	}
}

var testExpect = Expect{Scheme: "https", Domain: "id.example.com", URI: "https://id.example.com", Nonce: "n0nce1234567"}

func newTestVerifier(t testing.TB, chains ...Chain) *Verifier {
	t.Helper()
	if len(chains) == 0 {
		chains = []Chain{{ID: 1337}, {ID: 1}}
	}
	v, err := New(Config{Chains: chains, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVerifyEOA(t *testing.T) {
	key := testKey(t, "alice")
	v := newTestVerifier(t)
	m := testMessage(key)
	text := m.String()
	res, err := v.Verify(context.Background(), text, personalSign(t, key, text), testExpect)
	if err != nil {
		t.Fatal(err)
	}
	want := "did:pkh:eip155:1337:" + crypto.PubkeyToAddress(key.PublicKey).Hex()
	if res.Subject != want || res.Account != want || res.Contract || res.Ethr != "" {
		t.Fatalf("result %+v, want subject %s", res, want)
	}
	// v as 0/1 (some signers) is accepted too.
	sig := personalSign(t, key, text)
	sig[64] -= 27
	if _, err := v.Verify(context.Background(), text, sig, testExpect); err != nil {
		t.Fatalf("v=0/1: %v", err)
	}
}

// TestVerifyRefusals changes one thing at a time; each must be refused.
func TestVerifyRefusals(t *testing.T) {
	alice, mallory := testKey(t, "alice"), testKey(t, "mallory")
	cases := []struct {
		name   string
		edit   func(m *Message)
		expect func(e *Expect)
		sign   func(text string) []byte
		syntax bool
	}{
		{name: "another domain", edit: func(m *Message) { m.Domain = "evil.example.com" }},
		{name: "domain with another port", edit: func(m *Message) { m.Domain = "id.example.com:8443" }},
		{name: "another scheme", edit: func(m *Message) { m.Scheme = "http" }},
		{name: "no scheme on an http server", edit: func(m *Message) { m.Scheme = "" }, expect: func(e *Expect) { e.Scheme = "http" }},
		{name: "another uri", edit: func(m *Message) { m.URI = "https://id.example.com/other" }},
		{name: "another chain", edit: func(m *Message) { m.ChainID = 5 }},
		{name: "a configured chain the request excludes", edit: func(m *Message) { m.ChainID = 1 }, expect: func(e *Expect) { e.ChainID = 1337 }},
		{name: "another nonce", edit: func(m *Message) { m.Nonce = "n0nce7654321" }},
		{name: "expired", edit: func(m *Message) { m.ExpirationTime = testNow.Add(-2 * time.Minute).Format(time.RFC3339) }},
		{name: "not yet valid", edit: func(m *Message) { m.NotBefore = testNow.Add(3 * time.Minute).Format(time.RFC3339) }},
		{name: "issued in the future", edit: func(m *Message) { m.IssuedAt = testNow.Add(5 * time.Minute).Format(time.RFC3339) }},
		{name: "issued too long ago", edit: func(m *Message) {
			m.IssuedAt = testNow.Add(-DefaultMaxAge - 2*DefaultLeeway).Format(time.RFC3339)
			m.ExpirationTime = testNow.Add(time.Hour).Format(time.RFC3339)
		}},
		{name: "another request id", edit: func(m *Message) { m.RequestID, m.HasRequestID = "r2", true }, expect: func(e *Expect) { e.RequestID = "r1" }},
		{name: "missing request id", expect: func(e *Expect) { e.RequestID = "r1" }},
		{name: "signed by another key", sign: func(text string) []byte { return personalSign(t, mallory, text) }},
		{name: "signature over another text", sign: func(text string) []byte { return personalSign(t, alice, text+" ") }},
		{name: "truncated signature", sign: func(text string) []byte { return personalSign(t, alice, text)[:64] }},
		{name: "empty signature", sign: func(string) []byte { return nil }},
		{name: "bad recovery id", sign: func(text string) []byte { s := personalSign(t, alice, text); s[64] = 29; return s }},
		{name: "high-s signature", sign: func(text string) []byte {
			s := personalSign(t, alice, text)
			// s' = n - s and flipped v recover the same key; EIP-2 forbids it.
			n := crypto.S256().Params().N
			sv := new(bigInt).SetBytes(s[32:64])
			sv.Sub(n, sv)
			copy(s[32:64], leftPad32(sv.Bytes()))
			s[64] ^= 1
			return s
		}},
		{name: "oversize signature", sign: func(string) []byte { return make([]byte, MaxSignatureBytes+1) }},
		{name: "a did:ethr without a resolver", edit: func(m *Message) {
			m.Resources, m.HasResources = []string{"did:ethr:0x539:" + m.Address.Hex()}, true
		}},
		{name: "not a did:ethr", expect: func(e *Expect) { e.Ethr = "did:key:z6Mk" }},
	}
	v := newTestVerifier(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := testMessage(alice)
			if c.edit != nil {
				c.edit(m)
			}
			e := testExpect
			if c.expect != nil {
				c.expect(&e)
			}
			text := m.String()
			sig := personalSign(t, alice, text)
			if c.sign != nil {
				sig = c.sign(text)
			}
			res, err := v.Verify(context.Background(), text, sig, e)
			if err == nil {
				t.Fatalf("accepted: %+v", res)
			}
			if !errors.Is(err, ErrRefused) {
				t.Fatalf("error %v does not wrap ErrRefused", err)
			}
			t.Log(err)
		})
	}
}

func TestVerifySyntax(t *testing.T) {
	alice := testKey(t, "alice")
	text := strings.Replace(testMessage(alice).String(), "Version: 1", "Version: 2", 1)
	_, err := newTestVerifier(t).Verify(context.Background(), text, personalSign(t, alice, text), testExpect)
	if !errors.Is(err, ErrSyntax) {
		t.Fatalf("error %v, want ErrSyntax", err)
	}
}

func TestVerifyLeeway(t *testing.T) {
	alice := testKey(t, "alice")
	m := testMessage(alice)
	// Within the default leeway of a minute: accepted.
	m.ExpirationTime = testNow.Add(-30 * time.Second).Format(time.RFC3339)
	m.NotBefore = testNow.Add(30 * time.Second).Format(time.RFC3339)
	text := m.String()
	if _, err := newTestVerifier(t).Verify(context.Background(), text, personalSign(t, alice, text), testExpect); err != nil {
		t.Fatal(err)
	}
}

func TestNewConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no chains":     {},
		"chain 0":       {Chains: []Chain{{ID: 0}}},
		"duplicate":     {Chains: []Chain{{ID: 1}, {ID: 1}}},
		"negative time": {Chains: []Chain{{ID: 1}}, Leeway: -time.Second},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func BenchmarkVerifyEOA(b *testing.B) {
	key := testKey(b, "alice")
	v := newTestVerifier(b)
	text := testMessage(key).String()
	sig := personalSign(b, key, text)
	ctx := context.Background()
	for b.Loop() {
		if _, err := v.Verify(ctx, text, sig, testExpect); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	text := testMessage(testKey(b, "alice")).String()
	for b.Loop() {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}

type bigInt = big.Int

func leftPad32(b []byte) []byte { return common.LeftPadBytes(b, 32) }
