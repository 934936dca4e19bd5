package dataintegrity

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/piprate/json-gold/ld"
	"github.com/chainid/chainid/credentials/ldcontext"
)

func TestScratchCanon(t *testing.T) {
	b, err := os.ReadFile("/tmp/exp/doc.json")
	if err != nil {
		t.Skip()
	}
	var doc map[string]any
	json.Unmarshal(b, &doc)
	set, _ := ldcontext.New()
	g := newJSONGold(set, 256, 5)
	opts := g.options()
	exp, err := ld.NewJsonLdProcessor().Expand(doc, opts)
	if err != nil {
		t.Fatal(err)
	}
	eb, _ := json.MarshalIndent(exp, "", " ")
	os.WriteFile("/tmp/exp/go-expanded.json", eb, 0o644)
	api := ld.NewJsonLdApi()
	ds, err := api.ToRDF(exp, opts)
	if err != nil {
		t.Fatal(err)
	}
	out, err := api.Normalize(ds, opts)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/tmp/exp/go.nq", []byte(out.(string)), 0o644)
	_ = context.Background
}
