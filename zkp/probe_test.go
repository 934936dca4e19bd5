package zkp

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	tedwards "github.com/consensys/gnark-crypto/ecc/twistededwards"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/algebra/native/twistededwards"
	"github.com/consensys/gnark/std/permutation/poseidon2"
)

type probeCircuit struct {
	A, B, C, D frontend.Variable
	which      int
}

func (c *probeCircuit) Define(api frontend.API) error {
	perm, _ := poseidon2.NewPoseidon2FromParameters(api, 2, 6, 50)
	g := gadgets{api: api, perm: perm}
	curve, _ := twistededwards.NewEdCurve(api, tedwards.BN254)
	switch c.which {
	case 0:
		api.AssertIsEqual(perm.Compress(c.A, c.B), c.C)
	case 1:
		api.AssertIsLessOrEqual(c.A, new(big.Int).Sub(curve.Params().Order, big.NewInt(1)))
	case 2:
		p := twistededwards.Point{X: c.A, Y: c.B}
		q := curve.DoubleBaseScalarMul(p, p, c.C, c.D)
		api.AssertIsEqual(q.X, 0)
	case 3:
		api.ToBinary(c.A)
	case 4:
		api.AssertIsEqual(g.hash(tagBig(tagHolder), c.A), c.B)
	case 5:
		p := twistededwards.Point{X: c.A, Y: c.B}
		curve.AssertIsOnCurve(p)
		q := curve.Double(curve.Double(curve.Double(p)))
		api.AssertIsDifferent(q.X, 0)
	case 6:
		api.AssertIsEqual(api.IsZero(c.A), c.B)
	}
	return nil
}

func TestProbeGadgets(t *testing.T) {
	for i, name := range []string{"compress", "S<=l-1", "doubleBaseScalarMul", "ToBinary254", "hash(tag,x)", "oncurve+8A!=0", "IsZero"} {
		ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &probeCircuit{which: i})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-22s %d", name, ccs.GetNbConstraints())
	}
}
