package dataintegrity_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/internal/nodetest"
)

// nodePeers returns the npm peers, skipping the test when node or
// @digitalbazaar/vc is missing, unless CHAINID_INTEROP=1 demands them.
func nodePeers(t *testing.T) *nodetest.Peers {
	t.Helper()
	return nodetest.Require(t, "@digitalbazaar/vc")
}

type peerResult struct {
	Verified bool   `json:"verified"`
	Error    string `json:"error"`
}

// TestInteropPeerVerifiesOurs: @digitalbazaar/vc verifies our
// eddsa-rdfc-2022 and ecdsa-rdfc-2019 credentials (did:key issuers), and our
// signed presentation with challenge and domain; it refuses tampered ones.
func TestInteropPeerVerifiesOurs(t *testing.T) {
	node := nodePeers(t)
	ctx := context.Background()
	p := newProcessor(t, dataintegrity.Config{})
	type tc struct {
		name string
		doc  json.RawMessage
		want bool
	}
	var creds []tc
	for _, s := range []dataintegrity.Cryptosuite{dataintegrity.EdDSARDFC2022, dataintegrity.ECDSARDFC2019} {
		k := keyFor(t, s)
		for name, doc := range map[string][]byte{
			"v2": credential(k.DID),
			"v1": credentialV1(k.DID),
			"status": edit(t, credential(k.DID), func(m map[string]any) {
				m["credentialStatus"] = map[string]any{
					"id": "https://issuer.example/status/1#94567", "type": "BitstringStatusListEntry",
					"statusPurpose": "revocation", "statusListIndex": "94567",
					"statusListCredential": "https://issuer.example/status/1",
				}
			}),
		} {
			out, err := p.AddProof(ctx, doc, k.Signer, k.VM, s, dataintegrity.ProofOptions{})
			if err != nil {
				t.Fatal(err)
			}
			creds = append(creds, tc{string(s) + "/" + name, out, true})
			tampered := edit(t, out, func(m map[string]any) { m["issuer"] = newEd25519(t).DID })
			creds = append(creds, tc{string(s) + "/" + name + "/tampered", tampered, false})
		}
	}
	holder := newEd25519(t)
	vp := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":%q}`, holder.DID)
	signedVP, err := p.AddProof(ctx, []byte(vp), holder.Signer, holder.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{
		Purpose: dataintegrity.Authentication, Challenge: "c-42", Domain: "https://verifier.example",
	})
	if err != nil {
		t.Fatal(err)
	}
	// A presentation embedding credentials (v2 eddsa and ecdsa, and a v1
	// credential) with their own @context and proofs.
	byName := map[string]json.RawMessage{}
	for _, c := range creds {
		byName[c.name] = c.doc
	}
	embedding := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":%q,"verifiableCredential":[%s,%s,%s]}`,
		holder.DID, byName["eddsa-rdfc-2022/v2"], byName["ecdsa-rdfc-2019/v2"], byName["eddsa-rdfc-2022/v1"])
	signedEmbedding, err := p.AddProof(ctx, []byte(embedding), holder.Signer, holder.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{
		Purpose: dataintegrity.Authentication, Challenge: "c-42", Domain: "https://verifier.example",
	})
	if err != nil {
		t.Fatal(err)
	}
	tamperedEmbedding := edit(t, signedEmbedding, func(m map[string]any) {
		m["verifiableCredential"].([]any)[0].(map[string]any)["credentialSubject"].(map[string]any)["id"] = "did:example:mallory"
	})
	type pres struct {
		Presentation json.RawMessage `json:"presentation"`
		Challenge    string          `json:"challenge"`
		Domain       string          `json:"domain"`
	}
	in := struct {
		Credentials   []json.RawMessage `json:"credentials"`
		Presentations []pres            `json:"presentations"`
	}{
		Presentations: []pres{
			{signedVP, "c-42", "https://verifier.example"},
			{signedVP, "c-43", "https://verifier.example"},
			{signedEmbedding, "c-42", "https://verifier.example"},
			{signedEmbedding, "c-42", "https://other.example"},
			{tamperedEmbedding, "c-42", "https://verifier.example"},
		},
	}
	for _, c := range creds {
		in.Credentials = append(in.Credentials, c.doc)
	}
	var out struct {
		Credentials   []peerResult `json:"credentials"`
		Presentations []peerResult `json:"presentations"`
	}
	node.Run(t, "di-verify.mjs", in, &out)
	if len(out.Credentials) != len(creds) || len(out.Presentations) != len(in.Presentations) {
		t.Fatalf("peer answered %d credentials, %d presentations", len(out.Credentials), len(out.Presentations))
	}
	for i, c := range creds {
		t.Run(c.name, func(t *testing.T) {
			if got := out.Credentials[i]; got.Verified != c.want {
				t.Errorf("peer verified=%v (want %v): %s\n%s", got.Verified, c.want, got.Error, c.doc)
			}
		})
	}
	if !out.Presentations[0].Verified {
		t.Errorf("peer refused our presentation: %s", out.Presentations[0].Error)
	}
	if out.Presentations[1].Verified {
		t.Error("peer accepted our presentation for another challenge")
	}
	if !out.Presentations[2].Verified {
		t.Errorf("peer refused our presentation embedding credentials: %s\n%s", out.Presentations[2].Error, signedEmbedding)
	}
	if out.Presentations[3].Verified {
		t.Error("peer accepted our presentation embedding credentials for another domain")
	}
	if out.Presentations[4].Verified {
		t.Error("peer accepted our presentation with a tampered embedded credential")
	}
}

// TestInteropOursVerifiesPeer: credentials and a presentation issued by
// @digitalbazaar/vc verify here; the wrong challenge or purpose does not.
func TestInteropOursVerifiesPeer(t *testing.T) {
	node := nodePeers(t)
	ctx := context.Background()
	p := newProcessor(t, dataintegrity.Config{})
	var out struct {
		Credentials                []json.RawMessage `json:"credentials"`
		Presentation               json.RawMessage   `json:"presentation"`
		PresentationWithCredential json.RawMessage   `json:"presentationWithCredential"`
	}
	node.Run(t, "di-issue.mjs", map[string]any{"count": 2, "challenge": "c-7", "domain": "https://verifier.example"}, &out)
	if len(out.Credentials) != 4 {
		t.Fatalf("peer issued %d credentials", len(out.Credentials))
	}
	keys := newDIDKeys()
	for i, c := range out.Credentials {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			res, err := p.Verify(ctx, c, keys, dataintegrity.VerifyOptions{})
			if err != nil {
				t.Fatalf("%v\n%s", err, c)
			}
			if !res.Verified() || res.Issuer == "" || res.Proofs[0].Controller != res.Issuer {
				t.Errorf("result %+v", res)
			}
			tampered := edit(t, c, func(m map[string]any) { m["credentialSubject"].(map[string]any)["name"] = "Mallory" })
			if _, err := p.Verify(ctx, tampered, keys, dataintegrity.VerifyOptions{}); !errors.Is(err, dataintegrity.ErrInvalidSignature) {
				t.Errorf("tampered peer credential: %v", err)
			}
		})
	}
	t.Run("presentation", func(t *testing.T) {
		good := dataintegrity.VerifyOptions{Purpose: dataintegrity.Authentication, Challenge: "c-7", Domain: "https://verifier.example"}
		if _, err := p.Verify(ctx, out.Presentation, keys, good); err != nil {
			t.Fatalf("%v\n%s", err, out.Presentation)
		}
		for _, o := range []dataintegrity.VerifyOptions{
			{Purpose: dataintegrity.Authentication, Challenge: "c-8"},
			{Purpose: dataintegrity.Authentication, Challenge: "c-7", Domain: "https://other.example"},
			{},
		} {
			if _, err := p.Verify(ctx, out.Presentation, keys, o); !errors.Is(err, dataintegrity.ErrPurpose) {
				t.Errorf("%+v: %v", o, err)
			}
		}
		// The presentation's proof covers the embedded credential.
		if _, err := p.Verify(ctx, out.PresentationWithCredential, keys, good); err != nil {
			t.Errorf("presentation embedding a credential: %v\n%s", err, out.PresentationWithCredential)
		}
		tampered := edit(t, out.PresentationWithCredential, func(m map[string]any) {
			vcs := m["verifiableCredential"]
			if l, ok := vcs.([]any); ok {
				vcs = l[0]
			}
			vcs.(map[string]any)["credentialSubject"].(map[string]any)["name"] = "Mallory"
		})
		if _, err := p.Verify(ctx, tampered, keys, good); !errors.Is(err, dataintegrity.ErrInvalidSignature) {
			t.Errorf("presentation with a tampered embedded credential: %v, want ErrInvalidSignature", err)
		}
	})
}
