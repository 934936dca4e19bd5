package dataintegrity_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/internal/nodetest"
)

var rdfcSuites = []dataintegrity.Cryptosuite{dataintegrity.EdDSARDFC2022, dataintegrity.ECDSARDFC2019}

// vocabDoc returns the document of a testdata/vocab/cases.json case as
// JSON, issued by issuer (unless empty).
func vocabDoc(t testing.TB, name, issuer string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "vocab", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name     string         `json:"name"`
		Document map[string]any `json:"document"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Name != name {
			continue
		}
		if issuer != "" {
			c.Document["issuer"] = issuer
		}
		b, err := json.Marshal(c.Document)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatalf("no case %s", name)
	return nil
}

// vocabSigned are the cases whose terms expand only through an @vocab: the
// VC Data Model 2.0 examples (examples context) and the undefined-terms
// context the specification asks for when no context defines a term.
var vocabSigned = []string{"alumni/examples", "alumni/undefined-terms", "alumni/undefined-terms+examples", "degree/examples"}

// subjectEdit changes a claim that is defined only through the @vocab.
func subjectEdit(m map[string]any) {
	s := m["credentialSubject"].(map[string]any)
	for _, k := range []string{"alumniOf", "degree"} {
		if o, ok := s[k].(map[string]any); ok {
			o["name"] = "Mallory University"
		}
	}
}

// TestVocabSignVerify: credentials whose type and claims are defined only
// by an @vocab are signed and verified with both rdfc cryptosuites, and a
// changed @vocab claim breaks the signature.
func TestVocabSignVerify(t *testing.T) {
	ctx := context.Background()
	p := newProcessor(t, dataintegrity.Config{})
	keys := newDIDKeys()
	for _, s := range rdfcSuites {
		for _, name := range vocabSigned {
			t.Run(string(s)+"/"+name, func(t *testing.T) {
				k := keyFor(t, s)
				signed, err := p.AddProof(ctx, vocabDoc(t, name, k.DID), k.Signer, k.VM, s, dataintegrity.ProofOptions{})
				if err != nil {
					t.Fatal(err)
				}
				res, err := p.Verify(ctx, signed, keys, dataintegrity.VerifyOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if !res.Verified() || res.Issuer != k.DID {
					t.Fatalf("result %+v", res)
				}
				tampered := edit(t, signed, subjectEdit)
				if _, err := p.Verify(ctx, tampered, keys, dataintegrity.VerifyOptions{}); !errors.Is(err, dataintegrity.ErrInvalidSignature) {
					t.Errorf("changed @vocab claim: %v, want ErrInvalidSignature", err)
				}
				// Without the context that carries the @vocab the terms are
				// undefined again.
				bare := edit(t, signed, func(m map[string]any) { m["@context"] = []any{"https://www.w3.org/ns/credentials/v2"} })
				if _, err := p.Verify(ctx, bare, keys, dataintegrity.VerifyOptions{}); !errors.Is(err, dataintegrity.ErrUndefinedTerm) {
					t.Errorf("@vocab context removed: %v, want ErrUndefinedTerm", err)
				}
			})
		}
	}
}

// TestVocabUndefinedRefused: terms no context defines are still refused,
// with both rdfc cryptosuites: the VC 2.0 base context has no @vocab, nor
// has the VC 1.1 context; an @vocab makes terms absolute, not relative ids.
func TestVocabUndefinedRefused(t *testing.T) {
	ctx := context.Background()
	p := newProcessor(t, dataintegrity.Config{})
	for _, s := range rdfcSuites {
		k := keyFor(t, s)
		for _, name := range []string{
			"refused/v2-only", "refused/v2-only-type", "refused/v1", "refused/keyword-like",
			"refused/blank-predicate", "refused/relative-subject", "refused/relative-object", "vocab/empty-key",
		} {
			t.Run(string(s)+"/"+name, func(t *testing.T) {
				_, err := p.AddProof(ctx, vocabDoc(t, name, k.DID), k.Signer, k.VM, s, dataintegrity.ProofOptions{})
				if !errors.Is(err, dataintegrity.ErrUndefinedTerm) {
					t.Errorf("AddProof: %v, want ErrUndefinedTerm", err)
				}
			})
		}
	}
	// An @vocab given inline or under an unknown URL is not honoured: the
	// context is refused before any term is expanded.
	k := keyFor(t, dataintegrity.EdDSARDFC2022)
	for name, c := range map[string]any{
		"inline @vocab":            []any{"https://www.w3.org/ns/credentials/v2", map[string]any{"@vocab": "https://www.w3.org/ns/credentials/issuer-dependent#"}},
		"issuer-dependent (draft)": []any{"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/issuer-dependent"},
	} {
		t.Run(name, func(t *testing.T) {
			doc := edit(t, vocabDoc(t, "refused/v2-only", k.DID), func(m map[string]any) { m["@context"] = c })
			if _, err := p.AddProof(ctx, doc, k.Signer, k.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{}); !errors.Is(err, dataintegrity.ErrContext) {
				t.Errorf("AddProof: %v, want ErrContext", err)
			}
		})
	}
}

// TestInteropVocab: our eddsa-rdfc-2022 and ecdsa-rdfc-2019 signatures over
// @vocab credentials verify in @digitalbazaar/vc (and tampered ones do
// not), and the credentials it issues verify here.
func TestInteropVocab(t *testing.T) {
	node := nodetest.Require(t, "@digitalbazaar/vc", "@digitalbazaar/eddsa-rdfc-2022-cryptosuite")
	ctx := context.Background()
	p := newProcessor(t, dataintegrity.Config{})
	keys := newDIDKeys()
	ex, err := os.ReadFile(filepath.Join("testdata", "examples-v2.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	type ours struct {
		name string
		want bool
	}
	var names []ours
	var verify []json.RawMessage
	type issueReq struct {
		Cryptosuite string          `json:"cryptosuite"`
		Credential  json.RawMessage `json:"credential"`
	}
	var issue []issueReq
	for _, s := range rdfcSuites {
		for _, name := range vocabSigned {
			k := keyFor(t, s)
			signed, err := p.AddProof(ctx, vocabDoc(t, name, k.DID), k.Signer, k.VM, s, dataintegrity.ProofOptions{})
			if err != nil {
				t.Fatal(err)
			}
			verify = append(verify, signed, edit(t, signed, subjectEdit))
			names = append(names, ours{string(s) + "/" + name, true}, ours{string(s) + "/" + name + "/tampered", false})
			issue = append(issue, issueReq{string(s), vocabDoc(t, name, "")})
		}
	}
	var out struct {
		Verify []peerResult      `json:"verify"`
		Issued []json.RawMessage `json:"issued"`
	}
	node.Run(t, "di-vocab.mjs", map[string]any{
		"contexts": map[string]json.RawMessage{"https://www.w3.org/ns/credentials/examples/v2": ex},
		"verify":   verify,
		"issue":    issue,
	}, &out)
	if len(out.Verify) != len(verify) || len(out.Issued) != len(issue) {
		t.Fatalf("peer answered %d of %d verifications, issued %d of %d", len(out.Verify), len(verify), len(out.Issued), len(issue))
	}
	for i, n := range names {
		t.Run("peer verifies ours/"+n.name, func(t *testing.T) {
			if got := out.Verify[i]; got.Verified != n.want {
				t.Errorf("peer verified=%v (want %v): %s\n%s", got.Verified, n.want, got.Error, verify[i])
			}
		})
	}
	for i, c := range out.Issued {
		t.Run("we verify peer's/"+issue[i].Cryptosuite+"/"+vocabSigned[i%len(vocabSigned)], func(t *testing.T) {
			res, err := p.Verify(ctx, c, keys, dataintegrity.VerifyOptions{})
			if err != nil {
				t.Fatalf("%v\n%s", err, c)
			}
			if !res.Verified() || res.Proofs[0].Cryptosuite != dataintegrity.Cryptosuite(issue[i].Cryptosuite) {
				t.Errorf("result %+v", res)
			}
			if _, err := p.Verify(ctx, edit(t, c, subjectEdit), keys, dataintegrity.VerifyOptions{}); !errors.Is(err, dataintegrity.ErrInvalidSignature) {
				t.Errorf("tampered peer credential: %v, want ErrInvalidSignature", err)
			}
		})
	}
}
