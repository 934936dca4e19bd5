package interop_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/jwk"
	"github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/internal/nodetest"
	"github.com/chainid/chainid/resolver"
	"github.com/chainid/chainid/verifier"
)

const (
	nonce    = "n-8cQ2vRk1"
	audience = "https://verifier.example"
)

// peers returns the npm peers, skipping the test when node or the npm
// packages are missing, unless CHAINID_INTEROP=1 demands them.
func peers(t *testing.T) *nodetest.Peers {
	t.Helper()
	return nodetest.Require(t, "did-jwt-vc", "@sd-jwt/sd-jwt-vc", "@digitalbazaar/vc")
}

// newVerifier is a verifier over the real did:key and did:jwk resolvers
// with the built-in JSON-LD contexts.
func newVerifier(t *testing.T) *verifier.Verifier {
	t.Helper()
	r, err := resolver.New(resolver.Config{Methods: map[string]resolver.Method{
		"key": key.NewResolver(key.Config{}),
		"jwk": jwk.NewResolver(jwk.Config{}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := didkeys.New(r, didkeys.Config{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := verifier.New(verifier.Config{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func str(s string) json.RawMessage { b, _ := json.Marshal(s); return b }

// verify runs the verifier and returns the result.
func verify(t *testing.T, v *verifier.Verifier, in verifier.Input, pol verifier.Policy) *verifier.Result {
	t.Helper()
	res, err := v.Verify(context.Background(), in, pol)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return res
}

// failedChecks names the failed checks of a result ("target:check").
func failedChecks(r *verifier.Result) []string {
	var out []string
	for _, c := range r.Failed() {
		name := c.Check
		if c.Target != "" {
			name = c.Target + ":" + name
		}
		out = append(out, name)
	}
	return out
}

func describe(r *verifier.Result) string {
	var b strings.Builder
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "\n  %s %s passed=%v: %s", c.Target, c.Check, c.Passed, c.Reason)
	}
	return b.String()
}

// mustVerify requires a verified result.
func mustVerify(t *testing.T, r *verifier.Result) {
	t.Helper()
	if !r.Verified {
		t.Fatalf("not verified; failed %v%s", failedChecks(r), describe(r))
	}
}

// mustFail requires an unverified result in which the named check (on the
// presentation itself, Target "") failed.
func mustFail(t *testing.T, r *verifier.Result, check string) {
	t.Helper()
	if r.Verified {
		t.Fatalf("verified, want %s to fail%s", check, describe(r))
	}
	for _, c := range r.Failed() {
		if c.Check == check && c.Target == "" {
			return
		}
	}
	t.Errorf("failed %v, want %s among them%s", failedChecks(r), check, describe(r))
}

// mustFailAny requires an unverified result with at least one failed check
// among the named ones (any target).
func mustFailAny(t *testing.T, r *verifier.Result, checks ...string) {
	t.Helper()
	if r.Verified {
		t.Fatalf("verified, want one of %v to fail%s", checks, describe(r))
	}
	for _, c := range r.Failed() {
		if slices.Contains(checks, c.Check) {
			return
		}
	}
	t.Errorf("failed %v, want one of %v%s", failedChecks(r), checks, describe(r))
}

// TestDIDJWTVCPresentations: VP-JWTs made by did-jwt-vc (holders and
// issuers on did:key, EdDSA, ES256 and ES256K; the embedded credential
// issued by did-jwt-vc too) verify with the nonce and audience they were
// made for, and fail with another nonce or audience, an untrusted issuer, a
// changed payload; did-jwt-vc's default presentation without iat verifies
// through its nonce.
func TestDIDJWTVCPresentations(t *testing.T) {
	node := peers(t)
	v := newVerifier(t)
	var issued []struct {
		Alg, Issuer, Holder, Credential, Presentation, PresentationNoIat string
	}
	node.Run(t, "vp-jwtvc-issue.mjs", map[string]any{
		"algs": []string{"EdDSA", "ES256", "ES256K"}, "challenge": nonce, "domain": audience,
	}, &issued)
	if len(issued) != 3 {
		t.Fatalf("peer made %d presentations", len(issued))
	}
	for _, is := range issued {
		t.Run(is.Alg, func(t *testing.T) {
			trust := verifier.Policy{TrustedIssuers: []string{is.Issuer}}
			in := verifier.Input{Presentation: str(is.Presentation), Nonce: nonce, Audience: audience}
			res := verify(t, v, in, trust)
			mustVerify(t, res)
			if res.Format != verifier.FormatJWTVPJSON || res.Holder != is.Holder {
				t.Errorf("format %q holder %q, want %q %q", res.Format, res.Holder, verifier.FormatJWTVPJSON, is.Holder)
			}
			if len(res.Credentials) != 1 || res.Credentials[0].Issuer != is.Issuer || res.Credentials[0].Subject != is.Holder {
				t.Errorf("credentials %+v", res.Credentials)
			}
			t.Run("wrong nonce", func(t *testing.T) {
				in := in
				in.Nonce = "n-other"
				mustFail(t, verify(t, v, in, trust), verifier.CheckHolderBinding)
			})
			t.Run("wrong audience", func(t *testing.T) {
				in := in
				in.Audience = "https://evil.example"
				mustFail(t, verify(t, v, in, trust), verifier.CheckHolderBinding)
			})
			t.Run("untrusted issuer", func(t *testing.T) {
				res := verify(t, v, in, verifier.Policy{TrustedIssuers: []string{is.Holder}})
				mustFailAny(t, res, verifier.CheckTrustedIssuer)
			})
			// did-jwt-vc's default presentation has no iat: its nonce binds
			// it to this request, so it verifies; with another nonce it
			// does not.
			t.Run("no iat", func(t *testing.T) {
				in := in
				in.Presentation = str(is.PresentationNoIat)
				mustVerify(t, verify(t, v, in, trust))
				in.Nonce = "n-other"
				mustFail(t, verify(t, v, in, trust), verifier.CheckHolderBinding)
			})
			t.Run("changed payload", func(t *testing.T) {
				in := in
				in.Presentation = str(changePayload(t, is.Presentation, func(m map[string]any) { m["iss"] = is.Issuer }))
				mustFailAny(t, verify(t, v, in, trust), verifier.CheckIssuerKey, verifier.CheckSignature)
			})
		})
	}
}

// changePayload re-encodes a JWT's payload after f, keeping the old
// signature.
func changePayload(t *testing.T, tok string, f func(m map[string]any)) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	raw, _ = json.Marshal(m)
	parts[1] = base64.RawURLEncoding.EncodeToString(raw)
	return strings.Join(parts, ".")
}

func newSigner(t *testing.T, alg string) crypto.Signer {
	t.Helper()
	switch alg {
	case "EdDSA":
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return priv
	case "ES256":
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return priv
	}
	t.Fatalf("alg %s", alg)
	return nil
}

func publicJWK(t *testing.T, pub crypto.PublicKey) map[string]any {
	t.Helper()
	j, err := did.JWKFromPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := j.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func privateJWK(t *testing.T, s crypto.Signer) map[string]any {
	t.Helper()
	m := publicJWK(t, s.Public())
	switch k := s.(type) {
	case ed25519.PrivateKey:
		m["d"] = base64.RawURLEncoding.EncodeToString(k.Seed())
	case *ecdsa.PrivateKey:
		d, err := k.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		m["d"] = base64.RawURLEncoding.EncodeToString(d)
	default:
		t.Fatalf("key %T", s)
	}
	return m
}

// TestSDJWTVCPresentations: SD-JWT VCs issued by @sd-jwt/sd-jwt-vc (issuer
// on did:jwk) and presented with a Key Binding JWT verify with the KB-JWT's
// nonce and audience, disclosing only what was revealed; another nonce or
// audience, a tampered or foreign disclosure and a missing KB-JWT fail.
func TestSDJWTVCPresentations(t *testing.T) {
	node := peers(t)
	v := newVerifier(t)
	for _, alg := range []string{"EdDSA", "ES256"} {
		t.Run(alg, func(t *testing.T) {
			issuerKey, holder := newSigner(t, alg), newSigner(t, alg)
			id, err := jwk.New(issuerKey.Public())
			if err != nil {
				t.Fatal(err)
			}
			iat := time.Now().Unix()
			var out struct{ Issued, Presentation string }
			node.Run(t, "sdjwt-issue.mjs", map[string]any{
				"alg": alg, "kid": id.String() + "#0",
				"issuerPrivateJwk": privateJWK(t, issuerKey), "holderPrivateJwk": privateJWK(t, holder),
				"holderPublicJwk": publicJWK(t, holder.Public()),
				"claims": map[string]any{
					"iss": id.String(), "vct": "https://credentials.example.com/identity_credential", "iat": iat,
					"given_name": "Erika", "family_name": "Mustermann", "email": "erika@example.com",
				},
				"disclosable": []string{"given_name", "family_name", "email"},
				"reveal":      []string{"given_name"},
				"nonce":       nonce, "aud": audience, "iat": iat,
			}, &out)
			trust := verifier.Policy{TrustedIssuers: []string{id.String()}}
			in := verifier.Input{Presentation: str(out.Presentation), Nonce: nonce, Audience: audience}
			res := verify(t, v, in, trust)
			mustVerify(t, res)
			if res.Format != verifier.FormatSDJWT || len(res.Credentials) != 1 || res.Credentials[0].Issuer != id.String() {
				t.Fatalf("format %q credentials %+v", res.Format, res.Credentials)
			}
			var claims map[string]any
			if err := json.Unmarshal(res.Credentials[0].Claims, &claims); err != nil {
				t.Fatal(err)
			}
			if claims["given_name"] != "Erika" || claims["family_name"] != nil || claims["email"] != nil {
				t.Errorf("disclosed claims %v", claims)
			}

			parts := strings.Split(out.Presentation, "~")
			if len(parts) < 3 {
				t.Fatalf("presentation %q", out.Presentation)
			}
			kb := parts[len(parts)-1]
			// A disclosure of the issued SD-JWT that was not presented.
			var other string
			for _, d := range strings.Split(out.Issued, "~")[1:] {
				if d != "" && !slices.Contains(parts, d) {
					other = d
				}
			}
			tamperedDisclosure := func() string {
				raw, err := base64.RawURLEncoding.DecodeString(parts[1])
				if err != nil {
					t.Fatal(err)
				}
				raw = bytes.Replace(raw, []byte("Erika"), []byte("Mallory"), 1)
				p := slices.Clone(parts)
				p[1] = base64.RawURLEncoding.EncodeToString(raw)
				return strings.Join(p, "~")
			}
			tests := []struct {
				name   string
				in     verifier.Input
				checks []string
			}{
				{"wrong nonce", verifier.Input{Presentation: in.Presentation, Nonce: "n-other", Audience: audience}, []string{verifier.CheckHolderBinding}},
				{"wrong audience", verifier.Input{Presentation: in.Presentation, Nonce: nonce, Audience: "https://evil.example"}, []string{verifier.CheckHolderBinding}},
				{"tampered disclosure", verifier.Input{Presentation: str(tamperedDisclosure()), Nonce: nonce, Audience: audience},
					[]string{verifier.CheckSyntax, verifier.CheckSignature, verifier.CheckHolderBinding}},
				// Adding a disclosure after the holder signed changes sd_hash.
				{"disclosure added", verifier.Input{Presentation: str(strings.Join(parts[:len(parts)-1], "~") + "~" + other + "~" + kb), Nonce: nonce, Audience: audience},
					[]string{verifier.CheckHolderBinding}},
				{"no key binding", verifier.Input{Presentation: str(strings.Join(parts[:len(parts)-1], "~") + "~"), Nonce: nonce, Audience: audience},
					[]string{verifier.CheckHolderBinding}},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					mustFailAny(t, verify(t, v, tc.in, trust), tc.checks...)
				})
			}
			t.Run("untrusted issuer", func(t *testing.T) {
				mustFailAny(t, verify(t, v, in, verifier.Policy{TrustedIssuers: []string{"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}}), verifier.CheckTrustedIssuer)
			})
		})
	}
}

// TestDigitalBazaarPresentations: presentations signed by @digitalbazaar/vc
// (eddsa-rdfc-2022 and ecdsa-rdfc-2019 did:key holders, with challenge and
// domain, embedding eddsa-rdfc-2022 and ecdsa-rdfc-2019 credentials issued
// to the holder) verify, their proof covering the embedded credentials; the
// wrong challenge or domain, a tampered embedded credential and an
// untrusted issuer fail.
func TestDigitalBazaarPresentations(t *testing.T) {
	node := peers(t)
	v := newVerifier(t)
	var out struct {
		Issuers       []string `json:"issuers"`
		Presentations []struct {
			Holder       string          `json:"holder"`
			Cryptosuite  string          `json:"cryptosuite"`
			Presentation json.RawMessage `json:"presentation"`
		} `json:"presentations"`
	}
	node.Run(t, "vp-di-issue.mjs", map[string]any{"challenge": nonce, "domain": audience}, &out)
	if len(out.Presentations) != 2 || len(out.Issuers) != 4 {
		t.Fatalf("peer made %d presentations, %d issuers", len(out.Presentations), len(out.Issuers))
	}
	trust := verifier.Policy{TrustedIssuers: out.Issuers}
	for _, p := range out.Presentations {
		t.Run(p.Cryptosuite, func(t *testing.T) {
			in := verifier.Input{Presentation: p.Presentation, Nonce: nonce, Audience: audience}
			res := verify(t, v, in, trust)
			mustVerify(t, res)
			if res.Format != verifier.FormatLDPVP || res.Holder != p.Holder || len(res.Credentials) != 2 {
				t.Errorf("format %q holder %q credentials %d", res.Format, res.Holder, len(res.Credentials))
			}
			// Without an expected domain the domain is not checked.
			mustVerify(t, verify(t, v, verifier.Input{Presentation: p.Presentation, Nonce: nonce}, trust))
			t.Run("wrong challenge", func(t *testing.T) {
				mustFail(t, verify(t, v, verifier.Input{Presentation: p.Presentation, Nonce: "n-other", Audience: audience}, trust), verifier.CheckHolderBinding)
			})
			t.Run("wrong domain", func(t *testing.T) {
				mustFail(t, verify(t, v, verifier.Input{Presentation: p.Presentation, Nonce: nonce, Audience: "https://evil.example"}, trust), verifier.CheckHolderBinding)
			})
			t.Run("tampered embedded credential", func(t *testing.T) {
				var m map[string]any
				if err := json.Unmarshal(p.Presentation, &m); err != nil {
					t.Fatal(err)
				}
				m["verifiableCredential"].([]any)[1].(map[string]any)["credentialSubject"].(map[string]any)["name"] = "Mallory"
				bad, _ := json.Marshal(m)
				res := verify(t, v, verifier.Input{Presentation: bad, Nonce: nonce, Audience: audience}, trust)
				mustFail(t, res, verifier.CheckSignature)
			})
			t.Run("untrusted issuer", func(t *testing.T) {
				mustFailAny(t, verify(t, v, in, verifier.Policy{TrustedIssuers: out.Issuers[:1]}), verifier.CheckTrustedIssuer)
			})
		})
	}
}

// identity is a did:key holder or issuer made here.
type identity struct {
	DID, VM string
	Signer  crypto.Signer
}

func newIdentity(t *testing.T, alg string) identity {
	t.Helper()
	s := newSigner(t, alg)
	id, err := key.New(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	mk, err := did.EncodeMultikey(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	return identity{DID: id.String(), VM: id.String() + "#" + mk, Signer: s}
}

// TestOursInPeers: presentations chainid makes — a VP-JWT (jwt_vp_json with
// a jwt_vc_json credential) and a Data Integrity presentation embedding
// credentials — verify in our verifier and in did-jwt-vc and
// @digitalbazaar/vc respectively; for another challenge or domain they do
// not.
func TestOursInPeers(t *testing.T) {
	node := peers(t)
	v := newVerifier(t)
	ctx := context.Background()
	t.Run("VP-JWT in did-jwt-vc", func(t *testing.T) {
		type vpIn struct {
			JWT       string `json:"jwt"`
			Challenge string `json:"challenge"`
			Domain    string `json:"domain"`
		}
		var vps []vpIn
		for _, alg := range []string{"EdDSA", "ES256"} {
			issuer, holder := newIdentity(t, alg), newIdentity(t, alg)
			cred := fmt.Sprintf(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"issuer":%q,"issuanceDate":"2025-01-01T00:00:00Z","credentialSubject":{"id":%q,"name":"Alice"}}`, issuer.DID, holder.DID)
			vc, err := jwtvc.Sign(ctx, []byte(cred), issuer.Signer, issuer.VM, jwtvc.SignOptions{Format: jwtvc.FormatJWTVCJSON})
			if err != nil {
				t.Fatal(err)
			}
			pres := fmt.Sprintf(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiablePresentation"],"holder":%q,"verifiableCredential":[%q]}`, holder.DID, vc)
			vp, err := jwtvc.SignPresentation(ctx, []byte(pres), holder.Signer, holder.VM,
				jwtvc.PresentOptions{Format: jwtvc.FormatJWTVCJSON, Nonce: nonce, Audience: audience, Lifetime: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			mustVerify(t, verify(t, v, verifier.Input{Presentation: str(vp), Nonce: nonce, Audience: audience}, verifier.Policy{TrustedIssuers: []string{issuer.DID}}))
			vps = append(vps, vpIn{vp, nonce, audience})
		}
		want := len(vps)
		vps = append(vps, vpIn{vps[0].JWT, "n-other", audience}, vpIn{vps[0].JWT, nonce, "https://evil.example"})
		var out struct {
			Presentations []struct {
				OK          bool   `json:"ok"`
				Error       string `json:"error"`
				Credentials int    `json:"credentials"`
			} `json:"presentations"`
		}
		node.Run(t, "jwtvc-verify.mjs", map[string]any{"presentations": vps}, &out)
		if len(out.Presentations) != len(vps) {
			t.Fatalf("peer answered %d presentations", len(out.Presentations))
		}
		for i, p := range out.Presentations {
			if i < want && (!p.OK || p.Credentials != 1) {
				t.Errorf("did-jwt-vc refused our VP-JWT %d: %s", i, p.Error)
			}
			if i >= want && p.OK {
				t.Errorf("did-jwt-vc accepted our VP-JWT for challenge %q, domain %q", vps[i].Challenge, vps[i].Domain)
			}
		}
	})
	t.Run("Data Integrity in @digitalbazaar/vc", func(t *testing.T) {
		di, err := dataintegrity.New(dataintegrity.Config{})
		if err != nil {
			t.Fatal(err)
		}
		type presIn struct {
			Presentation json.RawMessage `json:"presentation"`
			Challenge    string          `json:"challenge"`
			Domain       string          `json:"domain"`
		}
		var in []presIn
		for _, suite := range []dataintegrity.Cryptosuite{dataintegrity.EdDSARDFC2022, dataintegrity.ECDSARDFC2019} {
			alg := map[dataintegrity.Cryptosuite]string{dataintegrity.EdDSARDFC2022: "EdDSA", dataintegrity.ECDSARDFC2019: "ES256"}[suite]
			issuer, holder := newIdentity(t, alg), newIdentity(t, alg)
			cred := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:%s","type":["VerifiableCredential"],"issuer":%q,"validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":%q,"name":"Alice"}}`,
				fmt.Sprintf("%x-%x", time.Now().UnixNano(), len(in)), issuer.DID, holder.DID)
			signed, err := di.AddProof(ctx, []byte(cred), issuer.Signer, issuer.VM, suite, dataintegrity.ProofOptions{})
			if err != nil {
				t.Fatal(err)
			}
			pres := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":%q,"verifiableCredential":[%s]}`, holder.DID, signed)
			vp, err := di.AddProof(ctx, []byte(pres), holder.Signer, holder.VM, suite, dataintegrity.ProofOptions{
				Purpose: dataintegrity.Authentication, Challenge: nonce, Domain: audience,
			})
			if err != nil {
				t.Fatal(err)
			}
			mustVerify(t, verify(t, v, verifier.Input{Presentation: vp, Nonce: nonce, Audience: audience}, verifier.Policy{TrustedIssuers: []string{issuer.DID}}))
			in = append(in, presIn{vp, nonce, audience})
		}
		want := len(in)
		in = append(in, presIn{in[0].Presentation, "n-other", audience}, presIn{in[0].Presentation, nonce, "https://evil.example"})
		var out struct {
			Presentations []struct {
				Verified bool   `json:"verified"`
				Error    string `json:"error"`
			} `json:"presentations"`
		}
		node.Run(t, "di-verify.mjs", map[string]any{"presentations": in}, &out)
		if len(out.Presentations) != len(in) {
			t.Fatalf("peer answered %d presentations", len(out.Presentations))
		}
		for i, p := range out.Presentations {
			if i < want && !p.Verified {
				t.Errorf("@digitalbazaar/vc refused our presentation %d: %s\n%s", i, p.Error, in[i].Presentation)
			}
			if i >= want && p.Verified {
				t.Errorf("@digitalbazaar/vc accepted our presentation for challenge %q, domain %q", in[i].Challenge, in[i].Domain)
			}
		}
	})
}
