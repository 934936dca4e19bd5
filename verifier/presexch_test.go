package verifier_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/verifier/presexch"
)

// TestPresentationExchangeCheck checks submissions over presentations the
// pipeline verifies: every descriptor must land on a verified credential.
func TestPresentationExchangeCheck(t *testing.T) {
	k := newKit(t)
	def, err := presexch.Parse([]byte(`{"id":"pd","input_descriptors":[{"id":"person","constraints":{"fields":[
	  {"path":["$.credentialSubject.age","$.age"],"filter":{"type":"integer","minimum":18}}]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	sub := func(d presexch.Descriptor) *presexch.Submission {
		return &presexch.Submission{ID: "s", DefinitionID: "pd", DescriptorMap: []*presexch.Descriptor{&d}}
	}
	ldp := k.ldp(opts{}, dataintegrity.EdDSARDFC2022)
	// A VP whose proof covers an extra member made to look like a credential:
	// the holder signs it, no issuer does.
	var vpObj map[string]any
	_ = json.Unmarshal(k.ldpVP(nonce, holderDID+"#h", ldp), &vpObj)
	fake := map[string]any{"credentialSubject": map[string]any{"age": 99}}
	forged := func() json.RawMessage {
		vp := map[string]any{"@context": vpObj["@context"], "type": vpObj["type"], "holder": holderDID,
			"verifiableCredential": []any{json.RawMessage(ldp)}, "evidence": []any{fake}}
		raw, _ := json.Marshal(vp)
		out, err := k.di.AddProof(context.Background(), raw, k.holder, holderDID+"#h", dataintegrity.EdDSAJCS2022,
			dataintegrity.ProofOptions{Purpose: dataintegrity.Authentication, Challenge: nonce, Domain: audience, Created: now})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}()
	vpJWT := k.vpJWT(jwtvc.FormatJWTVCJSON, nonce, holderDID+"#h", k.jwt(opts{}, jwtvc.FormatJWTVCJSON))
	tests := []struct {
		name     string
		pres     json.RawMessage
		nonce    string
		sub      *presexch.Submission
		verified bool // the pipeline's verdict
		ok       bool
	}{
		{"ldp_vp", k.ldpVP(nonce, holderDID+"#h", ldp), nonce,
			sub(presexch.Descriptor{ID: "person", Format: "ldp_vc", Path: "$.verifiableCredential[0]"}), true, true},
		{"jwt_vp_json with path_nested", str(vpJWT), nonce,
			sub(presexch.Descriptor{ID: "person", Format: "jwt_vp_json", Path: "$",
				PathNested: &presexch.Descriptor{ID: "person", Format: "jwt_vc_json", Path: "$.vp.verifiableCredential[0]"}}), true, true},
		{"dc+sd-jwt with key binding", str(k.sdPresent(k.sd(opts{}), nonce)), nonce,
			sub(presexch.Descriptor{ID: "person", Format: "dc+sd-jwt", Path: "$"}), true, false}, // age is not disclosed
		{"wrong nonce", k.ldpVP("other", holderDID+"#h", ldp), nonce,
			sub(presexch.Descriptor{ID: "person", Format: "ldp_vc", Path: "$.verifiableCredential[0]"}), false, false},
		{"descriptor on holder-made JSON", forged, nonce,
			sub(presexch.Descriptor{ID: "person", Format: "ldp_vc", Path: "$.evidence[0]"}), true, false},
		{"path_nested opening a credential", str(vpJWT), nonce,
			sub(presexch.Descriptor{ID: "person", Format: "jwt_vp_json", Path: "$.vp.verifiableCredential[0]",
				PathNested: &presexch.Descriptor{ID: "person", Format: "jwt_vc_json", Path: "$.vc"}}), true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := presexch.Check(context.Background(), k.v, def, tc.sub, tc.pres, tc.nonce, audience, policy)
			if err != nil {
				t.Fatal(err)
			}
			if got.Result.Verified != tc.verified || got.OK() != tc.ok {
				var problems []string
				if got.Evaluation != nil {
					problems = got.Evaluation.Problems
				}
				t.Fatalf("verified %v ok %v, want %v %v; failed %+v problems %q", got.Result.Verified, got.OK(), tc.verified, tc.ok, got.Result.Failed(), problems)
			}
		})
	}
}
