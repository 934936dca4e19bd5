package dataintegrity_test

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/ldcontext"
)

var suites = []dataintegrity.Cryptosuite{dataintegrity.EdDSARDFC2022, dataintegrity.EdDSAJCS2022, dataintegrity.ECDSARDFC2019}

func keyFor(t testing.TB, s dataintegrity.Cryptosuite) issuerKey {
	if s == dataintegrity.ECDSARDFC2019 {
		return newP256(t)
	}
	return newEd25519(t)
}

// testSet is the built-in set plus the examples context the specs use.
func testSet(t testing.TB) *ldcontext.Set {
	t.Helper()
	ex, err := os.ReadFile(filepath.Join("testdata", "examples-v2.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := ldcontext.New(ldcontext.Context{URL: "https://www.w3.org/ns/credentials/examples/v2", Document: ex})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func newProcessor(t testing.TB, cfg dataintegrity.Config) *dataintegrity.Processor {
	t.Helper()
	if cfg.Contexts == nil {
		cfg.Contexts = testSet(t)
	}
	p, err := dataintegrity.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	p := newProcessor(t, dataintegrity.Config{})
	for _, s := range suites {
		for name, mk := range map[string]func(string) []byte{"v2": credential, "v1": credentialV1} {
			t.Run(string(s)+"/"+name, func(t *testing.T) {
				k := keyFor(t, s)
				in := mk(k.DID)
				out, err := p.AddProof(ctx, in, k.Signer, k.VM, s, dataintegrity.ProofOptions{})
				if err != nil {
					t.Fatal(err)
				}
				res, err := p.Verify(ctx, out, newDIDKeys(), dataintegrity.VerifyOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if !res.Verified() || res.Issuer != k.DID || len(res.Proofs) != 1 {
					t.Fatalf("result %+v", res)
				}
				pr := res.Proofs[0]
				if pr.Cryptosuite != s || pr.VerificationMethod != k.VM || pr.Controller != k.DID || pr.Purpose != dataintegrity.AssertionMethod || pr.Created.IsZero() {
					t.Errorf("proof result %+v", pr)
				}
				var got, want map[string]any
				_ = json.Unmarshal(res.Document, &got)
				_ = json.Unmarshal(in, &want)
				if name == "v1" && s != dataintegrity.EdDSAJCS2022 {
					// The Data Integrity context was appended for the proof terms.
					want["@context"] = append(want["@context"].([]any), ldcontext.DataIntegrityV2)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("document\n%v\nwant\n%v", got, want)
				}
			})
		}
	}
}

func TestPresentation(t *testing.T) {
	ctx := context.Background()
	p := newProcessor(t, dataintegrity.Config{})
	holder := newEd25519(t)
	vp := []byte(fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":%q}`, holder.DID))
	out, err := p.AddProof(ctx, vp, holder.Signer, holder.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{
		Purpose: dataintegrity.Authentication, Challenge: "c-123", Domain: "https://verifier.example",
	})
	if err != nil {
		t.Fatal(err)
	}
	keys := newDIDKeys()
	good := dataintegrity.VerifyOptions{Purpose: dataintegrity.Authentication, Challenge: "c-123", Domain: "https://verifier.example"}
	res, err := p.Verify(ctx, out, keys, good)
	if err != nil {
		t.Fatal(err)
	}
	if res.Issuer != holder.DID {
		t.Errorf("holder %q", res.Issuer)
	}
	for name, o := range map[string]dataintegrity.VerifyOptions{
		"wrong challenge":     {Purpose: dataintegrity.Authentication, Challenge: "c-999"},
		"no challenge":        {Purpose: dataintegrity.Authentication},
		"wrong domain":        {Purpose: dataintegrity.Authentication, Challenge: "c-123", Domain: "https://other.example"},
		"as assertion":        {},
		"as assertion+chall.": {Purpose: dataintegrity.AssertionMethod, Challenge: "c-123"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := p.Verify(ctx, out, keys, o); !errors.Is(err, dataintegrity.ErrPurpose) {
				t.Errorf("err = %v, want ErrPurpose", err)
			}
		})
	}
}

// onlyRel lists every key under one relationship only.
type onlyRel struct {
	rel  string
	keys didKeys
}

func (o onlyRel) VerificationKey(ctx context.Context, id, rel string) (crypto.PublicKey, error) {
	if rel != o.rel {
		return nil, fmt.Errorf("%s is not listed under %s", id, rel)
	}
	return o.keys.VerificationKey(ctx, id, rel)
}

func TestRefusals(t *testing.T) {
	ctx := context.Background()
	p := newProcessor(t, dataintegrity.Config{Now: func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }})
	k := newEd25519(t)
	ec := newP256(t)
	other := newEd25519(t)
	keys := newDIDKeys()
	sign := func(t *testing.T, doc []byte, s dataintegrity.Cryptosuite, signer issuerKey, o dataintegrity.ProofOptions) []byte {
		t.Helper()
		out, err := p.AddProof(ctx, doc, signer.Signer, signer.VM, s, o)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	signed := sign(t, credential(k.DID), dataintegrity.EdDSARDFC2022, k, dataintegrity.ProofOptions{})
	withProof := func(f func(p map[string]any)) []byte {
		return edit(t, signed, func(m map[string]any) { f(proofOf(m)) })
	}
	// addContext signs a credential whose @context is ctx (bypassing
	// AddProof's own refusal by verifying what a peer might have sent).
	withContext := func(c any) []byte {
		return edit(t, signed, func(m map[string]any) { m["@context"] = c })
	}

	tests := []struct {
		name string
		doc  []byte
		keys dataintegrity.KeyResolver
		opts dataintegrity.VerifyOptions
		want error
	}{
		{"unknown context", withContext([]any{"https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"}), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrContext},
		{"inline context redefines term", withContext([]any{"https://www.w3.org/ns/credentials/v2", map[string]any{"name": "https://evil.example/name"}}), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrContext},
		{"@vocab swap", withContext([]any{map[string]any{"@vocab": "https://evil.example/#"}, "https://www.w3.org/ns/credentials/v2"}), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrContext},
		{"context replaced", withContext("https://www.w3.org/2018/credentials/v1"), keys, dataintegrity.VerifyOptions{}, nil},
		{"embedded context", edit(t, signed, func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["@context"] = map[string]any{"@vocab": "https://evil.example/#"}
		}), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrContext},
		{"embedded unknown context", edit(t, signed, func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["@context"] = "https://evil.example/ctx"
		}), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrContext},
		{"no context", edit(t, signed, func(m map[string]any) { delete(m, "@context") }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrContext},
		{"undefined term", edit(t, signed, func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["favouriteColour"] = "blue"
		}), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrUndefinedTerm},
		{"undefined type", edit(t, signed, func(m map[string]any) {
			m["type"] = []any{"VerifiableCredential", "MadeUpCredential"}
		}), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrUndefinedTerm},
		{"relative id", edit(t, signed, func(m map[string]any) { m["id"] = "relative/path" }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrUndefinedTerm},
		{"purpose for login", signed, keys, dataintegrity.VerifyOptions{Purpose: dataintegrity.Authentication, Challenge: "x"}, dataintegrity.ErrPurpose},
		{"method not under relationship", signed, onlyRel{dataintegrity.Authentication, keys}, dataintegrity.VerifyOptions{}, nil},
		{"foreign issuer key", sign(t, credential(k.DID), dataintegrity.EdDSARDFC2022, other, dataintegrity.ProofOptions{}), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrIssuer},
		{"wrong proof type", withProof(func(p map[string]any) { p["type"] = "Ed25519Signature2020" }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrUnsupported},
		{"unknown cryptosuite", withProof(func(p map[string]any) { p["cryptosuite"] = "eddsa-2022" }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrUnsupported},
		{"cryptosuite swapped to jcs", withProof(func(p map[string]any) { p["cryptosuite"] = "eddsa-jcs-2022" }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrInvalidSignature},
		{"cryptosuite swapped to ecdsa", withProof(func(p map[string]any) { p["cryptosuite"] = "ecdsa-rdfc-2019" }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrUnsupported},
		{"proofValue base64url", withProof(func(p map[string]any) { p["proofValue"] = "u" + strings.Repeat("A", 86) }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrMalformed},
		{"proofValue bad base58", withProof(func(p map[string]any) { p["proofValue"] = "z0OIl" + p["proofValue"].(string)[5:] }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrMalformed},
		{"proofValue short", withProof(func(p map[string]any) { p["proofValue"] = p["proofValue"].(string)[:40] }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrMalformed},
		{"proofValue empty", withProof(func(p map[string]any) { p["proofValue"] = "" }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrMalformed},
		{"proofValue not a string", withProof(func(p map[string]any) { p["proofValue"] = 42 }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrMalformed},
		{"no proofPurpose", withProof(func(p map[string]any) { delete(p, "proofPurpose") }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrMalformed},
		{"bad created", withProof(func(p map[string]any) { p["created"] = "yesterday" }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrMalformed},
		{"relative verificationMethod", withProof(func(p map[string]any) { p["verificationMethod"] = "#key-1" }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrMalformed},
		{"expired", sign(t, credential(k.DID), dataintegrity.EdDSARDFC2022, k, dataintegrity.ProofOptions{Expires: time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)}), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrExpired},
		{"challenge mismatch", sign(t, credential(k.DID), dataintegrity.EdDSARDFC2022, k, dataintegrity.ProofOptions{Challenge: "a"}), keys, dataintegrity.VerifyOptions{Challenge: "b"}, dataintegrity.ErrPurpose},
		{"no proof", credential(k.DID), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrNoProof},
		{"empty proof list", edit(t, signed, func(m map[string]any) { m["proof"] = []any{} }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrNoProof},
		{"proof not an object", edit(t, signed, func(m map[string]any) { m["proof"] = "x" }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrMalformed},
		{"duplicate member", []byte(strings.Replace(string(signed), `"issuer":`, `"issuer":"did:example:evil","issuer":`, 1)), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrMalformed},
		{"not JSON", []byte(`{"proof":`), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrMalformed},
		{"array document", []byte(`[]`), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrMalformed},
		{"huge integer", edit(t, signed, func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["name"] = json.Number("123456789012345678901234567890")
		}), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrJSONLD},
		{"previous proof missing", withProof(func(p map[string]any) { p["previousProof"] = "urn:uuid:missing" }), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrMalformed},
		{"too many proofs", edit(t, signed, func(m map[string]any) {
			var l []any
			for range dataintegrity.DefaultMaxProofs + 1 {
				l = append(l, m["proof"])
			}
			m["proof"] = l
		}), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrTooComplex},
		{"ecdsa signature on eddsa proof", func() []byte {
			e := sign(t, credential(ec.DID), dataintegrity.ECDSARDFC2019, ec, dataintegrity.ProofOptions{})
			return edit(t, e, func(m map[string]any) { proofOf(m)["cryptosuite"] = "eddsa-rdfc-2022" })
		}(), keys, dataintegrity.VerifyOptions{}, dataintegrity.ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := p.Verify(ctx, tc.doc, tc.keys, tc.opts)
			if err == nil {
				t.Fatalf("verified: %+v", res)
			}
			if res.Verified() {
				t.Error("result says verified")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestExpiresLeeway: a proof's expires is compared with the clock less the
// leeway the verifier passes in, not more.
func TestExpiresLeeway(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newProcessor(t, dataintegrity.Config{Now: func() time.Time { return now }})
	k := newEd25519(t)
	doc, err := p.AddProof(ctx, credential(k.DID), k.Signer, k.VM, dataintegrity.EdDSARDFC2022,
		dataintegrity.ProofOptions{Expires: now.Add(-2 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		leeway time.Duration
		ok     bool
	}{
		{"no leeway", 0, false},
		{"leeway shorter than the lateness", time.Minute, false},
		{"negative leeway", -time.Hour, false},
		{"leeway covering the lateness", 5 * time.Minute, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := p.Verify(ctx, doc, newDIDKeys(), dataintegrity.VerifyOptions{Leeway: tc.leeway})
			if tc.ok {
				if err != nil || !res.Verified() {
					t.Fatalf("within the leeway: %v", err)
				}
				return
			}
			if !errors.Is(err, dataintegrity.ErrExpired) {
				t.Fatalf("want ErrExpired, got %v", err)
			}
		})
	}
}

func TestAddProofRefusals(t *testing.T) {
	ctx := context.Background()
	p := newProcessor(t, dataintegrity.Config{})
	ed := newEd25519(t)
	ec := newP256(t)
	tests := []struct {
		name   string
		doc    []byte
		signer issuerKey
		vm     string
		suite  dataintegrity.Cryptosuite
		opts   dataintegrity.ProofOptions
		want   error
	}{
		{"P-256 key for eddsa", credential(ec.DID), ec, ec.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{}, dataintegrity.ErrUnsupported},
		{"Ed25519 key for ecdsa", credential(ed.DID), ed, ed.VM, dataintegrity.ECDSARDFC2019, dataintegrity.ProofOptions{}, dataintegrity.ErrUnsupported},
		{"unknown suite", credential(ed.DID), ed, ed.VM, "bbs-2023", dataintegrity.ProofOptions{}, dataintegrity.ErrUnsupported},
		{"relative method", credential(ed.DID), ed, "#key-1", dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{}, dataintegrity.ErrMalformed},
		{"unknown context", []byte(`{"@context":["https://evil.example/ctx"],"type":"VerifiableCredential"}`), ed, ed.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{}, dataintegrity.ErrContext},
		{"unknown context jcs", []byte(`{"@context":["https://evil.example/ctx"],"type":"VerifiableCredential"}`), ed, ed.VM, dataintegrity.EdDSAJCS2022, dataintegrity.ProofOptions{}, dataintegrity.ErrContext},
		{"undefined term", []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","colour":"blue"}`), ed, ed.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{}, dataintegrity.ErrUndefinedTerm},
		{"previous proof missing", credential(ed.DID), ed, ed.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{PreviousProof: []string{"urn:x"}}, dataintegrity.ErrMalformed},
		{"oversize", []byte(`{"@context":"https://www.w3.org/ns/credentials/v2","x":"` + strings.Repeat("a", dataintegrity.DefaultMaxDocumentBytes) + `"}`), ed, ed.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{}, dataintegrity.ErrTooComplex},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.AddProof(ctx, tc.doc, tc.signer.Signer, tc.vm, tc.suite, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestPoisonGraph: a blank-node clique that would take json-gold minutes
// is refused by the work bound, well inside the caller's deadline, and
// documents with repeated but unconnected blank nodes still canonicalize.
func TestPoisonGraph(t *testing.T) {
	p := newProcessor(t, dataintegrity.Config{})
	k := newEd25519(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, n := range []int{6, 10, 40} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			_, err := p.AddProof(ctx, poisonGraph(k.DID, n), k.Signer, k.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{})
			if !errors.Is(err, dataintegrity.ErrTooComplex) {
				t.Fatalf("err = %v, want ErrTooComplex", err)
			}
		})
	}
	t.Run("small clique", func(t *testing.T) {
		if _, err := p.AddProof(ctx, poisonGraph(k.DID, 4), k.Signer, k.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("repeated leaves", func(t *testing.T) {
		var items []any
		for range 30 {
			items = append(items, map[string]any{"type": "Skill", "level": "expert"})
		}
		doc := edit(t, poisonGraph(k.DID, 1), func(m map[string]any) { m["credentialSubject"].(map[string]any)["skill"] = items })
		out, err := p.AddProof(ctx, doc, k.Signer, k.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Verify(ctx, out, newDIDKeys(), dataintegrity.VerifyOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("too many blank nodes", func(t *testing.T) {
		var items []any
		for i := range dataintegrity.DefaultMaxBlankNodes + 1 {
			items = append(items, map[string]any{"n": i})
		}
		doc := edit(t, poisonGraph(k.DID, 1), func(m map[string]any) { m["credentialSubject"].(map[string]any)["item"] = items })
		_, err := p.AddProof(ctx, doc, k.Signer, k.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{})
		if !errors.Is(err, dataintegrity.ErrTooComplex) {
			t.Fatalf("err = %v, want ErrTooComplex", err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		done, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := p.AddProof(done, credential(k.DID), k.Signer, k.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

func TestProofSetAndChain(t *testing.T) {
	ctx := context.Background()
	p := newProcessor(t, dataintegrity.Config{SkipIssuerMatch: true})
	strict := newProcessor(t, dataintegrity.Config{})
	issuer := newEd25519(t)
	witness := newP256(t)
	keys := newDIDKeys()
	doc := credential(issuer.DID)

	first, err := p.AddProof(ctx, doc, issuer.Signer, issuer.VM, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{ID: "urn:uuid:proof-1"})
	if err != nil {
		t.Fatal(err)
	}
	set, err := p.AddProof(ctx, first, witness.Signer, witness.VM, dataintegrity.ECDSARDFC2019, dataintegrity.ProofOptions{ID: "urn:uuid:proof-2"})
	if err != nil {
		t.Fatal(err)
	}
	chain, err := p.AddProof(ctx, first, witness.Signer, witness.VM, dataintegrity.ECDSARDFC2019, dataintegrity.ProofOptions{ID: "urn:uuid:proof-2", PreviousProof: []string{"urn:uuid:proof-1"}})
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string][]byte{"set": set, "chain": chain} {
		t.Run(name, func(t *testing.T) {
			res, err := p.Verify(ctx, d, keys, dataintegrity.VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Proofs) != 2 || res.Proofs[0].ID != "urn:uuid:proof-1" || res.Proofs[1].Controller != witness.DID {
				t.Fatalf("proofs %+v", res.Proofs)
			}
			if name == "chain" && (len(res.Proofs[1].PreviousProof) != 1 || res.Proofs[1].PreviousProof[0] != "urn:uuid:proof-1") {
				t.Errorf("previousProof %v", res.Proofs[1].PreviousProof)
			}
			// Without SkipIssuerMatch the witness's proof is refused, and
			// reported as such, while the issuer's verifies.
			res, err = strict.Verify(ctx, d, keys, dataintegrity.VerifyOptions{})
			if !errors.Is(err, dataintegrity.ErrIssuer) || res.Proofs[0].Err != nil || !errors.Is(res.Proofs[1].Err, dataintegrity.ErrIssuer) {
				t.Errorf("strict: %v; %+v", err, res.Proofs)
			}
			// Tampering with the first proof breaks it, and in a chain the
			// second one too.
			tampered := edit(t, d, func(m map[string]any) {
				p0 := m["proof"].([]any)[0].(map[string]any)
				p0["created"] = "2001-01-01T00:00:00Z"
			})
			res, err = p.Verify(ctx, tampered, keys, dataintegrity.VerifyOptions{})
			if err == nil || res.Proofs[0].Err == nil {
				t.Fatalf("tampered first proof verified: %v", err)
			}
			if (name == "chain") != (res.Proofs[1].Err != nil) {
				t.Errorf("second proof after tampering with the first: %v", res.Proofs[1].Err)
			}
			// Dropping the first proof: a set still verifies its remaining
			// proof; a chain cannot.
			dropped := edit(t, d, func(m map[string]any) { m["proof"] = m["proof"].([]any)[1:] })
			_, err = p.Verify(ctx, dropped, keys, dataintegrity.VerifyOptions{})
			if (name == "chain") != (err != nil) {
				t.Errorf("after dropping the first proof: %v", err)
			}
		})
	}
	t.Run("duplicate proof id", func(t *testing.T) {
		if _, err := p.AddProof(ctx, first, witness.Signer, witness.VM, dataintegrity.ECDSARDFC2019, dataintegrity.ProofOptions{ID: "urn:uuid:proof-1"}); !errors.Is(err, dataintegrity.ErrMalformed) {
			t.Errorf("err = %v", err)
		}
	})
}
