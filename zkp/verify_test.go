package zkp

import (
	"crypto/rand"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// TestWNAF checks the recoding on edge scalars: the digits are odd and
// bounded, non-adjacent within a window, and sum back to the scalar.
func TestWNAF(t *testing.T) {
	var edge []*big.Int
	for _, k := range []uint{0, 1, 4, 5, 63, 64, 65, 127, 128, 191, 192, 252, 253} {
		p := pow2(k)
		edge = append(edge, p, new(big.Int).Sub(p, big.NewInt(1)), new(big.Int).Add(p, big.NewInt(1)))
	}
	edge = append(edge, big.NewInt(0), rMinus1(), new(big.Int).Sub(fr.Modulus(), big.NewInt(2)), big.NewInt(0x7fff_ffff))
	for range 200 {
		x, err := rand.Int(rand.Reader, fr.Modulus())
		if err != nil {
			t.Fatal(err)
		}
		edge = append(edge, x)
	}
	for _, x := range edge {
		var e fr.Element
		e.SetBigInt(x)
		var digits [fr.Bits + 2]int8
		n := wnaf(e.Bits(), &digits)
		sum := new(big.Int)
		last := -wnafWidth
		for i := n - 1; i >= 0; i-- {
			sum.Lsh(sum, 1).Add(sum, big.NewInt(int64(digits[i])))
		}
		for i := range n {
			d := int(digits[i])
			if d == 0 {
				continue
			}
			if d%2 == 0 || d >= 1<<(wnafWidth-1) || d <= -(1<<(wnafWidth-1)) {
				t.Fatalf("%v: digit %d at %d", x, d, i)
			}
			if i-last < wnafWidth {
				t.Fatalf("%v: digits at %d and %d closer than the window", x, last, i)
			}
			last = i
		}
		if sum.Cmp(x) != 0 {
			t.Fatalf("wnaf(%v) sums to %v", x, sum)
		}
	}
}

// TestPreparedMSM compares the verifier's multi-exponentiation with
// gnark-crypto's on scalars that are zero, one, small, 2^64±1, r−1 and
// random, including repeated bases (P + P and P − P).
func TestPreparedMSM(t *testing.T) {
	prep, err := testKeys(t).Verifying.prepared()
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(i int) *big.Int{
		"all zero": func(int) *big.Int { return big.NewInt(0) },
		"all one":  func(int) *big.Int { return big.NewInt(1) },
		"all r-1":  func(int) *big.Int { return rMinus1() },
		"mixed edge": func(i int) *big.Int {
			return []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(15), big.NewInt(16), pow2(64), new(big.Int).Sub(pow2(64), big.NewInt(1)), rMinus1()}[i%7]
		},
		"random": func(int) *big.Int {
			x, _ := rand.Int(rand.Reader, fr.Modulus())
			return x
		},
	}
	for name, gen := range cases {
		t.Run(name, func(t *testing.T) {
			pub := make([]fr.Element, NbPublicInputs)
			for i := range pub {
				pub[i].SetBigInt(gen(i))
			}
			got := prep.msm(pub)
			var want bn254.G1Jac
			if _, err := want.MultiExp(prep.k[1:], pub, ecc.MultiExpConfig{}); err != nil {
				t.Fatal(err)
			}
			var ga, wa bn254.G1Affine
			ga.FromJacobian(&got)
			wa.FromJacobian(&want)
			if !ga.Equal(&wa) {
				t.Fatal("multi-exponentiation differs from gnark-crypto's")
			}
		})
	}
	// A base added to its own negation cancels to the point at infinity.
	var p, q bn254.G1Affine
	p = prep.odd[0][0]
	q.Neg(&p)
	var acc bn254.G1Jac
	acc.AddMixed(&p).AddMixed(&q)
	var a bn254.G1Affine
	if a.FromJacobian(&acc); !a.IsInfinity() {
		t.Fatal("P + (−P) is not the point at infinity")
	}
}
