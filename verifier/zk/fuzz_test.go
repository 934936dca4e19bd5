package zk

import (
	"encoding/json"
	"testing"
)

const seedRequest = `{"version":1,"id":"abc","issuers":[{"id":"did:example:issuer","issuerKey":"00","statusRoot":"1"}],` +
	`"schema":"https://s.example","attributes":[{"name":"age","type":"integer"}],"reveal":[],` +
	`"predicates":[{"attribute":"age","index":0,"op":"ge","value":18,"operands":["9223372036854775826"]}],` +
	`"audience":"a","scope":"s","nonce":"n","now":"2025-01-01T00:00:00Z","expires":"2025-01-01T00:05:00Z","verifyingKeyDigest":"00"}`

// FuzzParseRequest: whatever parses re-encodes to a document that parses
// to the same statement inputs.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte(seedRequest))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"version":1,"VERSION":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRequest(b)
		if err != nil {
			return
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseRequest(out)
		if err != nil {
			t.Fatalf("re-encoded request does not parse: %v\n%s", err, out)
		}
		if back.ID != r.ID || back.Nonce != r.Nonce || len(back.Predicates) != len(r.Predicates) {
			t.Fatal("round trip changed the request")
		}
	})
}

// FuzzParseSubmission: no panics; whatever parses has a proof and inputs.
func FuzzParseSubmission(f *testing.F) {
	f.Add([]byte(`{"type":"ZKProofPresentation","request":"r","issuer":"did:example:i","proof":{},"publicInputs":{}}`))
	f.Add([]byte(`{"type":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sub, p, pub, err := ParseSubmission(b)
		if err != nil {
			return
		}
		if sub == nil || p == nil || pub == nil {
			t.Fatal("nil result without error")
		}
	})
}
