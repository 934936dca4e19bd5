package zkp

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCeremony runs a two-contributor ceremony (two contributions in each
// phase) on the real circuit, proves with the resulting keys and re-verifies
// the transcript; then checks that a tampered contribution is refused.
func TestCeremony(t *testing.T) {
	if testing.Short() {
		t.Skip("ceremony on the full circuit takes tens of seconds")
	}
	ctx := t.Context()
	sys := testSystem(t)
	dir := t.TempDir()
	var steps []string
	cfg := CeremonyConfig{Progress: func(p CeremonyProgress) { steps = append(steps, p.Step) }}
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
	t.Logf("phase 1: %v", time.Since(start))
	if _, err := c.Finalize(ctx, []byte("beacon-0123456789")); err == nil {
		t.Fatal("Finalize during phase 1 accepted")
	}
	if err := c.ClosePhase1(ctx, []byte("short")); err == nil {
		t.Fatal("short beacon accepted")
	}
	if err := c.ClosePhase1(ctx, []byte("phase-1 beacon: block 0xabc")); err != nil {
		t.Fatal(err)
	}
	t.Logf("phase 1 closed: %v", time.Since(start))
	// Reopen from disk, as a second participant's process would.
	c, err = NewCeremony(dir, sys, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := c.Contribute(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("phase 2: %v", time.Since(start))
	keys, err := c.Finalize(ctx, []byte("phase-2 beacon: block 0xdef"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("finalized: %v", time.Since(start))
	if keys.Info.Origin != OriginCeremony || keys.Info.DevelopmentOnly || keys.Info.Contributions != [2]int{2, 2} {
		t.Fatalf("key info = %+v", keys.Info)
	}
	if len(steps) == 0 {
		t.Fatal("no progress reported")
	}

	proof, pub, err := Prove(ctx, keys.Proving, &testFixture(t).witness)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(keys.Verifying, proof, pub); err != nil {
		t.Fatalf("ceremony keys: %v", err)
	}
	if err := Verify(testKeys(t).Verifying, proof, pub); err == nil {
		t.Fatal("proof verified under unrelated development keys")
	}

	if err := c.Verify(ctx, keys); err != nil {
		t.Fatalf("transcript verification: %v", err)
	}
	t.Logf("transcript verified: %v", time.Since(start))

	// A tampered contribution file is refused by its digest.
	p := filepath.Join(dir, "phase2-0001.bin")
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
}
