package dataintegrity_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/ldcontext"
)

func TestMeasurePoison(t *testing.T) {
	ex, _ := os.ReadFile(filepath.Join("testdata", "examples-v2.jsonld"))
	set, _ := ldcontext.New(ldcontext.Context{URL: "https://www.w3.org/ns/credentials/examples/v2", Document: ex})
	p, _ := dataintegrity.New(dataintegrity.Config{Contexts: set, MaxAmbiguousBlankNodes: 1000})
	k := newEd25519(t)
	for n := 2; n <= 6; n++ {
		start := time.Now()
		_, err := p.AddProof(context.Background(), poisonGraph(k.DID, n), k.Signer, k.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{})
		t.Logf("n=%d %v err=%v", n, time.Since(start), err)
	}
}
