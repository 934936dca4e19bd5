package zkp

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
)

// Poseidon2 parameters shared by the native hasher and the circuit: width 2
// (a 2-to-1 compression), 6 full rounds and 50 partial rounds, the
// gnark-crypto BN254 defaults.
const (
	poseidonWidth         = 2
	poseidonFullRounds    = 6
	poseidonPartialRounds = 50
)

// Domain-separation tags. Each is the big-endian integer of its ASCII name
// (all shorter than 31 bytes, so they are field elements). The "v1" in every
// tag is EncodingVersion: a new encoding gets new tags.
const (
	tagCredential = "chainid/zkp/v1/credential"
	tagHolder     = "chainid/zkp/v1/holder"
	tagNullifier  = "chainid/zkp/v1/nullifier"
	tagString     = "chainid/zkp/v1/string"
	tagSchema     = "chainid/zkp/v1/schema"
	tagScope      = "chainid/zkp/v1/scope"
	tagAudience   = "chainid/zkp/v1/audience"
	tagNonce      = "chainid/zkp/v1/nonce"
)

// tagElement returns the field element of a domain tag.
func tagElement(tag string) fr.Element {
	var e fr.Element
	e.SetBigInt(tagBig(tag))
	return e
}

// tagBig returns the integer of a domain tag, the form the circuit uses.
func tagBig(tag string) *big.Int {
	if len(tag) >= fr.Bytes {
		panic("zkp: domain tag too long") // programmer error
	}
	return new(big.Int).SetBytes([]byte(tag))
}

// Hasher computes the package's hash H: Poseidon2 in Merkle–Damgård mode over
// field elements with a zero initial state, state ← Compress(state, x) for
// each input x. It equals gnark-crypto's poseidon2.NewMerkleDamgardHasher fed
// with 32-byte canonical encodings, and the circuit's hasher. Inputs are not
// length-padded: every use in this package hashes a fixed number of inputs
// behind a distinct domain tag, or includes the length.
//
// A Hasher is not safe for concurrent use; the zero value is not usable, use
// NewHasher.
type Hasher struct {
	perm  *poseidon2.Permutation
	state fr.Element
}

// NewHasher returns a Hasher in its initial state.
func NewHasher() *Hasher {
	return &Hasher{perm: poseidon2.NewPermutation(poseidonWidth, poseidonFullRounds, poseidonPartialRounds)}
}

// Write absorbs field elements.
func (h *Hasher) Write(xs ...fr.Element) {
	for i := range xs {
		h.state = compress(h.perm, h.state, xs[i])
	}
}

// Sum returns the current digest without changing the state.
func (h *Hasher) Sum() fr.Element { return h.state }

// Reset returns the hasher to its initial (zero) state.
func (h *Hasher) Reset() { h.state.SetZero() }

// Hash returns H(xs…), see Hasher.
func Hash(xs ...fr.Element) fr.Element {
	h := NewHasher()
	h.Write(xs...)
	return h.Sum()
}

// Compress is the Poseidon2 2-to-1 compression used for each node of the
// status tree and each step of Hash: with (a', b') = P(a, b) it returns b' + b.
func Compress(left, right fr.Element) fr.Element {
	return compress(poseidon2.NewPermutation(poseidonWidth, poseidonFullRounds, poseidonPartialRounds), left, right)
}

func compress(p *poseidon2.Permutation, left, right fr.Element) fr.Element {
	x := [2]fr.Element{left, right}
	if err := p.Permutation(x[:]); err != nil {
		panic(err) // width is fixed at 2: cannot happen
	}
	x[1].Add(&x[1], &right)
	return x[1]
}
