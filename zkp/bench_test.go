package zkp

import (
	"syscall"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

func BenchmarkProve(b *testing.B) {
	keys := testKeys(b)
	w := &testFixture(b).witness
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := Prove(b.Context(), keys.Proving, w); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify also reports the process CPU time per verification
// (cpu-ns/op): on a shared machine wall time depends on the other load,
// while CPU time shows the work done (both goroutines of Verify included).
func BenchmarkVerify(b *testing.B) {
	keys := testKeys(b)
	pf, err := proofOnce()
	if err != nil {
		b.Fatal(err)
	}
	if err := Verify(keys.Verifying, pf.proof, pf.pub); err != nil { // prepares the key
		b.Fatal(err)
	}
	c0 := cpuTime()
	for b.Loop() {
		if err := Verify(keys.Verifying, pf.proof, pf.pub); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}

// cpuTime returns the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkColdProve measures a fresh prover process's path to its first
// proof: compile the circuit, load digest-checked raw keys, prove.
func BenchmarkColdProve(b *testing.B) {
	dir := b.TempDir()
	if err := WriteKeys(dir, testKeys(b)); err != nil {
		b.Fatal(err)
	}
	w := &testFixture(b).witness
	b.ResetTimer()
	for b.Loop() {
		sys, err := Compile()
		if err != nil {
			b.Fatal(err)
		}
		keys, err := LoadKeys(dir, sys, LoadOptions{AllowDevelopment: true})
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Prove(b.Context(), keys.Proving, w); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadKeys(b *testing.B) {
	dir := b.TempDir()
	if err := WriteKeys(dir, testKeys(b)); err != nil {
		b.Fatal(err)
	}
	sys := testSystem(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := LoadKeys(dir, sys, LoadOptions{AllowDevelopment: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	for b.Loop() {
		if _, err := Compile(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStatusTreeBuildFull(b *testing.B) {
	bits := make([]byte, MaxStatusBits/8)
	for i := range bits {
		bits[i] = byte(i*131 + 7) // every subtree non-zero
	}
	for b.Loop() {
		if _, err := NewStatusTree(bits); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStatusTreeSet(b *testing.B) {
	tree, err := NewStatusTree(nil)
	if err != nil {
		b.Fatal(err)
	}
	i := uint64(0)
	for b.Loop() {
		if err := tree.Set(i%MaxStatusBits, true); err != nil {
			b.Fatal(err)
		}
		i += 7919
	}
}

// BenchmarkVerifyGnark is gnark's generic groth16.Verify on the same proof,
// for comparison with Verify's prepared verifier.
func BenchmarkVerifyGnark(b *testing.B) {
	keys := testKeys(b)
	pf, err := proofOnce()
	if err != nil {
		b.Fatal(err)
	}
	c0 := cpuTime()
	for b.Loop() {
		if err := groth16bn254.Verify(&pf.proof.p, keys.Verifying.vk, fr.Vector(pf.pub.elements())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}
