package oid4vci

import (
	"slices"
	"testing"
)

// FuzzParseProof: the proof parser never panics, and whatever it accepts
// satisfies the header invariants later steps rely on.
func FuzzParseProof(f *testing.F) {
	f.Add(specProof)
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Add("eyJ0eXAiOiJvcGVuaWQ0dmNpLXByb29mK2p3dCIsImFsZyI6IkVkRFNBIiwia2lkIjoiZGlkOmtleTp6Nk1rI3oifQ.eyJhdWQiOiJ4IiwiaWF0IjoxfQ.AA")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseProof(s)
		if err != nil {
			if _, ok := err.(*ProtocolError); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if (p.kid == "") == (p.jwk == nil) {
			t.Fatal("accepted a proof without exactly one of kid and jwk")
		}
		if !slices.Contains(supportedAlgs, p.alg) {
			t.Fatalf("accepted alg %q", p.alg)
		}
		if p.jwk != nil && p.jwk.HasPrivate() {
			t.Fatal("accepted a private jwk")
		}
		if p.aud == "" || len(p.signature) == 0 || len(s) > MaxProofLength {
			t.Fatal("accepted a proof without aud or signature")
		}
	})
}

// FuzzParseCredentialRequest: request parsing never panics and refuses
// only with invalid_credential_request.
func FuzzParseCredentialRequest(f *testing.F) {
	f.Add([]byte(`{"credential_configuration_id":"a","proofs":{"jwt":["x.y.z"]}}`))
	f.Add([]byte(`{"a":1,"a":2}`))
	f.Add([]byte(`[[[[]]]]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ParseCredentialRequest(b)
		if err != nil {
			pe, ok := err.(*ProtocolError)
			if !ok || pe.Code != CodeInvalidCredentialRequest {
				t.Fatalf("error %v", err)
			}
		}
	})
}
