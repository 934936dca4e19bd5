package zk

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const seedRequest = `{"version":1,"id":"abc","issuers":[{"id":"did:example:issuer","issuerKey":"00","statusRoot":"1"}],` +
	`"schema":"https://s.example","attributes":[{"name":"age","type":"integer"}],"reveal":[],` +
	`"predicates":[{"attribute":"age","index":0,"op":"ge","value":18,"operands":["9223372036854775826"]}],` +
	`"audience":"a","scope":"s","nonce":"n","now":"2025-01-01T00:00:00Z","expires":"2025-01-01T00:05:00Z","verifyingKeyDigest":"00"}`

// FuzzParseRequest: refusals wrap ErrInvalidRequest; whatever parses
// re-encodes to a document that parses to the same request (the same
// re-encoding, byte for byte).
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte(seedRequest))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"version":1,"VERSION":1}`))
	f.Add([]byte(strings.Replace(seedRequest, `"scope":"s"`, `"ſcope":"t","scope":"s"`, 1)))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRequest(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidRequest) {
				t.Fatalf("error %v does not wrap ErrInvalidRequest", err)
			}
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
		if again, err := json.Marshal(back); err != nil || !bytes.Equal(again, out) {
			t.Fatalf("round trip changed the request:\n%s\n%s", out, again)
		}
	})
}

// FuzzParseSubmission: no panics; refusals wrap ErrMalformed; whatever
// parses has a proof and inputs.
func FuzzParseSubmission(f *testing.F) {
	f.Add([]byte(`{"type":"ZKProofPresentation","request":"r","issuer":"did:example:i","proof":{},"publicInputs":{}}`))
	f.Add([]byte(`{"type":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sub, p, pub, err := ParseSubmission(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if sub == nil || p == nil || pub == nil {
			t.Fatal("nil result without error")
		}
	})
}
