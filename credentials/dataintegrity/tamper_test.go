package dataintegrity_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/chainid/chainid/credentials/dataintegrity"
)

// TestTamperEveryByte changes each byte of a secured credential in turn
// (claims, contexts, types, proof options, proof value, structure): no
// change may verify.
func TestTamperEveryByte(t *testing.T) {
	ctx := context.Background()
	p := newProcessor(t, dataintegrity.Config{})
	keys := newDIDKeys()
	for _, s := range suites {
		t.Run(string(s), func(t *testing.T) {
			k := keyFor(t, s)
			signed, err := p.AddProof(ctx, credential(k.DID), k.Signer, k.VM, s, dataintegrity.ProofOptions{Challenge: "c", Domain: "d.example"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Verify(ctx, signed, keys, dataintegrity.VerifyOptions{}); err != nil {
				t.Fatal(err)
			}
			step := 1
			if s == dataintegrity.ECDSARDFC2019 {
				step = 3 // the same classes; fewer slow P-256 verifications
			}
			classes := map[string]int{}
			for i := 0; i < len(signed); i += step {
				mutated := bytes.Clone(signed)
				mutated[i] ^= 0x01
				if mutated[i] == '"' || mutated[i] == '\\' || mutated[i] < 0x20 {
					mutated[i] ^= 0x03
				}
				if equivalent(signed, mutated) {
					continue
				}
				res, err := p.Verify(ctx, mutated, keys, dataintegrity.VerifyOptions{})
				if err == nil || res.Verified() {
					t.Errorf("byte %d (%q → %q) changed, still verifies:\n%s", i, signed[i], mutated[i], mutated)
				}
				classes[classOf(signed, i)]++
			}
			for _, c := range []string{"context", "claim", "proof value", "proof options", "structure"} {
				if classes[c] == 0 {
					t.Errorf("no byte of class %s was tampered with", c)
				}
			}
		})
	}
}

// equivalent reports whether two documents are the same JSON value.
func equivalent(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}

// classOf names the part of the document byte i belongs to.
func classOf(doc []byte, i int) string {
	before := string(doc[:i])
	pv := bytes.Index(doc, []byte(`"proofValue":"`))
	pr := bytes.Index(doc, []byte(`"proof":{`))
	switch {
	case doc[i] == '{' || doc[i] == '}' || doc[i] == '[' || doc[i] == ']' || doc[i] == ',' || doc[i] == ':':
		return "structure"
	case pv >= 0 && i > pv+len(`"proofValue":"`) && i < pv+len(`"proofValue":"`)+88 && doc[i] != '"':
		return "proof value"
	case pr >= 0 && i > pr:
		return "proof options"
	case bytes.Contains([]byte(before[max(0, len(before)-60):]), []byte(`"@context":[`)) && !bytes.Contains([]byte(before[max(0, len(before)-60):]), []byte(`]`)):
		return "context"
	default:
		return "claim"
	}
}
