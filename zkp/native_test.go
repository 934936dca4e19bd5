package zkp

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	"github.com/consensys/gnark/frontend"
	gposeidon2 "github.com/consensys/gnark/std/permutation/poseidon2"
	"github.com/consensys/gnark/test"
)

// hashCircuit asserts the circuit hasher's output for fixed inputs.
type hashCircuit struct {
	In  [5]frontend.Variable
	Out frontend.Variable `gnark:",public"`
}

func (c *hashCircuit) Define(api frontend.API) error {
	perm, err := gposeidon2.NewPoseidon2FromParameters(api, poseidonWidth, poseidonFullRounds, poseidonPartialRounds)
	if err != nil {
		return err
	}
	api.AssertIsEqual(gadgets{api: api, perm: perm}.hash(c.In[:]...), c.Out)
	return nil
}

func TestHashMatchesCircuitAndGnarkCrypto(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3 {
		var in [5]fr.Element
		for j := range in {
			in[j].SetUint64(rng.Uint64())
			if i == 2 {
				in[j].Neg(&in[j]) // large values
			}
		}
		want := Hash(in[:]...)

		// gnark-crypto's byte-oriented Merkle–Damgård hasher.
		h := poseidon2.NewMerkleDamgardHasher()
		for j := range in {
			b := in[j].Bytes()
			h.Write(b[:])
		}
		var got fr.Element
		got.SetBytes(h.Sum(nil))
		if !got.Equal(&want) {
			t.Fatal("native Hash differs from gnark-crypto's Poseidon2 MD hasher")
		}

		var a hashCircuit
		for j := range in {
			a.In[j] = in[j]
		}
		a.Out = want
		if err := test.IsSolved(&hashCircuit{}, &a, ecc.BN254.ScalarField()); err != nil {
			t.Fatalf("circuit hash differs: %v", err)
		}
		a.Out = Hash(in[:4]...)
		if test.IsSolved(&hashCircuit{}, &a, ecc.BN254.ScalarField()) == nil {
			t.Fatal("circuit accepted a wrong digest")
		}
	}
	// Compress is the first step of Hash from a zero state.
	var x, y fr.Element
	x.SetUint64(7)
	y.SetUint64(9)
	if c, h := Compress(Compress(fr.Element{}, x), y), Hash(x, y); !c.Equal(&h) {
		t.Fatal("Hash(x, y) != Compress(Compress(0, x), y)")
	}
}

func TestEncoding(t *testing.T) {
	dec := func(e fr.Element) int64 {
		v, err := DecodeInteger(e)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, v := range []int64{0, 1, -1, 42, math.MinInt64, math.MaxInt64} {
		if got := dec(EncodeInteger(v)); got != v {
			t.Errorf("integer %d round-trips to %d", v, got)
		}
	}
	// Order is preserved, including across zero.
	lo, hi := EncodeInteger(-1), EncodeInteger(0)
	if lo.Uint64() >= hi.Uint64() {
		t.Error("encoding of -1 is not below that of 0")
	}
	if e := EncodeInteger(math.MinInt64); !e.IsZero() {
		t.Error("MinInt64 does not encode to 0")
	}
	if e := EncodeInteger(math.MaxInt64); e.Uint64() != math.MaxUint64 {
		t.Error("MaxInt64 does not encode to 2^64-1")
	}
	if _, err := DecodeInteger(bigEl(pow2(64))); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("DecodeInteger(2^64) = %v", err)
	}
	d := EncodeDate(time.Date(1970, 1, 2, 23, 59, 0, 0, time.UTC))
	if dec(d) != 1 {
		t.Errorf("1970-01-02 = day %d", dec(d))
	}
	if dec(EncodeDate(time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC))) != -1 {
		t.Error("1969-12-31 is not day -1")
	}

	intSpec := AttributeSpec{Name: "n", Type: TypeInteger}
	enumSpec := AttributeSpec{Name: "e", Type: TypeEnum, Enum: []string{"a", "b"}}
	cases := []struct {
		name string
		spec AttributeSpec
		v    any
		want fr.Element
		bad  bool
	}{
		{"int", intSpec, 5, EncodeInteger(5), false},
		{"int64 min", intSpec, int64(math.MinInt64), EncodeInteger(math.MinInt64), false},
		{"uint64 max int", intSpec, uint64(math.MaxInt64), EncodeInteger(math.MaxInt64), false},
		{"big int", intSpec, big.NewInt(-7), EncodeInteger(-7), false},
		{"json number", intSpec, json.Number("-9223372036854775808"), EncodeInteger(math.MinInt64), false},
		{"json number max", intSpec, json.Number("9223372036854775807"), EncodeInteger(math.MaxInt64), false},
		{"json number zero", intSpec, json.Number("0"), EncodeInteger(0), false},
		{"2^63 refused", intSpec, json.Number("9223372036854775808"), fr.Element{}, true},
		{"uint64 max refused", intSpec, uint64(math.MaxUint64), fr.Element{}, true},
		{"json number -0 refused", intSpec, json.Number("-0"), fr.Element{}, true},
		{"json number + refused", intSpec, json.Number("+18"), fr.Element{}, true},
		{"json number leading zero refused", intSpec, json.Number("018"), fr.Element{}, true},
		{"json number fraction refused", intSpec, json.Number("18.0"), fr.Element{}, true},
		{"json number exponent refused", intSpec, json.Number("1e1"), fr.Element{}, true},
		{"quoted integer refused", intSpec, "18", fr.Element{}, true},
		{"quoted +integer refused", intSpec, "+18", fr.Element{}, true},
		{"quoted max refused", intSpec, "9223372036854775807", fr.Element{}, true},
		{"float integral refused", intSpec, float64(-3), fr.Element{}, true},
		{"float -0 refused", intSpec, math.Copysign(0, -1), fr.Element{}, true},
		{"float fraction refused", intSpec, 1.5, fr.Element{}, true},
		{"float NaN refused", intSpec, math.NaN(), fr.Element{}, true},
		{"hex string refused", intSpec, "0x10", fr.Element{}, true},
		{"bool for int refused", intSpec, true, fr.Element{}, true},
		{"date", AttributeSpec{Type: TypeDate}, "1970-01-11", EncodeInteger(10), false},
		{"date time.Time", AttributeSpec{Type: TypeDate}, time.Date(1970, 1, 11, 23, 59, 59, 9, time.UTC), EncodeInteger(10), false},
		{"bad date refused", AttributeSpec{Type: TypeDate}, "1970-13-01", fr.Element{}, true},
		{"date one-digit month refused", AttributeSpec{Type: TypeDate}, "1970-1-11", fr.Element{}, true},
		{"date with time refused", AttributeSpec{Type: TypeDate}, "1970-01-11T00:00:00Z", fr.Element{}, true},
		{"datetime", AttributeSpec{Type: TypeDateTime}, "1970-01-01T00:01:00Z", EncodeInteger(60), false},
		{"datetime offset", AttributeSpec{Type: TypeDateTime}, "1970-01-01T01:00:00+01:00", EncodeInteger(0), false},
		{"datetime time.Time", AttributeSpec{Type: TypeDateTime}, time.Unix(60, 0), EncodeInteger(60), false},
		{"datetime fraction refused", AttributeSpec{Type: TypeDateTime}, "1970-01-01T00:01:00.5Z", fr.Element{}, true},
		{"datetime zero fraction refused", AttributeSpec{Type: TypeDateTime}, "1970-01-01T00:01:00.000000001Z", fr.Element{}, true},
		{"datetime time.Time fraction refused", AttributeSpec{Type: TypeDateTime}, time.Unix(60, 1), fr.Element{}, true},
		{"datetime no zone refused", AttributeSpec{Type: TypeDateTime}, "1970-01-01T00:01:00", fr.Element{}, true},
		{"bool", AttributeSpec{Type: TypeBoolean}, true, EncodeBool(true), false},
		{"enum", enumSpec, "b", EncodeBool(true), false},
		{"enum unknown refused", enumSpec, "c", fr.Element{}, true},
		{"string invalid utf-8 refused", AttributeSpec{Type: TypeString}, "\xff", fr.Element{}, true},
		{"string too long refused", AttributeSpec{Type: TypeString}, string(bytes.Repeat([]byte("a"), MaxStringBytes+1)), fr.Element{}, true},
		{"unknown type refused", AttributeSpec{Type: 99}, 1, fr.Element{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.spec.Encode(c.v)
			if c.bad {
				if err == nil {
					t.Fatalf("accepted %v", c.v)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(&c.want) {
				t.Fatalf("got %s, want %s", got.String(), c.want.String())
			}
		})
	}

	// Strings: distinct values, lengths and domains give distinct elements.
	s := func(x string) fr.Element {
		e, err := EncodeString(x)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	seen := map[fr.Element]string{}
	long := string(bytes.Repeat([]byte("x"), 31))
	for _, x := range []string{"", "a", "\x00", "\x00\x00", long, long + "\x00", "\x00" + long, "NL", "nl"} {
		e := s(x)
		if prev, ok := seen[e]; ok {
			t.Fatalf("EncodeString(%q) == EncodeString(%q)", x, prev)
		}
		seen[e] = x
	}
	scope, _ := ScopeElement("NL")
	if scope == s("NL") {
		t.Fatal("scope and string attribute share a domain")
	}
	if _, err := EncodeString(string(bytes.Repeat([]byte("a"), MaxStringBytes))); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"integer", "date", "datetime", "boolean", "enum", "string"} {
		typ, err := ParseAttributeType(name)
		if err != nil || typ.String() != name {
			t.Fatalf("ParseAttributeType(%q) = %v, %v", name, typ, err)
		}
	}
	if TypeString.Comparable() || !TypeDate.Comparable() {
		t.Fatal("Comparable is wrong")
	}
}

func TestParseElement(t *testing.T) {
	r := fr.Modulus()
	rm1 := new(big.Int).Sub(r, big.NewInt(1))
	for _, s := range []string{"0", "1", rm1.String(), "0x" + rm1.Text(16), "0x0"} {
		if _, err := ParseElement(s); err != nil {
			t.Errorf("ParseElement(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", r.String(), "0x" + r.Text(16), new(big.Int).Add(r, big.NewInt(5)).String(),
		"-1", "+1", "1_0", "0x", "abc", " 1", "1e3", string(bytes.Repeat([]byte("1"), 81))} {
		if _, err := ParseElement(s); err == nil {
			t.Errorf("ParseElement(%q) accepted", s)
		}
	}
	e, _ := ParseElement("12345")
	if FormatElement(e) != "12345" {
		t.Fatalf("FormatElement = %q", FormatElement(e))
	}
}

func FuzzParseElement(f *testing.F) {
	for _, s := range []string{"0", "0x1f", fr.Modulus().String(), "-0", "1" + fr.Modulus().String()} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseElement(s)
		if err != nil {
			return
		}
		// Accepted values are canonical: decimal output re-parses equal
		// and the integer is below the modulus.
		n, ok := new(big.Int).SetString(FormatElement(e), 10)
		if !ok || n.Cmp(fr.Modulus()) >= 0 {
			t.Fatalf("non-canonical %q", s)
		}
		e2, err := ParseElement(FormatElement(e))
		if err != nil || !e2.Equal(&e) {
			t.Fatalf("round trip of %q failed", s)
		}
	})
}

func TestStatusTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	bits := make([]byte, 1024) // shorter than the tree: padded
	for i := range 40 {
		bits[rng.IntN(len(bits))] |= 1 << (i % 8)
	}
	tree, err := NewStatusTree(bits)
	if err != nil {
		t.Fatal(err)
	}
	// Bit order is the Bitstring Status List's: index 0 is the MSB of byte 0.
	probe, _ := NewStatusTree([]byte{0x80})
	if b, _ := probe.Bit(0); !b {
		t.Fatal("index 0 is not the most significant bit of the first byte")
	}
	if b, _ := probe.Bit(7); b {
		t.Fatal("index 7 set")
	}
	for _, idx := range []uint64{0, 1, 7, 8, 1000, 8191, 8192, MaxStatusBits - 1} {
		path, err := tree.Path(idx)
		if err != nil {
			t.Fatal(err)
		}
		bit, _ := tree.Bit(idx)
		root, _ := StatusRoot(idx, bit, path)
		if want := tree.Root(); !root.Equal(&want) {
			t.Fatalf("index %d: path does not lead to the root", idx)
		}
		wrong, _ := StatusRoot(idx, !bit, path)
		if want := tree.Root(); wrong.Equal(&want) {
			t.Fatalf("index %d: flipped bit leads to the root", idx)
		}
	}
	// Set updates incrementally exactly like a rebuild.
	for _, idx := range []uint64{5, 5, 77_777, MaxStatusBits - 1} {
		b, _ := tree.Bit(idx)
		if err := tree.Set(idx, !b); err != nil {
			t.Fatal(err)
		}
		rebuilt, err := NewStatusTree(tree.Bitstring())
		if err != nil {
			t.Fatal(err)
		}
		if got, want := tree.Root(), rebuilt.Root(); !got.Equal(&want) {
			t.Fatalf("Set(%d): root differs from a rebuild", idx)
		}
	}
	if _, err := NewStatusTree(make([]byte, MaxStatusBits/8+1)); !errors.Is(err, ErrOutOfRange) {
		t.Fatalf("oversize list: %v", err)
	}
	if _, err := tree.Path(MaxStatusBits); err == nil {
		t.Fatal("out-of-range path accepted")
	}
	if err := tree.Set(MaxStatusBits, true); err == nil {
		t.Fatal("out-of-range set accepted")
	}
	// An all-zero tree's root is the zero-subtree root.
	empty, _ := NewStatusTree(nil)
	z := fr.Element{}
	for range TreeDepth {
		z = Compress(z, z)
	}
	if got := empty.Root(); !got.Equal(&z) {
		t.Fatal("empty tree root is not the all-zero root")
	}
}

func TestIssuerKeysAndSignatures(t *testing.T) {
	f := testFixture(t)
	c := f.witness.Credential
	pub := f.issuer.Public()
	if err := pub.Verify(&c, f.witness.Signature); err != nil {
		t.Fatal(err)
	}
	// Encodings round-trip.
	k2, err := ParseIssuerKey(f.issuer.Bytes())
	if err != nil || !k2.Public().Equal(pub) {
		t.Fatalf("ParseIssuerKey: %v", err)
	}
	p2, err := ParseIssuerPublicKey(pub.Bytes())
	if err != nil || !p2.Equal(pub) {
		t.Fatalf("ParseIssuerPublicKey: %v", err)
	}
	s2, err := ParseSignature(f.witness.Signature.Bytes())
	if err != nil || !bytes.Equal(s2.Bytes(), f.witness.Signature.Bytes()) {
		t.Fatalf("ParseSignature: %v", err)
	}
	// Tampering is detected.
	tampered := c
	tampered.Attributes[attrAge] = EncodeInteger(31)
	if err := pub.Verify(&tampered, f.witness.Signature); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered credential: %v", err)
	}
	other, _ := GenerateIssuerKey(nil)
	if err := other.Public().Verify(&c, f.witness.Signature); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("other key: %v", err)
	}
	// Deterministic from the randomness source.
	seed := bytes.Repeat([]byte{7}, 64)
	a, _ := GenerateIssuerKey(bytes.NewReader(seed))
	b, _ := GenerateIssuerKey(bytes.NewReader(seed))
	if !a.Public().Equal(b.Public()) {
		t.Fatal("same seed, different keys")
	}
	if _, err := GenerateIssuerKey(bytes.NewReader([]byte{1})); err == nil {
		t.Fatal("short randomness accepted")
	}

	// Bad public keys: identity, order 2, off curve, outside the subgroup.
	var zero, oneE, minusOne fr.Element
	oneE.SetOne()
	minusOne.Neg(&oneE)
	params := twistededwards.GetEdwardsCurve()
	small := findTorsionMixed(t, &params) // a point of order 8 times a subgroup point
	for name, xy := range map[string][2]fr.Element{
		"identity":  {zero, oneE},
		"order 2":   {zero, minusOne},
		"off curve": {oneE, oneE},
		"mixed":     {small.X, small.Y},
	} {
		if _, err := IssuerPublicKeyFromXY(xy[0], xy[1]); !errors.Is(err, ErrBadKey) {
			t.Errorf("%s key: %v", name, err)
		}
	}
	id := twistededwards.NewPointAffine(zero, oneE)
	idb := id.Bytes()
	if _, err := ParseIssuerPublicKey(idb[:]); !errors.Is(err, ErrBadKey) {
		t.Errorf("identity key bytes: %v", err)
	}
	if _, err := ParseIssuerPublicKey([]byte{1, 2}); !errors.Is(err, ErrBadKey) {
		t.Errorf("short key: %v", err)
	}
	// Signatures with S ≥ ℓ or S = 0 are refused.
	sb := f.witness.Signature.Bytes()
	params.Order.FillBytes(sb[32:])
	if _, err := ParseSignature(sb); !errors.Is(err, ErrBadSignature) {
		t.Errorf("S = ℓ: %v", err)
	}
	clear(sb[32:])
	if _, err := ParseSignature(sb); !errors.Is(err, ErrBadSignature) {
		t.Errorf("S = 0: %v", err)
	}
	// Credential shape.
	bad := c
	bad.StatusIndex = MaxStatusBits
	if _, err := f.issuer.Sign(&bad); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("status index out of range: %v", err)
	}
	bad = c
	bad.ExpiresAt = bad.IssuedAt
	if _, err := f.issuer.Sign(&bad); err == nil {
		t.Error("expiry at issuance accepted")
	}
	// Holder secret, commitment, nullifier.
	s1, _ := NewHolderSecret(nil)
	s2b, _ := NewHolderSecret(nil)
	if s1.Equal(&s2b) || s1.IsZero() {
		t.Fatal("holder secrets not random")
	}
	var scopeA, scopeB fr.Element
	scopeA.SetUint64(1)
	scopeB.SetUint64(2)
	na, nb := Nullifier(s1, scopeA), Nullifier(s1, scopeB)
	if na.Equal(&nb) {
		t.Fatal("nullifiers equal across scopes")
	}
	if n2 := Nullifier(s1, scopeA); !n2.Equal(&na) {
		t.Fatal("nullifier not deterministic")
	}
	if hc := HolderCommitment(s1); hc.Equal(&na) {
		t.Fatal("commitment equals nullifier")
	}
}

// findTorsionMixed returns G + T for a point T of order 2: on the curve, not
// small order, but outside the prime-order subgroup.
func findTorsionMixed(t *testing.T, params *twistededwards.CurveParams) twistededwards.PointAffine {
	t.Helper()
	var zero, minusOne fr.Element
	minusOne.SetOne()
	minusOne.Neg(&minusOne)
	t2 := twistededwards.NewPointAffine(zero, minusOne) // order 2
	var p twistededwards.PointAffine
	p.Add(&params.Base, &t2)
	if !p.IsOnCurve() {
		t.Fatal("G + T2 not on curve")
	}
	return p
}

func TestWitnessNativeChecks(t *testing.T) {
	f := testFixture(t)
	base := f.witness
	if _, err := base.PublicInputs(); err != nil {
		t.Fatal(err)
	}
	revokedTree, _ := NewStatusTree(f.tree.Bitstring())
	_ = revokedTree.Set(fixtureIndex, true)
	otherSecret, _ := NewHolderSecret(nil)
	cases := []struct {
		name string
		mod  func(w *Witness)
		want error
	}{
		{"expired", func(w *Witness) { w.Request.Now = w.Credential.ExpiresAt }, ErrExpired},
		{"not yet valid", func(w *Witness) { w.Request.Now = w.Credential.IssuedAt.Add(-time.Second) }, ErrExpired},
		{"revoked", func(w *Witness) {
			w.Request.StatusRoot = revokedTree.Root()
			w.StatusPath, _ = revokedTree.Path(fixtureIndex)
		}, ErrRevoked},
		{"wrong path", func(w *Witness) { w.StatusPath[3] = one() }, ErrStatusPath},
		{"predicate false", func(w *Witness) {
			w.Request.Predicates[0] = Predicate{Attr: attrAge, Op: OpGt, Operands: []fr.Element{EncodeInteger(30)}}
		}, ErrPredicate},
		{"other schema", func(w *Witness) { w.Request.SchemaID = one() }, ErrMismatch},
		{"other holder secret", func(w *Witness) { w.HolderSecret = otherSecret }, ErrMismatch},
		{"other issuer", func(w *Witness) {
			k, _ := GenerateIssuerKey(nil)
			w.Request.IssuerKey = k.Public()
		}, ErrBadSignature},
		{"ordered operand ≥ 2^64", func(w *Witness) {
			w.Request.Predicates[0] = Predicate{Attr: attrAge, Op: OpGe, Operands: []fr.Element{bigEl(pow2(64))}}
		}, ErrOutOfRange},
		{"too many set members", func(w *Witness) {
			w.Request.Predicates[0] = Predicate{Attr: attrAge, Op: OpInSet, Operands: make([]fr.Element, MaxSetSize+1)}
		}, nil},
		{"attribute index 16", func(w *Witness) {
			w.Request.Predicates[0] = Predicate{Attr: MaxAttributes, Op: OpEq, Operands: []fr.Element{{}}}
		}, ErrOutOfRange},
		{"between with one operand", func(w *Witness) {
			w.Request.Predicates[0] = Predicate{Attr: attrAge, Op: OpBetween, Operands: []fr.Element{{}}}
		}, nil},
		{"unused slot with operands", func(w *Witness) {
			w.Request.Predicates[3] = Predicate{Operands: []fr.Element{{}}}
		}, nil},
		{"no time", func(w *Witness) { w.Request.Now = time.Time{} }, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := base
			w.Request.Predicates = base.Request.Predicates
			c.mod(&w)
			_, err := w.PublicInputs()
			if err == nil {
				t.Fatal("accepted")
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func TestPublicInputsEncoding(t *testing.T) {
	f := testFixture(t)
	pub, err := f.witness.PublicInputs()
	if err != nil {
		t.Fatal(err)
	}
	// Values has the circuit's public-witness order.
	a := f.witness.assignment(pub)
	pw, err := frontend.NewWitness(a, ecc.BN254.ScalarField(), frontend.PublicOnly())
	if err != nil {
		t.Fatal(err)
	}
	gv := pw.Vector().(fr.Vector)
	vals := pub.Values()
	if len(gv) != NbPublicInputs || len(vals) != NbPublicInputs {
		t.Fatalf("%d gnark public values, %d ours, want %d", len(gv), len(vals), NbPublicInputs)
	}
	for i := range gv {
		if gv[i].BigInt(new(big.Int)).Cmp(vals[i]) != 0 {
			t.Fatalf("public input %d differs from gnark's order", i)
		}
	}
	// Values round-trip.
	back, err := ParsePublicInputs(vals)
	if err != nil {
		t.Fatal(err)
	}
	if !equalValues(back.Values(), vals) {
		t.Fatal("ParsePublicInputs(Values()) round trip differs")
	}
	// JSON round-trip.
	js, err := json.Marshal(pub)
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON PublicInputs
	if err := json.Unmarshal(js, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if !equalValues(fromJSON.Values(), vals) {
		t.Fatal("JSON round trip differs")
	}

	// Refusals on the value form.
	r := fr.Modulus()
	mod := func(i int, v *big.Int) []*big.Int {
		out := append([]*big.Int(nil), vals...)
		out[i] = v
		return out
	}
	nowIdx := NbPublicInputs - 6
	slot0 := 4 + MaxAttributes
	for name, v := range map[string][]*big.Int{
		"too few":                   vals[:NbPublicInputs-1],
		"too many":                  append(append([]*big.Int(nil), vals...), big.NewInt(0)),
		"nonce = r":                 mod(NbPublicInputs-2, r),
		"nonce = r + nonce":         mod(NbPublicInputs-2, new(big.Int).Add(r, vals[NbPublicInputs-2])),
		"negative":                  mod(2, big.NewInt(-1)),
		"nil":                       mod(2, nil),
		"mask 2^16":                 mod(3, pow2(16)),
		"revealed outside mask":     mod(4+attrAge, big.NewInt(5)),
		"issuer key off curve":      mod(0, big.NewInt(1)),
		"now = 2^64":                mod(nowIdx, pow2(64)),
		"slot active 2":             mod(slot0, big.NewInt(2)),
		"slot unknown op":           mod(slot0+2, big.NewInt(int64(nbOps))),
		"slot attr 16":              mod(slot0+1, big.NewInt(MaxAttributes)),
		"inactive slot garbage":     mod(slot0+3*(3+MaxSetSize)+3, big.NewInt(1)),
		"comparison extra operand":  mod(slot0+4, big.NewInt(1)),
		"comparison operand ≥ 2^64": mod(slot0+3, pow2(64)),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParsePublicInputs(v); err == nil {
				t.Fatal("accepted")
			}
		})
	}

	// Refusals on the JSON form: a duplicate member (encoding/json would keep
	// the last one).
	dup := bytes.Replace(js, []byte(`"nonce":`), []byte(`"nonce":"1","nonce":`), 1)
	if bytes.Equal(dup, js) {
		t.Fatal("test setup: no nonce member")
	}
	var pd PublicInputs
	if err := json.Unmarshal(dup, &pd); err == nil {
		t.Fatal("duplicate member accepted")
	}
	var obj map[string]any
	if err := json.Unmarshal(js, &obj); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(m map[string]any){
		"unknown field":    func(m map[string]any) { m["extra"] = 1 },
		"case-folded name": func(m map[string]any) { m["Nonce"] = m["nonce"]; delete(m, "nonce") },
		"nested case-folded": func(m map[string]any) {
			p := m["predicates"].([]any)[0].(map[string]any)
			p["OP"] = p["op"]
			delete(p, "op")
		},
		"nonce = r":          func(m map[string]any) { m["nonce"] = r.String() },
		"hex nonce = r":      func(m map[string]any) { m["nonce"] = "0x" + r.Text(16) },
		"revealed too short": func(m map[string]any) { m["revealed"] = m["revealed"].([]any)[:15] },
		"predicates 5":       func(m map[string]any) { m["predicates"] = append(m["predicates"].([]any), m["predicates"].([]any)[0]) },
		"unknown op": func(m map[string]any) {
			m["predicates"].([]any)[0].(map[string]any)["op"] = "approx"
		},
		"revealed outside mask": func(m map[string]any) { m["disclosureMask"] = 1 << attrCountry },
		"bad issuer key":        func(m map[string]any) { m["issuerKey"] = []any{"0", "1"} },
	} {
		t.Run("json "+name, func(t *testing.T) {
			var m map[string]any
			_ = json.Unmarshal(js, &m)
			mutate(m)
			b, _ := json.Marshal(m)
			var p PublicInputs
			if err := json.Unmarshal(b, &p); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func equalValues(a, b []*big.Int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Cmp(b[i]) != 0 {
			return false
		}
	}
	return true
}

func TestOpNames(t *testing.T) {
	for op := OpEq; op < nbOps; op++ {
		got, err := ParseOp(op.String())
		if err != nil || got != op {
			t.Fatalf("ParseOp(%q) = %v, %v", op.String(), got, err)
		}
	}
	if _, err := ParseOp("none"); err == nil {
		t.Fatal("ParseOp accepted none")
	}
}
