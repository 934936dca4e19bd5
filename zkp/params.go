package zkp

import (
	"fmt"
	"strconv"
)

// Circuit sizes. They are compile-time constants: changing any of them changes
// the circuit, its constraint count and therefore its keys, which must then be
// regenerated (and a new ceremony run for production keys).
//
// Cost of raising them, measured on the default circuit (15,852
// constraints, just below the 2^14 FFT domain: see doc.go):
//   - MaxAttributes: one Poseidon2 compression (187 constraints) in the
//     message hash, 1 disclosure constraint, one more multiplexer input per
//     predicate slot (about 1 constraint each), one more public input.
//   - MaxPredicates: 392 constraints per slot (64-bit range checks of the
//     value and both bounds, two 65-bit comparisons, equality and
//     set-membership tests) plus 11 public inputs: off chain, a non-zero
//     input costs a few mixed additions (small values) to about 42 (field
//     elements) in Verify; on chain each costs an ecMul and ecAdd (about
//     6,300 gas).
//   - MaxSetSize: one multiplication per extra member and one more public
//     input per slot.
//   - TreeDepth: 189 constraints per level (a compression and two
//     selections); each level doubles the maximum status-list length.
const (
	// MaxAttributes is the number of attribute slots in a credential; unused
	// slots hold 0.
	MaxAttributes = 16
	// MaxPredicates is the number of predicate slots in a proof request.
	MaxPredicates = 4
	// MaxSetSize is the number of operands of a predicate slot: the largest
	// set for OpInSet and OpNotInSet.
	MaxSetSize = 8
	// TreeDepth is the depth of the status Merkle tree: it covers status lists
	// of up to 2^TreeDepth bits (131,072, the Bitstring Status List minimum).
	TreeDepth = 17
	// MaxStatusBits is the number of leaves of the status tree.
	MaxStatusBits = 1 << TreeDepth

	// ComparableBits is the bit width of values that can be ordered
	// (OpLt, OpLe, OpGt, OpGe, OpBetween) and of the times compared for
	// expiry: both operands are range-checked to this width in the circuit
	// before they are compared, so comparisons cannot wrap around the field.
	ComparableBits = 64

	// NbPublicInputs is the number of public inputs of the circuit, in the
	// order of PublicInputs.Values.
	NbPublicInputs = 2 + 1 + 1 + MaxAttributes + MaxPredicates*(3+MaxSetSize) + 6
)

// Op is a predicate operator. The numeric values are part of the public
// inputs and of the circuit: do not renumber.
type Op uint8

// Predicate operators.
const (
	// OpNone marks an inactive predicate slot.
	OpNone Op = iota
	// OpEq holds when the attribute equals Operands[0].
	OpEq
	// OpNe holds when the attribute differs from Operands[0].
	OpNe
	// OpLt holds when attribute < Operands[0] (comparable values only).
	OpLt
	// OpLe holds when attribute ≤ Operands[0] (comparable values only).
	OpLe
	// OpGt holds when attribute > Operands[0] (comparable values only).
	OpGt
	// OpGe holds when attribute ≥ Operands[0] (comparable values only).
	OpGe
	// OpBetween holds when Operands[0] ≤ attribute ≤ Operands[1]
	// (comparable values only).
	OpBetween
	// OpInSet holds when the attribute equals one of 1 to MaxSetSize operands.
	OpInSet
	// OpNotInSet holds when the attribute equals none of 1 to MaxSetSize
	// operands.
	OpNotInSet

	nbOps = iota
)

var opNames = [nbOps]string{"none", "eq", "ne", "lt", "le", "gt", "ge", "between", "in", "notin"}

// String returns the operator's short name ("eq", "lt", "in", …).
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "op(" + strconv.Itoa(int(o)) + ")"
}

// ParseOp parses the short name returned by String.
func ParseOp(s string) (Op, error) {
	for i, n := range opNames {
		if n == s && i != 0 {
			return Op(i), nil
		}
	}
	return OpNone, fmt.Errorf("unknown predicate operator %q", s)
}

// comparison reports whether the operator orders values.
func (o Op) comparison() bool { return o >= OpLt && o <= OpBetween }

// set reports whether the operator tests set membership.
func (o Op) set() bool { return o == OpInSet || o == OpNotInSet }
