package zkp

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
)

// StatusTree is the Poseidon2 Merkle tree over an issuer's Bitstring Status
// List. Leaf i is the raw status bit i (0 or 1, bit order of the W3C
// Bitstring Status List: index 0 is the most significant bit of the first
// byte); each inner node is Compress(left, right). The tree has TreeDepth
// levels and MaxStatusBits leaves; a shorter list is padded with 0 bits, a
// longer one is refused.
//
// Building costs one compression per non-zero subtree node (about 2^16 for a
// random list, a few milliseconds per thousand nodes); all-zero subtrees are
// precomputed. Read methods are safe for concurrent use; Set is not safe for
// concurrent use with anything.
type StatusTree struct {
	perm   *poseidon2.Permutation
	bits   []byte                    // MaxStatusBits/8 bytes
	levels [TreeDepth][]fr.Element   // levels[k] holds the nodes at height k+1
	zeros  [TreeDepth + 1]fr.Element // zeros[k]: root of an all-zero subtree of height k
}

// NewStatusTree builds the tree of a decoded (not compressed) bitstring.
func NewStatusTree(bitstring []byte) (*StatusTree, error) {
	if len(bitstring)*8 > MaxStatusBits {
		return nil, fmt.Errorf("status list of %d bits: %w: the tree holds %d", len(bitstring)*8, ErrOutOfRange, MaxStatusBits)
	}
	t := &StatusTree{
		perm: poseidon2.NewPermutation(poseidonWidth, poseidonFullRounds, poseidonPartialRounds),
		bits: make([]byte, MaxStatusBits/8),
	}
	copy(t.bits, bitstring)
	for k := 0; k < TreeDepth; k++ {
		t.zeros[k+1] = compress(t.perm, t.zeros[k], t.zeros[k])
	}
	// Height 1: each node compresses two bits, so four possible values.
	var one fr.Element
	one.SetOne()
	leafPairs := [4]fr.Element{
		compress(t.perm, fr.Element{}, fr.Element{}), compress(t.perm, fr.Element{}, one),
		compress(t.perm, one, fr.Element{}), compress(t.perm, one, one),
	}
	level := make([]fr.Element, MaxStatusBits/2)
	for j := range level {
		level[j] = leafPairs[t.bit(uint64(2*j))<<1|t.bit(uint64(2*j+1))]
	}
	t.levels[0] = level
	for k := 1; k < TreeDepth; k++ {
		prev := t.levels[k-1]
		level := make([]fr.Element, len(prev)/2)
		for j := range level {
			l, r := &prev[2*j], &prev[2*j+1]
			if l.Equal(&t.zeros[k]) && r.Equal(&t.zeros[k]) {
				level[j] = t.zeros[k+1]
				continue
			}
			level[j] = compress(t.perm, *l, *r)
		}
		t.levels[k] = level
	}
	return t, nil
}

func (t *StatusTree) bit(i uint64) int { return int(t.bits[i/8]>>(7-i%8)) & 1 }

// Root returns the root, the value anchored on chain and used as the
// proof's public StatusRoot.
func (t *StatusTree) Root() fr.Element { return t.levels[TreeDepth-1][0] }

// Bit returns status bit i (true: set, for example revoked).
func (t *StatusTree) Bit(i uint64) (bool, error) {
	if i >= MaxStatusBits {
		return false, fmt.Errorf("status index %d: %w", i, ErrOutOfRange)
	}
	return t.bit(i) == 1, nil
}

// StatusPath is a membership path: the sibling of the leaf and of each inner
// node on the way to the root, leaf level first. The direction at level k is
// bit k of the status index.
type StatusPath [TreeDepth]fr.Element

// Path returns the membership path of leaf i.
func (t *StatusTree) Path(i uint64) (StatusPath, error) {
	var p StatusPath
	if i >= MaxStatusBits {
		return p, fmt.Errorf("status index %d: %w", i, ErrOutOfRange)
	}
	p[0].SetUint64(uint64(t.bit(i ^ 1)))
	for k := 1; k < TreeDepth; k++ {
		p[k] = t.levels[k-1][(i>>k)^1]
	}
	return p, nil
}

// Set sets or clears status bit i and updates the path to the root.
func (t *StatusTree) Set(i uint64, value bool) error {
	if i >= MaxStatusBits {
		return fmt.Errorf("status index %d: %w", i, ErrOutOfRange)
	}
	mask := byte(1) << (7 - i%8)
	if value {
		t.bits[i/8] |= mask
	} else {
		t.bits[i/8] &^= mask
	}
	var l, r fr.Element
	l.SetUint64(uint64(t.bit(i &^ 1)))
	r.SetUint64(uint64(t.bit(i | 1)))
	j := i >> 1
	t.levels[0][j] = compress(t.perm, l, r)
	for k := 1; k < TreeDepth; k++ {
		j >>= 1
		t.levels[k][j] = compress(t.perm, t.levels[k-1][2*j], t.levels[k-1][2*j+1])
	}
	return nil
}

// Bitstring returns a copy of the (padded) bitstring.
func (t *StatusTree) Bitstring() []byte { return append([]byte(nil), t.bits...) }

// StatusRoot recomputes the root from a leaf bit, its index and its path;
// it is the native counterpart of the circuit's membership check.
func StatusRoot(index uint64, bit bool, path StatusPath) (fr.Element, error) {
	if index >= MaxStatusBits {
		return fr.Element{}, fmt.Errorf("status index %d: %w", index, ErrOutOfRange)
	}
	perm := poseidon2.NewPermutation(poseidonWidth, poseidonFullRounds, poseidonPartialRounds)
	node := EncodeBool(bit)
	for k := 0; k < TreeDepth; k++ {
		if index>>k&1 == 1 {
			node = compress(perm, path[k], node)
		} else {
			node = compress(perm, node, path[k])
		}
	}
	return node, nil
}
