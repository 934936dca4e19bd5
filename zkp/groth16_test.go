package zkp

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// testProof proves the fixture once per test binary.
func testProof(t *testing.T) (*Proof, *PublicInputs) {
	t.Helper()
	pf, err := proofOnce()
	if err != nil {
		t.Fatal(err)
	}
	return pf.proof, pf.pub
}

type provedFixture struct {
	proof *Proof
	pub   *PublicInputs
}

var proofOnce = sync.OnceValues(func() (provedFixture, error) {
	k, err := keysOnce()
	if err != nil {
		return provedFixture{}, err
	}
	f, err := fixtureOnce()
	if err != nil {
		return provedFixture{}, err
	}
	p, pub, err := Prove(context.Background(), k.Proving, &f.witness)
	return provedFixture{p, pub}, err
})

func TestProveVerify(t *testing.T) {
	keys := testKeys(t)
	proof, pub := testProof(t)
	if err := Verify(keys.Verifying, proof, pub); err != nil {
		t.Fatal(err)
	}
	if keys.Info.Origin != OriginDevelopment || !keys.Info.DevelopmentOnly {
		t.Fatalf("dev setup info = %+v", keys.Info)
	}
	f := testFixture(t)

	// Changing any public input after proving invalidates the proof; nonce
	// and audience in particular are bound.
	var other fr.Element
	other.SetUint64(424242)
	cases := []struct {
		name string
		mod  func(p *PublicInputs)
	}{
		{"nonce", func(p *PublicInputs) { p.Nonce = other }},
		{"audience", func(p *PublicInputs) { p.Audience, _ = AudienceElement("https://evil.example") }},
		{"scope", func(p *PublicInputs) { p.Scope = other }},
		{"nullifier", func(p *PublicInputs) { p.Nullifier = other }},
		{"now", func(p *PublicInputs) { p.Now = p.Now.Add(time.Second) }},
		{"status root", func(p *PublicInputs) { p.StatusRoot = other }},
		{"schema", func(p *PublicInputs) { p.SchemaID = other }},
		{"revealed value", func(p *PublicInputs) { p.Revealed[attrCountry], _ = EncodeString("DE") }},
		{"predicate operand", func(p *PublicInputs) { p.Predicates[0].Operands = []fr.Element{EncodeInteger(17)} }},
		{"predicate dropped", func(p *PublicInputs) { p.Predicates[2] = Predicate{} }},
		{"issuer key", func(p *PublicInputs) {
			k, _ := GenerateIssuerKey(nil)
			p.IssuerKey = k.Public()
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := *pub
			q.Predicates = pub.Predicates
			c.mod(&q)
			if err := Verify(keys.Verifying, proof, &q); !errors.Is(err, ErrInvalidProof) {
				t.Fatalf("verify with changed %s: %v", c.name, err)
			}
		})
	}

	// A re-proved statement for another audience differs only there.
	w := f.witness
	w.Request.Audience = other
	_, pub2, err := Prove(t.Context(), keys.Proving, &w)
	if err != nil {
		t.Fatal(err)
	}
	if pub2.Nullifier != pub.Nullifier {
		t.Fatal("nullifier depends on the audience")
	}
	if err := Verify(keys.Verifying, proof, pub2); err == nil {
		t.Fatal("proof for one audience verified for another")
	}

	// Prove refuses false statements before proving.
	w = f.witness
	w.Request.Now = w.Credential.ExpiresAt
	if _, _, err := Prove(t.Context(), keys.Proving, &w); !errors.Is(err, ErrExpired) {
		t.Fatalf("prove expired: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := Prove(ctx, keys.Proving, &f.witness); !errors.Is(err, context.Canceled) {
		t.Fatalf("prove with cancelled context: %v", err)
	}
}

// TestEveryPublicInputIsConstrained checks the verifying key has a
// non-zero term for every public input: an input that appears in no
// constraint gets the point at infinity and could be changed freely after
// proving (the "unconstrained nonce" bug).
func TestEveryPublicInputIsConstrained(t *testing.T) {
	vk := testKeys(t).Verifying.vk
	if len(vk.G1.K) != NbPublicInputs+1 {
		t.Fatalf("%d verifying-key terms, want %d", len(vk.G1.K), NbPublicInputs+1)
	}
	for i := range vk.G1.K {
		if vk.G1.K[i].IsInfinity() {
			t.Errorf("public input %d (0 is the constant wire) is unconstrained", i)
		}
	}
}

// TestWitnessEngineMissesUnboundInputs documents why the nonce squares
// exist: the solver alone cannot tell (any nonce solves), only the
// verifying key binds it; see TestEveryPublicInputIsConstrained.
func TestNonceFreeInSolver(t *testing.T) {
	a := validAssignment(t)
	a.Nonce, a.Audience = 1, 2
	if !solved(t, a) {
		t.Fatal("nonce and audience should be free in the witness")
	}
}

func TestVerifyRefusals(t *testing.T) {
	keys := testKeys(t)
	proof, pub := testProof(t)

	// Non-canonical public inputs are refused before pairing.
	q := *pub
	q.Revealed[attrAge] = EncodeInteger(30) // not in the mask
	if err := Verify(keys.Verifying, proof, &q); err == nil || errors.Is(err, ErrInvalidProof) {
		t.Fatalf("revealed outside mask: %v", err)
	}
	q = *pub
	q.IssuerKey = IssuerPublicKey{} // not from a checking constructor
	if err := Verify(keys.Verifying, proof, &q); !errors.Is(err, ErrBadKey) {
		t.Fatalf("zero issuer key: %v", err)
	}
	q = *pub
	q.Predicates[3] = Predicate{Attr: 1}
	if err := Verify(keys.Verifying, proof, &q); err == nil {
		t.Fatal("malformed slot accepted")
	}

	// A verifying key for another circuit (wrong public input count).
	small, err := compile(&smallCircuit{})
	if err != nil {
		t.Fatal(err)
	}
	sk, err := Setup(t.Context(), small)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(sk.Verifying, proof, pub); !errors.Is(err, ErrInvalidProof) {
		t.Fatalf("verify with a key for another circuit: %v", err)
	}
	b, _ := sk.Verifying.MarshalBinary()
	if _, err := ParseVerifyingKey(b); err == nil {
		t.Fatal("ParseVerifyingKey accepted a key with the wrong public input count")
	}
}

func TestProofEncoding(t *testing.T) {
	keys := testKeys(t)
	proof, pub := testProof(t)

	b, err := proof.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("proof: %d bytes", len(b))
	back, err := ParseProof(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(keys.Verifying, back, pub); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseProof(append(b, 0)); err == nil {
		t.Fatal("trailing byte accepted")
	}
	if _, err := ParseProof(b[:len(b)-1]); err == nil {
		t.Fatal("truncated proof accepted")
	}
	if len(proof.MarshalSolidity()) != 256 {
		t.Fatalf("solidity proof is %d bytes", len(proof.MarshalSolidity()))
	}

	js, err := json.Marshal(proof)
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON Proof
	if err := json.Unmarshal(js, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := Verify(keys.Verifying, &fromJSON, pub); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	_ = json.Unmarshal(js, &raw)
	p := "21888242871839275222246405745257275088696311157297823662689037894645226208583" // base field modulus
	for name, mutate := range map[string]func(m map[string]any){
		"unknown field":     func(m map[string]any) { m["z"] = []any{} },
		"coordinate = p":    func(m map[string]any) { m["a"] = []any{p, m["a"].([]any)[1]} },
		"coordinate + p":    func(m map[string]any) { m["a"] = []any{addDec(m["a"].([]any)[0].(string), p), m["a"].([]any)[1]} },
		"negative":          func(m map[string]any) { m["c"] = []any{"-1", m["c"].([]any)[1]} },
		"off curve":         func(m map[string]any) { m["c"] = []any{"1", "1"} },
		"three coordinates": func(m map[string]any) { m["a"] = append(m["a"].([]any), "0") },
		"b too short":       func(m map[string]any) { m["b"] = m["b"].([]any)[:1] },
		"hex coordinate":    func(m map[string]any) { m["a"] = []any{"0x1", m["a"].([]any)[1]} },
	} {
		t.Run(name, func(t *testing.T) {
			var m map[string]any
			_ = json.Unmarshal(js, &m)
			mutate(m)
			b, _ := json.Marshal(m)
			var q Proof
			if err := json.Unmarshal(b, &q); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func addDec(a, b string) string {
	x, _ := new(big.Int).SetString(a, 10)
	y, _ := new(big.Int).SetString(b, 10)
	return x.Add(x, y).String()
}

func TestKeyFiles(t *testing.T) {
	keys := testKeys(t)
	sys := testSystem(t)
	dir := t.TempDir()
	if err := WriteKeys(dir, keys); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeys(dir, sys, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "development") {
		t.Fatalf("development keys loaded without AllowDevelopment: %v", err)
	}
	loaded, err := LoadKeys(dir, sys, LoadOptions{AllowDevelopment: true})
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Verifying.Digest() != keys.Verifying.Digest() {
		t.Fatal("verifying key changed on the round trip")
	}
	if !loaded.Info.DevelopmentOnly || loaded.Info.Origin != OriginDevelopment {
		t.Fatalf("info = %+v", loaded.Info)
	}
	proof, pub, err := Prove(t.Context(), loaded.Proving, &testFixture(t).witness)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(keys.Verifying, proof, pub); err != nil {
		t.Fatal(err)
	}

	// Pinned digests.
	vd := keys.Verifying.Digest()
	if _, err := LoadKeys(dir, nil, LoadOptions{AllowDevelopment: true, SkipProvingKey: true, VerifyingKeyDigest: vd}); err != nil {
		t.Fatal(err)
	}
	var wrong [32]byte
	wrong[0] = 1
	if _, err := LoadKeys(dir, sys, LoadOptions{AllowDevelopment: true, VerifyingKeyDigest: wrong}); !errors.Is(err, ErrKeyDigest) {
		t.Fatalf("wrong pinned vk digest: %v", err)
	}
	if _, err := LoadKeys(dir, sys, LoadOptions{AllowDevelopment: true, ProvingKeyDigest: wrong}); !errors.Is(err, ErrKeyDigest) {
		t.Fatalf("wrong pinned pk digest: %v", err)
	}
	pd, _ := hex.DecodeString(loaded.Info.ProvingKeyDigest)
	if _, err := LoadKeys(dir, sys, LoadOptions{AllowDevelopment: true, ProvingKeyDigest: [32]byte(pd)}); err != nil {
		t.Fatalf("right pinned pk digest: %v", err)
	}

	// Corruption of either file is caught by the digest before decoding.
	for _, name := range []string{ProvingKeyFile, VerifyingKeyFile} {
		t.Run("corrupt "+name, func(t *testing.T) {
			d := t.TempDir()
			copyDir(t, dir, d)
			p := filepath.Join(d, name)
			b, _ := os.ReadFile(p)
			b[len(b)/3] ^= 0x40
			_ = os.WriteFile(p, b, 0o644)
			if _, err := LoadKeys(d, sys, LoadOptions{AllowDevelopment: true}); !errors.Is(err, ErrKeyDigest) {
				t.Fatalf("corrupted %s: %v", name, err)
			}
			_ = os.WriteFile(p, b[:len(b)/2], 0o644)
			if _, err := LoadKeys(d, sys, LoadOptions{AllowDevelopment: true}); !errors.Is(err, ErrKeyDigest) {
				t.Fatalf("truncated %s: %v", name, err)
			}
		})
	}
	// Keys for another circuit are refused.
	d := t.TempDir()
	copyDir(t, dir, d)
	info, _ := os.ReadFile(filepath.Join(d, KeyInfoFile))
	info = bytes.Replace(info, []byte(loaded.Info.CircuitDigest), []byte(strings.Repeat("0", 64)), 1)
	_ = os.WriteFile(filepath.Join(d, KeyInfoFile), info, 0o644)
	if _, err := LoadKeys(d, sys, LoadOptions{AllowDevelopment: true}); err == nil {
		t.Fatal("keys for another circuit accepted")
	}
	if _, err := LoadKeys(t.TempDir(), sys, LoadOptions{}); err == nil {
		t.Fatal("empty directory accepted")
	}

	// Compressed verifying-key encoding and Solidity export.
	vb, err := keys.Verifying.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	vk2, err := ParseVerifyingKey(vb)
	if err != nil || vk2.Digest() != vd {
		t.Fatalf("ParseVerifyingKey: %v", err)
	}
	if _, err := ParseVerifyingKey(append(vb, 0)); err == nil {
		t.Fatal("trailing byte accepted")
	}
	var sol bytes.Buffer
	if err := keys.Verifying.ExportSolidity(&sol); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sol.String(), "function verifyProof") {
		t.Fatal("solidity export has no verifyProof")
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
