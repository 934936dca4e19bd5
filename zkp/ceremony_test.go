package zkp

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/permutation/poseidon2"
)

// smallCircuit proves knowledge of a Poseidon2 preimage: a real but small
// (about 190 constraints) circuit for a fast ceremony test.
type smallCircuit struct {
	Digest frontend.Variable `gnark:",public"`
	A, B   frontend.Variable
}

func (c *smallCircuit) Define(api frontend.API) error {
	perm, err := poseidon2.NewPoseidon2FromParameters(api, poseidonWidth, poseidonFullRounds, poseidonPartialRounds)
	if err != nil {
		return err
	}
	api.AssertIsEqual(perm.Compress(c.A, c.B), c.Digest)
	return nil
}

// runCeremony runs a ceremony with two contributors per phase, checks the
// keys' metadata and the transcript, and returns the keys.
func runCeremony(t *testing.T, sys *System) *Keys {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	var steps int
	cfg := CeremonyConfig{Progress: func(CeremonyProgress) { steps++ }}
	start := time.Now()
	c, err := NewCeremony(dir, sys, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		got, err := c.Contribute(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Phase != PhasePowersOfTau || got.Index != i {
			t.Fatalf("contribution = %+v", got)
		}
	}
	if _, err := c.Finalize(ctx, []byte("beacon-0123456789")); err == nil {
		t.Fatal("Finalize during phase 1 accepted")
	}
	if err := c.ClosePhase1(ctx, []byte("short")); err == nil {
		t.Fatal("short beacon accepted")
	}
	if err := c.ClosePhase1(ctx, []byte("phase-1 beacon: block 0xabc")); err != nil {
		t.Fatal(err)
	}
	t.Logf("phase 1 closed after %v", time.Since(start))
	// Reopen from disk, as another participant's process would.
	if c, err = NewCeremony(dir, sys, cfg); err != nil {
		t.Fatal(err)
	}
	var last Contribution
	for i := range 2 {
		if last, err = c.Contribute(ctx); err != nil {
			t.Fatal(err)
		}
		if last.Phase != PhaseCircuit || last.Index != i {
			t.Fatalf("contribution = %+v", last)
		}
	}
	keys, err := c.Finalize(ctx, []byte("phase-2 beacon: block 0xdef"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("finalized after %v", time.Since(start))
	if keys.Info.Origin != OriginCeremony || keys.Info.DevelopmentOnly || keys.Info.Contributions != [2]int{2, 2} {
		t.Fatalf("key info = %+v", keys.Info)
	}
	if steps == 0 {
		t.Fatal("no progress reported")
	}
	if st := c.State(); st.Phase != PhaseDone || len(st.Contributions[1]) != 2 {
		t.Fatalf("state = %+v", st)
	}
	if _, err := c.Contribute(ctx); err == nil {
		t.Fatal("contribution after finalization accepted")
	}
	if err := c.Verify(ctx, keys); err != nil {
		t.Fatalf("transcript verification: %v", err)
	}
	t.Logf("transcript verified after %v", time.Since(start))

	// Keys that are not the transcript's are refused.
	other, err := Setup(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(ctx, other); err == nil {
		t.Fatal("transcript verified against unrelated keys")
	}
	// A tampered contribution file is refused by its digest.
	p := filepath.Join(dir, "phase1-0001.bin")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(ctx, keys); err == nil {
		t.Fatal("tampered transcript verified")
	}
	return keys
}

// TestCeremonySmallCircuit runs the ceremony on a small circuit (the full
// circuit takes minutes here, see TestCeremonyFullCircuit) and proves with
// the resulting keys.
func TestCeremonySmallCircuit(t *testing.T) {
	sys, err := compile(&smallCircuit{})
	if err != nil {
		t.Fatal(err)
	}
	keys := runCeremony(t, sys)
	var a, b, d = one(), one(), Compress(one(), one())
	for _, tc := range []struct {
		name   string
		digest any
		ok     bool
	}{{"right digest", d, true}, {"wrong digest", a, false}} {
		t.Run(tc.name, func(t *testing.T) {
			full, err := frontend.NewWitness(&smallCircuit{Digest: d, A: a, B: b}, ecc.BN254.ScalarField())
			if err != nil {
				t.Fatal(err)
			}
			proof, err := groth16bn254.Prove(sys.ccs, keys.Proving.pk, full)
			if err != nil {
				t.Fatal(err)
			}
			pub, err := frontend.NewWitness(&smallCircuit{Digest: tc.digest}, ecc.BN254.ScalarField(), frontend.PublicOnly())
			if err != nil {
				t.Fatal(err)
			}
			err = groth16bn254.Verify(proof, keys.Verifying.vk, pub.Vector().(fr.Vector))
			if (err == nil) != tc.ok {
				t.Fatalf("verify: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// TestCeremonyFullCircuit runs the ceremony on the credential circuit. It
// takes about three minutes on two cores (phase-2 initialization, which
// gnark computes with affine additions, dominates), so it only runs with
// CHAINID_ZKP_CEREMONY=1.
func TestCeremonyFullCircuit(t *testing.T) {
	if os.Getenv("CHAINID_ZKP_CEREMONY") != "1" {
		t.Skip("set CHAINID_ZKP_CEREMONY=1 to run the full-circuit ceremony (minutes)")
	}
	keys := runCeremony(t, testSystem(t))
	proof, pub, err := Prove(context.Background(), keys.Proving, &testFixture(t).witness)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(keys.Verifying, proof, pub); err != nil {
		t.Fatalf("ceremony keys: %v", err)
	}
}
