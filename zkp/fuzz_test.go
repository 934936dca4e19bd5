package zkp

import (
	"encoding/json"
	"testing"
)

// FuzzPublicInputsJSON: the parser never panics, and anything it accepts
// re-encodes to JSON that parses to the same public inputs.
func FuzzPublicInputsJSON(f *testing.F) {
	pub, err := testFixture(f).witness.PublicInputs()
	if err != nil {
		f.Fatal(err)
	}
	seed, _ := json.Marshal(pub)
	f.Add(seed)
	f.Add([]byte(`{"issuerKey":["0","1"]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p PublicInputs
		if json.Unmarshal(b, &p) != nil {
			return
		}
		again, err := json.Marshal(&p)
		if err != nil {
			t.Fatal(err)
		}
		var q PublicInputs
		if err := json.Unmarshal(again, &q); err != nil {
			t.Fatalf("re-encoded public inputs refused: %v", err)
		}
		if !equalValues(p.Values(), q.Values()) {
			t.Fatal("round trip changed the values")
		}
	})
}

// FuzzProofJSON: the parser never panics, and accepted proofs round-trip
// through both encodings.
func FuzzProofJSON(f *testing.F) {
	f.Add([]byte(`{"a":["1","2"],"b":[["0","0"],["0","0"]],"c":["1","2"]}`))
	f.Add([]byte(`{"a":[],"b":[],"c":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Proof
		if json.Unmarshal(b, &p) != nil {
			return
		}
		bin, err := p.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseProof(bin); err != nil {
			t.Fatalf("binary form of an accepted proof refused: %v", err)
		}
	})
}
