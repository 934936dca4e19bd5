package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/verifier"
)

// TestTrustDecisions feeds inputs that are authentic in some sense but must
// not verify, each with the check that must fail.
func TestTrustDecisions(t *testing.T) {
	k := newKit(t)
	enc := base64.RawURLEncoding
	// A JWT whose kid names the rogue's key but whose iss is the issuer.
	kidNotIss := func() string {
		parts := strings.Split(k.jwt(opts{}, jwtvc.FormatVCJWT), ".")
		h := enc.EncodeToString([]byte(`{"alg":"EdDSA","typ":"vc+jwt","kid":"` + rogueDID + `#r"}`))
		return h + "." + parts[1] + "." + enc.EncodeToString(ed25519.Sign(k.rogue, []byte(h+"."+parts[1])))
	}
	// A header with jku pointing elsewhere, signature by an unpublished key.
	jku := func() string {
		tok := k.jwt(opts{}, jwtvc.FormatVCJWT)
		parts := strings.Split(tok, ".")
		h := enc.EncodeToString([]byte(`{"alg":"EdDSA","typ":"vc+jwt","kid":"` + issuerDID + `#ed","jku":"https://evil.example/jwks"}`))
		sig := ed25519.Sign(k.other, []byte(h+"."+parts[1]))
		return h + "." + parts[1] + "." + enc.EncodeToString(sig)
	}
	// HS256 over the token with the issuer's public key as the secret.
	hs256 := func() string {
		tok := k.jwt(opts{}, jwtvc.FormatVCJWT)
		parts := strings.Split(tok, ".")
		h := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"vc+jwt","kid":"` + issuerDID + `#ed"}`))
		return h + "." + parts[1] + "." + parts[2]
	}
	// A DI presentation whose holder is the credential's subject but
	// whose proof is the rogue's.
	rogueVP := func() json.RawMessage {
		vp := map[string]any{"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "type": []string{"VerifiablePresentation"},
			"holder": holderDID, "verifiableCredential": []json.RawMessage{k.ldp(opts{}, dataintegrity.EdDSARDFC2022)}}
		raw, _ := json.Marshal(vp)
		out, err := k.di.AddProof(context.Background(), raw, k.rogue, rogueDID+"#r", dataintegrity.EdDSAJCS2022,
			dataintegrity.ProofOptions{Purpose: dataintegrity.Authentication, Challenge: nonce, Domain: audience, Created: now.Add(-time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	sdP256 := func() string { return k.sdPresent(k.sd(opts{issuer: p256DID, noStatus: true}), nonce) }
	for _, tc := range []struct {
		name  string
		in    verifier.Input
		pol   verifier.Policy
		check string
	}{
		{"zero policy trusts nobody", verifier.Input{Credential: str(k.jwt(opts{}, jwtvc.FormatVCJWT))}, verifier.Policy{}, verifier.CheckTrustedIssuer},
		{"issuer not in the list", verifier.Input{Credential: str(k.jwt(opts{}, jwtvc.FormatVCJWT))},
			verifier.Policy{TrustedIssuers: []string{p256DID}}, verifier.CheckTrustedIssuer},
		{"kid DID is not iss", verifier.Input{Credential: str(kidNotIss())}, policy, verifier.CheckIssuerKey},
		{"jku header", verifier.Input{Credential: str(jku())}, policy, verifier.CheckSyntax},
		{"HS256 with the public key", verifier.Input{Credential: str(hs256())}, policy, verifier.CheckSyntax},
		{"holder's authentication key as issuer key", verifier.Input{Credential: str(k.jwt(opts{kid: issuerDID + "#auth"}, jwtvc.FormatVCJWT))},
			policy, verifier.CheckIssuerKey},
		{"algorithm outside the policy", verifier.Input{Credential: str(k.jwt(opts{}, jwtvc.FormatVCJWT))},
			verifier.Policy{TrustedIssuers: []string{issuerDID}, Algorithms: []string{verifier.AlgES256}}, verifier.CheckSignature},
		{"KB-JWT algorithm outside the policy", verifier.Input{Presentation: str(sdP256()), Nonce: nonce, Audience: audience},
			verifier.Policy{TrustedIssuers: []string{p256DID}, Algorithms: []string{verifier.AlgES256}}, verifier.CheckHolderBinding},
		{"VP holder is not the subject", verifier.Input{Presentation: str(k.vpJWT(jwtvc.FormatVCJWT, nonce, holderDID+"#h",
			mustEnvelope(t, k.jwt(opts{subject: rogueDID}, jwtvc.FormatVCJWT)))), Nonce: nonce, Audience: audience}, policy, verifier.CheckHolderBinding},
		{"DI VP signed by another than its holder", verifier.Input{Presentation: rogueVP(), Nonce: nonce, Audience: audience}, policy, verifier.CheckIssuerKey},
		{"DI VP for another domain", verifier.Input{Presentation: k.ldpVP(nonce, holderDID+"#h", k.ldp(opts{}, dataintegrity.EdDSARDFC2022)),
			Nonce: nonce, Audience: "https://other.example"}, policy, verifier.CheckHolderBinding},
		{"VP-JWT without an expected nonce", verifier.Input{Presentation: str(k.vpJWT(jwtvc.FormatVCJWT, nonce, holderDID+"#h"))}, policy, verifier.CheckHolderBinding},
		{"SD-JWT presentation without a KB-JWT", verifier.Input{Presentation: str(k.sd(opts{})), Nonce: nonce, Audience: audience}, policy, verifier.CheckHolderBinding},
		{"expired beyond the leeway", verifier.Input{Credential: str(k.jwt(opts{expired: true}, jwtvc.FormatVCJWT))},
			verifier.Policy{TrustedIssuers: []string{issuerDID}, Optional: []string{verifier.CheckStatus}, Leeway: verifier.Duration(verifier.MaxLeeway)},
			verifier.CheckValidity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := k.v.Verify(context.Background(), tc.in, tc.pol)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verified || !has(res, tc.check, false) {
				t.Fatalf("want %s to fail and the result unverified: %+v", tc.check, res.Checks)
			}
		})
	}
	// The positive twins of the policy cases verify.
	for name, in := range map[string]verifier.Input{
		"KB-JWT EdDSA allowed": {Presentation: str(sdP256()), Nonce: nonce, Audience: audience},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := k.v.Verify(context.Background(), in, verifier.Policy{TrustedIssuers: []string{p256DID}, Algorithms: []string{verifier.AlgES256, verifier.AlgEdDSA}})
			if err != nil || !res.Verified {
				t.Fatalf("%v %+v", err, res)
			}
		})
	}
}

// TestProofSetAlgorithms: every proof of a Data Integrity proof set or
// chain is held to Policy.Algorithms, not only the first.
func TestProofSetAlgorithms(t *testing.T) {
	k := newKit(t)
	ctx := context.Background()
	first, err := k.di.AddProof(ctx, k.credential(opts{}), k.ed, issuerDID+"#ed", dataintegrity.EdDSARDFC2022,
		dataintegrity.ProofOptions{ID: "urn:uuid:p1", Created: now.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	second := func(o dataintegrity.ProofOptions) json.RawMessage {
		o.ID, o.Created = "urn:uuid:p2", now.Add(-time.Hour)
		out, err := k.di.AddProof(ctx, first, k.p256, issuerDID+"#ec", dataintegrity.ECDSARDFC2019, o)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	set, chain := second(dataintegrity.ProofOptions{}), second(dataintegrity.ProofOptions{PreviousProof: []string{"urn:uuid:p1"}})
	for name, doc := range map[string]json.RawMessage{"set": set, "chain": chain} {
		for _, tc := range []struct {
			algs []string
			ok   bool
		}{
			{[]string{verifier.AlgEdDSA}, false},
			{[]string{verifier.AlgES256}, false},
			{[]string{verifier.AlgEdDSA, verifier.AlgES256}, true},
			{nil, true},
		} {
			t.Run(fmt.Sprintf("%s %v", name, tc.algs), func(t *testing.T) {
				res, err := k.v.Verify(ctx, verifier.Input{Credential: doc},
					verifier.Policy{TrustedIssuers: []string{issuerDID}, Algorithms: tc.algs, Optional: []string{verifier.CheckStatus, verifier.CheckSchema}})
				if err != nil {
					t.Fatal(err)
				}
				if res.Verified != tc.ok || has(res, verifier.CheckSignature, false) == tc.ok {
					t.Fatalf("verified %v, want %v: %+v", res.Verified, tc.ok, res.Checks)
				}
			})
		}
	}
}

// TestProofExpiresLeeway: a Data Integrity proof's expires is read with the
// policy's leeway, like the credential's own validity times.
func TestProofExpiresLeeway(t *testing.T) {
	k := newKit(t)
	ctx := context.Background()
	cred, err := k.di.AddProof(ctx, k.credential(opts{}), k.ed, issuerDID+"#ed", dataintegrity.EdDSARDFC2022,
		dataintegrity.ProofOptions{Created: now.Add(-time.Hour), Expires: now.Add(-2 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	vp, err := k.di.AddProof(ctx, func() []byte {
		raw, _ := json.Marshal(map[string]any{"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "type": []string{"VerifiablePresentation"},
			"holder": holderDID, "verifiableCredential": []json.RawMessage{k.ldp(opts{}, dataintegrity.EdDSARDFC2022)}})
		return raw
	}(), k.holder, holderDID+"#h", dataintegrity.EdDSAJCS2022, dataintegrity.ProofOptions{Purpose: dataintegrity.Authentication,
		Challenge: nonce, Domain: audience, Created: now.Add(-time.Hour), Expires: now.Add(-2 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		in     verifier.Input
		leeway time.Duration
		ok     bool
	}{
		{"credential, no leeway", verifier.Input{Credential: cred}, 0, false},
		{"credential, short leeway", verifier.Input{Credential: cred}, time.Minute, false},
		{"credential, leeway", verifier.Input{Credential: cred}, 5 * time.Minute, true},
		{"presentation, no leeway", verifier.Input{Presentation: vp, Nonce: nonce, Audience: audience}, 0, false},
		{"presentation, leeway", verifier.Input{Presentation: vp, Nonce: nonce, Audience: audience}, 5 * time.Minute, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := k.v.Verify(ctx, tc.in, verifier.Policy{TrustedIssuers: []string{issuerDID}, Leeway: verifier.Duration(tc.leeway),
				Optional: []string{verifier.CheckStatus, verifier.CheckSchema}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verified != tc.ok || has(res, verifier.CheckValidity, false) == tc.ok {
				t.Fatalf("verified %v, want %v: %+v", res.Verified, tc.ok, res.Checks)
			}
		})
	}
}

func mustEnvelope(t *testing.T, tok string) any {
	t.Helper()
	env, err := jwtvc.EnvelopeCredential(jwtvc.MediaVC, tok)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// TestPolicyRefusals: a policy that cannot be applied is an error, and no
// check other than trusted_issuer, status and schema can be made optional.
func TestPolicyRefusals(t *testing.T) {
	k := newKit(t)
	in := verifier.Input{Credential: str(k.jwt(opts{}, jwtvc.FormatVCJWT))}
	for name, pol := range map[string]verifier.Policy{
		"optional signature":  {AnyIssuer: true, Optional: []string{verifier.CheckSignature}},
		"optional issuer_key": {AnyIssuer: true, Optional: []string{verifier.CheckIssuerKey}},
		"optional binding":    {AnyIssuer: true, Optional: []string{verifier.CheckHolderBinding}},
		"unknown algorithm":   {AnyIssuer: true, Algorithms: []string{"HS256"}},
		"unknown format":      {AnyIssuer: true, Formats: []string{"mso_mdoc"}},
		"leeway too large":    {AnyIssuer: true, Leeway: verifier.Duration(verifier.MaxLeeway + time.Second)},
		"negative leeway":     {AnyIssuer: true, Leeway: -1},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := k.v.Verify(context.Background(), in, pol); !errors.Is(err, verifier.ErrPolicy) {
				t.Fatalf("want ErrPolicy, got %v", err)
			}
		})
	}
}
