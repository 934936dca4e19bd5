package zkp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/permutation/poseidon2"
)

// gadgetCircuit compiles one part of Circuit.Define on its own, to measure
// what each gadget costs (bench/run-zk.sh prints these next to circomlib's).
type gadgetCircuit struct {
	C    Circuit
	part string `gnark:"-"`
}

func (c *gadgetCircuit) Define(api frontend.API) error {
	perm, err := poseidon2.NewPoseidon2FromParameters(api, poseidonWidth, poseidonFullRounds, poseidonPartialRounds)
	if err != nil {
		return err
	}
	g := gadgets{api: api, perm: perm}
	k := &c.C
	switch c.part {
	case "credential message hash (incl. holder commitment)":
		msg := []frontend.Variable{tagBig(tagCredential), k.SchemaID}
		msg = append(msg, k.Attributes[:]...)
		msg = append(msg, g.hash(tagBig(tagHolder), k.HolderSecret), k.StatusIndex, k.IssuedAt, k.ExpiresAt)
		api.AssertIsEqual(g.hash(msg...), k.Nonce)
	case "EdDSA verification (incl. challenge hash)":
		return k.verifySignature(g, k.Nonce)
	case "disclosure":
		k.checkDisclosure(g)
	case "predicate slot (each)":
		k.checkPredicate(g, &k.Predicates[0])
	case "validity period":
		k.checkValidity(g)
	case "status path (depth 17)":
		k.checkStatus(g)
	case "nullifier":
		api.AssertIsEqual(k.Nullifier, g.hash(tagBig(tagNullifier), k.HolderSecret, k.Scope))
	case "Poseidon2 compression (one)":
		api.AssertIsEqual(perm.Compress(k.Nonce, k.Audience), k.Scope)
	default:
		return fmt.Errorf("unknown part %q", c.part)
	}
	return nil
}

// gadgetParts lists the parts in the order of the golden file.
var gadgetParts = []string{
	"EdDSA verification (incl. challenge hash)",
	"credential message hash (incl. holder commitment)",
	"status path (depth 17)",
	"predicate slot (each)",
	"validity period",
	"nullifier",
	"disclosure",
	"Poseidon2 compression (one)",
}

// TestGadgetConstraintCounts records the constraint count of each gadget in
// testdata/gadgets.golden (run with -update after changing the circuit).
// The parts add up to the whole circuit within a few constraints.
func TestGadgetConstraintCounts(t *testing.T) {
	var b strings.Builder
	sum := 0
	for _, part := range gadgetParts {
		ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &gadgetCircuit{part: part},
			frontend.IgnoreUnconstrainedInputs())
		if err != nil {
			t.Fatalf("%s: %v", part, err)
		}
		n := ccs.GetNbConstraints()
		fmt.Fprintf(&b, "%s\t%d\n", part, n)
		switch part {
		case "predicate slot (each)":
			sum += MaxPredicates * n
		case "Poseidon2 compression (one)":
		default:
			sum += n
		}
	}
	total := testSystem(t).NbConstraints()
	if d := total - sum; d < -8 || d > 8 {
		t.Errorf("gadgets add up to %d, the circuit has %d", sum, total)
	}
	got := b.String()
	path := filepath.Join("testdata", "gadgets.golden")
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
		t.Fatalf("gadget constraint counts changed (run go test -run Gadget -update if intended):\n got:\n%s\nwant:\n%s", got, want)
	}
}
