package dataintegrity_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/chainid/chainid/credentials/dataintegrity"
)

// embeddingVP returns a presentation by holder embedding the credentials,
// with @context ctx.
func embeddingVP(t *testing.T, ctx string, holder string, creds ...[]byte) []byte {
	t.Helper()
	var list string
	for i, c := range creds {
		if i > 0 {
			list += ","
		}
		list += string(c)
	}
	return []byte(fmt.Sprintf(`{"@context":[%q],"type":["VerifiablePresentation"],"holder":%q,"verifiableCredential":[%s]}`, ctx, holder, list))
}

// TestPresentationEmbeddingCredentials: an RDFC proof over a presentation
// covers the credentials it embeds (with their own @context and proofs);
// changing any of them breaks the presentation's proof, and the embedded
// credentials still verify on their own.
func TestPresentationEmbeddingCredentials(t *testing.T) {
	ctx := context.Background()
	p := newProcessor(t, dataintegrity.Config{})
	keys := newDIDKeys()
	holder := newEd25519(t)
	issuer := newEd25519(t)
	ecIssuer := newP256(t)
	cred := func(k issuerKey, s dataintegrity.Cryptosuite, doc []byte) []byte {
		t.Helper()
		out, err := p.AddProof(ctx, doc, k.Signer, k.VM, s, dataintegrity.ProofOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	v2 := cred(issuer, dataintegrity.EdDSARDFC2022, credential(issuer.DID))
	v2ec := cred(ecIssuer, dataintegrity.ECDSARDFC2019, credential(ecIssuer.DID))
	v1 := cred(issuer, dataintegrity.EdDSARDFC2022, credentialV1(issuer.DID))
	opts := dataintegrity.ProofOptions{Purpose: dataintegrity.Authentication, Challenge: "c-1", Domain: "https://verifier.example"}
	good := dataintegrity.VerifyOptions{Purpose: dataintegrity.Authentication, Challenge: "c-1", Domain: "https://verifier.example"}

	cases := []struct {
		name  string
		suite dataintegrity.Cryptosuite
		key   issuerKey
		vp    []byte
	}{
		{"v2 eddsa", dataintegrity.EdDSARDFC2022, holder, embeddingVP(t, "https://www.w3.org/ns/credentials/v2", holder.DID, v2)},
		{"v2 two credentials", dataintegrity.EdDSARDFC2022, holder, embeddingVP(t, "https://www.w3.org/ns/credentials/v2", holder.DID, v2, v2ec)},
		{"v2 presentation of v1 credential", dataintegrity.EdDSARDFC2022, holder, embeddingVP(t, "https://www.w3.org/ns/credentials/v2", holder.DID, v1)},
		{"v1", dataintegrity.EdDSARDFC2022, holder, embeddingVP(t, "https://www.w3.org/2018/credentials/v1", holder.DID, v1)},
	}
	ecHolder := newP256(t)
	cases = append(cases, struct {
		name  string
		suite dataintegrity.Cryptosuite
		key   issuerKey
		vp    []byte
	}{"v2 ecdsa", dataintegrity.ECDSARDFC2019, ecHolder, embeddingVP(t, "https://www.w3.org/ns/credentials/v2", ecHolder.DID, v2)})

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			signed, err := p.AddProof(ctx, c.vp, c.key.Signer, c.key.VM, c.suite, opts)
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Verify(ctx, signed, keys, good)
			if err != nil {
				t.Fatalf("%v\n%s", err, signed)
			}
			if res.Issuer != c.key.DID {
				t.Errorf("holder %q", res.Issuer)
			}
			tampers := map[string]func(m map[string]any){
				"subject claim": func(m map[string]any) {
					vc := m["verifiableCredential"].([]any)[0].(map[string]any)
					if s, ok := vc["credentialSubject"].(map[string]any); ok {
						s["id"] = "did:example:mallory"
					}
				},
				"credential proof": func(m map[string]any) {
					vc := m["verifiableCredential"].([]any)[0].(map[string]any)
					proofOf(vc)["created"] = "2024-01-01T00:00:00Z"
				},
				"credential removed": func(m map[string]any) {
					l := m["verifiableCredential"].([]any)
					if len(l) > 1 {
						m["verifiableCredential"] = l[1:]
					} else {
						delete(m, "verifiableCredential")
					}
				},
				"credential added": func(m map[string]any) {
					l := m["verifiableCredential"].([]any)
					m["verifiableCredential"] = append(l, l[0])
				},
			}
			for name, f := range tampers {
				t.Run(name, func(t *testing.T) {
					bad := edit(t, signed, f)
					if _, err := p.Verify(ctx, bad, keys, good); !errors.Is(err, dataintegrity.ErrInvalidSignature) {
						t.Errorf("err = %v, want ErrInvalidSignature", err)
					}
				})
			}
		})
	}
	// The embedded credentials keep their own proofs, verified on their own.
	for _, c := range [][]byte{v2, v2ec, v1} {
		if _, err := p.Verify(ctx, c, keys, dataintegrity.VerifyOptions{}); err != nil {
			t.Errorf("embedded credential: %v", err)
		}
	}
}

// TestPresentationEmbeddingRefusals: embedded credentials may only use
// contexts of the Set, may carry an @context only at their top level, and
// only under a @graph-container term (verifiableCredential).
func TestPresentationEmbeddingRefusals(t *testing.T) {
	ctx := context.Background()
	p := newProcessor(t, dataintegrity.Config{})
	holder := newEd25519(t)
	issuer := newEd25519(t)
	v2, err := p.AddProof(ctx, credential(issuer.DID), issuer.Signer, issuer.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const ctxV2 = "https://www.w3.org/ns/credentials/v2"
	opts := dataintegrity.ProofOptions{Purpose: dataintegrity.Authentication, Challenge: "c-1"}
	good := dataintegrity.VerifyOptions{Purpose: dataintegrity.Authentication, Challenge: "c-1"}
	signed, err := p.AddProof(ctx, embeddingVP(t, ctxV2, holder.DID, v2), holder.Signer, holder.VM, dataintegrity.EdDSARDFC2022, opts)
	if err != nil {
		t.Fatal(err)
	}
	embedded := func(f func(vc map[string]any)) []byte {
		return edit(t, signed, func(m map[string]any) { f(m["verifiableCredential"].([]any)[0].(map[string]any)) })
	}
	tests := []struct {
		name string
		doc  []byte
		want error
	}{
		{"unknown context", embedded(func(vc map[string]any) {
			vc["@context"] = []any{ctxV2, "https://evil.example/ctx"}
		}), dataintegrity.ErrContext},
		{"inline context", embedded(func(vc map[string]any) {
			vc["@context"] = []any{ctxV2, map[string]any{"name": "https://evil.example/name"}}
		}), dataintegrity.ErrContext},
		{"context below the credential's top level", embedded(func(vc map[string]any) {
			vc["credentialSubject"].(map[string]any)["@context"] = ctxV2
		}), dataintegrity.ErrJSONLD},
		{"credential without context", embedded(func(vc map[string]any) { delete(vc, "@context") }), dataintegrity.ErrUndefinedTerm},
		{"undefined term in credential", embedded(func(vc map[string]any) {
			vc["credentialSubject"].(map[string]any)["favouriteColour"] = "blue"
		}), dataintegrity.ErrUndefinedTerm},
		{"embedded under a non-graph term", edit(t, signed, func(m map[string]any) {
			m["holder"] = map[string]any{"@context": ctxV2, "id": holder.DID}
		}), dataintegrity.ErrJSONLD},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := p.Verify(ctx, tc.doc, newDIDKeys(), good); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			// Signing refuses the same documents.
			if _, err := p.AddProof(ctx, tc.doc, holder.Signer, holder.VM, dataintegrity.EdDSARDFC2022, opts); !errors.Is(err, tc.want) {
				t.Errorf("AddProof err = %v, want %v", err, tc.want)
			}
		})
	}
}
