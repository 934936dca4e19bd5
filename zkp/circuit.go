package zkp

import (
	"fmt"
	"math/big"

	tedwards "github.com/consensys/gnark-crypto/ecc/twistededwards"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra/native/twistededwards"
	"github.com/consensys/gnark/std/hash"
	"github.com/consensys/gnark/std/permutation/poseidon2"
)

// PredicateSlot holds the public inputs of one predicate slot.
type PredicateSlot struct {
	// Active is 1 when the slot holds a predicate, else 0 (and all other
	// fields are 0).
	Active frontend.Variable `gnark:",public"`
	// Attr is the index of the tested attribute, in [0, MaxAttributes).
	Attr frontend.Variable `gnark:",public"`
	// Op is the operator code (see Op).
	Op frontend.Variable `gnark:",public"`
	// Operands: Operands[0] for comparisons, [0] and [1] for OpBetween, up
	// to MaxSetSize set members (padded by repeating the first) for sets.
	Operands [MaxSetSize]frontend.Variable `gnark:",public"`
}

// Circuit is the one generic credential-presentation circuit (Groth16 on
// BN254). Field order defines the order of the public inputs; do not
// reorder. See the package documentation for the statement it proves.
type Circuit struct {
	// Public inputs.
	IssuerKeyX     frontend.Variable                `gnark:",public"`
	IssuerKeyY     frontend.Variable                `gnark:",public"`
	SchemaID       frontend.Variable                `gnark:",public"`
	DisclosureMask frontend.Variable                `gnark:",public"`
	Revealed       [MaxAttributes]frontend.Variable `gnark:",public"`
	Predicates     [MaxPredicates]PredicateSlot     `gnark:",public"`
	Now            frontend.Variable                `gnark:",public"`
	StatusRoot     frontend.Variable                `gnark:",public"`
	Nullifier      frontend.Variable                `gnark:",public"`
	Scope          frontend.Variable                `gnark:",public"`
	Nonce          frontend.Variable                `gnark:",public"`
	Audience       frontend.Variable                `gnark:",public"`

	// Private inputs (the witness).
	Attributes   [MaxAttributes]frontend.Variable
	HolderSecret frontend.Variable
	StatusIndex  frontend.Variable
	StatusPath   [TreeDepth]frontend.Variable
	IssuedAt     frontend.Variable
	ExpiresAt    frontend.Variable
	SignatureRX  frontend.Variable
	SignatureRY  frontend.Variable
	SignatureS   frontend.Variable
}

// gadgets bundles the API with the Poseidon2 permutation.
type gadgets struct {
	api  frontend.API
	perm *poseidon2.Permutation
}

// hash returns H(xs…), the circuit counterpart of Hash.
func (g gadgets) hash(xs ...frontend.Variable) frontend.Variable {
	h := hash.NewMerkleDamgardHasher(g.api, g.perm, 0)
	h.Write(xs...)
	return h.Sum()
}

// rangeCheck constrains v to [0, 2^ComparableBits).
func (g gadgets) rangeCheck(v frontend.Variable) {
	g.api.ToBinary(v, ComparableBits)
}

// less returns 1 if a < b else 0, for a and b already range-checked to
// ComparableBits bits: a - b + 2^64 then lies in [1, 2^65) and its top bit
// is 1 exactly when a ≥ b.
func (g gadgets) less(a, b frontend.Variable) frontend.Variable {
	shift := new(big.Int).Lsh(big.NewInt(1), ComparableBits)
	bits := g.api.ToBinary(g.api.Add(g.api.Sub(a, b), shift), ComparableBits+1)
	return g.api.Sub(1, bits[ComparableBits])
}

// Define declares the circuit's constraints.
func (c *Circuit) Define(api frontend.API) error {
	perm, err := poseidon2.NewPoseidon2FromParameters(api, poseidonWidth, poseidonFullRounds, poseidonPartialRounds)
	if err != nil {
		return fmt.Errorf("poseidon2: %w", err)
	}
	g := gadgets{api: api, perm: perm}

	// The issuer signed the credential message, which commits to the holder
	// secret the prover knows.
	commitment := g.hash(tagBig(tagHolder), c.HolderSecret)
	msg := []frontend.Variable{tagBig(tagCredential), c.SchemaID}
	msg = append(msg, c.Attributes[:]...)
	msg = append(msg, commitment, c.StatusIndex, c.IssuedAt, c.ExpiresAt)
	if err := c.verifySignature(g, g.hash(msg...)); err != nil {
		return err
	}

	c.checkDisclosure(g)
	for i := range c.Predicates {
		c.checkPredicate(g, &c.Predicates[i])
	}
	c.checkValidity(g)
	c.checkStatus(g)

	// The nullifier is derived from the committed secret and the scope.
	api.AssertIsEqual(c.Nullifier, g.hash(tagBig(tagNullifier), c.HolderSecret, c.Scope))

	// Nonce and audience must take part in a constraint: a public input that
	// appears in none has a zero verifying-key term and could be changed
	// after proving. Squaring each gives it its own non-zero term, so a
	// proof verifies only with the nonce and audience it was made for.
	_ = api.Mul(c.Nonce, c.Nonce)
	_ = api.Mul(c.Audience, c.Audience)
	return nil
}

// verifySignature checks the issuer's EdDSA signature (R, S) on m: the key
// and R are on the curve, the key is not of small order, S < ℓ (so S + ℓ is
// not a second encoding of the same signature), and
// [8]([S]G - [H(R, A, m)]A - R) is the identity.
//
// S is decomposed once into ⌈log2 ℓ⌉ = 251 bits, which both bounds it and
// feeds the double-base scalar multiplication; S ≤ ℓ-1 then follows from
// ℓ-1-S also fitting in 251 bits (a negative difference wraps to at least
// r - 2^251 > 2^251). This is about 680 constraints cheaper than
// AssertIsLessOrEqual plus gnark's DoubleBaseScalarMul, which decomposes
// S a second time.
func (c *Circuit) verifySignature(g gadgets, m frontend.Variable) error {
	api := g.api
	curve, err := twistededwards.NewEdCurve(api, tedwards.BN254)
	if err != nil {
		return fmt.Errorf("twisted Edwards curve: %w", err)
	}
	params := curve.Params()
	a := twistededwards.Point{X: c.IssuerKeyX, Y: c.IssuerKeyY}
	r := twistededwards.Point{X: c.SignatureRX, Y: c.SignatureRY}
	curve.AssertIsOnCurve(a)
	curve.AssertIsOnCurve(r)
	// Small-order points (the identity among them) become the identity
	// (0, 1) when multiplied by the cofactor 8: refuse x = 0 there.
	a8 := curve.Double(curve.Double(curve.Double(a)))
	api.AssertIsDifferent(a8.X, 0)

	ellMinusOne := new(big.Int).Sub(params.Order, big.NewInt(1))
	ellBits := params.Order.BitLen()
	sBits := api.ToBinary(c.SignatureS, ellBits)
	api.ToBinary(api.Sub(ellMinusOne, c.SignatureS), ellBits)

	hram := g.hash(r.X, r.Y, a.X, a.Y, m)
	hBits := api.ToBinary(hram) // full width, with the canonical (< r) check

	// [S]G + [h](-A) by Shamir's trick: one doubling and one addition of
	// 0, G, -A or G-A per bit, most significant first.
	base := twistededwards.Point{X: params.Base[0], Y: params.Base[1]}
	negA := curve.Neg(a)
	both := curve.Add(base, negA)
	bit := func(bits []frontend.Variable, i int) frontend.Variable {
		if i < len(bits) {
			return bits[i]
		}
		return 0
	}
	pick := func(i int) twistededwards.Point {
		bs, bh := bit(sBits, i), bit(hBits, i)
		return twistededwards.Point{
			X: api.Lookup2(bs, bh, 0, base.X, negA.X, both.X),
			Y: api.Lookup2(bs, bh, 1, base.Y, negA.Y, both.Y),
		}
	}
	n := max(len(sBits), len(hBits))
	q := pick(n - 1)
	for i := n - 2; i >= 0; i-- {
		q = curve.Add(curve.Double(q), pick(i))
	}

	q = curve.Add(curve.Neg(q), r)
	q = curve.Double(curve.Double(curve.Double(q)))
	api.AssertIsEqual(q.X, 0)
	api.AssertIsEqual(q.Y, 1)
	return nil
}

// checkDisclosure constrains Revealed[i] = mask bit i × Attributes[i]:
// disclosed slots equal the signed values and undisclosed ones are 0.
func (c *Circuit) checkDisclosure(g gadgets) {
	api := g.api
	mask := api.ToBinary(c.DisclosureMask, MaxAttributes)
	for i := range c.Attributes {
		api.AssertIsEqual(c.Revealed[i], api.Mul(mask[i], c.Attributes[i]))
	}
}

// checkPredicate constrains one predicate slot: inactive slots have Op = 0;
// an active slot's operator is one of OpEq … OpNotInSet and holds for the
// selected attribute. Ordered operators range-check the attribute and both
// bounds to ComparableBits bits before comparing them.
func (c *Circuit) checkPredicate(g gadgets, p *PredicateSlot) {
	api := g.api
	// Active ≠ 1 forces Op = 0. With the final check holds = Active (holds
	// is 0 or 1, and 0 for Op = 0 or an unknown code) this makes Active
	// boolean, an active slot's operator known and true, and an inactive
	// slot's Op 0.
	api.AssertIsEqual(api.Mul(api.Sub(1, p.Active), p.Op), 0)

	// Select the attribute: Attr < 16 by its 4-bit decomposition, then a
	// binary multiplexer tree.
	sel := api.ToBinary(p.Attr, bitLen(MaxAttributes-1))
	layer := append([]frontend.Variable(nil), c.Attributes[:]...)
	for _, b := range sel {
		next := make([]frontend.Variable, (len(layer)+1)/2)
		for j := range next {
			if 2*j+1 < len(layer) {
				next[j] = api.Select(b, layer[2*j+1], layer[2*j])
			} else {
				next[j] = api.Select(b, 0, layer[2*j])
			}
		}
		layer = next
	}
	v := layer[0]

	// One-hot decoding of the operator (all 0 for Op = 0 or unknown codes).
	var is [nbOps]frontend.Variable
	for op := OpEq; op < nbOps; op++ {
		is[op] = api.IsZero(api.Sub(p.Op, int(op)))
	}

	// Ordered comparisons, on range-checked values. For other operators the
	// compared values are forced to 0, so strings can still be tested for
	// equality and membership.
	isCmp := api.Add(is[OpLt], is[OpLe], is[OpGt], is[OpGe], is[OpBetween])
	cv := api.Mul(isCmp, v)
	c0 := api.Mul(isCmp, p.Operands[0])
	c1 := api.Mul(is[OpBetween], p.Operands[1])
	g.rangeCheck(cv)
	g.rangeCheck(c0)
	g.rangeCheck(c1)
	lt0 := g.less(cv, c0)                        // v < o0
	eq0 := api.IsZero(api.Sub(v, p.Operands[0])) // v = o0
	le1 := g.less(cv, api.Add(c1, 1))            // v ≤ o1 (o1 + 1 ≤ 2^64 still compares)

	// Set membership: the product of differences is 0 iff v is a member.
	prod := frontend.Variable(1)
	for _, s := range p.Operands {
		prod = api.Mul(prod, api.Sub(v, s))
	}
	in := api.IsZero(prod)

	results := [nbOps]frontend.Variable{
		OpEq:       eq0,
		OpNe:       api.Sub(1, eq0),
		OpLt:       lt0,
		OpLe:       api.Add(lt0, eq0),
		OpGt:       api.Sub(1, api.Add(lt0, eq0)),
		OpGe:       api.Sub(1, lt0),
		OpBetween:  api.Mul(api.Sub(1, lt0), le1),
		OpInSet:    in,
		OpNotInSet: api.Sub(1, in),
	}
	holds := frontend.Variable(0)
	for op := OpEq; op < nbOps; op++ {
		holds = api.Add(holds, api.Mul(is[op], results[op]))
	}
	api.AssertIsEqual(holds, p.Active)
}

// checkValidity constrains IssuedAt ≤ Now < ExpiresAt. IssuedAt and
// ExpiresAt are range-checked to ComparableBits bits; then Now - IssuedAt
// and ExpiresAt - 1 - Now in [0, 2^64) bound Now to [IssuedAt, ExpiresAt)
// as integers (a Now outside that interval makes one difference wrap to
// a value ≥ r - 2^65), so Now needs no range check of its own.
func (c *Circuit) checkValidity(g gadgets) {
	api := g.api
	g.rangeCheck(c.IssuedAt)
	g.rangeCheck(c.ExpiresAt)
	g.rangeCheck(api.Sub(c.Now, c.IssuedAt))
	g.rangeCheck(api.Sub(api.Sub(c.ExpiresAt, c.Now), 1))
}

// checkStatus constrains the leaf at StatusIndex (< 2^TreeDepth) of the
// status tree under StatusRoot to be 0.
func (c *Circuit) checkStatus(g gadgets) {
	api := g.api
	dir := api.ToBinary(c.StatusIndex, TreeDepth)
	node := frontend.Variable(0)
	for k := range TreeDepth {
		left := api.Select(dir[k], c.StatusPath[k], node)
		right := api.Select(dir[k], node, c.StatusPath[k])
		node = g.perm.Compress(left, right)
	}
	api.AssertIsEqual(node, c.StatusRoot)
}

// bitLen returns the number of bits of n (at least 1).
func bitLen(n int) int { return max(1, big.NewInt(int64(n)).BitLen()) }
