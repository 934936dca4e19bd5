package zkp

import (
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// solved reports whether an assignment satisfies the circuit, checked both
// with gnark's test engine and with the solver of the compiled R1CS; the
// two must agree.
func solved(t *testing.T, a *Circuit) bool {
	t.Helper()
	engineErr := test.IsSolved(&Circuit{}, a, ecc.BN254.ScalarField())
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatalf("witness: %v", err)
	}
	_, solveErr := testSystem(t).ccs.Solve(w)
	if (engineErr == nil) != (solveErr == nil) {
		t.Fatalf("test engine (%v) and R1CS solver (%v) disagree", engineErr, solveErr)
	}
	return solveErr == nil
}

// setSlot assigns predicate slot k from p without any validation.
func setSlot(a *Circuit, k int, p Predicate) {
	active, attr, op, operands := p.slot()
	s := &a.Predicates[k]
	s.Active, s.Attr, s.Op = active, attr, op
	for i := range operands {
		s.Operands[i] = operands[i]
	}
}

func TestCircuitValidWitness(t *testing.T) {
	if !solved(t, validAssignment(t)) {
		t.Fatal("valid witness does not solve")
	}
	// The same through gnark's CheckCircuit (solver only; proving is
	// covered by TestProveVerify with the package's own keys).
	f := testFixture(t)
	revoked := validAssignment(t)
	tree, _ := NewStatusTree(f.tree.Bitstring())
	_ = tree.Set(fixtureIndex, true)
	revoked.StatusRoot = tree.Root()
	test.NewAssert(t).CheckCircuit(&Circuit{},
		test.WithValidAssignment(validAssignment(t)),
		test.WithInvalidAssignment(revoked),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.NoProverChecks(), test.NoSerializationChecks(), test.NoFuzzing())
}

func TestCircuitPredicates(t *testing.T) {
	i := EncodeInteger
	maxU64 := bigEl(new(big.Int).Sub(pow2(64), big.NewInt(1)))
	two64 := bigEl(pow2(64))
	rm1 := bigEl(rMinus1())
	ops := func(xs ...fr.Element) []fr.Element { return xs }
	nl, _ := EncodeString("NL")
	de, _ := EncodeString("DE")
	cases := []struct {
		name string
		p    Predicate
		want bool
	}{
		{"eq true", Predicate{attrAge, OpEq, ops(i(30))}, true},
		{"eq false", Predicate{attrAge, OpEq, ops(i(31))}, false},
		{"ne true", Predicate{attrAge, OpNe, ops(i(31))}, true},
		{"ne false", Predicate{attrAge, OpNe, ops(i(30))}, false},
		{"lt true", Predicate{attrAge, OpLt, ops(i(31))}, true},
		{"lt false at boundary", Predicate{attrAge, OpLt, ops(i(30))}, false},
		{"le true at boundary", Predicate{attrAge, OpLe, ops(i(30))}, true},
		{"le false", Predicate{attrAge, OpLe, ops(i(29))}, false},
		{"gt true", Predicate{attrAge, OpGt, ops(i(29))}, true},
		{"gt false at boundary", Predicate{attrAge, OpGt, ops(i(30))}, false},
		{"ge true at boundary", Predicate{attrAge, OpGe, ops(i(30))}, true},
		{"ge false", Predicate{attrAge, OpGe, ops(i(31))}, false},
		{"between true single point", Predicate{attrAge, OpBetween, ops(i(30), i(30))}, true},
		{"between false above", Predicate{attrAge, OpBetween, ops(i(31), i(40))}, false},
		{"between false below", Predicate{attrAge, OpBetween, ops(i(20), i(29))}, false},
		{"in true", Predicate{attrAge, OpInSet, ops(i(1), i(2), i(30))}, true},
		{"in false", Predicate{attrAge, OpInSet, ops(i(1), i(2))}, false},
		{"in full set true", Predicate{attrAge, OpInSet, ops(i(1), i(2), i(3), i(4), i(5), i(6), i(7), i(30))}, true},
		{"notin true", Predicate{attrAge, OpNotInSet, ops(i(1), i(2))}, true},
		{"notin false", Predicate{attrAge, OpNotInSet, ops(i(30))}, false},
		{"signed lt negative", Predicate{attrScore, OpLt, ops(i(0))}, true},
		{"signed gt negative false", Predicate{attrScore, OpGt, ops(i(-5))}, false},
		{"string eq", Predicate{attrCountry, OpEq, ops(nl)}, true},
		{"string ne", Predicate{attrCountry, OpNe, ops(de)}, true},
		{"string notin", Predicate{attrCountry, OpNotInSet, ops(de)}, true},
		{"string in false", Predicate{attrCountry, OpInSet, ops(de)}, false},
		{"string cannot be ordered", Predicate{attrCountry, OpGe, ops(i(0))}, false},
		// Range boundaries: 2^64-1 compares, 2^64 and r-1 do not.
		{"2^64-1 ge 2^64-1", Predicate{attrMax, OpGe, ops(maxU64)}, true},
		{"2^64-1 le 2^64-1", Predicate{attrMax, OpLe, ops(maxU64)}, true},
		{"2^64-1 lt 2^64-1 false", Predicate{attrMax, OpLt, ops(maxU64)}, false},
		{"2^64-1 between 0 and 2^64-1", Predicate{attrMax, OpBetween, ops(fr.Element{}, maxU64)}, true},
		{"2^64 ge 0 refused", Predicate{attrTooBig, OpGe, ops(fr.Element{})}, false},
		{"2^64 le 2^64-1 refused", Predicate{attrTooBig, OpLe, ops(maxU64)}, false},
		{"2^64 gt 2^64-1 refused", Predicate{attrTooBig, OpGt, ops(maxU64)}, false},
		{"2^64 eq 2^64 fine", Predicate{attrTooBig, OpEq, ops(two64)}, true},
		{"r-1 gt 0 refused", Predicate{attrRMinus1, OpGt, ops(fr.Element{})}, false},
		{"r-1 lt 0 refused", Predicate{attrRMinus1, OpLt, ops(fr.Element{})}, false},
		{"r-1 le 0 refused", Predicate{attrRMinus1, OpLe, ops(fr.Element{})}, false},
		{"operand r-1 in lt refused", Predicate{attrAge, OpLt, ops(rm1)}, false},
		{"operand r-1 in gt refused", Predicate{attrAge, OpGt, ops(rm1)}, false},
		{"operand 2^64 in lt refused", Predicate{attrAge, OpLt, ops(two64)}, false},
		{"between upper bound r-1 refused", Predicate{attrAge, OpBetween, ops(i(0), rm1)}, false},
		{"between upper bound 2^64 refused", Predicate{attrAge, OpBetween, ops(i(0), two64)}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validAssignment(t)
			setSlot(a, 3, c.p)
			if got := solved(t, a); got != c.want {
				t.Fatalf("solved = %v, want %v", got, c.want)
			}
			// The native evaluation agrees with the circuit.
			v := testFixture(t).witness.Credential.Attributes[c.p.Attr]
			if got := c.p.Holds(v); got != c.want {
				t.Fatalf("native Holds = %v, want %v", got, c.want)
			}
		})
	}
}

func TestCircuitPredicateSlotShape(t *testing.T) {
	cases := []struct {
		name string
		mod  func(s *PredicateSlot)
	}{
		{"inactive with op", func(s *PredicateSlot) { s.Active, s.Op = 0, int(OpEq) }},
		{"active without op", func(s *PredicateSlot) { s.Active, s.Op = 1, 0 }},
		{"active flag 2", func(s *PredicateSlot) { s.Active, s.Op, s.Operands[0] = 2, int(OpNe), 7 }},
		{"unknown op", func(s *PredicateSlot) { s.Active, s.Op = 1, int(nbOps) }},
		{"inactive with unknown op", func(s *PredicateSlot) { s.Active, s.Op = 0, int(nbOps) }},
		{"inactive with false predicate", func(s *PredicateSlot) { s.Active, s.Op, s.Operands[0] = 0, int(OpEq), 0 }},
		{"attribute index 16", func(s *PredicateSlot) {
			s.Active, s.Op, s.Attr, s.Operands[0] = 1, int(OpEq), MaxAttributes, 0
		}},
		{"attribute index r-1", func(s *PredicateSlot) {
			s.Active, s.Op, s.Attr, s.Operands[0] = 1, int(OpEq), rMinus1(), 0
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validAssignment(t)
			c.mod(&a.Predicates[3])
			if solved(t, a) {
				t.Fatal("malformed predicate slot solves")
			}
		})
	}
}

func TestCircuitInvalidWitnesses(t *testing.T) {
	f := testFixture(t)
	w := f.witness
	cred := w.Credential
	params := twistededwards.GetEdwardsCurve()

	other, err := GenerateIssuerKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	otherSig, err := other.Sign(&cred)
	if err != nil {
		t.Fatal(err)
	}
	revokedTree, _ := NewStatusTree(f.tree.Bitstring())
	_ = revokedTree.Set(fixtureIndex, true)
	revokedPath, _ := revokedTree.Path(fixtureIndex)

	// forge returns a "signature" that verifies for any message under a
	// small-order key A: with R = [s]G and S = s, [S]G - [h]A - R has
	// small order and vanishes after the cofactor multiplication.
	forge := func(a *Circuit, x, y fr.Element) {
		s := big.NewInt(123456789)
		var r twistededwards.PointAffine
		r.ScalarMultiplication(&params.Base, s)
		a.IssuerKeyX, a.IssuerKeyY = x, y
		a.SignatureRX, a.SignatureRY, a.SignatureS = r.X, r.Y, s
	}
	var zero, one, minusOne fr.Element
	one.SetOne()
	minusOne.Neg(&one)

	// useAlias re-signs the credential with a key whose signature has an
	// in-range alias and assigns the alias as S.
	useAlias := func(a *Circuit, which int) {
		pk, sig, alias := signWithAlias(t, &cred, which)
		a.IssuerKeyX, a.IssuerKeyY = pk.XY()
		a.SignatureRX, a.SignatureRY, a.SignatureS = sig.r.X, sig.r.Y, alias
	}
	enc := func(t time.Time) fr.Element { return EncodeTime(t) }
	cases := []struct {
		name string
		mod  func(a *Circuit)
	}{
		// Signature.
		{"signature S+1", func(a *Circuit) {
			a.SignatureS = new(big.Int).Add(a.SignatureS.(*big.Int), big.NewInt(1))
		}},
		{"signature S+ℓ (malleability)", func(a *Circuit) { useAlias(a, aliasPlusEll) }},
		{"signature r-k ≡ S mod ℓ (malleability)", func(a *Circuit) { useAlias(a, aliasNegative) }},
		{"signature S = 2^251", func(a *Circuit) { a.SignatureS = pow2(251) }},
		{"signature R altered", func(a *Circuit) { a.SignatureRX = one }},
		{"other issuer's key", func(a *Circuit) { a.IssuerKeyX, a.IssuerKeyY = other.Public().XY() }},
		{"other issuer's key and signature", func(a *Circuit) {
			a.IssuerKeyX, a.IssuerKeyY = other.Public().XY()
			_ = otherSig
			a.SignatureRX, a.SignatureRY, a.SignatureS = otherSig.r.X, otherSig.r.Y, new(big.Int).Set(&otherSig.s)
			a.Attributes[attrAge] = EncodeInteger(31)
		}},
		{"identity issuer key (forgery)", func(a *Circuit) { forge(a, zero, one) }},
		{"order-2 issuer key (forgery)", func(a *Circuit) { forge(a, zero, minusOne) }},
		{"issuer key off curve", func(a *Circuit) { a.IssuerKeyX = one }},
		{"tampered private attribute", func(a *Circuit) { a.Attributes[attrMember] = EncodeBool(false) }},
		{"tampered schema id", func(a *Circuit) { a.SchemaID = one }},
		{"tampered issuance time", func(a *Circuit) { a.IssuedAt = enc(cred.IssuedAt.Add(-time.Hour)) }},
		{"tampered expiry", func(a *Circuit) { a.ExpiresAt = NeverExpires() }},
		{"tampered status index", func(a *Circuit) { a.StatusIndex = fixtureIndex + 2 }},
		// Disclosure.
		{"revealed value mismatch", func(a *Circuit) { a.Revealed[attrCountry] = one }},
		{"revealed value outside mask", func(a *Circuit) { a.Revealed[attrAge] = cred.Attributes[attrAge] }},
		{"mask bit dropped, value kept", func(a *Circuit) { a.DisclosureMask = 1 << attrLevel }},
		{"mask ≥ 2^16", func(a *Circuit) { a.DisclosureMask = 1<<attrCountry | 1<<attrLevel | 1<<MaxAttributes }},
		// Validity period.
		{"expired (now = expiresAt)", func(a *Circuit) { a.Now = enc(cred.ExpiresAt) }},
		{"expired (now > expiresAt)", func(a *Circuit) { a.Now = enc(cred.ExpiresAt.Add(time.Hour)) }},
		{"not yet valid", func(a *Circuit) { a.Now = enc(cred.IssuedAt.Add(-time.Second)) }},
		{"now = 2^64", func(a *Circuit) { a.Now = bigEl(pow2(64)) }},
		{"now = r-1", func(a *Circuit) { a.Now = bigEl(rMinus1()) }},
		// Status.
		{"status bit 1", func(a *Circuit) {
			a.StatusRoot = revokedTree.Root()
			for i := range revokedPath {
				a.StatusPath[i] = revokedPath[i]
			}
		}},
		{"wrong status root", func(a *Circuit) { a.StatusRoot = one }},
		{"wrong Merkle path", func(a *Circuit) { a.StatusPath[5] = one }},
		{"leaf sibling flipped", func(a *Circuit) { a.StatusPath[0] = zero }},
		// Holder binding.
		{"wrong nullifier", func(a *Circuit) { a.Nullifier = one }},
		{"nullifier for another scope", func(a *Circuit) { a.Nullifier = Nullifier(f.secret, one) }},
		{"wrong holder secret", func(a *Circuit) {
			a.HolderSecret = one
			a.Nullifier = Nullifier(one, w.Request.Scope)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validAssignment(t)
			c.mod(a)
			if solved(t, a) {
				t.Fatal("invalid witness solves")
			}
		})
	}

	// Boundaries that must still solve.
	for name, mod := range map[string]func(a *Circuit){
		"now = expiresAt - 1s": func(a *Circuit) { a.Now = enc(cred.ExpiresAt.Add(-time.Second)) },
		"now = issuedAt":       func(a *Circuit) { a.Now = enc(cred.IssuedAt) },
	} {
		t.Run(name, func(t *testing.T) {
			a := validAssignment(t)
			mod(a)
			if !solved(t, a) {
				t.Fatal("valid boundary witness does not solve")
			}
		})
	}
}

// TestSignatureMalleabilityPremise shows the malleability cases above are
// meaningful: the verification equation alone accepts the aliases of S,
// which fit the circuit's 251-bit bounds, and the original (S < ℓ)
// signature solves; only the S < ℓ check refuses the aliases. Natively,
// ParseSignature refuses S ≥ ℓ.
func TestSignatureMalleabilityPremise(t *testing.T) {
	params := twistededwards.GetEdwardsCurve()
	cred := testFixture(t).witness.Credential
	for _, which := range []int{aliasPlusEll, aliasNegative} {
		pk, sig, alias := signWithAlias(t, &cred, which)
		var want, got twistededwards.PointAffine
		want.ScalarMultiplication(&params.Base, &sig.s)
		got.ScalarMultiplication(&params.Base, alias)
		if !got.Equal(&want) || alias.Cmp(fr.Modulus()) >= 0 {
			t.Fatalf("alias %d is not an alias of S", which)
		}
		a := validAssignment(t)
		a.IssuerKeyX, a.IssuerKeyY = pk.XY()
		a.SignatureRX, a.SignatureRY, a.SignatureS = sig.r.X, sig.r.Y, new(big.Int).Set(&sig.s)
		if !solved(t, a) {
			t.Fatal("re-signed credential does not solve")
		}
		if which == aliasPlusEll {
			b := sig.Bytes()
			alias.FillBytes(b[32:])
			if _, err := ParseSignature(b); err == nil {
				t.Fatal("ParseSignature accepted S+ℓ")
			}
		}
	}
}

func TestConstraintCountGolden(t *testing.T) {
	sys := testSystem(t)
	got := fmt.Sprintf("constraints %d\npublic inputs %d\nsecret inputs %d\n",
		sys.NbConstraints(), sys.ccs.GetNbPublicVariables()-1, sys.ccs.GetNbSecretVariables())
	path := filepath.Join("testdata", "constraints.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Fatalf("constraint counts changed (run go test -run Golden -update if intended):\n got: %s\nwant: %s",
			strings.TrimSpace(got), strings.TrimSpace(string(want)))
	}
	if sys.ccs.GetNbPublicVariables()-1 != NbPublicInputs {
		t.Fatalf("NbPublicInputs = %d, circuit has %d", NbPublicInputs, sys.ccs.GetNbPublicVariables()-1)
	}
}

// TestCircuitPredicateBoundaries runs every operator at the range
// boundaries 2^64−1 (the largest comparable value), 2^64 and r−1 (field
// elements an ordered comparison must refuse, whatever the operands: a
// comparison that wrapped around the field would accept some of them),
// false and, where the operator can hold there, true. The circuit and the
// native Predicate.Holds must agree on each.
func TestCircuitPredicateBoundaries(t *testing.T) {
	el := func(n *big.Int) fr.Element { return bigEl(n) }
	sub := func(n *big.Int, k int64) *big.Int { return new(big.Int).Sub(n, big.NewInt(k)) }
	maxU64 := sub(pow2(64), 1)
	values := []struct {
		name string
		attr int
		v    *big.Int
	}{
		{"2^64-1", attrMax, maxU64},
		{"2^64", attrTooBig, pow2(64)},
		{"r-1", attrRMinus1, rMinus1()},
	}
	ops := func(xs ...*big.Int) []fr.Element {
		out := make([]fr.Element, len(xs))
		for i, x := range xs {
			out[i] = el(x)
		}
		return out
	}
	zero := big.NewInt(0)
	type tc struct {
		name string
		p    Predicate
		want bool
	}
	var cases []tc
	for _, v := range values {
		below := sub(v.v, 1)
		add := func(name string, op Op, want bool, operands ...*big.Int) {
			cases = append(cases, tc{v.name + " " + name, Predicate{v.attr, op, ops(operands...)}, want})
		}
		// Equality and membership work on any field element.
		add("eq itself", OpEq, true, v.v)
		add("eq predecessor false", OpEq, false, below)
		add("ne itself false", OpNe, false, v.v)
		add("ne predecessor", OpNe, true, below)
		add("in {0, itself}", OpInSet, true, zero, v.v)
		add("in {0, predecessor} false", OpInSet, false, zero, below)
		add("notin {itself} false", OpNotInSet, false, v.v)
		add("notin {predecessor}", OpNotInSet, true, below)
		comparable := v.v.Cmp(maxU64) <= 0
		// Ordered operators: at 2^64−1 they hold exactly where the integers
		// say; at 2^64 and r−1 they are false even for operands that a
		// wrapped comparison would accept (r−1 ≡ −1 is below 0 mod r, 2^64
		// is above every comparable operand).
		add("lt 2^64-1 false", OpLt, false, maxU64)
		add("lt 0 false", OpLt, false, zero)
		add("le 2^64-1", OpLe, comparable, maxU64)
		add("le 0 false", OpLe, false, zero)
		add("gt 2^64-2", OpGt, comparable, sub(maxU64, 1))
		add("gt 2^64-1 false", OpGt, false, maxU64)
		add("gt 0", OpGt, comparable, zero)
		add("ge 2^64-1", OpGe, comparable, maxU64)
		add("ge 0", OpGe, comparable, zero)
		add("between 0 and 2^64-1", OpBetween, comparable, zero, maxU64)
		add("between 2^64-1 and 2^64-1", OpBetween, comparable, maxU64, maxU64)
		add("between 0 and 2^64-2 false", OpBetween, false, zero, sub(maxU64, 1))
	}
	// Operands at the boundaries, for a small attribute (30).
	for _, o := range []struct {
		name string
		v    *big.Int
	}{{"2^64", pow2(64)}, {"r-1", rMinus1()}} {
		for _, op := range []Op{OpLt, OpLe, OpGt, OpGe} {
			cases = append(cases, tc{"operand " + o.name + " " + op.String() + " false", Predicate{attrAge, op, ops(o.v)}, false})
		}
		cases = append(cases,
			tc{"operand " + o.name + " between lower false", Predicate{attrAge, OpBetween, ops(o.v, maxU64)}, false},
			tc{"operand " + o.name + " between upper false", Predicate{attrAge, OpBetween, ops(zero, o.v)}, false})
	}
	cases = append(cases,
		tc{"operand 2^64-1 lt", Predicate{attrAge, OpLt, ops(maxU64)}, true},
		tc{"operand 2^64-1 gt false", Predicate{attrAge, OpGt, ops(maxU64)}, false})

	attrs := testFixture(t).witness.Credential.Attributes
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.p.Holds(attrs[c.p.Attr]); got != c.want {
				t.Fatalf("native Holds = %v, want %v", got, c.want)
			}
			a := validAssignment(t)
			setSlot(a, 3, c.p)
			if got := solved(t, a); got != c.want {
				t.Fatalf("solved = %v, want %v", got, c.want)
			}
		})
	}
}
