package dataintegrity_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/key"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// benchFixture is the credential bench/run-di.sh verifies on both sides:
// eddsa-rdfc-2022, issued by the did:key of the all-zero Ed25519 seed.
var benchFixture = filepath.Join("testdata", "bench-credential.json")

func makeBenchFixture(t testing.TB) []byte {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	id, err := key.New(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	mk, _ := did.EncodeMultikey(priv.Public())
	p := newProcessor(t, dataintegrity.Config{})
	doc := edit(t, credential(id.String()), func(m map[string]any) {
		m["name"] = "Example Credential"
		m["description"] = "The credential both sides of bench/run-di.sh verify."
	})
	out, err := p.AddProof(context.Background(), doc, priv, id.String()+"#"+mk, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{
		Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// TestBenchFixture keeps the shared benchmark credential current: it is
// what AddProof makes (Ed25519 is deterministic) and it verifies.
func TestBenchFixture(t *testing.T) {
	want := makeBenchFixture(t)
	if *update {
		if err := os.WriteFile(benchFixture, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(benchFixture)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale; run go test -run TestBenchFixture -update", benchFixture)
	}
	p := newProcessor(t, dataintegrity.Config{})
	if _, err := p.Verify(context.Background(), got, newDIDKeys(), dataintegrity.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
}
