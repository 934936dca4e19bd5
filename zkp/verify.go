package zkp

import (
	"errors"
	"fmt"
	"math/bits"

	"github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

// preparedKey holds what the verifier precomputes once per verifying key:
// the Miller-loop lines of the two fixed G2 points −[δ]₂ and −[γ]₂ and the
// target e([α]₁, [β]₂). With them a verification costs one variable
// Miller loop (for the proof's A, B), a fixed-argument Miller loop over
// two G1 points, one final exponentiation and the public-input
// multi-exponentiation; gnark's generic Verify recomputes the G2 line
// functions of δ and γ on every call.
type preparedKey struct {
	k         []bn254.G1Affine            // [K_i]₁, index 0 the constant term
	odd       [][wnafTable]bn254.G1Affine // odd multiples [1, 3, …, 15]·K_i of each K_i, i ≥ 1
	lines     [2][2][len(bn254.LoopCounter)]bn254.LineEvaluationAff
	alphaBeta bn254.GT
}

// prepareKey precomputes a verifying key for verifyPrepared. It refuses
// keys with commitments (the circuit has none) and keys whose number of
// public inputs is not NbPublicInputs.
func prepareKey(vk *groth16bn254.VerifyingKey) (*preparedKey, error) {
	if len(vk.CommitmentKeys) != 0 || len(vk.PublicAndCommitmentCommitted) != 0 {
		return nil, errors.New("verifying key has commitments")
	}
	if len(vk.G1.K) != NbPublicInputs+1 {
		return nil, fmt.Errorf("verifying key has %d public inputs, want %d", len(vk.G1.K)-1, NbPublicInputs)
	}
	var deltaNeg, gammaNeg bn254.G2Affine
	deltaNeg.Neg(&vk.G2.Delta)
	gammaNeg.Neg(&vk.G2.Gamma)
	p := &preparedKey{k: vk.G1.K, odd: oddMultiples(vk.G1.K[1:])}
	p.lines[0] = bn254.PrecomputeLines(deltaNeg)
	p.lines[1] = bn254.PrecomputeLines(gammaNeg)
	e, err := bn254.Pair([]bn254.G1Affine{vk.G1.Alpha}, []bn254.G2Affine{vk.G2.Beta})
	if err != nil {
		return nil, fmt.Errorf("pairing e(α, β): %w", err)
	}
	p.alphaBeta = e
	return p, nil
}

// verify checks the Groth16 equation
//
//	e(A, B) · e(C, −δ) · e(K₀ + Σ xᵢ·Kᵢ, −γ) = e(α, β)
//
// for a proof whose points are known to be in their prime-order subgroups
// (every Proof constructor checks them) and len(pub) = NbPublicInputs
// canonical field elements. Zero inputs (unused slots) are left out of the
// multi-exponentiation; the variable Miller loop for (A, B) runs
// concurrently with it.
func (p *preparedKey) verify(proof *groth16bn254.Proof, pub []fr.Element) error {
	if len(pub) != len(p.k)-1 {
		return fmt.Errorf("got %d public inputs, want %d", len(pub), len(p.k)-1)
	}
	type loop struct {
		f   bn254.GT
		err error
	}
	ab := make(chan loop, 1)
	go func() {
		f, err := bn254.MillerLoop([]bn254.G1Affine{proof.Ar}, []bn254.G2Affine{proof.Bs})
		ab <- loop{f, err}
	}()

	sum := p.msm(pub)
	sum.AddMixed(&p.k[0])
	var k bn254.G1Affine
	k.FromJacobian(&sum)
	// MillerLoopFixedQ scales the lines in place: give it a copy.
	lines := p.lines
	fixed, err := bn254.MillerLoopFixedQ([]bn254.G1Affine{proof.Krs, k}, lines[:])
	r := <-ab
	if err := errors.Join(err, r.err); err != nil {
		return fmt.Errorf("miller loop: %w", err)
	}
	if e := bn254.FinalExponentiation(&fixed, &r.f); !e.Equal(&p.alphaBeta) {
		return errors.New("pairing check failed")
	}
	return nil
}

// wnafWidth is the window of the public-input multi-exponentiation: signed
// odd digits in (−2^(w−1), 2^(w−1)), wnafTable precomputed odd multiples
// per base.
const (
	wnafWidth = 5
	wnafTable = 1 << (wnafWidth - 2)
)

// oddMultiples returns [1, 3, …, 2·wnafTable−1]·P for each base P.
func oddMultiples(bases []bn254.G1Affine) [][wnafTable]bn254.G1Affine {
	jac := make([]bn254.G1Jac, 0, len(bases)*wnafTable)
	for i := range bases {
		var p, twice bn254.G1Jac
		p.FromAffine(&bases[i])
		twice.Double(&p)
		for range wnafTable {
			jac = append(jac, p)
			p.AddAssign(&twice)
		}
	}
	aff := bn254.BatchJacobianToAffineG1(jac)
	out := make([][wnafTable]bn254.G1Affine, len(bases))
	for i := range out {
		copy(out[i][:], aff[i*wnafTable:])
	}
	return out
}

// wnaf recodes a scalar (regular, not Montgomery, limbs) into width-w
// non-adjacent form: digits[i] is 0 or odd in (−2^(w−1), 2^(w−1)) and
// Σ digits[i]·2^i equals the scalar. It returns the number of digits used
// (one more than the position of the highest non-zero digit).
func wnaf(limbs [4]uint64, digits *[fr.Bits + 2]int8) int {
	var k [5]uint64
	copy(k[:], limbs[:])
	const mask = 1<<wnafWidth - 1
	pos, n := 0, 0
	for k != ([5]uint64{}) {
		if z := bits.TrailingZeros64(k[0]); z > 0 {
			shiftRight(&k, uint(z))
			pos += z
			continue
		}
		d := int64(k[0] & mask)
		if d >= 1<<(wnafWidth-1) {
			d -= 1 << wnafWidth
		}
		digits[pos] = int8(d)
		n = pos + 1
		// k -= d leaves the low wnafWidth bits zero.
		if d > 0 {
			k[0] -= uint64(d)
		} else {
			var c uint64
			k[0], c = bits.Add64(k[0], uint64(-d), 0)
			for j := 1; j < len(k) && c != 0; j++ {
				k[j], c = bits.Add64(k[j], 0, c)
			}
		}
		shiftRight(&k, wnafWidth)
		pos += wnafWidth
	}
	return n
}

func shiftRight(k *[5]uint64, s uint) {
	for j := 0; j < len(k)-1; j++ {
		k[j] = k[j]>>s | k[j+1]<<(64-s)
	}
	k[len(k)-1] >>= s
}

// msm returns Σ pub[i]·K_{i+1} by interleaved wNAF (Straus): the digits
// of all non-zero scalars share one chain of doublings, and each non-zero
// digit costs one mixed addition of a precomputed odd multiple. For the
// few dozen mostly short scalars of a proof this is several times faster
// than a bucket (Pippenger) multi-exponentiation.
func (p *preparedKey) msm(pub []fr.Element) bn254.G1Jac {
	var digits [NbPublicInputs][fr.Bits + 2]int8
	var base [NbPublicInputs]int
	n, top := 0, 0
	for i := range pub {
		if pub[i].IsZero() {
			continue
		}
		top = max(top, wnaf(pub[i].Bits(), &digits[n]))
		base[n] = i
		n++
	}
	var acc bn254.G1Jac // zero Z: the point at infinity
	var q bn254.G1Affine
	for pos := top - 1; pos >= 0; pos-- {
		acc.DoubleAssign()
		for j := range n {
			switch d := digits[j][pos]; {
			case d > 0:
				acc.AddMixed(&p.odd[base[j]][d>>1])
			case d < 0:
				q.Neg(&p.odd[base[j]][(-d)>>1])
				acc.AddMixed(&q)
			}
		}
	}
	return acc
}
